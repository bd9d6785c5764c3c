// Each problem the health model finds carries fixes; here they become VS Code
// commands for tree items and for links in the status-bar tooltip.

import * as vscode from 'vscode';

import type { FixAction } from '../../core/nso/health';

/**
 * Commands of the start/reload and build features. A fix whose command is not
 * registered (the feature is absent) is left out rather than shown broken.
 */
export const featureCommands = {
  startNso: 'nso.prod.start',
  useExistingContainer: 'nso.prod.useExisting',
  buildAndReload: 'nso.reload.buildAndReload',
  reloadPackages: 'nso.reload.packages',
} as const;

/** The command for a fix, or undefined when its command is not available. */
export function fixCommand(
  fix: FixAction,
  registered: ReadonlySet<string>,
): vscode.Command | undefined {
  const command = ((): vscode.Command => {
    switch (fix.kind) {
      case 'retryDocker':
        return { title: 'Retry', command: 'nso.docker.retry' };
      case 'configureDocker':
        return {
          title: 'Set nso.docker.host…',
          command: 'workbench.action.openSettings',
          arguments: ['nso.docker.host'],
        };
      case 'showLog':
        return { title: 'Show Log', command: 'nso.log.show' };
      case 'startNso':
        return { title: 'Start NSO', command: featureCommands.startNso };
      case 'useExistingContainer':
        return { title: 'Use Existing Container…', command: featureCommands.useExistingContainer };
      case 'startContainer':
        return {
          title: `Start ${fix.container}`,
          command: 'nso.containers.start',
          arguments: [fix.container],
        };
      case 'restartContainer':
        return {
          title: `Restart ${fix.container}`,
          command: 'nso.containers.restart',
          arguments: [fix.container],
        };
      case 'unpauseContainer':
        // Start Container unpauses a paused one.
        return {
          title: `Unpause ${fix.container}`,
          command: 'nso.containers.start',
          arguments: [fix.container],
        };
      case 'showContainerLogs':
        return {
          title: 'Follow Container Logs',
          command: 'nso.containers.followLogs',
          arguments: [fix.container],
        };
      case 'openNsoLog':
        return {
          title: `Open ${fix.file}`,
          command: 'nso.containers.openNsoLog',
          arguments: [fix.container, fix.file],
        };
      case 'openShell':
        return {
          title: 'Open Shell',
          command: 'nso.containers.openShell',
          arguments: [fix.container],
        };
      case 'buildAndReload':
        return { title: 'Build and Reload', command: featureCommands.buildAndReload };
      case 'reloadPackages':
        return { title: 'Reload Packages', command: featureCommands.reloadPackages };
      case 'showProblems':
        return { title: 'Show Problems', command: 'workbench.actions.view.problems' };
      case 'refreshHealth':
        return { title: 'Ask NSO Again', command: 'nso.health.refresh' };
      case 'openSettings':
        return {
          title: `Open Setting ${fix.setting}`,
          command: 'workbench.action.openSettings',
          arguments: [fix.setting],
        };
    }
  })();
  const ours = command.command.startsWith('nso.');
  return !ours || registered.has(command.command) ? command : undefined;
}

/** A `command:` link for Markdown, arguments encoded as VS Code expects. */
export function commandLink(command: vscode.Command): string {
  const args = command.arguments ? `?${encodeURIComponent(JSON.stringify(command.arguments))}` : '';
  return `[${command.title.replace(/[[\]]/g, '')}](command:${command.command}${args})`;
}

/**
 * The commands registered right now, read once per change of the health
 * (cheap enough, and a feature may register its commands after us).
 */
export class RegisteredCommands {
  private names: ReadonlySet<string> = new Set();

  get set(): ReadonlySet<string> {
    return this.names;
  }

  async refresh(): Promise<ReadonlySet<string>> {
    this.names = new Set(await vscode.commands.getCommands(true));
    return this.names;
  }
}
