// Restoring an NSO backup into a production container, as one procedure that
// never loses data:
//
//   plan      check the backup (whole gzip, space for it, NSO version) and say
//             what will happen, before anything changes
//   record    the container's exact configuration (docker inspect: mounts,
//             ports with host addresses, networks with aliases, labels, env,
//             restart policy, ...), saved to a journal file first; secret env
//             values (ADMIN_PASSWORD, ...) are kept in memory only, the
//             journal names them
//   safety    a fresh backup of the current state (unless declined)
//   stop      NSO stops with its container
//   remove    the container is removed (named and anonymous volumes stay)
//   helper    a container from the same image with the same mounts, for
//             looking at and moving files
//   preserve  an existing /nso/run.old is renamed aside, because ncs-backup
//             deletes it before moving /nso/run there
//   restore   a one-off container from the same image with the same mounts,
//             entry point ncs-backup, `--restore <file>`, its two questions
//             answered on standard input
//   verify    /nso/run is back; the backups that existed are still listed
//   recreate  the production container is created again from the record:
//             same name, image, mounts, ports, networks and aliases, labels
//             (Compose's too, so Compose still knows it), env, restart policy
//   start     it starts
//   healthy   Docker's health check, or NSO's own wait-start, says NSO is up
//   compare   the container's configuration is the recorded one
//
// Any failed step stops the procedure, keeps everything (the record, run.old,
// the safety backup), writes the state to the journal and says how to
// recover: resume from that step, or start / recreate the container.
//
// Nothing here ever deletes /nso/run.old or a backup.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';

import { AbortedError, delay } from '../cancel';
import type { ContainerDetails, DockerClient, ExecResult } from '../docker/client';
import { isDockerError } from '../docker/errors';
import {
  BackupError,
  backupNameProblem,
  backupsDir,
  formatBytes,
  freeBytes,
  isBackupError,
  listBackups,
  nsoMountOf,
  nsoRoot,
  nsoToolArgv,
  nsoVersionIn,
  printable,
  helperSpec,
  removeHelper,
  runDir,
  runOldDir,
  startHelper,
  takeBackup,
  type BackupEntry,
} from './backup';
import {
  compareRecords,
  parseRecord,
  recordContainer,
  recreateContainer,
  recreateLimitations,
  type RecordedContainer,
} from './containerConfig';
import { parseRestoreOutput } from './statusOutput';
import {
  acquireRestoreLock,
  assertNotRestoring,
  releaseRestoreLock,
  type LockedContainer,
} from './restoreLock';
import { healthArgv, startFailureHints, startLogs } from './prodContainer';
import { isSecretName } from '../../ncsconf/variables';

/** NSO's configuration directory in the production image. */
export const configDir = '/etc/ncs';

export type RestoreStep =
  | 'plan'
  | 'record'
  | 'safetyBackup'
  | 'stop'
  | 'remove'
  | 'helper'
  | 'preserveRunOld'
  | 'restore'
  | 'verify'
  | 'recreate'
  | 'start'
  | 'healthy'
  | 'compare';

/** The steps in order, e.g. for a progress bar. */
export const restoreSteps: readonly RestoreStep[] = [
  'plan',
  'record',
  'safetyBackup',
  'stop',
  'remove',
  'helper',
  'preserveRunOld',
  'restore',
  'verify',
  'recreate',
  'start',
  'healthy',
  'compare',
];

export const stepTitles: Readonly<Record<RestoreStep, string>> = {
  plan: 'Checking the backup',
  record: 'Recording the container configuration',
  safetyBackup: 'Taking a safety backup of the current state',
  stop: 'Stopping NSO',
  remove: 'Removing the production container (its configuration is recorded)',
  helper: 'Starting a helper container with the same mounts',
  preserveRunOld: `Keeping the previous ${runOldDir}`,
  restore: 'Running ncs-backup --restore',
  verify: 'Checking the restored run directory',
  recreate: 'Recreating the production container from the record',
  start: 'Starting the production container',
  healthy: 'Waiting for NSO to be healthy',
  compare: 'Comparing the container configuration',
};

// ---------------------------------------------------------------------------
// Plan

export interface RestorePlan {
  readonly containerId: string;
  readonly containerName: string;
  readonly running: boolean;
  readonly backup: BackupEntry;
  /** The NSO version the container runs (`ncs --version`). */
  readonly nsoVersion?: string;
  /** Set when the backup's name says another NSO version. */
  readonly versionMismatch?: { readonly backup: string; readonly nso: string };
  /** True when /nso/run.old exists and will be renamed aside first. */
  readonly runOldExists: boolean;
  /** Where /etc/ncs is mounted from, when it is: then it is not overwritten. */
  readonly configDirMount?: string;
  /** Every backup file there now; each is still there afterwards. */
  readonly existingBackups: readonly string[];
  /** Things the configuration record cannot carry, should the container need recreating. */
  readonly limitations: readonly string[];
  /** What will happen, one sentence each, for a confirmation dialog. */
  readonly summary: readonly string[];
}

export interface PlanOptions {
  readonly signal?: AbortSignal;
  /** ncs-backup, gzip and friends are looked for here while the check runs. */
  readonly onProgress?: (message: string) => void;
}

/**
 * Checks everything that can be checked before NSO is stopped. Throws a
 * BackupError when the restore cannot work (no /nso mount, the backup is not
 * a whole gzip file, not enough space); returns what will happen otherwise.
 */
export async function planRestore(
  docker: DockerClient,
  container: string,
  backupName: string,
  options: PlanOptions = {},
): Promise<RestorePlan> {
  const { signal } = options;
  const problem = backupNameProblem(backupName);
  if (problem !== undefined) throw new BackupError('badName', `Not a backup name: ${problem}`);

  const details = await docker.inspectContainer(container, { signal });
  // Refused before anything is planned or shown: another restore holds it, or it is paused.
  await assertNotRestoring(docker, details.name);
  if (details.state.paused) {
    throw new BackupError(
      'notRunning',
      `Container ${details.name} is paused: unpause it (docker unpause ${details.name}) first. Nothing was changed.`,
    );
  }
  const nsoMount = nsoMountOf(details);
  if (nsoMount === undefined) {
    throw new BackupError(
      'noNsoMount',
      `Container ${details.name} has no volume or bind mount at ${nsoRoot}: its run directory ` +
        `lives in the container's own layer, which a one-off restore container cannot reach. ` +
        `Run the production container with a volume at ${nsoRoot} (e.g. -v NSO-vol:${nsoRoot}).`,
    );
  }
  const runMount = details.mounts.find((m) => m.destination === runDir);
  if (runMount !== undefined) {
    throw new BackupError(
      'noNsoMount',
      `${runDir} is itself a mount in container ${details.name} (${runMount.name ?? runMount.source}): ` +
        `ncs-backup --restore must move it to ${runOldDir}, which cannot be done to a mount ` +
        `point. Mount the volume at ${nsoRoot} instead.`,
    );
  }
  const configMount = details.mounts.find(
    (m) => m.destination === configDir || m.destination.startsWith(`${configDir}/`),
  );

  const running = details.state.running && !details.state.paused;
  const where = running ? details.id : await startHelper(docker, details, { signal });
  try {
    options.onProgress?.('Reading the backups folder');
    const entries = await listBackups(docker, where, { signal });
    const backup = entries.find((e) => e.name === backupName);
    if (backup === undefined) {
      throw new BackupError('notFound', `There is no ${printable(backupName)} in ${backupsDir}`);
    }
    if (backup.kind === 'partial') {
      throw new BackupError(
        'notGzip',
        `${backupName} is an unfinished file (a backup or import that did not complete), not a backup`,
      );
    }

    options.onProgress?.(`Checking that ${backupName} is a whole gzip file`);
    const gzip = await exec(docker, where, ['gzip', '-t', '--', backup.path], signal);
    if (gzip.exitCode !== 0) {
      throw new BackupError(
        'notGzip',
        `${backupName} is not a whole gzip file, so it cannot be an NSO backup: ` +
          `${(gzip.stderr || gzip.stdout).trim() || `gzip -t exited with ${gzip.exitCode}`}. ` +
          `Nothing was changed.`,
      );
    }

    options.onProgress?.('Checking free space');
    const needed = await uncompressedBytes(docker, where, backup, signal);
    const free = await freeBytes(docker, where, nsoRoot, { signal });
    if (free !== undefined && free < needed + 16 * 1024 * 1024) {
      throw new BackupError(
        'diskFull',
        `Not enough space to restore ${backupName}: it unpacks to about ${formatBytes(needed)}, and ` +
          `the disk holding ${nsoRoot} has ${formatBytes(free)} free. Nothing was changed.`,
      );
    }

    options.onProgress?.('Reading the NSO version');
    const nsoVersion = await nsoVersionIn(docker, where, { signal });
    const runOldExists =
      (await exec(docker, where, ['test', '-e', runOldDir], signal)).exitCode === 0;

    const record = recordContainer(details);
    const versionMismatch =
      backup.version !== undefined && nsoVersion !== undefined && backup.version !== nsoVersion
        ? { backup: backup.version, nso: nsoVersion }
        : undefined;
    const configDirMount = configMount
      ? `${configMount.name ?? configMount.source} (at ${configMount.destination})`
      : undefined;
    const summary = [
      running
        ? `NSO in container ${details.name} stops while the backup is restored.`
        : `NSO in container ${details.name} is stopped now; the restore starts it once the backup is in place.`,
      `The current run directory ${runDir} is moved to ${runOldDir} (kept, never deleted).`,
      ...(runOldExists
        ? [
            `The ${runOldDir} already there, from an earlier restore, is renamed ${runOldDir}-<date> first.`,
          ]
        : []),
      configDirMount
        ? `${configDir} is mounted from ${configDirMount}: it is left as it is.`
        : // ncs-backup does put /etc/ncs back, but only in the one-off container
          // it runs in, which is removed; the re-created container starts from
          // its image. Said as what the user ends up with.
          `${configDir} is not on a mount, so the restore leaves it out: the new container has ` +
          `${configDir} as its image has it (changes made inside the old container are lost; ` +
          'the backup still holds them).',
      `Container ${details.name} is removed and created again from its recorded configuration ` +
        '(same name, image, mounts, ports, networks, labels, environment and restart policy); ' +
        'NSO is then checked to be healthy.',
      ...(versionMismatch
        ? [
            `The backup was taken with NSO ${versionMismatch.backup}; the container runs NSO ` +
              `${versionMismatch.nso}. NSO converts the restored CDB when it starts, which may fail or lose data the newer schema does not hold.`,
          ]
        : []),
    ];
    return {
      containerId: details.id,
      containerName: details.name,
      running,
      backup,
      ...(nsoVersion !== undefined ? { nsoVersion } : {}),
      ...(versionMismatch ? { versionMismatch } : {}),
      runOldExists,
      ...(configDirMount ? { configDirMount } : {}),
      existingBackups: entries.filter((e) => e.kind !== 'partial').map((e) => e.name),
      limitations: recreateLimitations(record),
      summary,
    };
  } finally {
    if (where !== details.id) await removeHelper(docker, where).catch(() => undefined);
  }
}

/** `gzip -l` (which wraps at 4 GiB: then a generous guess from the packed size). */
async function uncompressedBytes(
  docker: DockerClient,
  container: string,
  backup: BackupEntry,
  signal?: AbortSignal,
): Promise<number> {
  const listed = await exec(docker, container, ['gzip', '-l', '--', backup.path], signal);
  const row = listed.stdout.trim().split('\n').pop()?.trim().split(/\s+/);
  const size = Number(row?.[1]);
  return Number.isFinite(size) && size >= backup.sizeBytes ? size : backup.sizeBytes * 10;
}

// ---------------------------------------------------------------------------
// Journal: what a restore did, on disk, so that a failure can be resumed

export interface StepRecord {
  readonly step: RestoreStep;
  readonly at: string;
  readonly detail?: string;
}

export interface RestoreJournal {
  /** 2 since secret values stay out of the file; 1 (plain values) is still read. */
  readonly format: 1 | 2;
  readonly file: string;
  readonly startedAt: string;
  readonly record: RecordedContainer;
  readonly backup: { readonly name: string; readonly path: string; readonly sizeBytes: number };
  readonly existingBackups: readonly string[];
  readonly answerConfigDir: boolean;
  safetyBackup?: { readonly name: string; readonly path: string };
  /** Where an earlier /nso/run.old was renamed to. */
  preservedRunOld?: string[];
  /** Set when the container vanished on stop (it ran with --rm). */
  removedOnStop?: boolean;
  /** Ids of containers recreated from the record: the restore may remove these, too. */
  recreatedIds?: string[];
  /** /nso/run.old and renamed earlier ones, after the restore. */
  previousRunDirs?: string[];
  completed: StepRecord[];
  status: 'running' | 'failed' | 'done';
  failure?: { readonly step: RestoreStep; readonly message: string };
  restoreOutput?: string;
  /**
   * Secret env variables of the record whose values neither the file nor this
   * process holds (the restore ran in another process): `record.env` lacks
   * them until a {@link SecretProvider} gives them. Never written to the file.
   */
  withheldSecrets?: string[];
}

/** How the journal file stands for a secret env value: its name, no value, no hash. */
export interface SecretMarker {
  readonly secret: string;
}

function isSecretMarker(value: unknown): value is SecretMarker {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { secret?: unknown }).secret === 'string'
  );
}

/**
 * Gives the value of a secret env variable the journal names but does not
 * hold, to recreate `container` exactly; undefined when it cannot (the user
 * cancelled, nothing set). The extension asks secret storage and the user, the
 * CLI reads the environment.
 */
export type SecretProvider = (request: {
  readonly name: string;
  readonly container: string;
}) => Promise<string | undefined>;

/** Thrown before anything changed when secrets to recreate the container were not given. */
export class MissingSecretsError extends BackupError {
  constructor(
    readonly journalFile: string,
    readonly container: string,
    /** The env variables still without a value. */
    readonly names: readonly string[],
  ) {
    super(
      'secretMissing',
      `Container ${container} must be created again with ${names.join(', ')}, whose ` +
        `value${names.length > 1 ? 's are' : ' is'} not in the journal ${journalFile} ` +
        `(secrets are kept in memory only, by the session that started the restore). ` +
        `Nothing was changed; the journal is kept as it was.`,
    );
  }
}

export function isMissingSecretsError(error: unknown): error is MissingSecretsError {
  return (
    isBackupError(error, 'secretMissing') && Array.isArray((error as { names?: unknown }).names)
  );
}

/**
 * Secret env values of journals written by this process, by journal file:
 * what lets a restore that stopped be resumed in the same session without
 * asking again. Gone with the process, by design.
 */
const secretsInMemory = new Map<string, Record<string, string>>();

/** Drops the secret values held for journals, as a new process starts without them. */
export function forgetSecretsInMemory(journalFile?: string): void {
  if (journalFile === undefined) secretsInMemory.clear();
  else secretsInMemory.delete(journalFile);
}

/** The journal as written to disk: each secret env value replaced by a {@link SecretMarker}. */
export function journalForDisk(journal: RestoreJournal): object {
  const { withheldSecrets, ...rest } = journal;
  const env: Record<string, string | SecretMarker> = {};
  for (const [name, value] of Object.entries(journal.record.env)) {
    env[name] = isSecretName(name) && value !== '' ? { secret: name } : value;
  }
  for (const name of withheldSecrets ?? []) env[name] = { secret: name };
  return { ...rest, format: 2, record: { ...journal.record, env } };
}

/** Where the CLI keeps journals: $XDG_STATE_HOME/nso-workbench/restores. */
export function defaultRestoreStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'nso-workbench', 'restores');
}

/** Writes the journal (atomically), with secret env values as markers; the values stay in memory. */
export async function saveJournal(journal: RestoreJournal): Promise<void> {
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(journal.record.env)) {
    if (isSecretName(name) && value !== '') secrets[name] = value;
  }
  if (journal.status === 'done') secretsInMemory.delete(journal.file);
  else secretsInMemory.set(journal.file, secrets);
  await fs.promises.mkdir(path.dirname(journal.file), { recursive: true });
  const temporary = `${journal.file}.${process.pid}.tmp`;
  await fs.promises.writeFile(temporary, `${JSON.stringify(journalForDisk(journal), null, 2)}\n`);
  await fs.promises.rename(temporary, journal.file);
}

/**
 * Reads a journal. Secret env values come from this process's memory when it
 * wrote the journal; the others are listed in `withheldSecrets`. A format-1
 * journal (plain values) is read as it is; it is written back as format 2.
 */
export async function loadJournal(file: string): Promise<RestoreJournal> {
  const text = await fs.promises.readFile(file, 'utf8');
  const journal = JSON.parse(text) as RestoreJournal;
  if ((journal.format !== 1 && journal.format !== 2) || !Array.isArray(journal.completed)) {
    throw new Error(`${file} is not a restore journal of NSO Workbench`);
  }
  parseRecord(JSON.stringify(journal.record));
  const held = secretsInMemory.get(file) ?? {};
  const env: Record<string, string> = {};
  const withheld: string[] = [];
  for (const [name, value] of Object.entries(journal.record.env ?? {}) as [string, unknown][]) {
    if (typeof value === 'string') env[name] = value;
    else if (isSecretMarker(value) && held[name] !== undefined) env[name] = held[name];
    else if (isSecretMarker(value)) withheld.push(name);
    else throw new Error(`${file} is not a restore journal of NSO Workbench`);
  }
  const { withheldSecrets: _ignored, ...rest } = journal;
  return {
    ...rest,
    file,
    record: { ...journal.record, env },
    ...(withheld.length > 0 ? { withheldSecrets: withheld } : {}),
  };
}

/**
 * Asks `provider` for each secret the journal names but does not hold, and
 * puts the values into the record (in memory). Throws MissingSecretsError,
 * before anything changed, for those not given.
 */
export async function supplySecrets(
  journal: RestoreJournal,
  provider: SecretProvider | undefined,
): Promise<void> {
  const wanted = journal.withheldSecrets ?? [];
  if (wanted.length === 0) return;
  const given: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of wanted) {
    const value = provider ? await provider({ name, container: journal.record.name }) : undefined;
    if (value === undefined) missing.push(name);
    else given[name] = value;
  }
  if (missing.length > 0) throw new MissingSecretsError(journal.file, journal.record.name, missing);
  (journal as { record: RecordedContainer }).record = {
    ...journal.record,
    env: { ...journal.record.env, ...given },
  };
  delete journal.withheldSecrets;
}

/** The journals in `stateDir`, newest first; unreadable files are skipped. */
export async function listJournals(stateDir: string): Promise<RestoreJournal[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(stateDir);
  } catch {
    return [];
  }
  const journals: RestoreJournal[] = [];
  for (const name of names.filter((n) => n.startsWith('restore-') && n.endsWith('.json'))) {
    try {
      journals.push(await loadJournal(path.join(stateDir, name)));
    } catch {
      // A journal being written, or not ours: nothing to offer from it.
    }
  }
  return journals.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

function done(journal: RestoreJournal, step: RestoreStep): boolean {
  return journal.completed.some((s) => s.step === step);
}

function timestamp(date = new Date()): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

// ---------------------------------------------------------------------------
// Failure: where it stopped, what is where now, how to recover

export interface RestoreState {
  /** The production container exists / runs. */
  readonly containerExists: boolean;
  readonly containerRunning: boolean;
  /** /nso/run exists and is not empty. */
  readonly runDirPresent?: boolean;
  /** /nso/run.old and any renamed copies of it. */
  readonly runOldDirs: readonly string[];
  /** ncs-backup's half-extracted folders (safe to delete once the restore is done). */
  readonly stagingDirs: readonly string[];
  /** Each backup of the journal and where it is now (undefined: not found). */
  readonly backups: readonly { readonly name: string; readonly foundAt?: string }[];
  /** Why part of the state could not be read. */
  readonly unreadable?: string;
}

export class RestoreFailure extends Error {
  constructor(
    readonly step: RestoreStep,
    message: string,
    readonly journalFile: string,
    readonly state: RestoreState | undefined,
    /** What is where, one sentence each. */
    readonly stateLines: readonly string[],
    /** What the user can do, one sentence each. */
    readonly recovery: readonly string[],
    /** Resuming the restore from the journal is possible. */
    readonly canResume: boolean,
    /** Starting (or recreating) the production container as it is now is safe. */
    readonly canStart: boolean,
    readonly output?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RestoreFailure';
  }
}

export function isRestoreFailure(error: unknown): error is RestoreFailure {
  return error instanceof Error && error.name === 'RestoreFailure';
}

/** Reads the state that matters after a failure, through a helper if NSO is down. */
export async function inspectRestoreState(
  docker: DockerClient,
  journal: RestoreJournal,
): Promise<RestoreState> {
  let details: ContainerDetails | undefined;
  try {
    details = await docker.inspectContainer(journal.record.name);
  } catch (error) {
    if (!isDockerError(error, 'notFound')) {
      return {
        containerExists: false,
        containerRunning: false,
        runOldDirs: [],
        stagingDirs: [],
        backups: [],
        unreadable: `Docker could not be asked (${error instanceof Error ? error.message : String(error)})`,
      };
    }
  }
  const running = details?.state.running === true;
  let where: string | undefined;
  let helper: string | undefined;
  try {
    if (running && details) {
      where = details.id;
    } else {
      helper = await startHelper(docker, details ?? detailsFromRecord(journal.record));
      where = helper;
    }
    const top = await exec(docker, where, [
      'find',
      nsoRoot,
      '-mindepth',
      '1',
      '-maxdepth',
      '1',
      '-printf',
      '%f\\0',
    ]);
    const names = top.stdout.split('\0').filter(Boolean);
    const runOldDirs = names
      .filter((n) => n === 'run.old' || n.startsWith('run.old-'))
      .map((n) => `${nsoRoot}/${n}`)
      .sort();
    const stagingDirs = names
      .filter((n) => n.startsWith('.ncs-restore'))
      .map((n) => `${nsoRoot}/${n}`);
    const runContent = await exec(docker, where, [
      'find',
      runDir,
      '-mindepth',
      '1',
      '-maxdepth',
      '1',
    ]);
    const runDirPresent = runContent.exitCode === 0 && runContent.stdout.trim() !== '';
    const wanted = [
      journal.backup.name,
      ...(journal.safetyBackup ? [journal.safetyBackup.name] : []),
    ];
    const backups: { name: string; foundAt?: string }[] = [];
    for (const name of wanted) {
      const foundAt = await locateBackup(docker, where, name, runOldDirs);
      backups.push({ name, ...(foundAt ? { foundAt } : {}) });
    }
    return {
      containerExists: details !== undefined,
      containerRunning: running,
      runDirPresent,
      runOldDirs,
      stagingDirs,
      backups,
    };
  } catch (error) {
    return {
      containerExists: details !== undefined,
      containerRunning: running,
      runOldDirs: [],
      stagingDirs: [],
      backups: [],
      unreadable: `the files under ${nsoRoot} could not be read (${error instanceof Error ? error.message : String(error)})`,
    };
  } finally {
    if (helper !== undefined) await removeHelper(docker, helper).catch(() => undefined);
  }
}

/** Shapes a record like inspect output, enough to start a helper after the container is gone. */
function detailsFromRecord(record: RecordedContainer): ContainerDetails {
  return {
    id: record.id,
    name: record.name,
    image: record.image,
    imageId: record.imageId,
    createdAt: new Date(0),
    state: {
      status: 'exited',
      running: false,
      paused: false,
      restarting: false,
      oomKilled: false,
      exitCode: 0,
      error: '',
    },
    restartCount: 0,
    labels: record.labels,
    env: record.env,
    cmd: record.cmd,
    entrypoint: record.entrypoint,
    user: record.user,
    workingDir: record.workingDir,
    tty: record.tty,
    mounts: record.mounts
      .filter((m) => m.type === 'bind' || m.type === 'volume')
      .map((m) => ({
        type: m.type,
        source: m.source,
        destination: m.target,
        ...(m.type === 'volume' ? { name: m.source } : {}),
        readOnly: m.readOnly,
      })),
    ports: [],
    networkMode: record.networkMode,
  };
}

/** The backups folder first, then the run directories a restore moved aside (newest first). */
async function locateBackup(
  docker: DockerClient,
  container: string,
  name: string,
  runOldDirs: readonly string[],
): Promise<string | undefined> {
  const candidates = [
    `${backupsDir}/${name}`,
    ...[...runOldDirs].reverse().map((dir) => `${dir}/backups/${name}`),
  ];
  for (const candidate of candidates) {
    if ((await exec(docker, container, ['test', '-f', candidate])).exitCode === 0) return candidate;
  }
  return undefined;
}

/** Sentences for the state, and whether resuming / starting is safe. */
export function describeRestoreState(
  journal: RestoreJournal,
  state: RestoreState,
): { lines: string[]; recovery: string[]; canResume: boolean; canStart: boolean } {
  const name = journal.record.name;
  const lines: string[] = [];
  const restored = done(journal, 'restore');
  if (state.unreadable !== undefined)
    lines.push(`The state could not be read fully: ${state.unreadable}.`);
  lines.push(
    state.containerExists
      ? `Container ${name} exists and is ${state.containerRunning ? 'running' : 'stopped'}.`
      : `Container ${name} does not exist any more; its configuration is recorded in ${journal.file}.`,
  );
  if (state.runDirPresent === true) {
    lines.push(
      restored
        ? `${runDir} holds the restored backup ${journal.backup.name}.`
        : `${runDir} is present (the state before the restore, unless ncs-backup got further than the journal knows).`,
    );
  } else if (state.runDirPresent === false) {
    lines.push(
      `${runDir} is missing or empty: NSO must not be started now, it would begin with an empty CDB.`,
    );
  }
  for (const dir of state.runOldDirs) lines.push(`${dir} holds an earlier run directory (kept).`);
  for (const dir of state.stagingDirs) {
    lines.push(
      `${dir} is a half-unpacked copy left by ncs-backup (safe to delete once all is well).`,
    );
  }
  for (const b of state.backups) {
    lines.push(
      b.foundAt ? `Backup ${b.name} is at ${b.foundAt}.` : `Backup ${b.name} was not found.`,
    );
  }
  lines.push(`The recorded configuration and this state are saved in ${journal.file}.`);

  const backupFound =
    state.backups.find((b) => b.name === journal.backup.name)?.foundAt !== undefined;
  const canResume = state.unreadable === undefined && backupFound && !state.containerRunning;
  const canStart =
    state.unreadable === undefined && state.runDirPresent === true && !state.containerRunning;
  const recovery: string[] = [];
  if (canResume) {
    recovery.push(
      restored
        ? 'Resume: start the container and check NSO, the remaining steps.'
        : `Resume: run the restore of ${journal.backup.name} again from where it stopped.`,
    );
  }
  if (canStart) {
    recovery.push(
      state.containerExists
        ? `Start container ${name} as it is now${restored ? '' : ' (NSO comes back without the restore)'}.`
        : `Recreate container ${name} from the recorded configuration.`,
    );
  }
  if (state.runDirPresent === false) {
    const previous = state.runOldDirs[state.runOldDirs.length - 1];
    recovery.push(
      previous
        ? `Or, by hand, move ${previous} back to ${runDir} in a container with the same volumes, then start ${name}.`
        : `Restore a backup into ${runDir} before starting ${name}.`,
    );
  }
  return { lines, recovery, canResume, canStart };
}

// ---------------------------------------------------------------------------
// The procedure

export interface RestoreProgress {
  readonly step: RestoreStep;
  readonly message: string;
}

export interface RestoreOptions {
  /** Take a safety backup first (default true). */
  readonly safetyBackup?: boolean;
  /** The user accepted a backup of another NSO version (required when the plan says so). */
  readonly acceptVersionMismatch?: boolean;
  /** Folder for the journal (the extension's global storage; the CLI's state folder). */
  readonly stateDir: string;
  readonly onProgress?: (progress: RestoreProgress) => void;
  /** Everything ncs-backup prints, as it arrives. */
  readonly onOutput?: (text: string) => void;
  /** Honoured until NSO is stopped; after that the procedure finishes or fails on its own. */
  readonly signal?: AbortSignal;
  /** How long NSO may take to become healthy (default: the health check's start period + 2 min). */
  readonly healthTimeoutMs?: number;
  /** Seconds Docker waits for NSO to stop before killing it (default 120). */
  readonly stopGraceSeconds?: number;
}

export interface RestoreReport {
  readonly journalFile: string;
  readonly container: string;
  readonly containerId: string;
  readonly backup: string;
  readonly safetyBackup?: string;
  /** Where earlier run directories are kept: /nso/run.old (the one just replaced) and older ones. */
  readonly previousRunDirs: readonly string[];
  /** Earlier /nso/run.old folders this restore renamed aside. */
  readonly preservedRunOld: readonly string[];
  /** What ncs-backup said besides success (e.g. another NSO version). */
  readonly warnings: readonly string[];
  /** Configuration differences after the restore (empty: identical). */
  readonly differences: readonly string[];
  readonly recreated: boolean;
  readonly output: string;
}

/** Runs the whole restore the plan describes. Throws RestoreFailure when a step fails. */
export async function executeRestore(
  docker: DockerClient,
  plan: RestorePlan,
  options: RestoreOptions,
): Promise<RestoreReport> {
  if (plan.versionMismatch && options.acceptVersionMismatch !== true) {
    throw new BackupError(
      'ncsBackup',
      `${plan.backup.name} was taken with NSO ${plan.versionMismatch.backup}, the container runs ` +
        `NSO ${plan.versionMismatch.nso}: confirm restoring a backup of another version.`,
    );
  }
  const details = await docker.inspectContainer(plan.containerId, { signal: options.signal });
  // Before anything is written: a second restore of the same container stops here.
  return withRestoreLock(docker, details, async () => {
    const record = recordContainer(details);
    const journal: RestoreJournal = {
      format: 2,
      file: path.join(
        options.stateDir,
        `restore-${details.name.replace(/[^\w.-]/g, '_')}-${timestamp()}.json`,
      ),
      startedAt: new Date().toISOString(),
      record,
      backup: { name: plan.backup.name, path: plan.backup.path, sizeBytes: plan.backup.sizeBytes },
      existingBackups: plan.existingBackups,
      answerConfigDir: plan.configDirMount === undefined,
      completed: [],
      status: 'running',
    };
    await saveJournal(journal);
    await complete(journal, 'record', `saved to ${journal.file}`);
    return runSteps(docker, journal, {
      ...options,
      takeSafetyBackup: options.safetyBackup ?? true,
    });
  });
}

/** Continues a failed restore from its journal. */
export async function resumeRestore(
  docker: DockerClient,
  journalFile: string,
  options: Omit<RestoreOptions, 'stateDir' | 'safetyBackup' | 'acceptVersionMismatch'> & {
    /** Asked for secret env values the journal names but does not hold. */
    readonly secrets?: SecretProvider;
  },
): Promise<RestoreReport> {
  const journal = await loadJournal(journalFile);
  if (journal.status === 'done') {
    throw new BackupError('ncsBackup', `The restore in ${journalFile} has already completed.`);
  }
  return withRestoreLock(docker, journal.record, async () => {
    // The container is created again unless the restore is done and the
    // recorded container still exists: then its values are needed, asked for
    // before anything changes.
    if (
      !done(journal, 'restore') ||
      (await inspectOrUndefined(docker, journal.record.name)) === undefined
    ) {
      await supplySecrets(journal, options.secrets);
    }
    journal.status = 'running';
    delete journal.failure;
    await saveJournal(journal);
    return runSteps(docker, journal, { ...options, takeSafetyBackup: false });
  });
}

/**
 * Starts the production container as it is now, or creates it again from
 * the record when it is gone. Refuses when /nso/run is missing: NSO would
 * then start with an empty CDB.
 */
export async function startFromJournal(
  docker: DockerClient,
  journalFile: string,
  options: {
    signal?: AbortSignal;
    healthTimeoutMs?: number;
    /** Asked for secret env values the journal names but does not hold, when recreating. */
    secrets?: SecretProvider;
  } = {},
): Promise<{ containerId: string; recreated: boolean; differences: string[] }> {
  const { secrets, ...dockerOptions } = options;
  const journal = await loadJournal(journalFile);
  return withRestoreLock(docker, journal.record, async () => {
    const state = await inspectRestoreState(docker, journal);
    if (state.runDirPresent !== true) {
      throw new BackupError(
        'ncsBackup',
        `${runDir} is missing or empty (or could not be read): starting NSO now would begin with ` +
          `an empty CDB. Resume the restore instead.`,
      );
    }
    let containerId: string;
    let recreated = false;
    if (state.containerExists) {
      const details = await docker.inspectContainer(journal.record.name, dockerOptions);
      containerId = details.id;
      await docker.startContainer(containerId, dockerOptions);
    } else {
      await supplySecrets(journal, secrets);
      containerId = await recreateContainer(docker, journal.record, dockerOptions);
      recreated = true;
      journal.recreatedIds = [...(journal.recreatedIds ?? []), containerId];
      await saveJournal(journal);
    }
    const details = await waitHealthy(docker, containerId, journal.record, dockerOptions);
    return { containerId, recreated, differences: compareWithJournal(journal, details) };
  });
}

/** Runs `action` holding the restore lock of the production container (restoreLock.ts). */
async function withRestoreLock<T>(
  docker: DockerClient,
  production: LockedContainer,
  action: () => Promise<T>,
): Promise<T> {
  const lock = await acquireRestoreLock(docker, production);
  try {
    return await action();
  } finally {
    await releaseRestoreLock(docker, lock).catch(() => undefined);
  }
}

/**
 * The container's differences from the record; secrets whose values this
 * process does not have are left out (they cannot be compared, and the
 * container was not created from them here).
 */
function compareWithJournal(journal: RestoreJournal, details: ContainerDetails): string[] {
  const now = recordContainer(details);
  const withheld = journal.withheldSecrets ?? [];
  if (withheld.length === 0) return compareRecords(journal.record, now);
  const env = Object.fromEntries(Object.entries(now.env).filter(([n]) => !withheld.includes(n)));
  return compareRecords(journal.record, { ...now, env });
}

type StepOptions = Omit<RestoreOptions, 'stateDir' | 'safetyBackup'> & {
  takeSafetyBackup: boolean;
};

async function complete(
  journal: RestoreJournal,
  step: RestoreStep,
  detail?: string,
): Promise<void> {
  journal.completed = journal.completed.filter((s) => s.step !== step);
  journal.completed.push({
    step,
    at: new Date().toISOString(),
    ...(detail !== undefined ? { detail } : {}),
  });
  await saveJournal(journal);
}

async function runSteps(
  docker: DockerClient,
  journal: RestoreJournal,
  options: StepOptions,
): Promise<RestoreReport> {
  const name = journal.record.name;
  let step: RestoreStep = 'safetyBackup';
  let output = journal.restoreOutput ?? '';
  let helper: string | undefined;
  let stopped = false;
  let warnings: string[] = [];
  const progress = (s: RestoreStep, message = stepTitles[s]): void => {
    step = s;
    options.onProgress?.({ step: s, message });
  };
  // Cancelling is honoured only while NSO still runs untouched.
  const checkpoint = (): void => {
    if (!stopped && options.signal?.aborted)
      throw new AbortedError('The restore was cancelled before NSO was stopped; nothing changed.');
  };

  try {
    // Safety backup, in the running container (or a helper when NSO is down).
    if (options.takeSafetyBackup && !done(journal, 'safetyBackup')) {
      progress('safetyBackup');
      checkpoint();
      const details = await docker.inspectContainer(name);
      const where = details.state.running ? details.id : await startHelper(docker, details);
      try {
        const taken = await takeBackup(docker, where, {
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onOutput ? { onOutput: options.onOutput } : {}),
        });
        journal.safetyBackup = { name: taken.entry.name, path: taken.entry.path };
      } finally {
        if (where !== details.id) await removeHelper(docker, where);
      }
      await complete(journal, 'safetyBackup', journal.safetyBackup.name);
    }
    checkpoint();

    // Stop NSO, remove its container (recorded), restore with a one-off container.
    if (!done(journal, 'restore')) {
      progress('stop');
      stopped = true;
      const existing = await inspectOrUndefined(docker, name);
      if (existing !== undefined) {
        assertRecordedContainer(journal, existing);
        if (existing.state.running || existing.state.restarting) {
          await docker.stopContainer(existing.id, {
            graceSeconds: options.stopGraceSeconds ?? 120,
          });
        }
      }
      await complete(journal, 'stop');

      progress('remove');
      if (existing !== undefined) await removeProduction(docker, existing, journal);
      await complete(
        journal,
        'remove',
        journal.removedOnStop ? 'removed on stop (--rm)' : undefined,
      );

      progress('helper');
      const details = detailsFromRecord(journal.record);
      helper = await startHelper(docker, details);
      await complete(journal, 'helper', helper.slice(0, 12));

      // ncs-backup deletes an existing run.old before moving run there: move it aside first.
      progress('preserveRunOld');
      if ((await exec(docker, helper, ['test', '-e', runOldDir])).exitCode === 0) {
        const aside = `${runOldDir}-${timestamp()}`;
        const moved = await exec(docker, helper, ['mv', '-n', '--', runOldDir, aside]);
        if (
          moved.exitCode !== 0 ||
          (await exec(docker, helper, ['test', '-e', runOldDir])).exitCode === 0
        ) {
          throw new Error(`could not rename ${runOldDir} to ${aside}: ${moved.stderr.trim()}`);
        }
        journal.preservedRunOld = [...(journal.preservedRunOld ?? []), aside];
      }
      await complete(journal, 'preserveRunOld', journal.preservedRunOld?.join(', '));

      progress('restore');
      const state = await inspectRestoreStateIn(docker, helper, journal);
      const source = state.backupAt;
      if (source === undefined) {
        throw new Error(
          `${journal.backup.name} is neither in ${backupsDir} nor in a moved run directory`,
        );
      }
      const result = await runNcsBackupRestore(
        docker,
        details,
        source,
        journal.answerConfigDir,
        (text) => {
          output += text;
          options.onOutput?.(text);
        },
      );
      journal.restoreOutput = output;
      const outcome = parseRestoreOutput(output);
      const died = restoreContainerEnd(result);
      if (died !== undefined) {
        throw new Error(
          `the restore container stopped while ncs-backup --restore was running (${died})`,
        );
      }
      if (result.exitCode !== 0 || !outcome.ok) {
        const said = outcome.ok ? `exit code ${result.exitCode}` : outcome.message;
        throw new Error(`ncs-backup --restore failed: ${said}`);
      }
      warnings = outcome.warnings;
      if (result.unexpectedQuestions.length > 0) {
        warnings.push(
          ...result.unexpectedQuestions.map((q) => `ncs-backup asked "${q}"; it was answered no`),
        );
      }
      await complete(journal, 'restore', warnings.join(' ') || undefined);

      progress('verify');
      const check = await exec(docker, helper, [
        'find',
        runDir,
        '-mindepth',
        '1',
        '-maxdepth',
        '1',
      ]);
      if (check.exitCode !== 0 || check.stdout.trim() === '') {
        throw new Error(`${runDir} is missing or empty after ncs-backup said it restored it`);
      }
      await keepBackups(docker, helper, journal);
      journal.previousRunDirs = (await inspectRestoreStateIn(docker, helper, journal)).runOldDirs;
      await complete(journal, 'verify');
      await removeHelper(docker, helper);
      helper = undefined;
    } else {
      stopped = true;
    }

    // Create the production container again from the record, unless an
    // earlier "Recreate" already did.
    progress('recreate');
    let recreated = false;
    let container = await inspectOrUndefined(docker, name);
    if (container === undefined) {
      const record = journal.removedOnStop
        ? { ...journal.record, autoRemove: true }
        : journal.record;
      const id = await recreateContainer(docker, record, { start: false });
      journal.recreatedIds = [...(journal.recreatedIds ?? []), id];
      recreated = true;
      container = await docker.inspectContainer(id);
    } else {
      assertRecordedContainer(journal, container);
    }
    await complete(journal, 'recreate', recreated ? container.id.slice(0, 12) : 'already there');

    progress('start');
    if (!container.state.running) await docker.startContainer(container.id);
    await complete(journal, 'start');

    progress('healthy');
    const healthy = await waitHealthy(docker, container.id, journal.record, {
      ...(options.healthTimeoutMs !== undefined
        ? { healthTimeoutMs: options.healthTimeoutMs }
        : {}),
    });
    await complete(journal, 'healthy');

    progress('compare');
    const differences = compareWithJournal(journal, healthy);
    await complete(journal, 'compare', differences.join('; ') || 'identical');
    journal.status = 'done';
    await saveJournal(journal);

    return {
      journalFile: journal.file,
      container: name,
      containerId: healthy.id,
      backup: journal.backup.name,
      ...(journal.safetyBackup ? { safetyBackup: journal.safetyBackup.name } : {}),
      previousRunDirs: journal.previousRunDirs ?? [],
      preservedRunOld: journal.preservedRunOld ?? [],
      warnings,
      differences,
      recreated,
      output,
    };
  } catch (error) {
    if (helper !== undefined) await removeHelper(docker, helper).catch(() => undefined);
    if (error instanceof AbortedError || (isDockerError(error, 'cancelled') && !stopped)) {
      journal.status = 'failed';
      journal.failure = { step, message: 'cancelled before NSO was stopped' };
      await saveJournal(journal).catch(() => undefined);
      throw error;
    }
    const message = error instanceof Error ? error.message : String(error);
    journal.status = 'failed';
    journal.failure = { step, message };
    journal.restoreOutput = output;
    await saveJournal(journal).catch(() => undefined);
    const state = await inspectRestoreState(docker, journal).catch(() => undefined);
    const described = state
      ? describeRestoreState(journal, state)
      : {
          lines: [`The state could not be read. The journal is ${journal.file}.`],
          recovery: [],
          canResume: false,
          canStart: false,
        };
    throw new RestoreFailure(
      step,
      `The restore of ${journal.backup.name} into ${name} stopped at "${stepTitles[step]}": ${message}`,
      journal.file,
      state,
      described.lines,
      described.recovery,
      described.canResume,
      described.canStart,
      output || undefined,
      { cause: error },
    );
  }
}

async function inspectOrUndefined(
  docker: DockerClient,
  container: string,
): Promise<ContainerDetails | undefined> {
  try {
    return await docker.inspectContainer(container);
  } catch (error) {
    if (isDockerError(error, 'notFound')) return undefined;
    throw error;
  }
}

/**
 * Removes the stopped production container; its volumes stay (named ones
 * always, anonymous ones because they are not asked for). One started with
 * --rm is being removed by Docker already: that is waited for instead.
 */
async function removeProduction(
  docker: DockerClient,
  container: ContainerDetails,
  journal: RestoreJournal,
): Promise<void> {
  const waitRemoved = async (): Promise<void> => {
    try {
      await docker.waitContainer(container.id, { condition: 'removed', timeoutMs: 60_000 });
    } catch (error) {
      if (!isDockerError(error, 'notFound')) throw error;
    }
    journal.removedOnStop = true;
  };
  if (container.settings?.autoRemove === true) {
    await waitRemoved();
    return;
  }
  try {
    await docker.removeContainer(container.id, { volumes: false });
  } catch (error) {
    if (isDockerError(error, 'notFound')) {
      journal.removedOnStop = true;
    } else if (isDockerError(error, 'conflict') && /already in progress/.test(error.message)) {
      await waitRemoved();
    } else {
      throw error;
    }
  }
}

/**
 * Refuses to remove or adopt a container of the recorded name that is not
 * the recorded one (nor one recreated from the record): it is someone's
 * else, and deciding about it is the user's business.
 */
function assertRecordedContainer(journal: RestoreJournal, container: ContainerDetails): void {
  const ours = [journal.record.id, ...(journal.recreatedIds ?? [])];
  if (!ours.includes(container.id)) {
    throw new Error(
      `container ${container.name} (${container.id.slice(0, 12)}) is not the one this restore ` +
        `recorded (${journal.record.id.slice(0, 12)}); it was left alone. Rename or remove it, ` +
        `then resume`,
    );
  }
}

async function inspectRestoreStateIn(
  docker: DockerClient,
  helper: string,
  journal: RestoreJournal,
): Promise<{ backupAt?: string; runOldDirs: string[] }> {
  const top = await exec(docker, helper, [
    'find',
    nsoRoot,
    '-mindepth',
    '1',
    '-maxdepth',
    '1',
    '-name',
    'run.old*',
    '-printf',
    '%p\\0',
  ]);
  const runOlds = top.stdout.split('\0').filter(Boolean).sort();
  const backupAt = await locateBackup(docker, helper, journal.backup.name, runOlds);
  return { ...(backupAt ? { backupAt } : {}), runOldDirs: runOlds };
}

/**
 * Puts back into /nso/run/backups every backup that was there before the
 * restore (the restored run directory has only what the backup held),
 * as hard links from the run directories moved aside.
 */
async function keepBackups(
  docker: DockerClient,
  helper: string,
  journal: RestoreJournal,
): Promise<void> {
  const wanted = new Set([
    ...journal.existingBackups,
    journal.backup.name,
    ...(journal.safetyBackup ? [journal.safetyBackup.name] : []),
  ]);
  const present = new Set((await listBackups(docker, helper)).map((e) => e.name));
  const missing = [...wanted].filter((n) => !present.has(n));
  if (missing.length === 0) return;
  await exec(docker, helper, ['mkdir', '-p', backupsDir]);
  const sources = [runOldDir, ...[...(journal.preservedRunOld ?? [])].reverse()];
  const lost: string[] = [];
  for (const file of missing) {
    let copied = false;
    for (const dir of sources) {
      const from = `${dir}/backups/${file}`;
      if ((await exec(docker, helper, ['test', '-f', from])).exitCode !== 0) continue;
      const link = await exec(docker, helper, ['cp', '-al', '-n', '--', from, `${backupsDir}/`]);
      if (link.exitCode !== 0)
        await exec(docker, helper, ['cp', '-a', '-n', '--', from, `${backupsDir}/`]);
      copied = (await exec(docker, helper, ['test', '-f', `${backupsDir}/${file}`])).exitCode === 0;
      if (copied) break;
    }
    if (!copied) lost.push(file);
  }
  if (lost.length > 0) {
    // Not fatal: the files are still in the moved run directory; say where.
    journal.completed.push({
      step: 'verify',
      at: new Date().toISOString(),
      detail: `not relinked into ${backupsDir}: ${lost.join(', ')} (still under ${runOldDir}/backups)`,
    });
  }
}

interface NcsBackupRun {
  readonly exitCode: number;
  readonly unexpectedQuestions: readonly string[];
  readonly oomKilled: boolean;
  readonly removedWhileRunning: boolean;
  readonly signal?: number;
}

/**
 * Runs `ncs-backup --restore <file>` as the entry point of a one-off
 * container from the production container's image, with its mounts and
 * environment, no network, and standard input attached; answers the
 * questions as they come: yes to restoring the run directory, yes to
 * /etc/ncs unless it is mounted from outside, no to anything else (and
 * reported). A silent wait for input ends with end-of-file, which makes
 * ncs-backup give up rather than hang. The container is removed afterwards.
 */
export async function runNcsBackupRestore(
  docker: DockerClient,
  production: ContainerDetails,
  file: string,
  restoreConfigDir: boolean,
  onOutput: (text: string) => void,
  options: { idleMs?: number; timeoutMs?: number } = {},
): Promise<NcsBackupRun> {
  const stdin = new PassThrough();
  const answerer = new RestoreQuestions(restoreConfigDir);
  let idle: NodeJS.Timeout | undefined;
  const idleMs = options.idleMs ?? 60_000;
  const armIdle = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (answerer.waitingForInput()) stdin.end();
    }, idleMs);
  };
  const onText = (text: string): void => {
    onOutput(text);
    for (const answer of answerer.feed(text)) stdin.write(`${answer}\n`);
    armIdle();
  };
  armIdle();
  try {
    const result = await docker.runContainer(
      {
        ...helperSpec(production, 'restore'),
        entrypoint: ['ncs-backup'],
        cmd: ['--restore', file],
      },
      {
        stdin,
        onStdout: onText,
        onStderr: onText,
        timeoutMs: options.timeoutMs ?? 60 * 60_000,
      },
    );
    return {
      exitCode: result.exitCode,
      unexpectedQuestions: answerer.unexpected,
      oomKilled: result.oomKilled,
      removedWhileRunning: result.removedWhileRunning,
      ...(result.signal !== undefined ? { signal: result.signal } : {}),
    };
  } finally {
    clearTimeout(idle);
    stdin.end();
  }
}

/**
 * Why the one-off restore container ended before ncs-backup could, or
 * undefined when ncs-backup ended by itself (whatever its exit code).
 */
export function restoreContainerEnd(run: {
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly removedWhileRunning: boolean;
  readonly signal?: number;
}): string | undefined {
  if (run.removedWhileRunning) return 'it was removed';
  if (run.oomKilled) return `exit code ${run.exitCode}, out of memory`;
  if (run.signal !== undefined) return `exit code ${run.exitCode}`;
  return undefined;
}

/** Which answer each of ncs-backup's questions gets. */
export class RestoreQuestions {
  private text = '';
  private answered = 0;
  readonly unexpected: string[] = [];

  constructor(private readonly restoreConfigDir: boolean) {}

  /** Takes more output; returns the answers to questions that just appeared. */
  feed(chunk: string): string[] {
    this.text += chunk;
    const answers: string[] = [];
    const questions = [...this.text.matchAll(/([^\n]*?)\s*\(y\/n\)\?/g)];
    for (const q of questions.slice(this.answered)) {
      const question = (q[1] ?? '').trim();
      answers.push(this.answer(question));
      this.answered++;
    }
    return answers;
  }

  /** True when the output so far ends like a question nobody answered. */
  waitingForInput(): boolean {
    const tail = this.text.slice(this.text.lastIndexOf('\n', this.text.length - 2) + 1).trim();
    return /[?:]$/.test(tail);
  }

  private answer(question: string): string {
    const m = /^Restore (\S+) from the backup$/.exec(question);
    if (m?.[1] === runDir) return 'y';
    if (m?.[1] === configDir) return this.restoreConfigDir ? 'y' : 'n';
    this.unexpected.push(`${question} (y/n)?`);
    return 'n';
  }
}

/**
 * Waits for NSO: Docker's health check when the container has one (the
 * image's does), else NSO's own `ncs_cmd -c "wait-start 2"`. While Docker has
 * not run the check yet (it runs every interval, 30 s by default) we run the
 * same test ourselves, as Start NSO does, instead of waiting for Docker's turn.
 */
export async function waitHealthy(
  docker: DockerClient,
  container: string,
  record: RecordedContainer,
  options: { signal?: AbortSignal; healthTimeoutMs?: number } = {},
): Promise<ContainerDetails> {
  const check = record.healthcheck;
  const hasCheck = check !== undefined && check.test[0] !== 'NONE';
  const timeoutMs = options.healthTimeoutMs ?? (check?.startPeriodMs ?? 60_000) + 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const details = await docker.inspectContainer(container, { signal: options.signal });
    if (!details.state.running) {
      const { dockerLogs, ncsLog } = await startLogs(docker, details.id, details.state.startedAt);
      const hints = startFailureHints([...dockerLogs, ...ncsLog].join('\n'));
      throw new Error(
        `container ${details.name} stopped while NSO was starting (exit code ` +
          `${details.state.exitCode}${details.state.oomKilled ? ', out of memory' : ''}); ` +
          (hints.length > 0 ? hints.join(' ') : 'its log says why'),
      );
    }
    if (hasCheck) {
      const status = details.state.health?.status;
      if (status === 'healthy') return details;
      if (status === 'unhealthy') {
        const last = details.state.health?.log.at(-1)?.output.trim();
        throw new Error(
          `NSO is unhealthy${last ? ` (${last})` : ''}; see the container log and ncs.log`,
        );
      }
      // As Docker runs it: the container's own user, a bounded wait.
      const own = await docker
        .exec(details.id, healthArgv(check.test), {
          timeoutMs: 15_000,
          ...(options.signal ? { signal: options.signal } : {}),
        })
        .catch(() => undefined);
      if (own?.exitCode === 0) return details;
    } else {
      const probe = await exec(
        docker,
        details.id,
        nsoToolArgv('ncs_cmd', ['-c', 'wait-start 2']),
        options.signal,
      ).catch(() => undefined);
      if (probe?.exitCode === 0) return details;
    }
    if (Date.now() > deadline) {
      throw new Error(`NSO was not healthy within ${Math.round(timeoutMs / 1000)} s`);
    }
    await delay(1000, options.signal);
  }
}

async function exec(
  docker: DockerClient,
  container: string,
  argv: readonly string[],
  signal?: AbortSignal,
): Promise<ExecResult> {
  return docker.exec(container, argv, { user: '0', ...(signal ? { signal } : {}) });
}
