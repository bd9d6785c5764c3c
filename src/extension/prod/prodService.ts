// The production container as the extension sees it: which container a
// workspace folder's reloads go to (the one the user attached to, else the
// folder's own), and the commands that start, attach to, stop, restart and
// remove it. A thin face over src/core/nso/prodContainer.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';

import type { ContainerDetails } from '../../core/docker';
import { isDockerError } from '../../core/docker/errors';
import { attachCandidates } from '../../core/nso/attachCandidates';
import {
  checkProdSettings,
  defaultAdminUser,
  defaultExtraArgs,
  defaultHealthStartPeriodS,
  isOwnProdContainer,
  isProdContainerError,
  packagesMountWarning,
  prodVolumeNames,
  removedMessage,
  removeProdContainer,
  resolveProdContainer,
  restartProdContainer,
  startProdContainer,
  stopProdContainer,
  volumeLossDescription,
  volumeRemoveCommand,
  type ProdSettings,
  type RemoveResult,
  type StartResult,
} from '../../core/nso/prodContainer';
import { toAbortSignal, type WorkbenchContext } from '../context';

/** Where the attached container's id is kept, per workspace folder. */
const attachedKey = (folder: vscode.WorkspaceFolder): string =>
  `nso.prod.attached:${folder.uri.toString()}`;
/** The admin password's key in VS Code's secret storage. */
export const adminPasswordSecret = 'nso.adminPassword';

/**
 * What the password is for, and what it is not: Cisco's image applies
 * ADMIN_PASSWORD only when NSO starts on a new, empty /nso volume, and Docker
 * keeps it in the container's environment, where `docker inspect` shows it.
 */
function adminPasswordPrompt(user: string): string {
  return (
    `Password for the NSO user ${user}, used when NSO starts on a new, empty /nso volume: ` +
    "Cisco's image applies ADMIN_PASSWORD only on that first start, so changing it here does not change the password of an NSO that has already started. " +
    'Docker shows it in docker inspect (the image takes it as an environment variable). ' +
    "Kept in VS Code's secret storage. Leave empty for none."
  );
}

export class ProdService {
  private readonly changed = new vscode.EventEmitter<vscode.WorkspaceFolder>();
  /** Fires after a container was started, attached, stopped, restarted or removed. */
  readonly onDidChange = this.changed.event;

  static setup(ctx: WorkbenchContext): ProdService {
    const service = new ProdService(ctx);
    ctx.subscriptions.push(service.changed);
    return service;
  }

  private constructor(private readonly ctx: WorkbenchContext) {}

  // -------------------------------------------------------------------------
  // Settings and targets

  /** The folder a command acts on: the one given, the active editor's, the only one, or asked. */
  async pickFolder(hint?: vscode.Uri): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (hint) {
      const f = vscode.workspace.getWorkspaceFolder(hint);
      if (f) return f;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const fromEditor = active ? vscode.workspace.getWorkspaceFolder(active) : undefined;
    if (folders.length === 1) return folders[0];
    if (fromEditor) return fromEditor;
    if (folders.length === 0) {
      void vscode.window.showErrorMessage('NSO: open a folder that holds NSO packages first.');
      return undefined;
    }
    return vscode.window.showWorkspaceFolderPick({
      placeHolder: 'Workspace folder of the NSO packages',
    });
  }

  packagesDir(folder: vscode.WorkspaceFolder): string {
    const rel = vscode.workspace
      .getConfiguration('nso', folder.uri)
      .get<string>('packagesPath', 'packages');
    return path.resolve(folder.uri.fsPath, rel);
  }

  adminUser(folder: vscode.WorkspaceFolder): string {
    return (
      vscode.workspace.getConfiguration('nso', folder.uri).get<string>('adminUser', '').trim() ||
      defaultAdminUser
    );
  }

  /** The container Use Existing Container… attached to this folder, while it exists. */
  private async attachedContainer(
    folder: vscode.WorkspaceFolder,
  ): Promise<ContainerDetails | undefined> {
    const attached = this.ctx.extension.workspaceState.get<string>(attachedKey(folder));
    if (!attached) return undefined;
    return this.ctx.docker.inspectContainer(attached).catch(() => undefined);
  }

  /** The container reloads of this folder go to, if there is one. */
  async target(
    folder: vscode.WorkspaceFolder,
    signal?: AbortSignal,
  ): Promise<ContainerDetails | undefined> {
    const attached = this.ctx.extension.workspaceState.get<string>(attachedKey(folder));
    // Throws when a restore (here, or from the command line) holds the container.
    return resolveProdContainer(this.ctx.docker, folder.uri.fsPath, attached, signal);
  }

  private async settings(
    folder: vscode.WorkspaceFolder,
    password: string | undefined,
  ): Promise<ProdSettings> {
    const c = vscode.workspace.getConfiguration('nso', folder.uri);
    const logsPath = c.get<string>('prod.logsPath', '').trim();
    const ncsConf = vscode.Uri.joinPath(folder.uri, 'ncs.conf');
    const hasConf = await vscode.workspace.fs.stat(ncsConf).then(
      (s) => s.type === vscode.FileType.File,
      () => false,
    );
    const image = c.get<string>('prodImage', '').trim();
    const name = c.get<string>('prod.containerName', '').trim();
    const network = c.get<string>('prod.network', '').trim();
    return {
      workspaceFolder: folder.uri.fsPath,
      packagesDir: this.packagesDir(folder),
      ...(image ? { image } : {}),
      ...(name ? { containerName: name } : {}),
      extraArgs: c.get<string>('prod.extraArgs', defaultExtraArgs),
      ports: c.get<string[]>('prod.ports', []),
      ...(logsPath ? { logsPath: path.resolve(folder.uri.fsPath, logsPath) } : {}),
      healthStartPeriodS: c.get<number>('prod.healthStartPeriod', defaultHealthStartPeriodS),
      adminUser: this.adminUser(folder),
      ...(password ? { adminPassword: password } : {}),
      ...(hasConf ? { ncsConf: ncsConf.fsPath } : {}),
      ...(network ? { network } : {}),
    };
  }

  /**
   * The admin password from secret storage, asked once. Empty means "none"
   * (remembered too); undefined means the user cancelled.
   */
  private async adminPassword(user: string): Promise<string | undefined> {
    const secrets = this.ctx.extension.secrets;
    const known = await secrets.get(adminPasswordSecret);
    if (known !== undefined) return known;
    const entered = await vscode.window.showInputBox({
      title: 'NSO admin password',
      prompt: adminPasswordPrompt(user),
      password: true,
      ignoreFocusOut: true,
    });
    if (entered === undefined) return undefined;
    await secrets.store(adminPasswordSecret, entered);
    return entered;
  }

  /** The admin user named in the password prompt: the only folder's, else the default. */
  private adminUserOfAnyFolder(): string {
    const folders = vscode.workspace.workspaceFolders ?? [];
    return folders.length === 1 ? this.adminUser(folders[0]!) : defaultAdminUser;
  }

  /**
   * `NSO: Set Admin Password…`: replaces the stored password (asked, or given
   * by a caller such as a test). It takes effect on the next first start of
   * an empty /nso volume, as ADMIN_PASSWORD does; a running NSO keeps its own.
   */
  async setAdminPassword(value?: unknown): Promise<void> {
    const entered =
      typeof value === 'string'
        ? value
        : await vscode.window.showInputBox({
            title: 'NSO admin password',
            prompt: adminPasswordPrompt(this.adminUserOfAnyFolder()),
            password: true,
            ignoreFocusOut: true,
          });
    if (entered === undefined) return;
    await this.ctx.extension.secrets.store(adminPasswordSecret, entered);
    this.ctx.log.info('The NSO admin password was changed (not shown).');
  }

  // -------------------------------------------------------------------------
  // Commands

  async start(folderHint?: vscode.Uri): Promise<StartResult | undefined> {
    if (!this.requireTrust()) return undefined;
    const folder = await this.pickFolder(folderHint);
    if (!folder) return undefined;
    // Reloads go to a container picked with Use Existing Container…: Start NSO
    // says so instead of switching to the workspace's own container unasked.
    const attached = await this.attachedContainer(folder);
    if (attached) {
      const name = attached.name.replace(/^\//, '');
      if (attached.state.running) {
        void vscode.window.showInformationMessage(
          `NSO already runs in ${name}, the container this workspace uses (Use Existing Container…).`,
        );
        return undefined;
      }
      const startIt = `Start ${name}`;
      const own = 'Start the Workspace Container';
      const choice = await vscode.window.showInformationMessage(
        `This workspace uses ${name} (Use Existing Container…), which is stopped. Start it, or start the workspace's own NSO container (reloads then go there)?`,
        startIt,
        own,
      );
      if (choice === startIt) {
        try {
          await this.ctx.docker.startContainer(attached.id);
          this.ctx.log.info(`Started ${name}, the container ${folder.name} uses`);
          this.changed.fire(folder);
        } catch (error) {
          this.showFailure(`Start ${name}`, error);
        }
        return undefined;
      }
      if (choice !== own) return undefined;
    }
    // A setting Docker would refuse is said before the password is asked for.
    try {
      await checkProdSettings(await this.settings(folder, undefined));
    } catch (error) {
      this.showFailure('Start NSO', error);
      return undefined;
    }
    const password = await this.adminPassword(this.adminUser(folder));
    if (password === undefined) return undefined;
    const settings = await this.settings(folder, password);
    this.ctx.log.info(
      `Start NSO for ${folder.uri.fsPath}: packages ${settings.packagesDir}, EXTRA_ARGS "${settings.extraArgs ?? ''}", ports [${(settings.ports ?? []).join(', ')}], admin ${settings.adminUser}${settings.adminPassword ? ' (password set)' : ''}`,
    );
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'NSO', cancellable: true },
        async (progress, token) => {
          const abort = toAbortSignal(token);
          const signal = abort.signal;
          try {
            return await startProdContainer(
              this.ctx.docker,
              settings,
              {
                progress: (p) => progress.report({ message: p.message }),
                info: (m) => this.ctx.log.info(m),
                warn: (m) => this.ctx.log.warn(m),
              },
              signal,
            );
          } finally {
            abort.dispose();
          }
        },
      );
      // Our own container is what reloads go to from now on.
      await this.ctx.extension.workspaceState.update(attachedKey(folder), undefined);
      this.ctx.log.info(
        `NSO is up in ${result.name} (${result.image.ref}, ${result.action}) after ${(result.elapsedMs / 1000).toFixed(1)} s`,
      );
      this.changed.fire(folder);
      for (const w of result.warnings) void vscode.window.showWarningMessage(w);
      void vscode.window.showInformationMessage(
        result.action === 'alreadyRunning'
          ? `NSO is already running in ${result.name}.`
          : `NSO is up in ${result.name}.`,
      );
      return result;
    } catch (error) {
      this.showFailure('Start NSO', error);
      return undefined;
    }
  }

  /**
   * Use Existing Container…: a picked container (or one named by a caller, such
   * as a test or a view item) is where this folder's reloads go from now on.
   */
  async useExisting(arg?: vscode.Uri | string): Promise<ContainerDetails | undefined> {
    if (!this.requireTrust()) return undefined;
    const folder = await this.pickFolder(arg instanceof vscode.Uri ? arg : undefined);
    if (!folder) return undefined;
    try {
      const chosen = typeof arg === 'string' ? arg : await this.pickExisting(folder);
      if (!chosen) return undefined;
      const details = await this.ctx.docker.inspectContainer(chosen);
      await this.ctx.extension.workspaceState.update(attachedKey(folder), details.id);
      this.ctx.log.info(`Reloads of ${folder.uri.fsPath} now go to ${details.name}`);
      const warning = packagesMountWarning(details, this.packagesDir(folder));
      if (warning) {
        this.ctx.log.warn(warning);
        void vscode.window.showWarningMessage(warning);
      } else {
        void vscode.window.showInformationMessage(`NSO Workbench now uses ${details.name}.`);
      }
      this.changed.fire(folder);
      return details;
    } catch (error) {
      this.showFailure('Use Existing Container', error);
      return undefined;
    }
  }

  /** The quick pick of Use Existing Container…; a stopped pick is started first, if the user agrees. */
  private async pickExisting(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
    const candidates = attachCandidates(await this.ctx.docker.listContainers({ all: true }));
    if (candidates.length === 0) {
      void vscode.window.showWarningMessage(
        'Docker has no containers: start one (NSO: Start NSO, or docker compose up) first.',
      );
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      candidates.map((c) => ({
        label: c.running ? c.name : `$(debug-stop) ${c.name}`,
        description: c.description,
        detail: c.detail,
        candidate: c,
      })),
      {
        placeHolder: `Container whose NSO reloads of ${folder.name} should go to`,
        matchOnDescription: true,
      },
    );
    if (!picked) return undefined;
    if (!picked.candidate.running) {
      const start = 'Start It';
      const answer = await vscode.window.showWarningMessage(
        `${picked.candidate.name} is not running (${picked.candidate.detail}). Start it and use it?`,
        { modal: true },
        start,
      );
      if (answer !== start) return undefined;
      await this.ctx.docker.startContainer(picked.candidate.id);
    }
    return picked.candidate.id;
  }

  async stop(folderHint?: vscode.Uri): Promise<void> {
    await this.withTarget('Stop NSO', folderHint, async (folder, details) => {
      if (!details.state.running) {
        void vscode.window.showInformationMessage(`${details.name} is not running.`);
        return;
      }
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Stopping ${details.name}…` },
        () => {
          this.ctx.execTerminals.close(details.id);
          return stopProdContainer(this.ctx.docker, details.id);
        },
      );
      this.ctx.log.info(`Stopped ${details.name}`);
      this.changed.fire(folder);
    });
  }

  async restart(folderHint?: vscode.Uri): Promise<void> {
    await this.withTarget('Restart NSO', folderHint, async (folder, details) => {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'NSO', cancellable: true },
        async (progress, token) => {
          const abort = toAbortSignal(token);
          const signal = abort.signal;
          try {
            this.ctx.execTerminals.close(details.id);
            await restartProdContainer(
              this.ctx.docker,
              details.id,
              { progress: (p) => progress.report({ message: p.message }) },
              signal,
            );
          } finally {
            abort.dispose();
          }
        },
      );
      this.ctx.log.info(`Restarted ${details.name}`);
      this.changed.fire(folder);
      void vscode.window.showInformationMessage(`NSO is up again in ${details.name}.`);
    });
  }

  async remove(folderHint?: vscode.Uri): Promise<void> {
    await this.withTarget('Remove NSO Container', folderHint, async (folder, details) => {
      if (!isOwnProdContainer(details)) {
        void vscode.window.showWarningMessage(
          `${details.name} was not created by NSO Workbench: remove it where it was made (for example docker compose down).`,
        );
        return;
      }
      // By destination, as the Containers view's Remove lists them.
      const volumes = details.mounts
        .filter((m) => m.type === 'volume' && m.name)
        .sort((a, b) => a.destination.localeCompare(b.destination))
        .map((m) => m.name!);
      const keep = 'Remove, Keep Data';
      const wipe = 'Remove and Delete Data…';
      const choice = await vscode.window.showWarningMessage(
        `Remove ${details.name}?`,
        {
          modal: true,
          detail: `NSO's data stays in ${volumes.join(' and ') || prodVolumeNames(details.name).nso}: the next Start NSO finds it again.`,
        },
        keep,
        wipe,
      );
      if (!choice) return;
      let deleteVolumes = false;
      if (choice === wipe) {
        const confirm = 'Delete Data';
        const sure = await vscode.window.showWarningMessage(
          `Delete NSO's data in ${volumes.join(' and ')}?`,
          { modal: true, detail: volumeLossDescription(volumes) },
          confirm,
        );
        if (sure !== confirm) return;
        deleteVolumes = true;
      }
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Removing ${details.name}…` },
        () => {
          this.ctx.execTerminals.close(details.id);
          return removeProdContainer(this.ctx.docker, details.id, deleteVolumes);
        },
      );
      this.ctx.log.info(
        `Removed ${result.name}; volumes deleted: [${result.deletedVolumes.join(', ')}], kept: [${result.keptVolumes.join(', ')}]`,
      );
      this.changed.fire(folder);
      if (result.failedVolumes.length > 0) await this.offerVolumeDeletion(result);
      else void vscode.window.showInformationMessage(removedMessage(result, deleteVolumes));
    });
  }

  /**
   * The container is gone but some of its volumes were refused: nothing is left
   * in the views to act on, so the message carries the command and a retry.
   */
  private async offerVolumeDeletion(result: RemoveResult): Promise<void> {
    let failed = result.failedVolumes;
    for (;;) {
      const names = failed.map((f) => f.name);
      for (const f of failed) this.ctx.log.error(`Could not delete volume ${f.name}: ${f.reason}`);
      const retry = 'Delete Volumes';
      const choice = await vscode.window.showErrorMessage(
        `NSO: removed ${result.name}, but could not delete ${names.join(' and ')}: ${failed[0]!.reason} Delete later with: ${volumeRemoveCommand(names)}`,
        retry,
      );
      if (choice !== retry) return;
      const still: { name: string; reason: string }[] = [];
      for (const name of names) {
        try {
          await this.ctx.docker.removeVolume(name);
        } catch (error) {
          if (isDockerError(error, 'notFound')) continue;
          still.push({ name, reason: error instanceof Error ? error.message : String(error) });
        }
      }
      if (still.length === 0) {
        this.ctx.log.info(`Deleted volumes ${names.join(', ')}`);
        void vscode.window.showInformationMessage(`NSO: deleted ${names.join(' and ')}.`);
        return;
      }
      failed = still;
    }
  }

  private async withTarget(
    what: string,
    folderHint: vscode.Uri | undefined,
    act: (folder: vscode.WorkspaceFolder, details: ContainerDetails) => Promise<void>,
  ): Promise<void> {
    if (!this.requireTrust()) return;
    const folder = await this.pickFolder(folderHint);
    if (!folder) return;
    try {
      const details = await this.target(folder);
      if (!details) {
        void vscode.window.showInformationMessage(
          `No NSO production container for ${folder.name}: use NSO: Start NSO or NSO: Use Existing Container….`,
        );
        return;
      }
      await act(folder, details);
    } catch (error) {
      this.showFailure(what, error);
    }
  }

  private requireTrust(): boolean {
    if (this.ctx.trusted) return true;
    void vscode.window.showWarningMessage(
      'NSO Workbench runs no container in an untrusted workspace: trust the workspace first.',
    );
    return false;
  }

  /** A failure with what to do, its logs in the output channel, and a button to them. */
  showFailure(what: string, error: unknown): void {
    if (isDockerError(error, 'cancelled')) return;
    const message = error instanceof Error ? error.message : String(error);
    this.ctx.log.error(`${what}: ${message}`);
    if (isProdContainerError(error)) {
      if (error.dockerLogs.length > 0) {
        this.ctx.log.error(`Last lines of docker logs:\n${error.dockerLogs.join('\n')}`);
      }
      if (error.ncsLog.length > 0) {
        this.ctx.log.error(`Last lines of /log/ncs.log:\n${error.ncsLog.join('\n')}`);
      }
    }
    const prodError = isProdContainerError(error) ? error : undefined;
    // A named cause says it all; otherwise this start's own output (docker
    // logs) before /log/ncs.log, which may still end with an earlier start.
    const tail =
      prodError && !prodError.ncsConf
        ? prodError.dockerLogs.slice(-3).join(' | ') || prodError.ncsLog.slice(-3).join(' | ')
        : '';
    const hostFile = prodError?.ncsConf?.hostFile;
    const openConf = 'Open ncs.conf';
    const openSettings = 'Open Settings';
    const setting = prodError?.setting;
    const buttons = [
      ...(hostFile ? [openConf] : []),
      ...(setting ? [openSettings] : []),
      'Show Log',
    ];
    void vscode.window
      .showErrorMessage(`${what}: ${message}${tail ? ` Last log lines: ${tail}` : ''}`, ...buttons)
      .then(async (b) => {
        if (b === openConf && hostFile) {
          const line = Math.max(0, (prodError?.ncsConf?.line ?? 1) - 1);
          await vscode.window.showTextDocument(vscode.Uri.file(hostFile), {
            selection: new vscode.Range(line, 0, line, 0),
          });
        } else if (b === openSettings && setting) {
          await openSettingWhereSet(setting);
        } else if (b) this.ctx.log.show();
      });
  }
}

/**
 * Opens the Settings editor at a setting, on the tab where its value is: a
 * workspace value is not visible on the User tab, where openSettings lands.
 */
async function openSettingWhereSet(setting: string): Promise<void> {
  const scopes = [undefined, ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri)];
  const inWorkspace = scopes.some((uri) => {
    const values = vscode.workspace.getConfiguration(undefined, uri).inspect(setting);
    return values?.workspaceValue !== undefined || values?.workspaceFolderValue !== undefined;
  });
  await vscode.commands.executeCommand(
    inWorkspace ? 'workbench.action.openWorkspaceSettings' : 'workbench.action.openSettings',
    setting,
  );
}
