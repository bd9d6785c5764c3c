// NSO backups of a production container: list the files in /nso/run/backups,
// take one with ncs-backup, delete one. Restoring is in backupRestore.ts,
// moving files between host and container in backupTransfer.ts.
//
// Everything runs as argv arrays in the container; a backup name is data and
// never reaches a shell as text. When the production container is stopped,
// the same commands run in a short-lived helper container from the same
// image with the same mounts (see openBackupAccess).

import type { ContainerDetails, ContainerSpec, DockerClient, ExecResult } from '../docker/client';
import { isDockerError } from '../docker/errors';
import { assertNotRestoring } from './restoreLock';
import { parseBackupName, parseBackupOutput, parseNcsVersion } from './statusOutput';

/** The persistent root of the production image; the restore works on what is mounted here. */
export const nsoRoot = '/nso';
export const runDir = '/nso/run';
export const backupsDir = '/nso/run/backups';
/** Where ncs-backup --restore moves the current run directory. */
export const runOldDir = '/nso/run.old';

/** On helper containers: the production container they serve. */
export const backupHelperLabel = 'org.nso-workbench.backup-helper-of';

/** On helper containers: `restore` for the one that runs ncs-backup --restore, else `access`. */
export const backupHelperPurposeLabel = 'org.nso-workbench.backup-helper-purpose';

export type HelperPurpose = 'restore' | 'access';

export type BackupKind =
  /** `ncs-<vsn>@<date>.backup[.gz]` as ncs-backup names it. */
  | 'backup'
  /** ncs-backup's or our own file in progress (`*.tmp`, `.*.importing`): not a backup. */
  | 'partial'
  /** Any other file: still listed, so nothing in the folder is hidden. */
  | 'other';

export interface BackupEntry {
  readonly name: string;
  /** Absolute path in the container. */
  readonly path: string;
  readonly sizeBytes: number;
  readonly modifiedAt: Date;
  readonly kind: BackupKind;
  /** The NSO version from the name. */
  readonly version?: string;
  /** The time from the name, as ncs-backup wrote it (container local time). */
  readonly time?: string;
  /** A local-install backup (`_local`). */
  readonly local?: boolean;
}

/** Why a backup operation failed; callers branch on this, never on message text. */
export type BackupErrorKind =
  | 'notRunning'
  | 'notFound'
  | 'exists'
  | 'badName'
  | 'notGzip'
  | 'diskFull'
  | 'containerDied'
  | 'ncsBackup'
  | 'sizeMismatch'
  | 'noNsoMount'
  | 'secretMissing'
  | 'docker';

export class BackupError extends Error {
  constructor(
    readonly kind: BackupErrorKind,
    message: string,
    /** ncs-backup's own output, when it ran. */
    readonly output?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BackupError';
  }
}

export function isBackupError(error: unknown, kind?: BackupErrorKind): error is BackupError {
  return (
    error instanceof Error &&
    error.name === 'BackupError' &&
    (kind === undefined || (error as BackupError).kind === kind)
  );
}

// ---------------------------------------------------------------------------
// Names and listing

/**
 * Why `name` cannot be a file in the backups folder, or undefined when it
 * can. Spaces and shell characters are fine (names only travel as argv);
 * separators, control characters and leading dots are not.
 */
export function backupNameProblem(name: string): string | undefined {
  if (name === '') return 'the name is empty';
  if (name.includes('/')) return `"${name}" contains a "/": give a file name, not a path`;
  if (name.startsWith('.')) return `"${name}" starts with a dot`;
  if (/[\u0000-\u001f\u007f]/.test(name)) return `"${printable(name)}" contains control characters`;
  if (Buffer.byteLength(name) > 255) return `"${name.slice(0, 40)}…" is longer than 255 bytes`;
  return undefined;
}

export function printable(name: string): string {
  return name.replace(
    /[\u0000-\u001f\u007f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

export function backupPath(name: string): string {
  const problem = backupNameProblem(name);
  if (problem !== undefined) throw new BackupError('badName', `Not a backup name: ${problem}`);
  return `${backupsDir}/${name}`;
}

/** What one file name says about itself. */
export function describeBackupFile(
  name: string,
): Pick<BackupEntry, 'kind' | 'version' | 'time' | 'local'> {
  if (name.endsWith('.tmp') || name.endsWith('.importing') || name.startsWith('.')) {
    return { kind: 'partial' };
  }
  const parsed = parseBackupName(name);
  if (parsed === undefined) return { kind: 'other' };
  return {
    kind: 'backup',
    version: parsed.version,
    time: parsed.time,
    ...(parsed.local ? { local: true } : {}),
  };
}

/** `find -printf '%y\t%s\t%T@\t%f\0'`: one NUL-terminated record per entry. */
export const listingFormat = '%y\\t%s\\t%T@\\t%f\\0';

/** Reads that listing; folders and links are left out, everything else is kept. */
export function parseBackupListing(output: string, dir = backupsDir): BackupEntry[] {
  const entries: BackupEntry[] = [];
  for (const record of output.split('\0')) {
    if (record === '') continue;
    const fields = record.split('\t');
    if (fields.length < 4) continue;
    const [type, size, mtime] = fields;
    const name = fields.slice(3).join('\t');
    if (type !== 'f' || name === '') continue;
    entries.push({
      name,
      path: `${dir}/${name}`,
      sizeBytes: Number(size),
      modifiedAt: new Date(Math.round(Number(mtime) * 1000)),
      ...describeBackupFile(name),
    });
  }
  return sortBackups(entries);
}

/**
 * Newest first: by the time in the name when there is one (it says when the
 * backup was taken; a copy's file time says when it was copied), else by the
 * file time. Names with a time are read as UTC, which orders them correctly
 * among themselves whatever the container's zone.
 */
export function sortBackups(entries: readonly BackupEntry[]): BackupEntry[] {
  const key = (e: BackupEntry): number => {
    if (e.time !== undefined) {
      const t = Date.parse(`${e.time}Z`);
      if (Number.isFinite(t)) return t;
    }
    return e.modifiedAt.getTime();
  };
  return [...entries].sort((a, b) => key(b) - key(a) || a.name.localeCompare(b.name));
}

/** Binary prefixes, one decimal: 1.5 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

// ---------------------------------------------------------------------------
// Running things in the container

export interface RunOptions {
  readonly signal?: AbortSignal;
}

/**
 * argv for an NSO tool through a login shell, which is where NSO's tools are
 * on PATH. The script is fixed text; the arguments arrive as "$@".
 */
export function nsoToolArgv(tool: string, args: readonly string[]): string[] {
  return ['bash', '-lc', 'exec "$0" "$@"', tool, ...args];
}

async function run(
  docker: DockerClient,
  container: string,
  argv: readonly string[],
  options: RunOptions & { timeoutMs?: number; onStdout?: (t: string) => void } = {},
): Promise<ExecResult> {
  try {
    return await docker.exec(container, argv, {
      user: '0',
      signal: options.signal,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.onStdout ? { onStdout: options.onStdout, onStderr: options.onStdout } : {}),
    });
  } catch (error) {
    if (isDockerError(error, 'cancelled')) throw error;
    if (isDockerError(error) && (error.kind === 'conflict' || error.kind === 'notFound')) {
      throw new BackupError(
        'notRunning',
        `Container ${container} is not running: ${error.message}`,
        undefined,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Lists /nso/run/backups (an absent folder is an empty list). */
export async function listBackups(
  docker: DockerClient,
  container: string,
  options: RunOptions & { dir?: string } = {},
): Promise<BackupEntry[]> {
  const dir = options.dir ?? backupsDir;
  const result = await run(
    docker,
    container,
    ['find', dir, '-mindepth', '1', '-maxdepth', '1', '-printf', listingFormat],
    options,
  );
  if (result.exitCode !== 0) {
    if (/No such file or directory/.test(result.stderr)) return [];
    throw new BackupError(
      'docker',
      `Could not list ${dir} in container ${container}: ${result.stderr.trim() || `find exited with ${result.exitCode}`}`,
    );
  }
  return parseBackupListing(result.stdout, dir);
}

/** Free bytes on the file system holding `dir` (its nearest existing parent). */
export async function freeBytes(
  docker: DockerClient,
  container: string,
  dir: string,
  options: RunOptions = {},
): Promise<number | undefined> {
  for (let probe = dir; probe !== '/' && probe !== ''; probe = parentDir(probe)) {
    const result = await run(docker, container, ['df', '-Pk', probe], options);
    if (result.exitCode !== 0) continue;
    const line = result.stdout.trim().split('\n').pop() ?? '';
    const available = Number(line.trim().split(/\s+/)[3]);
    return Number.isFinite(available) ? available * 1024 : undefined;
  }
  return undefined;
}

function parentDir(dir: string): string {
  const i = dir.lastIndexOf('/');
  return i <= 0 ? '/' : dir.slice(0, i);
}

/** The NSO version the container's installation reports (`ncs --version`). */
export async function nsoVersionIn(
  docker: DockerClient,
  container: string,
  options: RunOptions = {},
): Promise<string | undefined> {
  const result = await run(docker, container, nsoToolArgv('ncs', ['--version']), options);
  return result.exitCode === 0 ? parseNcsVersion(result.stdout) : undefined;
}

/** True when `path` exists in the container (file or folder). */
export async function pathExists(
  docker: DockerClient,
  container: string,
  path: string,
  options: RunOptions = {},
): Promise<boolean> {
  return (await run(docker, container, ['test', '-e', path], options)).exitCode === 0;
}

// ---------------------------------------------------------------------------
// Taking and deleting

export interface TakeBackupOptions extends RunOptions {
  /** ncs-backup's output as it arrives. */
  readonly onOutput?: (text: string) => void;
  /** Default 30 minutes: a large CDB takes a while, a hung one must not hold forever. */
  readonly timeoutMs?: number;
}

export interface TakenBackup {
  readonly entry: BackupEntry;
  readonly output: string;
}

/** Below this, a failed write is put down to a full disk. */
const nearlyFullBytes = 4 * 1024 * 1024;

/** Runs ncs-backup in `container` and returns the file it wrote. */
export async function takeBackup(
  docker: DockerClient,
  container: string,
  options: TakeBackupOptions = {},
): Promise<TakenBackup> {
  let result: ExecResult | undefined;
  let failure: unknown;
  try {
    result = await run(docker, container, nsoToolArgv('ncs-backup', []), {
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? 30 * 60_000,
      ...(options.onOutput ? { onStdout: options.onOutput } : {}),
    });
  } catch (error) {
    if (isDockerError(error, 'cancelled')) throw error;
    failure = error;
  }
  const output = result ? `${result.stdout}${result.stderr}` : '';
  const outcome = result ? parseBackupOutput(output) : undefined;

  if (result?.exitCode === 0 && outcome?.ok === true) {
    const name = outcome.file.slice(outcome.file.lastIndexOf('/') + 1);
    const entries = await listBackups(docker, container, { signal: options.signal });
    const entry = entries.find((e) => e.path === outcome.file || e.name === name);
    if (entry === undefined) {
      throw new BackupError(
        'ncsBackup',
        `ncs-backup reported ${outcome.file}, but ${backupsDir} does not hold it`,
        output,
      );
    }
    return { entry, output };
  }

  // Why did it fail: the container went away, the disk filled up, or ncs-backup said why.
  // A killed container ends the exec a moment before Docker marks it stopped.
  const saidWhy = outcome?.ok === false && /ERROR\s*\*\*/.test(output);
  const died = await stoppedContainer(docker, container, saidWhy ? 0 : settleMs);
  if (died !== undefined) {
    throw new BackupError(
      'containerDied',
      `Container ${container} stopped while ncs-backup was running (${died}). No backup was ` +
        `written; the files already in ${backupsDir} are untouched. A half-written file, if ` +
        `any, is listed as partial.`,
      output,
      { cause: failure },
    );
  }
  if (failure !== undefined) {
    throw failure instanceof Error ? failure : new Error('ncs-backup could not be run');
  }
  const free = await freeBytes(docker, container, backupsDir, options).catch(() => undefined);
  const said =
    outcome?.ok === false ? outcome.message : `ncs-backup exited with ${result?.exitCode}`;
  if (/No space left/i.test(output) || (free !== undefined && free < nearlyFullBytes)) {
    throw new BackupError(
      'diskFull',
      `The disk holding ${backupsDir} is full (${formatBytes(free ?? 0)} free): ncs-backup ` +
        `said "${said}". No backup was written. Free some space (e.g. download and delete old ` +
        `backups) and try again.`,
      output,
    );
  }
  throw new BackupError('ncsBackup', `ncs-backup failed: ${said}`, output);
}

/** How long a container whose command vanished is given to be reported stopped. */
const settleMs = 3000;

/**
 * How a container that is no longer running ended, or undefined while it
 * runs (after waiting up to `waitMs` for it to stop).
 */
export async function stoppedContainer(
  docker: DockerClient,
  container: string,
  waitMs = 0,
): Promise<string | undefined> {
  if (waitMs > 0) {
    await docker
      .waitContainer(container, { condition: 'not-running', timeoutMs: waitMs })
      .catch(() => undefined);
  }
  let details: ContainerDetails;
  try {
    details = await docker.inspectContainer(container);
  } catch (error) {
    if (isDockerError(error, 'notFound')) return 'it was removed';
    return undefined;
  }
  if (details.state.running && !details.state.restarting) return undefined;
  const parts = [`exit code ${details.state.exitCode}`];
  if (details.state.oomKilled) parts.push('killed for lack of memory');
  if (details.state.error) parts.push(details.state.error);
  return parts.join(', ');
}

/** Deletes one file of the backups folder; it must be listed there. */
export async function deleteBackup(
  docker: DockerClient,
  container: string,
  name: string,
  options: RunOptions = {},
): Promise<BackupEntry> {
  const path = backupPath(name);
  const entries = await listBackups(docker, container, options);
  const entry = entries.find((e) => e.name === name);
  if (entry === undefined) {
    throw new BackupError('notFound', `There is no ${printable(name)} in ${backupsDir}`);
  }
  const result = await run(docker, container, ['rm', '-f', '--', path], options);
  if (result.exitCode !== 0 || (await pathExists(docker, container, path, options))) {
    throw new BackupError(
      'docker',
      `Could not delete ${path}: ${result.stderr.trim() || `rm exited with ${result.exitCode}`}`,
    );
  }
  return entry;
}

// ---------------------------------------------------------------------------
// Reaching the backups of a stopped container

export interface BackupAccess {
  /** Where to run commands: the production container, or the helper. */
  readonly container: string;
  readonly viaHelper: boolean;
  close(): Promise<void>;
}

/**
 * The production container's volume or bind mount at /nso. Backups and the
 * run directory live there; a container without one keeps them in its own
 * layer (or a tmpfs), which no other container can reach.
 */
export function nsoMountOf(
  details: ContainerDetails,
): ContainerDetails['mounts'][number] | undefined {
  return details.mounts.find(
    (m) => m.destination === nsoRoot && (m.type === 'volume' || m.type === 'bind'),
  );
}

/**
 * The production container itself when it runs; else a helper container from
 * the same image with the same mounts, whose only process sleeps, removed by
 * close() (or by Docker when its lifetime ends, see helperLifetimeS). The helper has no network and no health check: it only carries
 * exec'd commands.
 */
export async function openBackupAccess(
  docker: DockerClient,
  container: string,
  options: RunOptions & { forceHelper?: boolean } = {},
): Promise<BackupAccess> {
  const details = await docker.inspectContainer(container, { signal: options.signal });
  // A restore moves /nso/run and recreates the container meanwhile.
  await assertNotRestoring(docker, details.name);
  if (details.state.paused) {
    // A helper would back up the CDB of a frozen, live NSO: not a consistent copy.
    throw new BackupError(
      'notRunning',
      `Container ${details.name} is paused: unpause it (docker unpause ${details.name}) and try again. Nothing was done.`,
    );
  }
  if (details.state.running && !details.state.paused && options.forceHelper !== true) {
    return { container: details.id, viaHelper: false, close: () => Promise.resolve() };
  }
  if (nsoMountOf(details) === undefined) {
    throw new BackupError(
      'noNsoMount',
      `Container ${details.name} is not running and has no volume or bind mount at ${nsoRoot}, ` +
        `so no other container can reach its backups. Start it first.`,
    );
  }
  const helper = await startHelper(docker, details, options);
  return {
    container: helper,
    viaHelper: true,
    close: () => removeHelper(docker, helper),
  };
}

/**
 * A container from the production container's image with its mounts and
 * environment, run as root without network or health check, labelled as a
 * helper of that container for the given purpose.
 */
export function helperSpec(details: ContainerDetails, purpose: HelperPurpose): ContainerSpec {
  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  return {
    image: details.imageId,
    name: `${details.name}-backup-${purpose === 'restore' ? 'restore' : 'helper'}-${suffix}`,
    labels: {
      [backupHelperLabel]: details.name,
      [backupHelperPurposeLabel]: purpose,
    },
    env: details.env,
    user: '0',
    binds: details.mounts
      .filter((m) => m.type === 'bind')
      .map((m) => ({ source: m.source, target: m.destination, readOnly: m.readOnly })),
    volumes: details.mounts
      .filter((m) => m.type === 'volume')
      .map((m) => ({ name: m.name ?? m.source, target: m.destination, readOnly: m.readOnly })),
    networkMode: 'none',
    healthcheck: { test: ['NONE'] },
    init: true,
  };
}

/**
 * How long a helper lives at most. close() removes it when its work is done;
 * this is for a process that dies first (a window closed mid-read, a killed
 * command line): the helper then ends and Docker removes it, instead of
 * holding the volumes of a stopped NSO for ever. Longer than any backup
 * operation: a download of a large backup from a remote engine included.
 */
export const helperLifetimeS = 4 * 3600;

export async function startHelper(
  docker: DockerClient,
  details: ContainerDetails,
  options: RunOptions & { purpose?: HelperPurpose; lifetimeS?: number } = {},
): Promise<string> {
  const id = await docker.createContainer(
    {
      ...helperSpec(details, options.purpose ?? 'access'),
      // Whole seconds: every sleep takes them (`sleep infinity` is GNU's alone).
      entrypoint: ['sleep', String(Math.max(1, Math.round(options.lifetimeS ?? helperLifetimeS)))],
      cmd: [],
      autoRemove: true,
    },
    { signal: options.signal },
  );
  try {
    await docker.startContainer(id, { signal: options.signal });
  } catch (error) {
    await removeHelper(docker, id);
    throw error;
  }
  return id;
}

export async function removeHelper(docker: DockerClient, helper: string): Promise<void> {
  try {
    // Named volumes are never removed by this; the helper has no anonymous ones.
    await docker.removeContainer(helper, { force: true, volumes: false });
  } catch (error) {
    // Gone, or Docker already removing it (its lifetime ended just now).
    if (!isDockerError(error, 'notFound') && !isDockerError(error, 'conflict')) throw error;
  }
}
