// One build at a time per packages folder, across processes. Each face
// queues its own builds (BuildQueue), but a second VS Code window on the same
// folder, or `nso-workbench build` in a terminal while the extension builds on
// save, runs make in the same build container on the same files: the two
// makes delete and write each other's load-dir and fail with errors that are
// not the package's fault. A lock file in the user's cache folder (never the
// workspace) names the build that holds the folder; the next build waits for
// it. A holder whose process is gone (killed, crashed) left a stale lock,
// which the next build takes over.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { delay } from '../cancel';

/** Who holds a packages folder: written into the lock file. */
export interface BuildLockHolder {
  pid: number;
  host: string;
  /** Milliseconds since the epoch when the build took the lock. */
  since: number;
  /** What runs the build, e.g. `nso-workbench build` or `Visual Studio Code window`. */
  by: string;
}

export interface HeldBuildLock {
  readonly file: string;
  /** Removes the lock file, unless another build took it over meanwhile. */
  release(): Promise<void>;
}

const lockPollMs = 200;

/** `$XDG_CACHE_HOME/nso-workbench`, or `~/.cache/nso-workbench`. */
export function workbenchCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME?.trim() || path.join(os.homedir(), '.cache');
  return path.join(cache, 'nso-workbench');
}

/** Where the lock of a packages folder lives: one file per folder, named by a hash of its path. */
export async function buildLockFile(
  packagesDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  // The real path: a folder reached through a symbolic link is still the same folder.
  const real = await fs.realpath(packagesDir).catch(() => path.resolve(packagesDir));
  const hash = createHash('sha256').update(real).digest('hex').slice(0, 24);
  return path.join(workbenchCacheDir(env), 'build-locks', `${hash}.lock`);
}

/**
 * Takes the lock, waiting while another live build holds it. `onWait` hears
 * about each holder waited for (once per holder). Rejects with the signal's
 * reason when it fires while waiting.
 */
export async function acquireBuildLock(
  file: string,
  by: string,
  options: { signal?: AbortSignal; onWait?: (holder: BuildLockHolder) => void } = {},
): Promise<HeldBuildLock> {
  const mine: BuildLockHolder = { pid: process.pid, host: os.hostname(), since: 0, by };
  await fs.mkdir(path.dirname(file), { recursive: true });
  let announced: string | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    mine.since = Date.now();
    const text = `${JSON.stringify(mine)}\n`;
    if (await tryCreate(file, text)) return held(file, text);

    const current = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (current === undefined) continue; // released meanwhile
    const holder = parseHolder(current);
    if (!holder || isStale(holder)) {
      await removeStale(file, current);
      continue;
    }
    const id = `${holder.host} ${holder.pid} ${holder.since}`;
    if (announced !== id) {
      announced = id;
      options.onWait?.(holder);
    }
    await delay(lockPollMs, options.signal);
  }
}

/** The build that holds a packages folder now, if its process lives (a stale lock is none). */
export async function liveBuildLockHolder(file: string): Promise<BuildLockHolder | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  const holder = text === undefined ? undefined : parseHolder(text);
  return holder && !isStale(holder) ? holder : undefined;
}

/** Creates the lock file with its whole content at once: link(2) of a written file fails when it exists. */
async function tryCreate(file: string, text: string): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temp, text);
  try {
    await fs.link(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

function held(file: string, text: string): HeldBuildLock {
  return {
    file,
    async release() {
      const now = await fs.readFile(file, 'utf8').catch(() => undefined);
      if (now === text) await fs.rm(file, { force: true });
    },
  };
}

function parseHolder(text: string): BuildLockHolder | undefined {
  try {
    const h = JSON.parse(text) as Partial<BuildLockHolder>;
    if (typeof h.pid !== 'number' || typeof h.host !== 'string') return undefined;
    return {
      pid: h.pid,
      host: h.host,
      since: typeof h.since === 'number' ? h.since : 0,
      by: typeof h.by === 'string' ? h.by : 'another build',
    };
  } catch {
    return undefined;
  }
}

/** A holder on this machine whose process is gone. One on another machine is never judged stale. */
function isStale(holder: BuildLockHolder): boolean {
  if (holder.host !== os.hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    // EPERM: the process exists, as another user.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes a stale lock, and only that one: two builds may find the same stale
 * lock at once, and the one that comes second must not remove the lock the
 * first has taken since. Moving the file aside first makes the check and the
 * removal one step; a live lock moved aside by mistake is put back.
 */
async function removeStale(file: string, staleText: string): Promise<void> {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await fs.rename(file, aside);
  } catch {
    return; // someone else moved or removed it
  }
  const moved = await fs.readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== undefined && moved !== staleText) {
    await fs.link(aside, file).catch(() => undefined);
  }
  await fs.rm(aside, { force: true });
}

/** "nso-workbench build, since 01:23:45, process 4242": who holds the lock, for a waiting message. */
export function describeHolder(holder: BuildLockHolder): string {
  const since = holder.since ? `, since ${new Date(holder.since).toLocaleTimeString()}` : '';
  const where = holder.host === os.hostname() ? '' : ` on ${holder.host}`;
  return `${holder.by}${since}, process ${holder.pid}${where}`;
}
