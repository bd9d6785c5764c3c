// What the user can do with an NSO container, from the Containers view (the
// tree item is the argument), from a fix in the Health view or the status bar
// (a container name), or from the palette (a quick pick). Terminals run the
// docker CLI with argv arrays; the docker CLI is pointed at the same engine as
// our client.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

import type { DockerClient } from '../../core/docker/client';
import {
  describeNsoLog,
  documentedNsoLogs,
  listNsoLogs,
  type NsoLogFile,
} from '../../core/nso/nsoLogs';
import type { WatchedContainer } from '../../core/watch/containerWatcher';
import {
  containerChoices,
  containerRole,
  describeMount,
  describeState,
} from '../../core/watch/nsoContainers';
import type { WorkbenchContext } from '../context';
import { adminUser, type NsoStatus } from '../health/nsoStatus';
import type { ContainerNode } from './containersView';
import { terminalsClosingNote } from './execTerminals';
import { openLogTerminal } from './logTerminal';
import { inspectScheme, type NsoLogDocuments } from './nsoLogDocuments';
import { assertNotRestoring } from '../../core/nso/restoreLock';

/** A tree item, a container id or name, or nothing (then a quick pick asks). */
export type ContainerTarget = ContainerNode | string | undefined;

/** NSO writes CDB on stop: give it more than Docker's 10 s before a kill. */
const nsoStopGraceSeconds = 60;

export class ContainerActions {
  constructor(
    private readonly ctx: WorkbenchContext,
    private readonly status: NsoStatus,
    private readonly logs: NsoLogDocuments,
  ) {}

  /** Starts a stopped container; a paused one is unpaused (Docker refuses to start it). */
  async start(target: ContainerTarget): Promise<void> {
    if (!this.requireTrust('start containers')) return;
    const c = await this.pick(
      target,
      'Start which container?',
      (x) => x.state !== 'running',
      'Every NSO container is running: there is none to start.',
    );
    if (!c) return;
    if (c.state === 'paused') {
      await this.run(`Unpausing ${c.name}`, async (client) => {
        await assertNotRestoring(client, c.name);
        await client.unpauseContainer(c.id);
      });
      return;
    }
    await this.run(`Starting ${c.name}`, async (client) => {
      await assertNotRestoring(client, c.name);
      await client.startContainer(c.id);
    });
  }

  async stop(target: ContainerTarget): Promise<void> {
    if (!this.requireTrust('stop containers')) return;
    const c = await this.pick(
      target,
      'Stop which container?',
      (x) => x.state === 'running',
      'No NSO container is running: there is none to stop.',
    );
    if (!c) return;
    const grace = containerRole(c) === 'prod' ? { graceSeconds: nsoStopGraceSeconds } : {};
    await this.run(`Stopping ${c.name}`, async (client) => {
      await assertNotRestoring(client, c.name);
      this.ctx.execTerminals.close(c.id);
      await client.stopContainer(c.id, {
        ...grace,
        timeoutMs: 20_000 + nsoStopGraceSeconds * 1000,
      });
    });
  }

  async restart(target: ContainerTarget): Promise<void> {
    if (!this.requireTrust('restart containers')) return;
    const c = await this.pick(target, 'Restart which container?');
    if (!c) return;
    const grace = containerRole(c) === 'prod' ? { graceSeconds: nsoStopGraceSeconds } : {};
    await this.run(`Restarting ${c.name}`, async (client) => {
      await assertNotRestoring(client, c.name);
      this.ctx.execTerminals.close(c.id);
      await client.restartContainer(c.id, {
        ...grace,
        timeoutMs: 20_000 + nsoStopGraceSeconds * 1000,
      });
    });
  }

  /**
   * Asks first and says what is lost. Volumes are kept unless the user picks
   * the second button and then confirms again, having been told what they hold.
   */
  async remove(target: ContainerTarget): Promise<void> {
    if (!this.requireTrust('remove containers')) return;
    const c = await this.pick(target, 'Remove which container?');
    if (!c) return;
    const mounts = c.details?.mounts ?? [];
    // Docker lists mounts in no fixed order; by destination every dialog reads the same.
    const volumes = mounts
      .filter((m) => m.type === 'volume' && m.name)
      .sort((a, b) => a.destination.localeCompare(b.destination));
    const running = c.state === 'running';

    const lost = [
      running
        ? `${c.name} is running: it will be stopped first (NSO gets no graceful stop).`
        : undefined,
      'Lost: what was written inside the container outside its volumes, and its settings (ports, environment, labels).',
      volumes.length > 0
        ? `Kept: ${volumes.map((v) => `volume ${v.name ?? ''} (${v.destination})`).join(', ')}.`
        : 'It has no volumes.',
      mounts.some((m) => m.type === 'bind')
        ? 'Folders mounted from the host (e.g. your packages) are never touched.'
        : undefined,
      terminalsClosingNote(this.ctx.execTerminals.of(c.id).length, c.name),
    ].filter(Boolean);
    const removeLabel = 'Remove';
    const withVolumes = 'Remove and Delete Volumes…';
    const choice = await vscode.window.showWarningMessage(
      `Remove container ${c.name}?`,
      { modal: true, detail: lost.join('\n\n') },
      removeLabel,
      ...(volumes.length > 0 ? [withVolumes] : []),
    );
    if (!choice) return;

    let deleteVolumes = false;
    if (choice === withVolumes) {
      const confirm = await vscode.window.showWarningMessage(
        `Delete ${volumes.length === 1 ? 'volume' : 'volumes'} ${volumes.map((v) => v.name ?? '').join(', ')} for good?`,
        {
          modal: true,
          detail:
            `${volumes.map(describeMount).join('\n')}\n\n` +
            'For an NSO production container this deletes CDB (all configuration and operational data), ' +
            'the backups under /nso/run/backups, the SSH host key and certificates, and the logs. ' +
            'It cannot be undone: take a backup first if in doubt.',
        },
        'Delete Volumes',
      );
      if (confirm !== 'Delete Volumes') return;
      deleteVolumes = true;
    }

    await this.run(`Removing ${c.name}`, async (client) => {
      // A restore needs this container's volumes and recreates it itself.
      await assertNotRestoring(client, c.name);
      this.ctx.execTerminals.close(c.id);
      await client.removeContainer(c.id, { force: running });
      if (!deleteVolumes) return;
      const failed: string[] = [];
      for (const v of volumes) {
        try {
          await client.removeVolume(v.name ?? '');
        } catch (error) {
          failed.push(error instanceof Error ? error.message : String(error));
        }
      }
      if (failed.length > 0) throw new Error(`The container is removed, but: ${failed.join('; ')}`);
    });
  }

  /** `ncs_cli -u <admin> -C` (or -J by `nso.cli.style`) in a terminal. */
  async openCli(target: ContainerTarget): Promise<void> {
    if (!this.requireTrust('open the NSO CLI')) return;
    // Only a production container runs NSO; a stopped one is offered to start.
    const c = await this.pick(
      target,
      'Open the NSO CLI of which container?',
      isProd,
      'There is no NSO production container: NSO runs only there.',
      startNso,
    );
    if (!c || !this.requireRunning(c)) return;
    const style =
      vscode.workspace.getConfiguration('nso').get<string>('cli.style', 'C') === 'J' ? '-J' : '-C';
    const user = adminUser(c);
    // The script is fixed; the user and the style arrive as arguments.
    this.dockerTerminal(
      `NSO CLI: ${c.name}`,
      'terminal',
      ['exec', '-it', c.id, 'bash', '-lc', 'exec ncs_cli -u "$1" "$2"', 'ncs_cli', user, style],
      c,
    );
  }

  async openShell(target: ContainerTarget): Promise<void> {
    if (!this.requireTrust('open a shell in a container')) return;
    const c = await this.pick(
      target,
      'Open a shell in which container?',
      (x) => x.state === 'running',
      'No NSO container is running: a shell needs a running container.',
    );
    if (!c || !this.requireRunning(c)) return;
    this.dockerTerminal(
      `Shell: ${c.name}`,
      'terminal-bash',
      [
        'exec',
        '-it',
        c.id,
        'sh',
        '-c',
        'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi',
      ],
      c,
    );
  }

  async followLogs(target: ContainerTarget): Promise<void> {
    const c = await this.pick(target, 'Follow the logs of which container?');
    if (!c) return;
    openLogTerminal(this.ctx, this.status, c);
  }

  /** Open NSO Log…: a file from /log, picked, or named by a fix (`ncs-python-vm-l3vpn.log`). */
  async openNsoLog(target: ContainerTarget, file?: string): Promise<void> {
    // NSO writes /log only in a production container (a build container runs no
    // NSO); a stopped one's /log is still read through Docker's archive API.
    const c = await this.pick(
      target,
      'Open an NSO log of which container?',
      isProd,
      'There is no NSO production container: only NSO writes the logs under /log.',
      startNso,
    );
    if (!c) return;
    const client = this.client();
    if (!client) return;
    let chosen = file;
    if (!chosen) {
      let files: NsoLogFile[];
      try {
        files = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: `Listing /log of ${c.name}` },
          () => listNsoLogs(client, c.id, { running: c.state === 'running' }),
        );
      } catch (error) {
        this.ctx.log.warn(`Listing /log of ${c.name}: ${messageOf(error)}`);
        // Offer the documented names: reading one still says clearly if it is missing.
        files = documentedNsoLogs.map((name) => ({
          name,
          path: `/log/${name}`,
          about: describeNsoLog(name),
        }));
      }
      if (files.length === 0) {
        void vscode.window.showInformationMessage(`/log of ${c.name} holds no files yet.`);
        return;
      }
      const pick = await vscode.window.showQuickPick(
        files.map((f) => ({
          label: f.name,
          description: f.sizeBytes !== undefined ? formatBytes(f.sizeBytes) : '',
          detail: f.about,
        })),
        {
          title: `NSO logs of ${c.name}`,
          placeHolder: 'Open which log? (read-only; follows new lines)',
        },
      );
      chosen = pick?.label;
    }
    if (!chosen) return;
    await this.logs.open(c, chosen);
  }

  async inspect(target: ContainerTarget): Promise<void> {
    const c = await this.pick(target, 'Inspect which container?');
    if (!c) return;
    const uri = vscode.Uri.from({ scheme: inspectScheme, path: `/${c.name}.json`, query: c.id });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'json');
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  async copyId(target: ContainerTarget): Promise<void> {
    const c = await this.pick(target, 'Copy the id of which container?');
    if (c) await vscode.env.clipboard.writeText(c.id);
  }

  async copyName(target: ContainerTarget): Promise<void> {
    const c = await this.pick(target, 'Copy the name of which container?');
    if (c) await vscode.env.clipboard.writeText(c.name);
  }

  // ---------------------------------------------------------------------------

  /**
   * The container meant: the tree item, the named one, or one the user picks
   * among those `applies` accepts, the workspace's own first and the others
   * marked with whose they are (`none` says why there is nothing to pick).
   */
  private async pick(
    target: ContainerTarget,
    title: string,
    applies: (c: WatchedContainer) => boolean = () => true,
    none?: string,
    fix?: { readonly title: string; readonly command: string },
  ): Promise<WatchedContainer | undefined> {
    const tell = (message: string): void => {
      void vscode.window
        .showInformationMessage(message, ...(fix ? [fix.title] : []))
        .then((a) => (a && fix ? vscode.commands.executeCommand(fix.command) : undefined));
    };
    if (typeof target === 'object' && target?.kind === 'container') {
      return this.status.container(target.container.id) ?? target.container;
    }
    if (typeof target === 'string' && target !== '') {
      const found = this.status.container(target);
      if (!found) void vscode.window.showWarningMessage(`Container ${target} no longer exists.`);
      return found;
    }
    this.status.start();
    const groups = this.status.groups();
    if (groups.length === 0) {
      if (this.status.health.state === 'engineDown') {
        void vscode.window.showInformationMessage(
          this.status.health.problems[0]?.detail ?? 'Docker is not reachable.',
        );
      } else tell(none ?? 'There is no NSO container.');
      return undefined;
    }
    const choices = containerChoices(groups, applies, this.status.prodContainer()?.id);
    if (choices.length === 0) {
      tell(none ?? 'There is no NSO container.');
      return undefined;
    }
    type Item = vscode.QuickPickItem & { container?: WatchedContainer };
    const items: Item[] = [];
    for (const [i, x] of choices.entries()) {
      if (x.section !== choices[i - 1]?.section) {
        items.push({ label: x.section, kind: vscode.QuickPickItemKind.Separator });
      }
      items.push({
        label: x.container.name,
        description: [describeState(x.container), x.owner].filter(Boolean).join(' · '),
        detail: x.container.image,
        container: x.container,
      });
    }
    const picked = await vscode.window.showQuickPick(items, {
      title,
      placeHolder: 'NSO containers',
      matchOnDescription: true,
    });
    return picked?.container;
  }

  private client(): DockerClient | undefined {
    const client = this.status.docker;
    if (!client) {
      void vscode.window
        .showErrorMessage(
          this.status.health.problems[0]?.detail ?? 'Docker is not reachable.',
          'Show Log',
        )
        .then((a) => a && this.ctx.log.show());
    }
    return client;
  }

  /** Reading is fine anywhere; changing containers or running commands needs trust. */
  private requireTrust(what: string): boolean {
    if (this.ctx.trusted) return true;
    void vscode.window
      .showWarningMessage(
        `NSO Workbench does not ${what} in an untrusted workspace.`,
        'Manage Trust',
      )
      .then((a) => (a ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
    return false;
  }

  private requireRunning(c: WatchedContainer): boolean {
    if (c.state === 'running') return true;
    void vscode.window
      .showWarningMessage(`${c.name} is not running (${describeState(c)}).`, 'Start It')
      .then((a) => (a ? this.start(c.id) : undefined));
    return false;
  }

  /** Runs a Docker action with progress in the Containers view; failures say what to do. */
  private async run(title: string, action: (client: DockerClient) => Promise<void>): Promise<void> {
    const client = this.client();
    if (!client) return;
    try {
      await vscode.window.withProgress({ location: { viewId: 'nso.containers' }, title }, () =>
        action(client),
      );
      this.ctx.log.info(`${title}: done`);
    } catch (error) {
      const message = messageOf(error);
      this.ctx.log.error(`${title}: ${message}`);
      const choice = await vscode.window.showErrorMessage(
        `${title} failed: ${message}`,
        'Show Log',
      );
      if (choice) this.ctx.log.show();
    }
  }

  /** A terminal running the docker CLI with `args`, aimed at the engine our client uses. */
  private dockerTerminal(
    name: string,
    icon: string,
    args: string[],
    container: WatchedContainer,
  ): void {
    const dockerPath = findOnPath(process.platform === 'win32' ? 'docker.exe' : 'docker');
    if (!dockerPath) {
      void vscode.window.showErrorMessage(
        'The docker command is not installed on this machine: the NSO CLI and shell terminals run `docker exec`. Install the Docker CLI, or use the Containers view for logs.',
      );
      return;
    }
    const endpoint = this.status.docker?.endpoint;
    const env: Record<string, string | null> = {};
    if (endpoint?.origin.kind === 'setting') {
      env.DOCKER_HOST = endpoint.host;
      env.DOCKER_CONTEXT = null;
    }
    const terminal = vscode.window.createTerminal({
      name,
      shellPath: dockerPath,
      shellArgs: args,
      env,
      iconPath: new vscode.ThemeIcon(icon),
    });
    this.ctx.execTerminals.add(terminal, container);
    terminal.show();
    this.ctx.log.info(`${name}: docker ${args.join(' ')}`);
  }
}

/** What a missing production container's message offers. */
const startNso = { title: 'Start NSO', command: 'nso.prod.start' } as const;

function isProd(c: WatchedContainer): boolean {
  return containerRole(c) === 'prod';
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next folder.
    }
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
