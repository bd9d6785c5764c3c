import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import type { DockerClient } from '../core/docker';
import {
  BackupError,
  deleteBackup,
  formatBytes,
  isBackupError,
  listBackups,
  openBackupAccess,
  takeBackup,
  type BackupEntry,
} from '../core/nso/backup';
import { restoringError, restoringFor } from '../core/nso/restoreLock';
import {
  defaultRestoreStateDir,
  executeRestore,
  isMissingSecretsError,
  isRestoreFailure,
  planRestore,
  resumeRestore,
  startFromJournal,
  stepTitles,
  type MissingSecretsError,
  type RestoreFailure,
  type RestoreReport,
  type SecretProvider,
} from '../core/nso/backupRestore';
import { downloadBackup, importBackup } from '../core/nso/backupTransfer';
import { workbenchFilter } from '../core/nso/labels';
import { parseArgs, type CliIo, type Subcommand } from './main';
import { openWorkspace, requireNamedContainer, workspaceOptions } from './workspace';

const usage = [
  'nso-workbench backup list                      [options] [--json]',
  '                     create                    [options] [--json]',
  '                     restore <name> --yes      [--no-safety-backup] [--allow-other-version] [options] [--json]',
  '                     download <name> <dir>     [options] [--json]',
  '                     import <file>             [options] [--json]',
  '                     delete <name> --yes       [options] [--json]',
  '                     resume <journal> --yes    (continue a restore that stopped)',
  '                     start <journal> --yes     (start or recreate the container of a restore that stopped)',
  'options: --container <name|id> (default: the production container labelled for --dir),',
  '         --dir <workspace> (default .), --state-dir <folder> (restore journals),',
  '         --docker-host <url> (default: nso.docker.host, DOCKER_HOST, the Docker context)',
].join('\n');

/**
 * `nso-workbench backup …`: the Backups view on the command line. Restore and
 * delete change data and take `--yes` as the user's consent; a restore that
 * stops half-way prints its journal, from which `resume` or `start` go on.
 */
export const backupCommand: Subcommand = {
  name: 'backup',
  summary: 'List, create, restore, download, import and delete NSO backups',
  usage,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          ...workspaceOptions,
          container: { type: 'string' },
          'state-dir': { type: 'string' },
          yes: { type: 'boolean', default: false },
          'no-safety-backup': { type: 'boolean', default: false },
          'allow-other-version': { type: 'boolean', default: false },
        },
        strict: true,
      });
    } catch (err) {
      io.stderr.write(`nso-workbench backup: ${(err as Error).message}\nUsage: ${usage}\n`);
      return 2;
    }
    const { values, positionals } = parsed;
    const [action, ...operands] = positionals;
    const wanted: Record<string, number> = {
      list: 0,
      create: 0,
      restore: 1,
      download: 2,
      import: 1,
      delete: 1,
      resume: 1,
      start: 1,
    };
    if (action === undefined || wanted[action] === undefined) {
      io.stderr.write(`nso-workbench backup: say what to do\nUsage: ${usage}\n`);
      return 2;
    }
    if (operands.length !== wanted[action]) {
      io.stderr.write(
        `nso-workbench backup ${action}: wrong number of arguments\nUsage: ${usage}\n`,
      );
      return 2;
    }
    if (['restore', 'delete', 'resume', 'start'].includes(action) && !values.yes) {
      const message =
        `nso-workbench backup ${action} changes NSO's data: add --yes to go ahead.` +
        (action === 'restore'
          ? '\nNSO stops, /nso/run is moved to /nso/run.old, the backup is unpacked, NSO starts again.'
          : '');
      // Under --json a script reads stdout, as for stop --delete-volumes without --yes.
      if (values.json) {
        io.stdout.write(
          `${JSON.stringify({ ok: false, kind: 'confirmationNeeded', action, error: message, changed: false }, null, 2)}\n`,
        );
      } else io.stderr.write(`${message}\n`);
      return 2;
    }

    const out = new Output(io, values.json);
    const stateDir = values['state-dir']
      ? path.resolve(values['state-dir'])
      : defaultRestoreStateDir(io.env);
    try {
      // Host paths first: a typo is reported before any Docker work, in words.
      if (action === 'import') await checkImportFile(path.resolve(operands[0]!));
      if (action === 'download') await checkDownloadFolder(path.resolve(operands[1]!));
      const ws = await openWorkspace(values, io);
      const docker = ws.docker();

      if (action === 'resume' || action === 'start') {
        const journal = path.resolve(operands[0]!);
        const secrets = secretsFromEnvironment(io.env);
        if (action === 'resume') {
          const report = await resumeRestore(docker, journal, {
            onProgress: (p) => out.progress(p.message),
            onOutput: (t) => out.live(t),
            secrets,
          });
          return out.restored(report);
        }
        const started = await startFromJournal(docker, journal, { secrets });
        out.result(
          { ok: true, ...started },
          `Container ${started.recreated ? 'recreated and ' : ''}started; NSO is healthy.` +
            (started.differences.length > 0
              ? `\nConfiguration differences: ${started.differences.join('; ')}`
              : ''),
        );
        return 0;
      }

      const container = await resolveContainer(docker, values.container, ws.dir);

      if (action === 'restore') {
        const name = operands[0]!;
        const plan = await planRestore(docker, container, name, {
          onProgress: (m) => out.progress(m),
        });
        if (plan.versionMismatch && !values['allow-other-version']) {
          throw new BackupError(
            'ncsBackup',
            `${name} was taken with NSO ${plan.versionMismatch.backup}, but container ` +
              `${plan.containerName} runs NSO ${plan.versionMismatch.nso}. Add --allow-other-version ` +
              `to restore it anyway. Nothing was changed.`,
          );
        }
        for (const line of plan.summary) out.progress(line);
        const report = await executeRestore(docker, plan, {
          stateDir,
          safetyBackup: !values['no-safety-backup'],
          acceptVersionMismatch: values['allow-other-version'],
          onProgress: (p) => out.progress(p.message),
          onOutput: (t) => out.live(t),
        });
        return out.restored(report);
      }

      const access = await openBackupAccess(docker, container);
      try {
        switch (action) {
          case 'list': {
            const entries = await listBackups(docker, access.container);
            out.result(
              { ok: true, container, viaHelper: access.viaHelper, backups: entries.map(entryJson) },
              entries.length === 0
                ? 'No backups in /nso/run/backups.'
                : entries.map(entryLine).join('\n'),
            );
            return 0;
          }
          case 'create': {
            const taken = await takeBackup(docker, access.container, {
              onOutput: (t) => out.live(t),
            });
            out.result(
              { ok: true, backup: entryJson(taken.entry) },
              `Backup ${taken.entry.name} created (${formatBytes(taken.entry.sizeBytes)}).`,
            );
            return 0;
          }
          case 'download': {
            const [name, dir] = operands as [string, string];
            const result = await downloadBackup(docker, access.container, name, path.resolve(dir));
            out.result(
              { ok: true, file: result.file, sizeBytes: result.sizeBytes },
              `Downloaded ${name} to ${result.file} (${formatBytes(result.sizeBytes)}, size checked).`,
            );
            return 0;
          }
          case 'import': {
            const file = path.resolve(operands[0]!);
            const result = await importBackup(docker, access.container, file);
            out.result(
              { ok: true, backup: entryJson(result.entry) },
              `Imported ${file} as ${result.entry.path} (${formatBytes(result.entry.sizeBytes)}).`,
            );
            return 0;
          }
          case 'delete': {
            const entry = await deleteBackup(docker, access.container, operands[0]!);
            out.result({ ok: true, deleted: entryJson(entry) }, `Deleted ${entry.path}.`);
            return 0;
          }
        }
      } finally {
        await access.close();
      }
      return 2;
    } catch (error) {
      if (isMissingSecretsError(error)) return out.secretsMissing(error, action);
      return out.failed(error);
    }
  },
};

/**
 * The environment variables a secret is read from: NSO_ADMIN_PASSWORD (as
 * `nso-workbench start` uses) then ADMIN_PASSWORD for the admin password,
 * the variable's own name for any other.
 */
export function secretVariables(name: string): string[] {
  return name === 'ADMIN_PASSWORD' ? ['NSO_ADMIN_PASSWORD', 'ADMIN_PASSWORD'] : [name];
}

/** Secrets a journal names but does not hold, from this process's environment. */
function secretsFromEnvironment(env: NodeJS.ProcessEnv): SecretProvider {
  return ({ name }) =>
    Promise.resolve(
      secretVariables(name)
        .map((v) => env[v])
        .find((value) => value !== undefined),
    );
}

/** `backup import <file>`: the file must exist and be a file; nothing is imported otherwise. */
async function checkImportFile(file: string): Promise<void> {
  const stat = await fs.stat(file).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
    throw hostPathError(error, file, 'Nothing was imported.');
  });
  if (stat === undefined) {
    throw new BackupError('notFound', `No such file: ${file}. Nothing was imported.`);
  }
  if (!stat.isFile()) {
    throw new BackupError('notFound', `${file} is not a file. Nothing was imported.`);
  }
}

/**
 * `backup download <name> <dir>`: a missing folder is created (as the
 * Backups view does); a path that is something else is refused up front.
 */
async function checkDownloadFolder(dir: string): Promise<void> {
  const stat = await fs.stat(dir).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw hostPathError(error, dir, 'Nothing was downloaded.');
  });
  if (stat !== undefined && !stat.isDirectory()) {
    throw new BackupError('exists', `${dir} is not a folder. Nothing was downloaded.`);
  }
}

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A host file system error in words, instead of `EACCES: permission denied, stat '…'`. */
function hostPathError(error: unknown, file: string, outcome: string): Error {
  const code = errnoCode(error);
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOTDIR'
        ? 'a part of the path is not a folder'
        : error instanceof Error
          ? error.message
          : String(error);
  return new Error(`Cannot use ${file}: ${why}. ${outcome}`);
}

/** The container named, or the one labelled as this workspace's production container. */
async function resolveContainer(
  docker: DockerClient,
  named: string | undefined,
  workspace: string,
): Promise<string> {
  if (named !== undefined) {
    await requireNamedContainer(docker, named);
    return named;
  }
  const found = await docker.listContainers({ labels: workbenchFilter('prod', workspace) });
  const running = found.filter((c) => c.state === 'running');
  const pick = running[0] ?? found[0];
  if (pick === undefined) {
    const restoring = await restoringFor(docker, workspace);
    if (restoring !== undefined) throw restoringError(restoring);
    throw new BackupError(
      'notFound',
      `No NSO production container for ${workspace}: start one with nso-workbench start, ` +
        `or name one started elsewhere (e.g. by Compose) with --container <name|id>.`,
    );
  }
  return pick.name;
}

function entryJson(e: BackupEntry): object {
  return {
    name: e.name,
    path: e.path,
    sizeBytes: e.sizeBytes,
    modifiedAt: e.modifiedAt.toISOString(),
    kind: e.kind,
    version: e.version ?? null,
    time: e.time ?? null,
  };
}

function entryLine(e: BackupEntry): string {
  const what =
    e.kind === 'backup'
      ? `NSO ${e.version} ${e.time?.replace('T', ' ')}`
      : e.kind === 'partial'
        ? 'unfinished file'
        : 'not an ncs-backup name';
  return `${e.name}\t${formatBytes(e.sizeBytes)}\t${what}`;
}

/** Text for people, or one JSON document on stdout with live output on stderr. */
class Output {
  constructor(
    private readonly io: CliIo,
    private readonly json: boolean,
  ) {}

  progress(message: string): void {
    this.io.stderr.write(`${message}\n`);
  }

  live(text: string): void {
    (this.json ? this.io.stderr : this.io.stdout).write(text);
  }

  result(json: object, text: string): void {
    this.io.stdout.write(this.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
  }

  restored(report: RestoreReport): number {
    const lines = [
      `Restored ${report.backup} into ${report.container}${report.recreated ? ' (container recreated)' : ''}; NSO is healthy.`,
      ...(report.safetyBackup
        ? [`Safety backup of the state before: ${report.safetyBackup}.`]
        : []),
      ...report.previousRunDirs.map((d) => `Kept: ${d}.`),
      ...report.warnings.map((w) => `ncs-backup: ${w}`),
      report.differences.length === 0
        ? 'The container configuration is as it was.'
        : `Configuration differences: ${report.differences.join('; ')}`,
      `Journal: ${report.journalFile}`,
    ];
    const { output: _output, ...json } = report;
    this.result({ ok: true, ...json }, lines.join('\n'));
    return 0;
  }

  /** Which variables to set and the command to run again; nothing was changed. */
  secretsMissing(error: MissingSecretsError, action: string): number {
    const variables = error.names.map((n) => secretVariables(n).join(' or '));
    const command = `nso-workbench backup ${action} ${quote(error.journalFile)} --yes`;
    if (this.json) {
      this.io.stdout.write(
        `${JSON.stringify(
          {
            ok: false,
            kind: error.kind,
            error: error.message,
            journal: error.journalFile,
            missing: error.names,
            variables,
            commands: [command],
          },
          null,
          2,
        )}\n`,
      );
    } else {
      this.io.stderr.write(
        [
          `nso-workbench backup: ${error.message}`,
          '',
          'Set the value in the environment, then run the command again:',
          ...variables.map((v) => `  ${v}`),
          `  $ ${command}`,
          '',
        ].join('\n'),
      );
    }
    return 1;
  }

  failed(error: unknown): number {
    if (isRestoreFailure(error)) return this.restoreFailed(error);
    const message = error instanceof Error ? error.message : String(error);
    if (this.json) {
      this.io.stdout.write(
        `${JSON.stringify({ ok: false, kind: isBackupError(error) ? error.kind : 'error', error: message }, null, 2)}\n`,
      );
    } else {
      this.io.stderr.write(`nso-workbench backup: ${message}\n`);
    }
    return 1;
  }

  private restoreFailed(f: RestoreFailure): number {
    const { recovery, commands } = restoreRecovery(f);
    if (this.json) {
      this.io.stdout.write(
        `${JSON.stringify(
          {
            ok: false,
            kind: 'restoreFailed',
            error: f.message,
            step: f.step,
            stepTitle: stepTitles[f.step],
            journal: f.journalFile,
            state: f.state ?? null,
            stateLines: f.stateLines,
            recovery,
            commands,
          },
          null,
          2,
        )}\n`,
      );
    } else {
      this.io.stderr.write(restoreFailureText(f));
    }
    return 1;
  }
}

/** What a failed restore's report is made of; a RestoreFailure is one. */
export type RestoreFailureFacts = Pick<
  RestoreFailure,
  'message' | 'journalFile' | 'stateLines' | 'recovery' | 'canResume' | 'canStart'
>;

/**
 * The recovery of a failed restore: the core's sentences, the commands that
 * are safe now, and, when neither is there (the state could not be read, or
 * nothing is safe to run), a sentence saying where to look, so the report
 * never ends on an empty heading.
 */
export function restoreRecovery(f: RestoreFailureFacts): {
  recovery: string[];
  commands: string[];
} {
  const journal = quote(f.journalFile);
  const commands = [
    ...(f.canResume ? [`nso-workbench backup resume ${journal} --yes`] : []),
    ...(f.canStart ? [`nso-workbench backup start ${journal} --yes`] : []),
  ];
  const recovery = [...f.recovery];
  if (recovery.length === 0 && commands.length === 0) {
    recovery.push(
      'Neither resuming the restore nor starting the container is known to be safe now, so no ' +
        'command is offered. Look at the journal: it records the container configuration, the ' +
        'backup and the steps done. Check the container with `docker ps -a` and its /nso volume ' +
        'before starting NSO.',
    );
  }
  return { recovery, commands };
}

/** The text report of a failed restore: what happened, where things are, how to recover. */
export function restoreFailureText(f: RestoreFailureFacts): string {
  const { recovery, commands } = restoreRecovery(f);
  return [
    `nso-workbench backup: ${f.message}`,
    '',
    'Where things are now:',
    ...f.stateLines.map((l) => `  ${l}`),
    '',
    'To recover:',
    ...recovery.map((l) => `  ${l}`),
    ...commands.map((c) => `  $ ${c}`),
    `  Journal: ${f.journalFile}`,
    '',
  ].join('\n');
}

function quote(file: string): string {
  return /^[\w./@:-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
}
