import * as vscode from 'vscode';
import type { DockerClient } from '../core/docker';
import { ExecTerminals } from './containers/execTerminals';
import { dockerModule } from './dockerModule';
import type { LazyTrees } from './lazyTrees';

/**
 * What every feature needs, passed explicitly instead of module globals.
 * Two disposal scopes: the extension's lifetime (`subscriptions`) and one
 * Docker connection's (`onConnection`), renewed when the engine setting changes.
 */
export class WorkbenchContext {
  readonly log: vscode.LogOutputChannel;
  readonly subscriptions: vscode.Disposable[];
  private connectionDisposables: vscode.Disposable[] = [];
  private client: DockerClient | undefined;
  /** Someone asked for the client (even when creating it failed on a malformed setting). */
  private dockerWanted = false;
  private readonly dockerChanged = new vscode.EventEmitter<void>();
  /** Fires after `nso.docker.host` changed: `docker` now answers for the new engine. */
  readonly onDidChangeDocker = this.dockerChanged.event;
  private terminals: ExecTerminals | undefined;
  /** The tree views created at activation for features loaded later (see lazyTrees.ts). */
  lazyTrees: LazyTrees | undefined;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.subscriptions = extension.subscriptions;
    this.log = vscode.window.createOutputChannel('NSO Workbench', { log: true });
    this.subscriptions.push(
      this.log,
      this.dockerChanged,
      vscode.workspace.onDidChangeConfiguration((e) => {
        // Not before anyone asked (activation makes no Docker call), but also after
        // a malformed setting left no client: fixing the setting must reconnect.
        if (!e.affectsConfiguration('nso.docker.host') || !this.dockerWanted) return;
        this.resetConnection();
        this.client = undefined;
        // The listeners create the new client themselves: one that cannot be
        // created (a malformed setting) is theirs to report, not a throw in here.
        this.dockerChanged.fire();
      }),
    );
  }

  /** True when the workspace is trusted: only then may we run containers or commands. */
  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /**
   * The Docker client, created on first use (activation makes no Docker call).
   * `nso.docker.host` wins over DOCKER_HOST, DOCKER_CONTEXT and the CLI's context.
   * Creating it can throw a DockerError of kind `configuration` (e.g. a bad host string).
   */
  get docker(): DockerClient {
    this.dockerWanted = true;
    if (!this.client) {
      const override = vscode.workspace
        .getConfiguration('nso')
        .get<string>('docker.host', '')
        .trim();
      const { createDockerClient, nodeEndpointSources } = dockerModule();
      this.client = createDockerClient({
        sources: nodeEndpointSources(override ? { hostOverride: override } : {}),
      });
      this.log.info(`Docker engine: ${this.client.endpoint.description}`);
    }
    return this.client;
  }

  /** The NSO CLI and shell terminals opened so far, by container (made on first use). */
  get execTerminals(): ExecTerminals {
    if (!this.terminals) {
      this.terminals = new ExecTerminals();
      this.subscriptions.push(this.terminals);
    }
    return this.terminals;
  }

  /** The tree view `id`, created at activation, with `provider` from now on. */
  treeView<T>(id: string, provider: vscode.TreeDataProvider<T>): vscode.TreeView<T> {
    if (!this.lazyTrees) throw new Error(`no tree view ${id} was created at activation`);
    return this.lazyTrees.attach(id, provider);
  }

  /** Registers something that lives as long as the current Docker connection. */
  onConnection(d: vscode.Disposable): void {
    this.connectionDisposables.push(d);
  }

  /** Ends the current Docker connection's scope (engine changed or extension stops). */
  resetConnection(): void {
    for (const d of this.connectionDisposables.splice(0)) d.dispose();
  }

  dispose(): Promise<void> {
    this.resetConnection();
    return Promise.resolve();
  }
}

/** VS Code's cancellation token as the AbortSignal the core takes. */
export function toAbortSignal(token: vscode.CancellationToken): {
  signal: AbortSignal;
  dispose(): void;
} {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const sub = token.onCancellationRequested(() => controller.abort());
  return {
    signal: controller.signal,
    dispose: () => {
      sub.dispose();
    },
  };
}
