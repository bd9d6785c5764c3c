// The Containers view: the workspace's NSO containers, Compose projects with
// NSO, and other NSO containers, with state, image and NSO version, ports and
// mounts. It reads the watcher's model only; a hidden view is not redrawn
// until it is shown again. An unreachable engine is content of the tree with
// the actions that help, not a popup.

import * as path from 'node:path';
import * as vscode from 'vscode';

import type { WatchedContainer } from '../../core/watch/containerWatcher';
import {
  type ContainerGroup,
  containerRole,
  describeMount,
  describePorts,
  describeState,
  nsoImageVersion,
} from '../../core/watch/nsoContainers';
import { composeServiceLabel } from '../../core/nso/labels';
import type { WorkbenchContext } from '../context';
import type { NsoStatus } from '../health/nsoStatus';

export type ContainersNode =
  | { readonly kind: 'group'; readonly group: ContainerGroup }
  | ContainerNode
  | {
      readonly kind: 'detail';
      readonly id: string;
      readonly label: string;
      readonly description?: string;
      readonly icon: string;
      readonly tooltip?: string;
    }
  | {
      readonly kind: 'message';
      readonly id: string;
      readonly label: string;
      readonly description?: string;
      readonly tooltip?: string;
      readonly icon: string;
      readonly command?: vscode.Command;
      readonly children?: readonly ContainersNode[];
    };

export interface ContainerNode {
  readonly kind: 'container';
  readonly container: WatchedContainer;
}

export class ContainersView implements vscode.TreeDataProvider<ContainersNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ContainersNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly shown = new vscode.EventEmitter<void>();
  /** The view became visible (what is looked up only for a visible view starts then). */
  readonly onDidShow = this.shown.event;
  private tree: vscode.TreeView<ContainersNode> | undefined;
  private dirty = false;
  private debounce: NodeJS.Timeout | undefined;

  static setup(ctx: WorkbenchContext, status: NsoStatus): ContainersView {
    const view = new ContainersView(status);
    const tree = vscode.window.createTreeView('nso.containers', {
      treeDataProvider: view,
      showCollapseAll: true,
    });
    view.tree = tree;
    ctx.subscriptions.push(
      view,
      tree,
      status.onDidChangeContainers(() => view.changedSoon()),
      tree.onDidChangeVisibility((e) => {
        // Opening the view starts the watcher if nothing did yet.
        if (e.visible) status.start();
        if (e.visible && view.dirty) view.refresh();
        if (e.visible) view.shown.fire();
      }),
    );
    return view;
  }

  private constructor(private readonly status: NsoStatus) {}

  /** Redraws now (the Refresh button: also re-reads the containers' details). */
  refresh(): void {
    this.dirty = false;
    void this.updateContext();
    this.changed.fire(undefined);
  }

  /** Re-reads every container's details from Docker, then redraws. */
  async reload(): Promise<void> {
    this.status.retryNow();
    await this.status.refreshContainer();
    this.refresh();
  }

  dispose(): void {
    clearTimeout(this.debounce);
    this.changed.dispose();
    this.shown.dispose();
  }

  /** The container items currently shown, for pickers and tests. */
  containerNodes(): ContainerNode[] {
    return this.status
      .groups()
      .flatMap((g) => g.containers.map((container) => ({ kind: 'container' as const, container })));
  }

  private changedSoon(): void {
    // Only a visible view is redrawn; a hidden one catches up when shown.
    if (!this.tree?.visible) {
      this.dirty = true;
      void this.updateContext();
      return;
    }
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.refresh(), 50);
  }

  private async updateContext(): Promise<void> {
    const connection = this.status.connectionStatus;
    await vscode.commands.executeCommand(
      'setContext',
      'nso.containers.count',
      this.containerNodes().length,
    );
    await vscode.commands.executeCommand(
      'setContext',
      'nso.docker.phase',
      connection?.phase ?? 'unavailable',
    );
  }

  getChildren(node?: ContainersNode): ContainersNode[] {
    if (!node) return this.roots();
    switch (node.kind) {
      case 'group':
        return node.group.containers.map((container) => ({ kind: 'container', container }));
      case 'container':
        return this.details(node.container);
      case 'message':
        return [...(node.children ?? [])];
      case 'detail':
        return [];
    }
  }

  /** No engine answers now: what the view shows is the last state it knew. */
  private stale(): boolean {
    const phase = this.status.connectionStatus?.phase;
    return phase === undefined || phase === 'unreachable';
  }

  getParent(): undefined {
    return undefined;
  }

  private roots(): ContainersNode[] {
    const connection = this.status.connectionStatus;
    const health = this.status.health;
    const out: ContainersNode[] = [];

    if (!connection || connection.phase === 'unreachable') {
      const problem = health.problems.find((p) => p.id === 'engine');
      out.push({
        kind: 'message',
        id: 'engine',
        label: `Docker not reachable at ${health.endpoint || 'the configured engine'}`,
        description: problem?.detail ?? health.engine.failure?.message ?? '',
        tooltip: `${problem?.detail ?? health.engine.failure?.message ?? ''}${
          connection?.nextAttemptAt
            ? `\n\nNext attempt at ${new Date(connection.nextAttemptAt).toLocaleTimeString()}`
            : ''
        }`,
        icon: 'debug-disconnect',
        children: [
          {
            kind: 'message',
            id: 'engine/retry',
            label: 'Retry now',
            icon: 'debug-restart',
            command: { title: 'Retry', command: 'nso.docker.retry' },
          },
          {
            kind: 'message',
            id: 'engine/setting',
            label: 'Set the Docker engine (nso.docker.host)…',
            icon: 'settings-gear',
            command: {
              title: 'Settings',
              command: 'workbench.action.openSettings',
              arguments: ['nso.docker.host'],
            },
          },
          {
            kind: 'message',
            id: 'engine/log',
            label: 'Show Log',
            icon: 'output',
            command: { title: 'Show Log', command: 'nso.log.show' },
          },
        ],
      });
      // The last known containers stay useful for orientation, marked as stale.
      if (this.status.containers().length === 0) return out;
    } else if (connection.phase === 'polling') {
      out.push({
        kind: 'message',
        id: 'polling',
        label: 'Live updates paused: refreshing every 30 s',
        description: connection.failure?.message ?? '',
        tooltip: `The Docker event stream does not stay up: ${connection.failure?.message ?? ''}`,
        icon: 'sync-ignored',
      });
    } else if (connection.phase === 'connecting' && connection.syncedAt === undefined) {
      out.push({
        kind: 'message',
        id: 'connecting',
        label: 'Connecting to Docker…',
        icon: 'loading~spin',
      });
      return out;
    }

    for (const group of this.status.groups()) out.push({ kind: 'group', group });
    return out;
  }

  private details(c: WatchedContainer): ContainersNode[] {
    const d = c.details;
    const out: ContainersNode[] = [];
    const detail = (
      key: string,
      label: string,
      icon: string,
      description?: string,
      tooltip?: string,
    ): void => {
      out.push({
        kind: 'detail',
        id: `${c.id}/${key}`,
        label,
        icon,
        ...(description !== undefined ? { description } : {}),
        ...(tooltip !== undefined ? { tooltip } : {}),
      });
    };
    const version = nsoImageVersion(c.image);
    detail('image', c.image, 'package', version ? `NSO ${version}` : undefined);
    detail(
      'state',
      describeState(c),
      'pulse',
      d?.state.startedAt && c.state === 'running'
        ? `since ${d.state.startedAt.toLocaleString()}`
        : undefined,
    );
    for (const [i, p] of describePorts(c).entries()) detail(`port${i}`, p, 'plug');
    for (const [i, m] of (d?.mounts ?? []).entries()) {
      detail(
        `mount${i}`,
        m.destination,
        m.type === 'volume' ? 'database' : 'folder',
        describeMount(m),
      );
    }
    return out;
  }

  getTreeItem(node: ContainersNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group':
        return groupItem(node.group);
      case 'container':
        return containerItem(node.container, this.stale());
      case 'detail': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = node.description;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.tooltip = node.tooltip ?? [node.label, node.description].filter(Boolean).join('\n');
        item.contextValue = 'nso.container.detail';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(
          node.label,
          node.children && node.children.length > 0
            ? vscode.TreeItemCollapsibleState.Expanded
            : vscode.TreeItemCollapsibleState.None,
        );
        item.id = node.id;
        item.description = node.description;
        item.tooltip = node.tooltip ?? node.label;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        if (node.command) item.command = node.command;
        item.contextValue = `nso.message.${node.id}`;
        return item;
      }
    }
  }
}

function groupItem(group: ContainerGroup): vscode.TreeItem {
  const label =
    group.kind === 'workspace'
      ? `This workspace: ${path.basename(group.workspacePath)}`
      : group.kind === 'compose'
        ? `Compose: ${group.project}`
        : 'Other NSO containers';
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
  item.id =
    group.kind === 'workspace'
      ? `ws:${group.workspacePath}`
      : group.kind === 'compose'
        ? `compose:${group.project}`
        : 'other';
  item.description = `${group.containers.length}`;
  item.iconPath = new vscode.ThemeIcon(
    group.kind === 'compose'
      ? 'layers'
      : group.kind === 'workspace'
        ? 'root-folder'
        : 'server-environment',
  );
  if (group.kind === 'workspace') item.tooltip = group.workspacePath;
  item.contextValue = `nso.containerGroup.${group.kind}`;
  return item;
}

function containerItem(c: WatchedContainer, stale: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = c.id;
  const role = containerRole(c);
  const version = nsoImageVersion(c.image);
  const service = c.labels[composeServiceLabel];
  item.description = [
    stale ? `last known: ${describeState(c)}` : describeState(c),
    version ? `NSO ${version}` : undefined,
    role,
    service && service !== c.name ? service : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  item.iconPath = stateIcon(c);
  const running = c.state === 'running' || c.state === 'restarting' || c.state === 'paused';
  item.contextValue = `nso.container.${running ? 'running' : 'stopped'}.${role ?? 'other'}`;

  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(
    `**${c.name}** — ${describeState(c)}${stale ? ' (the last state known: Docker is not reachable)' : ''}\n\n`,
  );
  md.appendMarkdown(`Image \`${c.image}\`${version ? ` (NSO ${version})` : ''}\n\n`);
  md.appendMarkdown(`ID \`${c.id.slice(0, 12)}\`${role ? ` · ${role} container` : ''}\n\n`);
  const d = c.details;
  const ports = describePorts(c);
  if (ports.length > 0) md.appendMarkdown(`Ports: ${ports.join(', ')}\n\n`);
  if (d && d.mounts.length > 0) {
    md.appendMarkdown(`Mounts:\n\n${d.mounts.map((m) => `- ${describeMount(m)}`).join('\n')}\n\n`);
  }
  item.tooltip = md;
  return item;
}

function stateIcon(c: WatchedContainer): vscode.ThemeIcon {
  if (c.state !== 'running') {
    const crashed = (c.details?.state.exitCode ?? 0) !== 0;
    return new vscode.ThemeIcon(
      crashed ? 'error' : 'debug-stop',
      crashed ? new vscode.ThemeColor('errorForeground') : undefined,
    );
  }
  switch (c.health) {
    case 'starting':
      return new vscode.ThemeIcon('loading~spin');
    case 'unhealthy':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    case 'healthy':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    default:
      return new vscode.ThemeIcon('vm-running');
  }
}
