import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

import { isDockerError } from '../../core/docker/errors';
import {
  deleteBackup,
  formatBytes,
  isBackupError,
  openBackupAccess,
  printable,
  takeBackup,
  type BackupAccess,
} from '../../core/nso/backup';
import {
  executeRestore,
  isMissingSecretsError,
  isRestoreFailure,
  listJournals,
  loadJournal,
  planRestore,
  resumeRestore,
  restoreSteps,
  startFromJournal,
  stepTitles,
  type MissingSecretsError,
  type RestoreFailure,
  type RestoreProgress,
  type RestoreReport,
  type SecretProvider,
} from '../../core/nso/backupRestore';
import { downloadBackup, importBackup } from '../../core/nso/backupTransfer';
import { toAbortSignal, type WorkbenchContext } from '../context';
import { terminalsClosingNote } from '../containers/execTerminals';
import { adminPasswordSecret } from '../prod/prodService';
import type { BackupNode, BackupsView, FolderNode, ProductionContainerSource } from './backupsView';

type Target = FolderNode | BackupNode | vscode.Uri | undefined;

/** Button titles, also what the UI tests click. */
export const restoreChoices = {
  withSafetyBackup: 'Back Up First, Then Restore',
  withoutSafetyBackup: 'Restore Without Safety Backup',
  otherVersion: 'Restore Anyway',
  resume: 'Resume Restore',
  start: 'Start Container',
  recreate: 'Recreate Container',
  journal: 'Open Journal',
  log: 'Show Log',
} as const;

/**
 * What the Backups view's commands do. Each one says what it did or what
 * failed and what to do next; nothing that changes data runs without the
 * user's confirmation in a modal dialog.
 */
export class BackupActions {
  constructor(
    private readonly ctx: WorkbenchContext,
    private readonly view: BackupsView,
    private readonly source: ProductionContainerSource,
  ) {}

  /** Restore journals live in the extension's global storage (they outlive a workspace). */
  get stateDir(): string {
    return path.join(this.ctx.extension.globalStorageUri.fsPath, 'restores');
  }

  refresh(): void {
    this.view.refresh();
  }

  async take(target?: Target): Promise<void> {
    const resolved = await this.container(target);
    if (!resolved) return;
    const { id, name } = resolved;
    await this.withAccess(id, 'Take Backup', async (access) => {
      const taken = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Taking a backup of NSO in ${name}`,
          cancellable: true,
        },
        async (progress, token) => {
          progress.report({ message: 'ncs-backup is running…' });
          const cancel = toAbortSignal(token);
          try {
            return await takeBackup(this.ctx.docker, access.container, {
              signal: cancel.signal,
              onOutput: (t) => this.logOutput('ncs-backup', t),
            });
          } finally {
            cancel.dispose();
          }
        },
      );
      this.ctx.log.info(
        `Backup ${taken.entry.path} created in ${name} (${taken.entry.sizeBytes} bytes)`,
      );
      void vscode.window.showInformationMessage(
        `Backup ${taken.entry.name} created in ${name} (${formatBytes(taken.entry.sizeBytes)}).`,
      );
      void vscode.commands.executeCommand('setContext', 'nso.backups.found', true);
    });
    this.view.refresh();
  }

  async restore(node?: BackupNode): Promise<RestoreReport | undefined> {
    const picked = node ?? (await this.pickBackup('Restore a Backup', 'Backup to restore'));
    if (!picked || !this.requireTrust()) return undefined;
    const { entry, container } = picked;

    // Everything that can be checked while NSO still runs.
    let plan;
    try {
      plan = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Checking ${entry.name}`,
          cancellable: true,
        },
        async (progress, token) => {
          const cancel = toAbortSignal(token);
          try {
            return await planRestore(this.ctx.docker, container.id, entry.name, {
              signal: cancel.signal,
              onProgress: (message) => progress.report({ message }),
            });
          } finally {
            cancel.dispose();
          }
        },
      );
    } catch (error) {
      this.showError(`Restore ${printable(entry.name)}`, error);
      return undefined;
    }

    if (plan.versionMismatch) {
      const answer = await vscode.window.showWarningMessage(
        `${entry.name} was taken with NSO ${plan.versionMismatch.backup}; ${plan.containerName} runs NSO ${plan.versionMismatch.nso}.`,
        {
          modal: true,
          detail:
            'NSO converts the restored CDB to its own version when it starts. That can fail, or drop data the other schema does not hold. The safety backup taken first lets you go back.',
        },
        restoreChoices.otherVersion,
      );
      if (answer !== restoreChoices.otherVersion) return undefined;
    }

    const closing = terminalsClosingNote(
      this.ctx.execTerminals.of(container.id).length,
      plan.containerName,
    );
    const detail = [
      ...plan.summary,
      '',
      `"${restoreChoices.withSafetyBackup}" first saves the current state with ncs-backup, so this restore can be undone.`,
      ...(plan.limitations.length > 0
        ? ['', `The recreated container cannot carry over: ${plan.limitations.join('; ')}.`]
        : []),
      ...(closing ? ['', closing] : []),
    ].join('\n');
    const choice = await vscode.window.showWarningMessage(
      `Restore ${entry.name} into ${plan.containerName}?`,
      { modal: true, detail },
      restoreChoices.withSafetyBackup,
      restoreChoices.withoutSafetyBackup,
    );
    if (choice === undefined) return undefined;
    this.ctx.execTerminals.close(container.id);

    const report = await this.runRestore(
      `Restoring ${entry.name} into ${plan.containerName}`,
      (onProgress, onOutput, signal) =>
        executeRestore(this.ctx.docker, plan, {
          stateDir: this.stateDir,
          safetyBackup: choice === restoreChoices.withSafetyBackup,
          acceptVersionMismatch: plan.versionMismatch !== undefined,
          onProgress,
          onOutput,
          signal,
        }),
    );
    return report;
  }

  /** Continues a restore that stopped, from its journal (asked for when not given). */
  async resume(journalFile?: string): Promise<RestoreReport | undefined> {
    const file = journalFile ?? (await this.pickJournal('Resume a Restore', 'Restore to resume'));
    if (!file || !this.requireTrust()) return undefined;
    return this.runRestore(
      'Resuming the restore',
      (onProgress, onOutput) =>
        resumeRestore(this.ctx.docker, file, {
          onProgress,
          onOutput,
          secrets: this.secretProvider(),
        }),
      () => this.resume(file),
    );
  }

  /**
   * Secret env values a journal names but does not hold (the restore ran in
   * an earlier session): ADMIN_PASSWORD from secret storage when it is there,
   * anything else asked for. After one cancel nothing more is asked.
   */
  private secretProvider(): SecretProvider {
    let cancelled = false;
    return async ({ name, container }) => {
      if (cancelled) return undefined;
      if (name === 'ADMIN_PASSWORD') {
        const stored = await this.ctx.extension.secrets.get(adminPasswordSecret);
        if (stored !== undefined) return stored;
      }
      const entered = await vscode.window.showInputBox({
        title: `${name} for container ${container}`,
        prompt:
          `Container ${container} is created again with ${name}; the restore journal names it ` +
          'but does not keep secret values. Enter the value it had. Cancel stops here; nothing changes.',
        password: true,
        ignoreFocusOut: true,
      });
      if (entered === undefined) cancelled = true;
      return entered;
    };
  }

  /** Secrets were not given: nothing changed; say so and offer to try again. */
  private showSecretsMissing(error: MissingSecretsError, again: () => Promise<unknown>): void {
    this.ctx.log.warn(error.message);
    const retry = 'Enter Values Again';
    void vscode.window
      .showWarningMessage(
        `${error.message} To go on, run the same action again and enter ${error.names.join(', ')}.`,
        retry,
        restoreChoices.journal,
      )
      .then((b) => {
        if (b === retry) return again();
        if (b === restoreChoices.journal) return this.openJournal(error.journalFile);
        return undefined;
      });
  }

  /** Starts (or recreates) the production container of a restore that stopped. */
  async startContainer(journalFile?: string): Promise<void> {
    const file =
      journalFile ??
      (await this.pickJournal(
        'Start the Container of a Restore',
        'Restore whose container to start',
      ));
    if (!file || !this.requireTrust()) return;
    try {
      const started = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: 'Starting the production container',
        },
        () => startFromJournal(this.ctx.docker, file, { secrets: this.secretProvider() }),
      );
      if (started.recreated) await this.followRecreated(file, started.containerId);
      const differences = started.differences.length
        ? ` Configuration differences: ${started.differences.join('; ')}.`
        : '';
      void vscode.window.showInformationMessage(
        `Production container ${started.recreated ? 'recreated and ' : ''}started; NSO is healthy.${differences}`,
      );
    } catch (error) {
      if (isMissingSecretsError(error))
        this.showSecretsMissing(error, () => this.startContainer(file));
      else this.showError('Start the production container', error);
    } finally {
      this.view.refresh();
    }
  }

  async openJournal(journalFile?: string): Promise<void> {
    const file =
      journalFile ??
      (await this.pickJournal('Open a Restore Journal', 'Restore journal to open', true));
    if (!file) return;
    await vscode.window.showTextDocument(vscode.Uri.file(file));
  }

  async download(node?: BackupNode): Promise<void> {
    const picked = node ?? (await this.pickBackup('Download a Backup', 'Backup to download'));
    if (!picked || !this.requireTrust()) return;
    const folders = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Download Here',
      title: `Download ${picked.entry.name}`,
      defaultUri: vscode.Uri.file(os.homedir()),
    });
    const dir = folders?.[0];
    if (!dir) return;
    await this.withAccess(picked.container.id, 'Download Backup', async (access) => {
      const result = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Downloading ${picked.entry.name}`,
          cancellable: true,
        },
        async (progress, token) => {
          const cancel = toAbortSignal(token);
          try {
            return await downloadBackup(
              this.ctx.docker,
              access.container,
              picked.entry.name,
              dir.fsPath,
              { signal: cancel.signal, onProgress: byteProgress(progress) },
            );
          } finally {
            cancel.dispose();
          }
        },
      );
      this.ctx.log.info(
        `Downloaded ${picked.entry.path} to ${result.file} (${result.sizeBytes} bytes, size checked)`,
      );
      void vscode.window.showInformationMessage(
        `Downloaded ${picked.entry.name} to ${result.file} (${formatBytes(result.sizeBytes)}, size checked).`,
      );
    });
  }

  async import(target?: Target): Promise<void> {
    const resolved = await this.container(target);
    if (!resolved) return;
    const files = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      openLabel: 'Import Backup',
      title: `Import a backup into ${resolved.name}:/nso/run/backups`,
      filters: { 'NSO backups': ['gz'], 'All files': ['*'] },
    });
    const file = files?.[0];
    if (!file) return;
    await this.withAccess(resolved.id, 'Import Backup', async (access) => {
      const result = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Importing ${path.basename(file.fsPath)}`,
          cancellable: true,
        },
        async (progress, token) => {
          const cancel = toAbortSignal(token);
          try {
            progress.report({ message: 'checking that it is a whole gzip file…' });
            return await importBackup(this.ctx.docker, access.container, file.fsPath, {
              signal: cancel.signal,
              onProgress: byteProgress(progress),
            });
          } finally {
            cancel.dispose();
          }
        },
      );
      void vscode.window.showInformationMessage(
        `Imported ${result.entry.name} into ${resolved.name} (${formatBytes(result.entry.sizeBytes)}).`,
      );
    });
    this.view.refresh();
  }

  async delete(node?: BackupNode): Promise<void> {
    const picked = node ?? (await this.pickBackup('Delete a Backup', 'Backup to delete'));
    if (!picked || !this.requireTrust()) return;
    const answer = await vscode.window.showWarningMessage(
      `Delete ${picked.entry.name} from ${picked.container.name}?`,
      {
        modal: true,
        detail: `${picked.entry.path} (${formatBytes(picked.entry.sizeBytes)}) is deleted for good. Download it first to keep a copy.`,
      },
      'Delete',
    );
    if (answer !== 'Delete') return;
    await this.withAccess(picked.container.id, 'Delete Backup', async (access) => {
      await deleteBackup(this.ctx.docker, access.container, picked.entry.name);
      this.ctx.log.info(`Deleted ${picked.entry.path} in ${picked.container.name}`);
    });
    this.view.refresh();
  }

  /**
   * "Use Existing Container" remembers a container (e.g. one Compose started)
   * by id; the container a restore recreated has a new one, which it now
   * remembers instead.
   */
  private async followRecreated(journalFile: string, containerId: string): Promise<void> {
    const journal = await loadJournal(journalFile).catch(() => undefined);
    if (journal === undefined) return;
    const previous = new Set([journal.record.id, ...(journal.recreatedIds ?? [])]);
    previous.delete(containerId);
    const state = this.ctx.extension.workspaceState;
    for (const key of state.keys()) {
      const value = state.get<string>(key);
      if (key.startsWith('nso.prod.attached:') && value !== undefined && previous.has(value)) {
        await state.update(key, containerId);
        this.ctx.log.info(`${journal.record.name} was recreated: now following ${containerId}`);
      }
    }
  }

  // -------------------------------------------------------------------------

  private async runRestore(
    title: string,
    run: (
      onProgress: (p: RestoreProgress) => void,
      onOutput: (text: string) => void,
      signal: AbortSignal,
    ) => Promise<RestoreReport>,
    /** Runs the action again, when secrets it needed were not given. */
    again?: () => Promise<unknown>,
  ): Promise<RestoreReport | undefined> {
    const held = this.view.hold();
    try {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        async (progress, token) => {
          const cancel = toAbortSignal(token);
          let stopped = false;
          token.onCancellationRequested(() => {
            if (stopped)
              this.ctx.log.warn(
                'The restore is past stopping NSO and runs to its end: it cannot be cancelled now.',
              );
          });
          const share = 100 / restoreSteps.length;
          try {
            return await run(
              (p) => {
                if (p.step === 'stop') stopped = true;
                this.ctx.log.info(`Restore: ${p.message}`);
                progress.report({ message: p.message, increment: share });
              },
              (text) => this.logOutput('ncs-backup', text),
              cancel.signal,
            );
          } finally {
            cancel.dispose();
          }
        },
      );
      this.ctx.log.info(
        `Restore of ${report.backup} into ${report.container} done; journal ${report.journalFile}`,
      );
      if (report.recreated) await this.followRecreated(report.journalFile, report.containerId);
      const parts = [
        `Restored ${report.backup} into ${report.container}: NSO is healthy.`,
        report.previousRunDirs.length > 0
          ? `The run directory before is kept in ${report.previousRunDirs.join(', ')}.`
          : '',
        report.safetyBackup ? `Safety backup: ${report.safetyBackup}.` : '',
        ...report.warnings.map((w) => `ncs-backup: ${w}.`),
      ].filter(Boolean);
      if (report.differences.length > 0) {
        void vscode.window
          .showWarningMessage(
            `${parts.join(' ')} The container configuration differs: ${report.differences.join('; ')}.`,
            restoreChoices.journal,
          )
          .then((b) => b && this.openJournal(report.journalFile));
      } else {
        void vscode.window
          .showInformationMessage(parts.join(' '), restoreChoices.log)
          .then((b) => b && this.ctx.log.show());
      }
      return report;
    } catch (error) {
      held.dispose();
      this.view.refresh();
      if (isRestoreFailure(error)) await this.showRestoreFailure(error);
      else if (isMissingSecretsError(error) && again) this.showSecretsMissing(error, again);
      else this.showError('Restore', error);
      return undefined;
    } finally {
      held.dispose();
      this.view.refresh();
    }
  }

  /** A modal with where everything is now, and the ways out. */
  private async showRestoreFailure(failure: RestoreFailure): Promise<void> {
    this.ctx.log.error(failure.message);
    for (const line of failure.stateLines) this.ctx.log.error(`  ${line}`);
    if (failure.output) this.ctx.log.error(`ncs-backup said:\n${failure.output}`);
    const buttons: string[] = [];
    if (failure.canResume) buttons.push(restoreChoices.resume);
    if (failure.canStart) {
      buttons.push(
        failure.state?.containerExists === false ? restoreChoices.recreate : restoreChoices.start,
      );
    }
    buttons.push(restoreChoices.journal, restoreChoices.log);
    const choice = await vscode.window.showErrorMessage(
      failure.message,
      {
        modal: true,
        detail: [
          'Where things are now:',
          ...failure.stateLines.map((l) => `• ${l}`),
          '',
          'To recover:',
          ...(failure.recovery.length > 0
            ? failure.recovery.map((l) => `• ${l}`)
            : ['• See the log.']),
        ].join('\n'),
      },
      ...buttons,
    );
    switch (choice) {
      case restoreChoices.resume:
        await this.resume(failure.journalFile);
        break;
      case restoreChoices.start:
      case restoreChoices.recreate:
        await this.startContainer(failure.journalFile);
        break;
      case restoreChoices.journal:
        await this.openJournal(failure.journalFile);
        break;
      case restoreChoices.log:
        this.ctx.log.show();
        break;
    }
  }

  private async withAccess(
    container: string,
    what: string,
    action: (access: BackupAccess) => Promise<void>,
  ): Promise<void> {
    if (!this.requireTrust()) return;
    let access: BackupAccess | undefined;
    try {
      access = await openBackupAccess(this.ctx.docker, container);
      await action(access);
    } catch (error) {
      this.showError(what, error);
    } finally {
      await access
        ?.close()
        .catch((e: unknown) => this.ctx.log.warn(`Removing the helper container: ${String(e)}`));
    }
  }

  private showError(what: string, error: unknown): void {
    if (
      isDockerError(error, 'cancelled') ||
      (error instanceof Error && error.name === 'AbortedError')
    ) {
      this.ctx.log.info(`${what}: cancelled`);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (isBackupError(error) || isDockerError(error)) this.ctx.log.warn(`${what}: ${message}`);
    else this.ctx.log.error(error instanceof Error ? error : new Error(message));
    void vscode.window
      .showErrorMessage(`${what}: ${message}`, restoreChoices.log)
      .then((b) => b && this.ctx.log.show());
  }

  private requireTrust(): boolean {
    if (this.ctx.trusted) return true;
    void vscode.window.showWarningMessage(
      'NSO Workbench runs no backup or restore in an untrusted workspace.',
    );
    return false;
  }

  private logOutput(tool: string, text: string): void {
    for (const line of text.split('\n')) if (line.trim()) this.ctx.log.info(`[${tool}] ${line}`);
  }

  /** The folder and production container a command is about. */
  private async container(
    target: Target,
  ): Promise<{ folder: vscode.WorkspaceFolder; id: string; name: string } | undefined> {
    if (!this.requireTrust()) return undefined;
    if (target !== undefined && !(target instanceof vscode.Uri) && target.kind === 'backup') {
      return { folder: target.folder, ...target.container };
    }
    const folder = await this.folder(target);
    if (!folder) return undefined;
    try {
      const details = await this.source.target(folder);
      if (details) return { folder, id: details.id, name: details.name };
      const choice = await vscode.window.showWarningMessage(
        `${folder.name} has no production container: start NSO, or use an existing container.`,
        'Use Existing Container…',
      );
      if (choice) await vscode.commands.executeCommand('nso.prod.useExisting', folder.uri);
    } catch (error) {
      this.showError('Find the production container', error);
    }
    return undefined;
  }

  private async folder(target: Target): Promise<vscode.WorkspaceFolder | undefined> {
    if (target instanceof vscode.Uri) return vscode.workspace.getWorkspaceFolder(target);
    if (target !== undefined) return target.folder;
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length <= 1) return folders[0];
    return vscode.window.showWorkspaceFolderPick({
      placeHolder: 'Workspace folder of the production container',
    });
  }

  private async pickBackup(title: string, placeHolder: string): Promise<BackupNode | undefined> {
    const folder = await this.folder(undefined);
    if (!folder) return undefined;
    const nodes = await this.view.nodes(folder);
    if (nodes.length === 0) {
      void vscode.window.showInformationMessage(
        `No backups in the production container of ${folder.name}.`,
      );
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      nodes.map((node) => ({
        label: node.entry.name,
        description: `${node.entry.version ? `NSO ${node.entry.version} · ` : ''}${formatBytes(node.entry.sizeBytes)}`,
        node,
      })),
      { title, placeHolder },
    );
    return picked?.node;
  }

  private async pickJournal(
    title: string,
    placeHolder: string,
    any = false,
  ): Promise<string | undefined> {
    const journals = (await listJournals(this.stateDir)).filter(
      (j) => any || j.status === 'failed',
    );
    if (journals.length === 0) {
      void vscode.window.showInformationMessage(
        any ? 'No restore journals yet.' : 'No restore has stopped half-way.',
      );
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      journals.map((j) => ({
        label: `${j.backup.name} → ${j.record.name}`,
        description: `${j.status}${j.failure ? ` at "${stepTitles[j.failure.step]}"` : ''}`,
        detail: `${j.startedAt} · ${j.file}`,
        file: j.file,
      })),
      { title, placeHolder },
    );
    return picked?.file;
  }
}

/**
 * A copy's progress as a notification shows it: "<done> of <total>", the bar
 * moved only by whole percents so a large copy does not flood the UI.
 */
function byteProgress(
  progress: vscode.Progress<{ message?: string; increment?: number }>,
): (done: number, total: number) => void {
  let shown = 0;
  return (done, total) => {
    const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
    if (percent > shown) {
      progress.report({
        increment: percent - shown,
        message: `${formatBytes(done)} of ${formatBytes(total)}`,
      });
      shown = percent;
    }
  };
}
