// Which build diagnostics each file shows. Each package's last build owns its
// diagnostics: a new build of the package replaces them (fixed errors vanish),
// and a package whose folder is gone loses them (a deleted or renamed package
// leaves no errors on files that no longer exist). A file can carry
// diagnostics from several packages (a module another package imports), so it
// shows the union, each message once. The extension publishes what this says.
import * as path from 'node:path';

import type { PackageBuildResult, PackageDiagnostic } from './runBuild';

export class BuildDiagnosticsLedger {
  /** Package folder -> the diagnostics of its last build. */
  private readonly byPackage = new Map<string, PackageDiagnostic[]>();

  /**
   * Takes a build's results: packages that ran make replace their
   * diagnostics; packages whose folder `exists` denies are forgotten. Returns
   * every file whose list may have changed, with its list now (empty: clear).
   */
  update(
    results: readonly PackageBuildResult[],
    exists: (packageDir: string) => boolean,
  ): Map<string, PackageDiagnostic[]> {
    const touched = new Set<string>();
    const forget = (dir: string): void => {
      for (const d of this.byPackage.get(dir) ?? []) touched.add(d.file);
      this.byPackage.delete(dir);
    };
    for (const r of results) {
      if (r.status !== 'built' && r.status !== 'failed') continue;
      forget(r.dir);
      for (const d of r.diagnostics) touched.add(d.file);
      this.byPackage.set(r.dir, r.diagnostics);
    }
    for (const dir of [...this.byPackage.keys()]) if (!exists(dir)) forget(dir);
    return new Map([...touched].map((file) => [file, this.diagnosticsOf(file)]));
  }

  /** Forgets every package in a folder (a workspace folder closed); returns the files to clear. */
  forgetUnder(folder: string): string[] {
    const files = new Set<string>();
    for (const [dir, list] of [...this.byPackage]) {
      if (dir !== folder && !dir.startsWith(`${folder}${path.sep}`)) continue;
      for (const d of list) files.add(d.file);
      this.byPackage.delete(dir);
    }
    return [...files];
  }

  /** What a file shows: every package's diagnostics on it, each message once. */
  diagnosticsOf(file: string): PackageDiagnostic[] {
    const seen = new Set<string>();
    const out: PackageDiagnostic[] = [];
    for (const list of this.byPackage.values()) {
      for (const d of list) {
        if (d.file !== file) continue;
        const key = `${d.line}|${d.column}|${d.severity}|${d.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(d);
      }
    }
    return out;
  }
}
