// The NSO status-bar item: the production container's health at a glance,
// driven by the health monitor's events (never by polling Docker). A local
// one-second timer runs only while a state shows elapsed time (starting,
// building, reloading), to move the counter; it makes no Docker call.

import * as vscode from 'vscode';

import {
  formatDuration,
  healthCheckWords,
  type NsoHealth,
  statusBarText,
} from '../core/nso/health';
import type { WorkbenchContext } from './context';
import { commandLink, featureCommands, fixCommand, RegisteredCommands } from './health/fixes';
import type { NsoStatus } from './health/nsoStatus';

/** What the tests read back: the item as the user sees it. */
export interface StatusBarSnapshot {
  readonly text: string;
  readonly tooltip: string;
  readonly background: string | undefined;
  readonly command: string | undefined;
  /** When the text last changed (ms since the epoch). */
  readonly changedAt: number;
}

const tickingStates = new Set(['starting', 'building', 'reloading', 'connecting']);

export class NsoStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly commands = new RegisteredCommands();
  private ticker: NodeJS.Timeout | undefined;
  private changedAt = Date.now();

  static setup(ctx: WorkbenchContext, status: NsoStatus): NsoStatusBar {
    const bar = new NsoStatusBar(status);
    ctx.subscriptions.push(
      bar,
      status.onDidChangeHealth(() => void bar.refreshCommandsAndRender()),
    );
    void bar.refreshCommandsAndRender();
    return bar;
  }

  private constructor(private readonly status: NsoStatus) {
    this.item = vscode.window.createStatusBarItem('nso.health', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'NSO Health';
    this.item.command = { title: 'Show NSO Health', command: 'nso.health.show' };
    this.render();
    this.item.show();
  }

  snapshot(): StatusBarSnapshot {
    const tooltip = this.item.tooltip;
    const background = this.item.backgroundColor;
    return {
      text: this.item.text,
      tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''),
      background: background?.id,
      command:
        typeof this.item.command === 'string' ? this.item.command : this.item.command?.command,
      changedAt: this.changedAt,
    };
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.item.dispose();
  }

  private async refreshCommandsAndRender(): Promise<void> {
    // Render at once with what is known, then again once the command list is in.
    this.render();
    await this.commands.refresh();
    this.render();
  }

  private render(): void {
    const health = this.status.health;
    const now = Date.now();
    const text = statusBarText(health, now);
    if (text !== this.item.text) this.changedAt = now;
    this.item.text = text;
    this.item.backgroundColor =
      health.severity === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : health.severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.accessibilityInformation = { label: text.replace(/\$\([^)]*\)\s*/g, '') };
    this.item.tooltip = this.tooltip(health, now);

    const ticking = tickingStates.has(health.state);
    if (ticking && !this.ticker) {
      this.ticker = setInterval(() => this.render(), 1000);
    } else if (!ticking && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private tooltip(health: NsoHealth, now: number): vscode.MarkdownString {
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = true;
    md.appendMarkdown(`**${escape(health.summary)}**\n\n`);

    const c = health.container;
    if (c) {
      const parts = [`Container \`${c.name}\``, `image \`${c.image}\``];
      // From the start time at `now`: the tooltip is rendered again each second while starting.
      const up =
        health.uptimeMs !== undefined && c.startedAt !== undefined
          ? Math.max(0, now - c.startedAt)
          : health.uptimeMs;
      if (up !== undefined) parts.push(`up ${formatDuration(up)}`);
      md.appendMarkdown(`${parts.join(' · ')}\n\n`);
      if (c.health !== 'none') {
        const last = c.probes[c.probes.length - 1];
        const probe = last && c.state === 'running' ? ` (last probe: exit ${last.exitCode})` : '';
        const start = health.startPeriod
          ? `, ${formatDuration(up ?? health.startPeriod.elapsedMs)} of a ${formatDuration(health.startPeriod.totalMs)} start period`
          : '';
        md.appendMarkdown(`Health check: ${escape(healthCheckWords(health))}${probe}${start}\n\n`);
      }
    }
    if (health.packages && health.packages.length === 0) {
      md.appendMarkdown('Packages: none loaded\n\n');
    } else if (health.packages) {
      const down = health.packages.filter((p) => p.operStatus !== 'up');
      md.appendMarkdown(
        `Packages: ${health.packages.length - down.length} up` +
          (down.length > 0
            ? `, ${down.length} down (${down.map((p) => `${escape(p.name)}: ${p.operStatus}`).join(', ')})`
            : '') +
          '\n\n',
      );
    }
    if (health.activity) {
      md.appendMarkdown(
        `$(loading~spin) ${health.activity.kind} ${escape(health.activity.detail ?? '')} for ${formatDuration(now - health.activity.startedAt)}\n\n`,
      );
    }
    for (const r of [health.lastBuild, health.lastReload]) {
      if (!r) continue;
      const when = new Date(r.at).toLocaleTimeString();
      md.appendMarkdown(
        `Last ${r.kind}: ${r.ok ? '$(check)' : '$(error)'} ${escape(r.summary)} (${when})\n\n`,
      );
    }

    const registered = this.commands.set;
    if (health.problems.length > 0) {
      md.appendMarkdown('---\n\n');
      for (const p of health.problems.slice(0, 6)) {
        const icon =
          p.severity === 'error' ? '$(error)' : p.severity === 'warning' ? '$(warning)' : '$(info)';
        const fix = p.fixes.map((f) => fixCommand(f, registered)).find((x) => x !== undefined);
        const detail = p.detail ? ` — ${escape(firstLine(p.detail))}` : '';
        md.appendMarkdown(
          `${icon} ${escape(p.message)}${detail}${fix ? ` ${commandLink(fix)}` : ''}\n\n`,
        );
      }
    }

    // The standing links: the main actions, shown when their command exists.
    const links: vscode.Command[] = [];
    const offer = (command: vscode.Command): void => {
      if (!command.command.startsWith('nso.') || registered.has(command.command))
        links.push(command);
    };
    offer({ title: 'Build and Reload', command: featureCommands.buildAndReload });
    offer({ title: 'Show Health', command: 'nso.health.show' });
    if (c) {
      offer({ title: 'Open Logs', command: 'nso.containers.openNsoLog', arguments: [c.name] });
    }
    if (!c || c.state !== 'running')
      offer({ title: 'Start NSO', command: featureCommands.startNso });
    md.appendMarkdown('---\n\n');
    md.appendMarkdown(links.map(commandLink).join(' · '));
    return md;
  }
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]<>()#+\-.!|]/g, '\\$&');
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}
