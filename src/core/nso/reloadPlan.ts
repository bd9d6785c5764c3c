// Deciding between redeploying single packages and a full `packages reload`.
// A redeploy restarts a package's Python VM and reloads its templates, and
// nothing else: any change NSO's schema or Java class loader must see needs
// the full reload.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { changedFiles } from '../packages/inputHash';

export type ReloadStrategy = 'auto' | 'full' | 'off';

export interface LoadedState {
  /** Per package: its input files (relative path → hash) when NSO last loaded it. */
  packages: Map<string, Map<string, string>>;
}

export type ReloadPlan =
  | { kind: 'none'; reason: string }
  | { kind: 'redeploy'; packages: string[]; reason: string }
  | { kind: 'full'; reason: string };

export function planReload(
  strategy: ReloadStrategy,
  current: Map<string, Map<string, string>>,
  loaded: LoadedState | undefined,
  /** Per package, changed src/ files a reload need not deliver (see sourceChanges). */
  settledSources: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): ReloadPlan {
  if (strategy === 'off') return { kind: 'none', reason: 'nso.reload.strategy is off' };
  if (strategy === 'full') return { kind: 'full', reason: 'nso.reload.strategy is full' };
  if (!loaded) return { kind: 'full', reason: 'what NSO has loaded is not known yet' };

  const added = [...current.keys()].filter((p) => !loaded.packages.has(p));
  const removed = [...loaded.packages.keys()].filter((p) => !current.has(p));
  if (added.length > 0) return { kind: 'full', reason: `new package ${added.join(', ')}` };
  if (removed.length > 0) return { kind: 'full', reason: `package ${removed.join(', ')} removed` };

  const redeploy: string[] = [];
  for (const [name, files] of current) {
    const changes = changedFiles(loaded.packages.get(name)!, files);
    const impacts = changes.map((f) => ({
      file: f,
      impact: reloadImpact(f, settledSources.get(name)),
    }));
    const needsFull = impacts.find((c) => c.impact === 'full');
    if (needsFull) return { kind: 'full', reason: `${name}: ${needsFull.file} changed` };
    if (impacts.some((c) => c.impact === 'redeploy')) redeploy.push(name);
  }
  if (redeploy.length === 0)
    return { kind: 'none', reason: 'no package changed since the last reload' };
  return {
    kind: 'redeploy',
    packages: redeploy.sort(),
    reason: 'only Python code or templates changed',
  };
}

/** What a build makes and NSO loads: compiled schemas and Java archives. */
const buildOutputDirs = ['load-dir', 'private-jar', 'shared-jar'];

/** Source files changed since NSO loaded their package, by whether make has run on them since. */
export interface SourceChanges {
  /**
   * `<package>: <first such file>` for each package with a changed src/ file
   * newer than everything its build wrote: a reload gives NSO the previous
   * build (a build that was not run, or failed).
   */
  unbuilt: string[];
  /**
   * Per package, all its changed src/ files, built or not: none is for a
   * reload to deliver by itself (a built one is in the build output, an
   * unbuilt one needs a build first). What planReload takes as settled.
   */
  settled: Map<string, Set<string>>;
  /**
   * Per package, the changed src/ files its build output is newer than. What
   * they compile to is in that output, which is hashed on its own, so they
   * need no reload for themselves: a comment added to a YANG module compiles
   * to the same .fxs and changes nothing NSO loads.
   */
  built: Map<string, Set<string>>;
}

/**
 * Sorts the src/ files that changed since NSO loaded each package (`dirs`:
 * package name → host folder) the way make does: a source is built when a
 * build output was written after it. A package without any build output has
 * nothing built. A deleted source is neither: it counts as a change to be
 * safe, and a note cannot name it as unbuilt.
 */
export async function sourceChanges(
  current: Map<string, Map<string, string>>,
  loaded: LoadedState,
  dirs: ReadonlyMap<string, string>,
): Promise<SourceChanges> {
  const unbuilt: string[] = [];
  const settled = new Map<string, Set<string>>();
  const built = new Map<string, Set<string>>();
  for (const [name, files] of current) {
    const before = loaded.packages.get(name);
    const dir = dirs.get(name);
    if (!before || dir === undefined) continue;
    const sources = changedFiles(before, files).filter(
      (f) => f.replace(/\\/g, '/').startsWith('src/') && files.has(f),
    );
    if (sources.length === 0) continue;
    settled.set(name, new Set(sources));
    const outputAt = await newestOutputMs(dir);
    const done = new Set<string>();
    const pending = new Set<string>();
    for (const f of sources) {
      const at = await mtimeMs(path.join(dir, f));
      if (outputAt !== undefined && at !== undefined && at <= outputAt) done.add(f);
      else pending.add(f);
    }
    if (done.size > 0) built.set(name, done);
    const first = [...pending][0];
    if (first !== undefined) {
      unbuilt.push(`${name}: ${first.replace(/\\/g, '/')}`);
    }
  }
  return { unbuilt: unbuilt.sort(), settled, built };
}

async function mtimeMs(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** When the package's build last wrote a file NSO loads; undefined when there is none. */
async function newestOutputMs(packageDir: string): Promise<number | undefined> {
  let newest: number | undefined;
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        const at = await mtimeMs(p);
        if (at !== undefined && (newest === undefined || at > newest)) newest = at;
      }
    }
  }
  for (const d of buildOutputDirs) await walk(path.join(packageDir, d));
  return newest;
}

/**
 * For a redeploy the user asked for by name: the first changed file of that
 * package that a redeploy would not load (YANG, package-meta-data.xml, Java,
 * CLI files), or undefined when a redeploy picks up everything that changed.
 * Unknown when NSO's loaded state is not known: then undefined as well.
 */
export function fileNeedingFullReload(
  current: Map<string, string> | undefined,
  loaded: Map<string, string> | undefined,
  built?: ReadonlySet<string>,
): string | undefined {
  if (!current || !loaded) return undefined;
  return changedFiles(loaded, current).find((f) => reloadImpact(f, built) === 'full');
}

/** What a changed file of a package needs before NSO runs the change. */
export type ReloadImpact = 'redeploy' | 'full' | 'none';

/** Top-level folders and files NSO never reads from a package. */
const notLoaded =
  /^(?:test|tests|doc|docs|netsim|\.vscode|\.github)\/|^(?:README|LICENSE|CHANGELOG)[^/]*$|\.md$|(?:^|\/)\.gitignore$/;

/**
 * The reload a changed file (path relative to the package folder) needs:
 * Python code and templates are re-read by a redeploy; the compiled schema
 * (load-dir), Java archives, CLI files and package-meta-data.xml only by a
 * full reload; sources under src/ reach NSO through a build, so a change
 * there means a full reload as well, to be safe, unless it is in `settled`
 * (see sourceChanges): then its build output decides, or a build is due.
 */
export function reloadImpact(relPath: string, settled?: ReadonlySet<string>): ReloadImpact {
  // A source make has run on since: its build output speaks for it. One it
  // has not: a reload cannot deliver it, only a build can.
  if (settled?.has(relPath)) return 'none';
  const p = relPath.replace(/\\/g, '/');
  if (p === 'package-meta-data.xml') return 'full';
  if (p.startsWith('python/')) return 'redeploy';
  if (p.startsWith('templates/')) return 'redeploy';
  if (notLoaded.test(p)) return 'none';
  return 'full';
}

/** Folders whose content NSO never loads and that change on their own (caches, VCS). */
const unhashedDirs = new Set([
  '__pycache__',
  '.git',
  'node_modules',
  '.mypy_cache',
  '.pytest_cache',
  'ncsc-out',
]);
const unhashedFile = /\.(?:pyc|pyo|class)$/;

/**
 * Per-file sha256 of what a package puts before NSO: its sources and, unlike
 * a build's input hash, its build outputs (load-dir/*.fxs, *-jar/*.jar),
 * because those are what NSO loads. Keys are '/'-separated relative paths.
 */
export async function hashLoadedPackage(
  dir: string,
  cache?: FileHashCache,
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  async function walk(rel: string): Promise<void> {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
    await Promise.all(
      entries.map(async (e) => {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          // Java's intermediate classes live in src/java/build; the jars are what counts.
          if (unhashedDirs.has(e.name) || (e.name === 'build' && rel.startsWith('src'))) return;
          return walk(r);
        }
        if (!e.isFile() || unhashedFile.test(e.name)) return;
        const file = path.join(dir, r);
        files.set(r, cache ? await cache.hash(file) : await hashFile(file));
      }),
    );
  }
  await walk('');
  return files;
}

async function hashFile(file: string): Promise<string> {
  return createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex');
}

/**
 * File hashes remembered by size, modification time and inode: reading a
 * package's jars and schema files again for every reload costs more than the
 * redeploy it decides on. Kept by whoever reloads repeatedly (the extension).
 */
export class FileHashCache {
  private readonly entries = new Map<string, { key: string; hash: string }>();

  async hash(file: string): Promise<string> {
    const st = await fs.stat(file);
    const key = `${st.size}:${st.mtimeMs}:${st.ino}`;
    const known = this.entries.get(file);
    if (known?.key === key) return known.hash;
    const hash = await hashFile(file);
    this.entries.set(file, { key, hash });
    return hash;
  }
}
