// The one place the extension learns about NSO containers: a container
// watcher on the current Docker connection and the health monitor over it.
// The Containers and Health views, the status bar and other features (build,
// reload) subscribe here; nothing else watches Docker.
//
// For other features:
//   const run = status.beginActivity('reloading', 'packages reload'); … run.end();
//   status.publishResult({ kind: 'reload', ok, summary, at: Date.now(), packages });
//   status.onDidChangeHealth((health) => …)        // NsoHealth, see core/nso/health.ts
//   status.onDidChangeContainers(() => status.containers())
//   status.useContainer(idOrName)                   // follow a container the user picked

import * as vscode from 'vscode';

import type { DockerClient, DockerEvent } from '../../core/docker/client';
import { isDockerError } from '../../core/docker/errors';
import type { ActivityKind, NsoHealth, OperationResult } from '../../core/nso/health';
import {
  ContainerWatcher,
  type WatchedContainer,
  type WatchStatus,
} from '../../core/watch/containerWatcher';
import { type ActivityHandle, HealthMonitor } from '../../core/watch/healthMonitor';
import {
  type ContainerGroup,
  groupNsoContainers,
  isWatchedContainer,
} from '../../core/watch/nsoContainers';
import type { WorkbenchContext } from '../context';

const preferredKey = 'nso.health.preferredContainer';

export class NsoStatus implements vscode.Disposable {
  private readonly healthEmitter = new vscode.EventEmitter<NsoHealth>();
  private readonly containersEmitter = new vscode.EventEmitter<void>();
  private readonly connectionEmitter = new vscode.EventEmitter<WatchStatus | undefined>();
  private readonly eventEmitter = new vscode.EventEmitter<DockerEvent>();
  private readonly imageEventEmitter = new vscode.EventEmitter<DockerEvent>();

  /** The workspace's NSO health changed (state, problems, packages, activity...). */
  readonly onDidChangeHealth = this.healthEmitter.event;
  /** The set of NSO containers or their states changed. */
  readonly onDidChangeContainers = this.containersEmitter.event;
  /** The Docker connection changed phase (live, unreachable, polling...). */
  readonly onDidChangeConnection = this.connectionEmitter.event;
  /** Each Docker event about an NSO container, as the engine sent it. */
  readonly onContainerEvent = this.eventEmitter.event;
  /** An image loaded, tagged, untagged, deleted, imported or pulled (same stream). */
  readonly onImageEvent = this.imageEventEmitter.event;

  readonly monitor: HealthMonitor;
  private watcher: ContainerWatcher | undefined;
  private client: DockerClient | undefined;
  private connection: vscode.Disposable[] = [];
  private started = false;

  constructor(private readonly ctx: WorkbenchContext) {
    this.monitor = new HealthMonitor({
      workspacePaths: () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      adminUser: () => adminUser(this.monitor.prodContainer()),
      preferredContainer: () => this.preferredContainer(),
      log: (level, message) => ctx.log[level](message),
    });
    this.monitor.onHealthChanged((h) => this.healthEmitter.fire(h));
    ctx.subscriptions.push(
      this,
      ctx.onDidChangeDocker(() => {
        if (this.started) this.connect();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.containersEmitter.fire()),
    );
  }

  /** Starts watching (the first caller wins; later calls do nothing). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.connect();
  }

  get health(): NsoHealth {
    return this.monitor.health;
  }

  /** The connection's state; undefined when there is no client at all (bad setting). */
  get connectionStatus(): WatchStatus | undefined {
    return this.watcher?.status;
  }

  /** The current Docker client, when one could be created. */
  get docker(): DockerClient | undefined {
    return this.client;
  }

  /** Every watched container (NSO ones and Compose siblings). */
  containers(): WatchedContainer[] {
    return this.watcher?.containers() ?? [];
  }

  container(idOrName: string): WatchedContainer | undefined {
    return this.watcher?.container(idOrName);
  }

  /** The NSO containers as the Containers view groups them. */
  groups(): ContainerGroup[] {
    return groupNsoContainers(
      this.containers(),
      (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    );
  }

  prodContainer(): WatchedContainer | undefined {
    return this.monitor.prodContainer();
  }

  beginActivity(kind: ActivityKind, detail?: string): ActivityHandle {
    return this.monitor.beginActivity(kind, detail);
  }

  publishResult(result: OperationResult): void {
    this.monitor.publishResult(result);
  }

  /** Follows this container in the Health view and status bar (undefined: back to automatic). */
  async useContainer(idOrName: string | undefined): Promise<void> {
    await this.ctx.extension.workspaceState.update(preferredKey, idOrName);
    this.selectionChanged();
  }

  /**
   * The container to follow may have changed without a Docker event (a
   * container was attached with Use Existing Container…): look again.
   */
  selectionChanged(): void {
    this.monitor.reassess();
    this.containersEmitter.fire();
  }

  /**
   * The container the user chose: here, or through Use Existing Container…
   * of the production-container feature (kept per workspace folder under
   * `nso.prod.attached:<folder uri>`).
   */
  private preferredContainer(): string | undefined {
    const state = this.ctx.extension.workspaceState;
    const chosen = state.get<string>(preferredKey);
    if (chosen) return chosen;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const attached = state.get<string>(`nso.prod.attached:${folder.uri.toString()}`);
      if (attached) return attached;
    }
    return undefined;
  }

  /** Skips the reconnect delay (the user pressed Retry). */
  retryNow(): void {
    if (!this.watcher) this.connect();
    else this.watcher.retryNow();
  }

  /** Fresh details of one container (or all), e.g. the latest health probes. */
  async refreshContainer(id?: string): Promise<void> {
    await this.watcher?.refresh(id);
  }

  /** Asks NSO for its state now. */
  probeNow(): Promise<void> {
    return this.monitor.probeNow();
  }

  dispose(): void {
    this.disconnect();
    this.monitor.dispose();
    this.healthEmitter.dispose();
    this.containersEmitter.dispose();
    this.connectionEmitter.dispose();
    this.eventEmitter.dispose();
    this.imageEventEmitter.dispose();
  }

  private connect(): void {
    this.disconnect();
    let client: DockerClient;
    try {
      client = this.ctx.docker;
    } catch (error) {
      // A malformed nso.docker.host or context: said once in the log, shown in the views.
      const message = error instanceof Error ? error.message : String(error);
      const kind = isDockerError(error) ? error.kind : 'configuration';
      const setting = vscode.workspace.getConfiguration('nso').get<string>('docker.host', '');
      this.ctx.log.error(`Docker: ${message}`);
      this.monitor.disconnect(setting || 'the configured Docker engine', { kind, message });
      this.connectionEmitter.fire(undefined);
      this.containersEmitter.fire();
      return;
    }
    this.client = client;
    const watcher = new ContainerWatcher(client, {
      relevant: isWatchedContainer,
      log: (level, message) => this.ctx.log[level](message),
    });
    this.watcher = watcher;
    this.connection.push(
      { dispose: () => void watcher.dispose() },
      watcher.onContainersChanged(() => this.containersEmitter.fire()),
      watcher.onStatusChanged((s) => {
        this.connectionEmitter.fire(s);
        this.containersEmitter.fire();
      }),
      watcher.onEvent((e) => this.eventEmitter.fire(e)),
      watcher.onImageEvent((e) => this.imageEventEmitter.fire(e)),
    );
    this.monitor.connect(watcher, client);
    watcher.start();
    this.ctx.onConnection({ dispose: () => this.disconnect() });
  }

  private disconnect(): void {
    for (const d of this.connection.splice(0)) d.dispose();
    this.watcher = undefined;
    this.client = undefined;
  }
}

/** The NSO user for `ncs_cli` and the probe (`nso.adminUser`, default admin). */
export function adminUser(container?: WatchedContainer): string {
  const config = vscode.workspace.getConfiguration('nso');
  const explicit = config.inspect<string>('adminUser');
  const set = explicit?.workspaceFolderValue ?? explicit?.workspaceValue ?? explicit?.globalValue;
  if (set && set.trim() !== '') return set.trim();
  // The production image creates ADMIN_USERNAME at first start: it is the user NSO knows.
  const fromContainer = container?.details?.env.ADMIN_USERNAME;
  if (fromContainer && fromContainer.trim() !== '') return fromContainer.trim();
  return config.get<string>('adminUser', 'admin').trim() || 'admin';
}
