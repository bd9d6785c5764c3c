// Build diagnostics in the Problems panel. Each package's last build owns its
// diagnostics: a new build of the package replaces them (so fixed errors
// vanish), and a file can carry diagnostics from several packages (a module
// imported by another package), so each file shows the union.
import * as vscode from 'vscode';

import type { PackageBuildResult, PackageDiagnostic } from '../../core/build/runBuild';

export class BuildProblems implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('nso-build');
  /** Package folder -> the diagnostics of its last build. */
  private readonly byPackage = new Map<string, PackageDiagnostic[]>();

  /** Takes the results of a build: packages that ran make replace their diagnostics. */
  update(results: readonly PackageBuildResult[]): void {
    const touched = new Set<string>();
    for (const r of results) {
      if (r.status !== 'built' && r.status !== 'failed') continue;
      for (const d of this.byPackage.get(r.dir) ?? []) touched.add(d.file);
      for (const d of r.diagnostics) touched.add(d.file);
      this.byPackage.set(r.dir, r.diagnostics);
    }
    for (const file of touched) this.publish(file);
  }

  /** Forgets every build diagnostic under a folder (a removed workspace folder). */
  clearUnder(folder: string): void {
    for (const dir of [...this.byPackage.keys()]) {
      if (dir.startsWith(folder)) this.byPackage.delete(dir);
    }
    this.collection.forEach((uri) => {
      if (uri.fsPath.startsWith(folder)) this.collection.delete(uri);
    });
  }

  private publish(file: string): void {
    const seen = new Set<string>();
    const diagnostics: vscode.Diagnostic[] = [];
    for (const list of this.byPackage.values()) {
      for (const d of list) {
        if (d.file !== file) continue;
        const key = `${d.line}|${d.column}|${d.severity}|${d.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        diagnostics.push(toDiagnostic(d));
      }
    }
    this.collection.set(vscode.Uri.file(file), diagnostics);
  }

  dispose(): void {
    this.collection.dispose();
  }
}

function toDiagnostic(d: PackageDiagnostic): vscode.Diagnostic {
  const line = Math.max(0, d.line - 1);
  // Without a column the whole line is meant; the editor clips the end to the line.
  const range =
    d.column > 0
      ? new vscode.Range(line, d.column - 1, line, d.column)
      : new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER);
  const diagnostic = new vscode.Diagnostic(
    range,
    d.message,
    d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.source = `NSO build (${d.source})`;
  return diagnostic;
}
