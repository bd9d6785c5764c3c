// What is remembered between builds of a workspace folder: per package, the
// key of its last successful build and the outcome of its last build. The
// faces decide where it lives (the extension: VS Code's workspace state; the
// CLI: a JSON file in the user's cache folder), so core takes a small store.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type LastBuildResult = 'succeeded' | 'failed' | 'cancelled';

export interface PackageBuildRecord {
  /**
   * Key of the last successful build: a hash of the package's inputs, the
   * build image and the keys of the packages it requires. Absent after a
   * failed or cancelled build (its outputs may be half written).
   */
  key?: string;
  /** Output folders (load-dir, private-jar, shared-jar) the last successful build left. */
  outputs?: string[];
  /**
   * A stamp of the files in those folders as the last successful build left
   * them (outputStamp): when it differs, something else wrote them since (a
   * build from another window or the CLI, which keep records of their own, or
   * make run by hand), so they may not match the sources any more.
   */
  outputStamp?: string;
  lastResult: LastBuildResult;
  /** Milliseconds since the epoch when the last build of the package ended. */
  lastBuiltAt: number;
  lastDurationMs: number;
  /** Errors and warnings the last build reported. */
  errors: number;
  warnings: number;
}

/** Records keyed by package name. */
export type BuildStateRecords = Record<string, PackageBuildRecord>;

/** Where one workspace folder's records are kept. */
export interface BuildStateStore {
  load(): Promise<BuildStateRecords>;
  save(records: BuildStateRecords): Promise<void>;
}

/** A store in memory, for a process that need not remember across runs. */
export class MemoryBuildStateStore implements BuildStateStore {
  private records: BuildStateRecords = {};
  load(): Promise<BuildStateRecords> {
    return Promise.resolve(structuredClone(this.records));
  }
  save(records: BuildStateRecords): Promise<void> {
    this.records = structuredClone(records);
    return Promise.resolve();
  }
}

/**
 * The CLI's store: `<cache>/nso-workbench/build-state/<hash of the folder>.json`,
 * where <cache> is $XDG_CACHE_HOME or ~/.cache. Kept out of the workspace so a
 * build leaves nothing but make's own outputs there.
 */
export class JsonFileBuildStateStore implements BuildStateStore {
  constructor(readonly file: string) {}

  static forWorkspace(
    workspaceFolder: string,
    env: NodeJS.ProcessEnv = process.env,
  ): JsonFileBuildStateStore {
    const cache = env.XDG_CACHE_HOME?.trim() || path.join(os.homedir(), '.cache');
    const hash = createHash('sha256').update(path.resolve(workspaceFolder)).digest('hex');
    return new JsonFileBuildStateStore(
      path.join(cache, 'nso-workbench', 'build-state', `${hash.slice(0, 24)}.json`),
    );
  }

  async load(): Promise<BuildStateRecords> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as { packages?: BuildStateRecords };
      return parsed.packages ?? {};
    } catch {
      // A damaged state file only costs one full build.
      return {};
    }
  }

  async save(records: BuildStateRecords): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    // Write then rename: a build interrupted mid-write keeps the old state.
    const temp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(temp, `${JSON.stringify({ version: 1, packages: records }, null, 1)}\n`);
    await fs.rename(temp, this.file);
  }
}

/**
 * The key a successful build is remembered by. It changes when the package's
 * inputs change, when the build image changes (another NSO version compiles
 * differently) and when a package it requires changes, so dependents rebuild.
 */
export function buildKey(
  inputHash: string,
  imageId: string,
  dependencyKeys: readonly (readonly [name: string, key: string])[],
): string {
  const h = createHash('sha256');
  h.update(`inputs ${inputHash}\nimage ${imageId}\n`);
  for (const [name, key] of [...dependencyKeys].sort((a, b) => a[0].localeCompare(b[0]))) {
    h.update(`requires ${name} ${key}\n`);
  }
  return h.digest('hex');
}

/** Output folders a package build leaves next to src/. */
export const outputFolders = ['load-dir', 'private-jar', 'shared-jar'] as const;

/** Which output folders exist in a package folder now. */
export async function presentOutputs(packageDir: string): Promise<string[]> {
  const present: string[] = [];
  for (const name of outputFolders) {
    try {
      if ((await fs.stat(path.join(packageDir, name))).isDirectory()) present.push(name);
    } catch {
      // absent
    }
  }
  return present;
}

/**
 * A stamp of the files in a package's output folders: their paths, sizes,
 * modification times and inodes, not their contents (reading every jar would
 * cost more than the check saves). Any rewrite changes it.
 */
export async function outputStamp(packageDir: string): Promise<string> {
  const h = createHash('sha256');
  const entries: string[] = [];
  async function walk(rel: string): Promise<void> {
    let listed;
    try {
      listed = await fs.readdir(path.join(packageDir, rel), { withFileTypes: true });
    } catch {
      return; // absent
    }
    await Promise.all(
      listed.map(async (e) => {
        const r = `${rel}/${e.name}`;
        if (e.isDirectory()) return walk(r);
        const st = await fs.lstat(path.join(packageDir, r)).catch(() => undefined);
        if (st) entries.push(`${r}\0${st.size}\0${st.mtimeMs}\0${st.ino}`);
      }),
    );
  }
  await Promise.all(outputFolders.map((f) => walk(f)));
  for (const e of entries.sort()) h.update(`${e}\n`);
  return h.digest('hex');
}
