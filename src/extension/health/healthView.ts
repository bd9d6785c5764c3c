// The Health view: the production container as Docker sees it (state, health
// check and its last probes, uptime, start period), NSO as it sees itself
// (version, phase, each package's oper-status with error-info), the last build
// and reload, and every problem with the action that fixes it. Drawn from the
// health monitor's state; shown again only while visible. Opening it asks
// Docker and NSO once for fresh details (that is a user action, not idle).

import * as vscode from 'vscode';

import {
  formatDuration,
  healthCheckWords,
  type HealthProblem,
  type NsoHealth,
  type OperationResult,
  type Severity,
} from '../../core/nso/health';
import type { WorkbenchContext } from '../context';
import { fixCommand, RegisteredCommands } from './fixes';
import type { NsoStatus } from './nsoStatus';

export interface HealthNode {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string | vscode.MarkdownString;
  readonly icon?: vscode.ThemeIcon;
  readonly command?: vscode.Command;
  readonly children?: readonly HealthNode[];
  readonly expanded?: boolean;
  readonly contextValue?: string;
}

/** NSO is asked again on opening the view when its last answer is older than this. */
const probeFreshMs = 30_000;

export class HealthView implements vscode.TreeDataProvider<HealthNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HealthNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly commands = new RegisteredCommands();
  private tree: vscode.TreeView<HealthNode> | undefined;
  private roots: HealthNode[] = [];
  private dirty = true;
  private ticker: NodeJS.Timeout | undefined;

  static setup(ctx: WorkbenchContext, status: NsoStatus): HealthView {
    const view = new HealthView(status);
    const tree = vscode.window.createTreeView('nso.health', { treeDataProvider: view });
    view.tree = tree;
    ctx.subscriptions.push(
      view,
      tree,
      status.onDidChangeHealth(() => view.changedSoon()),
      tree.onDidChangeVisibility((e) => {
        if (e.visible) void view.shown();
        else view.stopTicker();
      }),
    );
    return view;
  }

  private constructor(private readonly status: NsoStatus) {}

  /** The rendered tree, for tests and the snapshot command. */
  snapshot(): { label: string; description?: string; children: string[] }[] {
    const build = this.build(this.status.health);
    const flatten = (n: HealthNode): string[] => [
      [n.label, n.description].filter(Boolean).join(' — '),
      ...(n.children ?? []).flatMap(flatten),
    ];
    return build.map((n) => ({
      label: n.label,
      ...(n.description !== undefined ? { description: n.description } : {}),
      children: (n.children ?? []).flatMap(flatten),
    }));
  }

  get visible(): boolean {
    return this.tree?.visible ?? false;
  }

  /** The Refresh button: fresh details from Docker and NSO, then redraw. */
  async refresh(): Promise<void> {
    this.status.retryNow();
    const prod = this.status.prodContainer();
    await Promise.all([
      prod ? this.status.refreshContainer(prod.id) : Promise.resolve(),
      this.status.probeNow(),
    ]);
    this.redraw();
  }

  dispose(): void {
    this.stopTicker();
    this.changed.dispose();
  }

  stopTicker(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private async shown(): Promise<void> {
    this.status.start();
    await this.commands.refresh();
    this.redraw();
    const health = this.status.health;
    const prod = this.status.prodContainer();
    if (prod && prod.state === 'running') {
      const stale = !health.nso || Date.now() - health.nso.probedAt > probeFreshMs;
      await Promise.all([
        this.status.refreshContainer(prod.id),
        stale ? this.status.probeNow() : Promise.resolve(),
      ]);
    }
  }

  private changedSoon(): void {
    if (!this.visible) {
      this.dirty = true;
      return;
    }
    void this.commands.refresh().then(() => this.redraw());
  }

  private redraw(): void {
    this.dirty = false;
    this.roots = this.build(this.status.health);
    this.changed.fire(undefined);

    // Uptime, start-period and "… ago" counters move locally; no Docker call behind
    // them. Every 5 s at rest, so "asked 1 s ago" does not stand for half a minute.
    const health = this.status.health;
    const period = health.state === 'starting' || health.activity ? 1000 : 5000;
    this.stopTicker();
    if (this.visible && (health.container || health.activity)) {
      this.ticker = setInterval(() => {
        if (!this.visible) return this.stopTicker();
        this.roots = this.build(this.status.health);
        this.changed.fire(undefined);
      }, period);
    }
  }

  getChildren(node?: HealthNode): HealthNode[] {
    if (node) return [...(node.children ?? [])];
    if (this.dirty || this.roots.length === 0) this.roots = this.build(this.status.health);
    return this.roots;
  }

  getTreeItem(node: HealthNode): vscode.TreeItem {
    const hasChildren = (node.children?.length ?? 0) > 0;
    const item = new vscode.TreeItem(
      node.label,
      hasChildren
        ? node.expanded
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip ?? [node.label, node.description].filter(Boolean).join('\n');
    item.iconPath = node.icon;
    if (node.command) item.command = node.command;
    item.contextValue = node.contextValue ?? 'nso.health.item';
    return item;
  }

  // ---------------------------------------------------------------------------

  private build(h: NsoHealth): HealthNode[] {
    const now = Date.now();
    const registered = this.commands.set;
    const nodes: HealthNode[] = [];
    const c = h.container;

    nodes.push({
      id: 'summary',
      label: h.summary,
      ...(c ? { description: c.name } : {}),
      icon: stateIcon(h),
      contextValue: `nso.health.summary.${h.state}`,
    });

    if (h.problems.length > 0) {
      nodes.push({
        id: 'problems',
        label: `Problems (${h.problems.length})`,
        icon: new vscode.ThemeIcon('warning'),
        expanded: true,
        children: h.problems.map((p) => problemNode(p, registered)),
      });
    }

    if (c) {
      const rows: HealthNode[] = [];
      const state = c.state === 'exited' ? `exited (${c.exitCode ?? '?'})` : c.state;
      rows.push({
        id: 'c/state',
        label: 'State',
        description: state,
        icon: new vscode.ThemeIcon('pulse'),
      });
      rows.push({
        id: 'c/health',
        label: 'Health check',
        description: healthCheckWords(h),
        icon: new vscode.ThemeIcon('heart'),
      });
      if (h.uptimeMs !== undefined) {
        rows.push({
          id: 'c/uptime',
          label: 'Up',
          description: formatDuration(h.uptimeMs),
          icon: new vscode.ThemeIcon('clock'),
        });
      }
      if (h.startPeriod) {
        const left = h.startPeriod.totalMs - h.startPeriod.elapsedMs;
        rows.push({
          id: 'c/startPeriod',
          label: 'Start period',
          description:
            left > 0
              ? `${formatDuration(left)} left of ${formatDuration(h.startPeriod.totalMs)}`
              : `over (${formatDuration(h.startPeriod.totalMs)})`,
          icon: new vscode.ThemeIcon('watch'),
        });
      }
      if (c.restartCount > 0) {
        rows.push({
          id: 'c/restarts',
          label: 'Restarts',
          description: String(c.restartCount),
          icon: new vscode.ThemeIcon('debug-restart'),
        });
      }
      rows.push({
        id: 'c/image',
        label: 'Image',
        description: c.image,
        icon: new vscode.ThemeIcon('package'),
      });
      if (c.probes.length > 0) {
        rows.push({
          id: 'c/probes',
          label: 'Last health probes',
          description: `${c.probes.length}`,
          icon: new vscode.ThemeIcon('history'),
          expanded: c.health === 'unhealthy' && c.state === 'running',
          children: [...c.probes].reverse().map((p, i) => ({
            id: `c/probes/${i}`,
            label: `exit ${p.exitCode}`,
            description: `${timeOf(p.end)}${p.output.trim() ? ` · ${p.output.trim().split('\n')[0]}` : ''}`,
            tooltip: `${p.end}\nexit ${p.exitCode}\n${p.output}`,
            icon: new vscode.ThemeIcon(p.exitCode === 0 ? 'pass' : 'error'),
          })),
        });
      }
      nodes.push({
        id: 'container',
        label: `Container ${c.name}`,
        description: c.id.slice(0, 12),
        icon: new vscode.ThemeIcon('vm'),
        expanded: true,
        children: rows,
      });
    }

    if (h.nso) {
      const rows: HealthNode[] = [];
      if (h.nso.version)
        rows.push({ id: 'nso/version', label: 'Version', description: h.nso.version });
      if (h.nso.status) rows.push({ id: 'nso/status', label: 'Status', description: h.nso.status });
      if (h.nso.phase !== undefined)
        rows.push({ id: 'nso/phase', label: 'Phase', description: String(h.nso.phase) });
      if (h.nso.probeError)
        rows.push({
          id: 'nso/error',
          label: 'Could not ask',
          description: h.nso.probeError,
          icon: new vscode.ThemeIcon('error'),
        });
      nodes.push({
        id: 'nso',
        label: 'NSO',
        description: `asked ${formatDuration(now - h.nso.probedAt)} ago`,
        icon: new vscode.ThemeIcon('server-process'),
        expanded: true,
        children: rows,
      });
    }

    if (h.packages) {
      const down = h.packages.filter((p) => p.operStatus !== 'up').length;
      nodes.push({
        id: 'packages',
        label: `Packages (${h.packages.length})`,
        description: down > 0 ? `${down} down` : 'all up',
        icon: new vscode.ThemeIcon('package'),
        expanded: true,
        children: h.packages.map((p) => ({
          id: `pkg/${p.name}`,
          label: p.name,
          description: [p.operStatus, p.detail, p.version].filter(Boolean).join(' · '),
          tooltip: [p.name, p.operStatus, ...p.errorInfo].join('\n'),
          icon:
            p.operStatus === 'up'
              ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
              : new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
          expanded: p.operStatus !== 'up',
          children: p.errorInfo.map((e, i) => ({ id: `pkg/${p.name}/${i}`, label: e, tooltip: e })),
          contextValue: `nso.health.package.${p.operStatus === 'up' ? 'up' : 'down'}`,
        })),
      });
    }

    for (const r of [h.lastBuild, h.lastReload]) if (r) nodes.push(resultNode(r, now));

    if (h.activity) {
      nodes.push({
        id: 'activity',
        label: `${h.activity.kind === 'building' ? 'Building' : 'Reloading'}${h.activity.detail ? `: ${h.activity.detail}` : ''}`,
        description: formatDuration(now - h.activity.startedAt),
        icon: new vscode.ThemeIcon('loading~spin'),
      });
    }

    nodes.push({
      id: 'docker',
      label: 'Docker',
      description: `${h.endpoint} · ${phaseWords(h.engine.phase)}`,
      tooltip: h.engine.failure ? `${h.endpoint}\n${h.engine.failure.message}` : h.endpoint,
      icon: new vscode.ThemeIcon(h.engine.phase === 'live' ? 'plug' : 'debug-disconnect'),
    });
    return nodes;
  }
}

function problemNode(p: HealthProblem, registered: ReadonlySet<string>): HealthNode {
  const fixes = p.fixes
    .map((f) => fixCommand(f, registered))
    .filter((x): x is vscode.Command => x !== undefined);
  const detailLines = (p.detail ?? '').split('\n').filter((l) => l.trim() !== '');
  return {
    id: `problem/${p.id}`,
    label: p.message,
    ...(detailLines[0] ? { description: detailLines[0] } : {}),
    tooltip: [p.message, p.detail].filter(Boolean).join('\n\n'),
    icon: severityIcon(p.severity),
    ...(fixes[0] ? { command: fixes[0] } : {}),
    expanded: true,
    contextValue: 'nso.health.problem',
    children: [
      ...detailLines.slice(1).map((line, i) => ({ id: `problem/${p.id}/d${i}`, label: line })),
      ...fixes.map((f, i) => ({
        id: `problem/${p.id}/fix${i}`,
        label: f.title,
        icon: new vscode.ThemeIcon('wrench'),
        command: f,
        contextValue: 'nso.health.fix',
      })),
    ],
  };
}

function resultNode(r: OperationResult, now: number): HealthNode {
  return {
    id: `last/${r.kind}`,
    label: `Last ${r.kind}: ${r.summary}`,
    description: `${formatDuration(now - r.at)} ago${r.durationMs !== undefined ? ` · took ${formatDuration(r.durationMs)}` : ''}`,
    icon: r.ok
      ? new vscode.ThemeIcon('check', new vscode.ThemeColor('testing.iconPassed'))
      : new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
    children: (r.packages ?? []).map((p) => ({
      id: `last/${r.kind}/${p.name}`,
      label: p.name,
      ...(p.message ? { description: p.message } : {}),
      icon: new vscode.ThemeIcon(p.ok ? 'pass' : 'error'),
    })),
  };
}

function severityIcon(s: Severity): vscode.ThemeIcon {
  switch (s) {
    case 'error':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    case 'warning':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'));
    default:
      return new vscode.ThemeIcon('info');
  }
}

function stateIcon(h: NsoHealth): vscode.ThemeIcon {
  switch (h.state) {
    case 'healthy':
    case 'running':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'starting':
    case 'building':
    case 'reloading':
    case 'connecting':
      return new vscode.ThemeIcon('loading~spin');
    case 'unhealthy':
    case 'engineDown':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    case 'packagesDown':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'));
    case 'stopped':
      return new vscode.ThemeIcon('debug-stop');
    case 'noContainer':
      return new vscode.ThemeIcon('circle-slash');
  }
}

function phaseWords(phase: string): string {
  switch (phase) {
    case 'live':
      return 'live events';
    case 'polling':
      return 'event stream down, polling every 30 s';
    case 'unreachable':
      return 'not reachable';
    case 'connecting':
      return 'connecting';
    default:
      return phase;
  }
}

function timeOf(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toLocaleTimeString();
}
