// Build diagnostics in the Problems panel, as the ledger in core keeps them:
// a package's new build replaces its diagnostics, a package folder that is
// gone takes its diagnostics along, and a file shows every package's.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';

import { BuildDiagnosticsLedger } from '../../core/build/diagnosticsLedger';
import type { PackageBuildResult, PackageDiagnostic } from '../../core/build/runBuild';

export class BuildProblems implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('nso-build');
  private readonly ledger = new BuildDiagnosticsLedger();

  /** Takes the results of a build: packages that ran make replace their diagnostics. */
  update(results: readonly PackageBuildResult[]): void {
    for (const [file, list] of this.ledger.update(results, existsSync)) {
      this.collection.set(vscode.Uri.file(file), list.map(toDiagnostic));
    }
  }

  /** Forgets every build diagnostic under a folder (a removed workspace folder). */
  clearUnder(folder: string): void {
    // A file there may still carry what a package of another folder said about it.
    for (const file of this.ledger.forgetUnder(folder)) {
      this.collection.set(vscode.Uri.file(file), this.ledger.diagnosticsOf(file).map(toDiagnostic));
    }
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
