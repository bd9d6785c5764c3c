// Wires the containers-and-health feature: the one watcher (NsoStatus), the
// status-bar item, the Containers and Health views and the NSO log documents,
// all part of activation (the status bar shows NSO's state from the start).
// The container actions come with the other features, loaded on first use
// (src/extension/features.ts). Other features receive `status` to publish
// their activity and results (see nsoStatus.ts).

import * as vscode from 'vscode';

import type { NsoHealth } from '../../core/nso/health';
import type { WatchStatus } from '../../core/watch/containerWatcher';
import { ContainersView } from '../containers/containersView';
import { NsoLogDocuments } from '../containers/nsoLogDocuments';
import type { WorkbenchContext } from '../context';
import { NsoStatusBar, type StatusBarSnapshot } from '../statusBar';
import { HealthView } from './healthView';
import { NsoStatus } from './nsoStatus';

export interface NsoStatusFeature {
  readonly status: NsoStatus;
  readonly statusBar: NsoStatusBar;
  readonly containers: ContainersView;
  readonly health: HealthView;
  readonly logs: NsoLogDocuments;
  /** Opens the Health view. */
  show(): Thenable<unknown>;
  /** What the user sees right now (the extension-host tests read it through a command). */
  snapshot(): NsoStatusSnapshot;
}

export interface NsoStatusSnapshot {
  readonly statusBar: StatusBarSnapshot;
  readonly health: NsoHealth;
  readonly connection: WatchStatus | undefined;
  readonly containers: { name: string; state: string; health: string }[];
  readonly healthView: ReturnType<HealthView['snapshot']>;
}

export function setupNsoStatus(ctx: WorkbenchContext): NsoStatusFeature {
  const status = new NsoStatus(ctx);
  const statusBar = NsoStatusBar.setup(ctx, status);
  const containers = ContainersView.setup(ctx, status);
  const health = HealthView.setup(ctx, status);
  const logs = NsoLogDocuments.setup(ctx, status);

  // The status bar wants the state from the start, but activation itself
  // stays free of Docker: the watcher starts right after it.
  const timer = setTimeout(() => status.start(), 0);
  ctx.subscriptions.push({ dispose: () => clearTimeout(timer) });

  return {
    status,
    statusBar,
    containers,
    health,
    logs,
    show: () => vscode.commands.executeCommand('nso.health.focus'),
    snapshot: () => ({
      statusBar: statusBar.snapshot(),
      health: status.health,
      connection: status.connectionStatus,
      containers: containers.containerNodes().map((n) => ({
        name: n.container.name,
        state: n.container.state,
        health: n.container.health,
      })),
      healthView: health.snapshot(),
    }),
  };
}
