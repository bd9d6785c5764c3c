import * as vscode from 'vscode';

/**
 * What every feature needs, passed explicitly instead of module globals.
 * Two disposal scopes: the extension's lifetime (`subscriptions`) and one
 * Docker connection's (`connectionScope`, renewed when the engine changes).
 */
export class WorkbenchContext {
  readonly log: vscode.LogOutputChannel;
  readonly subscriptions: vscode.Disposable[];
  private connectionDisposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.subscriptions = extension.subscriptions;
    this.log = vscode.window.createOutputChannel('NSO Workbench', { log: true });
    this.subscriptions.push(this.log);
  }

  /** True when the workspace is trusted: only then may we run containers or commands. */
  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** Registers something that lives as long as the current Docker connection. */
  onConnection(d: vscode.Disposable): void {
    this.connectionDisposables.push(d);
  }

  /** Ends the current Docker connection's scope (engine changed or extension stops). */
  resetConnection(): void {
    for (const d of this.connectionDisposables.splice(0)) d.dispose();
  }

  async dispose(): Promise<void> {
    this.resetConnection();
    await Promise.resolve();
  }
}
