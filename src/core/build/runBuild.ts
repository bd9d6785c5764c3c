// Building a workspace folder's NSO packages in its build container: the
// order from required-package, only what changed since the last successful
// build, independent packages side by side, every compiler message turned into
// a diagnostic on a host file. The same code serves the extension, the CLI,
// the tests and the benchmarks.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import type { DockerClient, Labels } from '../docker/client';
import { delay } from '../cancel';
import { isDockerError } from '../docker/errors';
import { indentColumns, parseBuildOutput, type BuildDiagnostic } from '../nso/buildDiagnostics';
import {
  chooseNsoImage,
  containerPackagesDir,
  ensureBuildContainer,
  ncscVersion,
  versionMismatchWarning,
  type BuildContainer,
  type NsoImage,
} from '../nso/buildContainer';
import { buildOrder } from '../packages/buildOrder';
import {
  discoverPackages,
  type DiscoveryProblem,
  type WorkspacePackage,
} from '../packages/discovery';
import { packageInputHash, packagesWithoutMetaData, unreachableInContainer } from './buildInputs';
import { acquireBuildLock, buildLockFile, describeHolder, type HeldBuildLock } from './buildLock';
import { BuildLane } from './buildLane';
import type { BuildRequest } from './buildQueue';
import { criticalPaths, schedulePackages } from './schedule';
import {
  buildKey,
  outputStamp,
  presentOutputs,
  type BuildStateRecords,
  type BuildStateStore,
  type PackageBuildRecord,
} from './buildState';

export interface BuildEnvironment {
  docker: DockerClient;
  /** Absolute host path of the workspace folder. */
  workspaceFolder: string;
  /** The packages folder, relative to the workspace folder (default `packages`). */
  packagesPath?: string;
  /** The configured build image (`nso.buildImage`); empty picks the newest local one. */
  buildImage?: string;
  /** Where buildImage came from when not from the setting, e.g. `--image`: named when it is not loaded. */
  buildImageOrigin?: string;
  /** The configured production image (`nso.prodImage`), only for the version check. */
  prodImage?: string;
  /** Packages built at once; 0 or undefined: as many as the engine has CPUs. */
  parallelism?: number;
  store: BuildStateStore;
  /** Extra labels for the build container (tests mark theirs). */
  containerLabels?: Labels;
  containerNamePrefix?: string;
  /**
   * Remembers the NSO version comparison of the build and production images
   * for a while, for a face that builds often (the extension); without it
   * every build that runs make compares them again.
   */
  versionChecks?: VersionCheckCache;
  /**
   * The lock file that keeps builds of the packages folder one at a time
   * across processes (see buildLock.ts); default: in the user's cache folder.
   */
  lockFile?: string;
  /** What runs this build, as a build waiting for it names it, e.g. `nso-workbench build`. */
  lockOwner?: string;
}

/** Per build image id and configured production image: the warning (or none) and when. */
export type VersionCheckCache = Map<string, { warning: string | undefined; at: number }>;
const versionCheckTtlMs = 5 * 60_000;

/** What the build tells its face while it runs. All optional. */
export interface BuildObserver {
  /** One line of a package's make output, as it arrives. */
  line?(pkg: string, line: string, stream: 'stdout' | 'stderr'): void;
  /** Something about the build itself: the image, the container, the plan. */
  info?(message: string): void;
  warn?(message: string): void;
  /** The build waits for another process's build of the same packages folder (also told to info). */
  waiting?(message: string): void;
  packageStarted?(pkg: string, started: number, toBuild: number): void;
  packageFinished?(result: PackageBuildResult): void;
}

/** A diagnostic on a host file (messages about files outside the package sit on its package-meta-data.xml). */
export type PackageDiagnostic = Omit<BuildDiagnostic, 'file'> & { file: string };

export type PackageBuildStatus =
  /** make ran and succeeded. */
  | 'built'
  /** Nothing changed since the last successful build. */
  | 'upToDate'
  /** The package has no src/Makefile, like the seed's loop over packages/*\/src skips it. */
  | 'nothingToBuild'
  | 'failed'
  /** Not built because a package it requires failed, or the build stopped. */
  | 'skipped'
  | 'cancelled';

export interface PackageBuildResult {
  name: string;
  dirName: string;
  dir: string;
  metaDataPath: string;
  status: PackageBuildStatus;
  /** True when `make clean` ran first. */
  clean: boolean;
  durationMs: number;
  exitCode?: number;
  diagnostics: PackageDiagnostic[];
  /** Why it failed or was skipped, in a sentence. */
  message?: string;
}

export type BuildFailure =
  | 'noPackagesFolder'
  | 'unknownPackage'
  | 'cycle'
  | 'engine'
  | 'noImage'
  | 'containerStopped'
  | 'diskFull'
  | 'docker';

export interface BuildReport {
  workspaceFolder: string;
  packagesDir: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  /** Set when the build could not run or stopped early: what happened and what to do. */
  failure?: { kind: BuildFailure; message: string; imageMissing?: 'none' | 'missing' };
  warnings: string[];
  image?: NsoImage;
  container?: string;
  parallelism?: number;
  /** Every package the request covered, in build order. */
  packages: PackageBuildResult[];
  /** Malformed package-meta-data.xml files: their packages were left out. */
  problems: DiscoveryProblem[];
  durationMs: number;
}

const diskFull = /No space left on device|ENOSPC|Disk quota exceeded/;
const hashConcurrency = 4;

/** A report for a request that never ran (dropped from the queue). */
export function cancelledReport(workspaceFolder: string, packagesPath = 'packages'): BuildReport {
  return {
    workspaceFolder,
    packagesDir: path.resolve(workspaceFolder, packagesPath),
    status: 'cancelled',
    warnings: [],
    packages: [],
    problems: [],
    durationMs: 0,
  };
}

interface Planned {
  pkg: WorkspacePackage;
  requires: string[];
  clean: boolean;
  key?: string;
  result?: PackageBuildResult;
  hasMakefile: boolean;
}

/**
 * Builds the requested packages of one workspace folder, once no other
 * process builds the same packages folder. Never throws for build failures.
 */
export async function runBuild(
  env: BuildEnvironment,
  request: BuildRequest,
  observer: BuildObserver = {},
  signal?: AbortSignal,
): Promise<BuildReport> {
  const packagesDir = path.resolve(env.workspaceFolder, env.packagesPath ?? 'packages');
  let lock: HeldBuildLock | undefined;
  let lockFile: string | undefined;
  try {
    lockFile = env.lockFile ?? (await buildLockFile(packagesDir));
    lock = await acquireBuildLock(lockFile, env.lockOwner ?? 'NSO Workbench', {
      ...(signal ? { signal } : {}),
      onWait: (holder) => {
        const message = `Another build of ${packagesDir} is running (${describeHolder(holder)}). This build starts when it ends, as two makes on the same packages would overwrite each other's outputs.`;
        observer.info?.(message);
        observer.waiting?.(message);
      },
    });
  } catch (err) {
    if (signal?.aborted) return cancelledReport(env.workspaceFolder, env.packagesPath);
    // A cache folder that cannot be written must not stop the build.
    observer.warn?.(
      `Could not take the build lock ${lockFile ?? ''} (${err instanceof Error ? err.message : String(err)}): building without it, so a build started meanwhile from another window or terminal would run at the same time.`,
    );
  }
  try {
    return await buildPackages(env, request, observer, signal);
  } finally {
    await lock?.release().catch(() => undefined);
  }
}

async function buildPackages(
  env: BuildEnvironment,
  request: BuildRequest,
  observer: BuildObserver,
  signal: AbortSignal | undefined,
): Promise<BuildReport> {
  const started = performance.now();
  const packagesPath = env.packagesPath ?? 'packages';
  const report: BuildReport = {
    workspaceFolder: env.workspaceFolder,
    packagesDir: path.resolve(env.workspaceFolder, packagesPath),
    status: 'succeeded',
    warnings: [],
    packages: [],
    problems: [],
    durationMs: 0,
  };
  const finish = (): BuildReport => {
    report.durationMs = performance.now() - started;
    report.status = buildStatus(report, signal?.aborted === true);
    return report;
  };
  const fail = (kind: BuildFailure, message: string): BuildReport => {
    report.failure = { kind, message };
    report.status = 'failed';
    return finish();
  };

  // 1. The packages, as NSO would load them; meanwhile, the build image (its
  // id is part of every build key).
  const imageChoice = chooseNsoImage(
    env.docker,
    'build',
    env.buildImage,
    signal,
    env.buildImageOrigin,
  ).then(
    (choice) => ({ choice }),
    (error: unknown) => ({ error }),
  );
  const discovery = await discoverPackages(env.workspaceFolder, packagesPath);
  report.packagesDir = discovery.packagesDir;
  report.problems = discovery.problems;
  if (!discovery.exists)
    return fail('noPackagesFolder', await missingFolderMessage(discovery.packagesDir));
  // A problem that stays this build's (in report.problems) is said once, by the
  // caller, as an error on its file; only one ruled out below is a warning here.

  // 2. The order, and what the request covers: the packages asked for and what they require.
  const listed = new Set([
    ...discovery.packages.map((p) => p.dirName),
    ...discovery.problems.map((p) => path.basename(path.dirname(p.file))),
  ]);
  const all = [
    ...discovery.packages,
    ...(await packagesWithoutMetaData(discovery.packagesDir, listed)).filter(
      (extra) => !discovery.packages.some((p) => p.name === extra.name),
    ),
  ];
  const byName = new Map(all.map((p) => [p.name, p]));
  const order = buildOrder(
    all.map((p) => ({ name: p.name, requires: p.metaData.requiredPackages.map((r) => r.name) })),
  );
  if (!order.ok) {
    const names = order.cycle.join(' → ');
    for (const name of new Set(order.cycle)) {
      const p = byName.get(name)!;
      report.packages.push(
        failedResult(
          p,
          `Packages require each other in a cycle: ${names}. Remove one required-package to break it.`,
        ),
      );
    }
    return fail(
      'cycle',
      `The packages require each other in a cycle (${names}): NSO cannot load them in any order. Remove one of the required-package entries in their package-meta-data.xml.`,
    );
  }
  const unknown = (request.packages ?? []).filter((n) => !byName.has(n));
  if (unknown.length > 0) {
    return fail(
      'unknownPackage',
      `No package named ${unknown.join(', ')} in ${discovery.packagesDir} (known: ${all.map((p) => p.name).join(', ') || 'none'}).`,
    );
  }
  const targets = new Set(request.packages ?? all.map((p) => p.name));
  const covered = new Set<string>();
  const addWithRequirements = (name: string): void => {
    if (covered.has(name)) return;
    covered.add(name);
    for (const r of byName.get(name)!.metaData.requiredPackages)
      if (byName.has(r.name)) addWithRequirements(r.name);
  };
  for (const t of targets) addWithRequirements(t);
  if (request.packages) {
    // A folder whose package-meta-data.xml cannot be read has no known name,
    // so it can only be ruled out when every package this build covers finds
    // all it requires: then it is none of them, and only a warning.
    const unresolved = [...covered].some((n) =>
      byName.get(n)!.metaData.requiredPackages.some((r) => !byName.has(r.name)),
    );
    if (!unresolved) {
      report.problems = [];
      for (const p of discovery.problems)
        observer.warn?.(
          `${p.file}:${p.line}:${p.column}: ${p.message} This package is skipped, and none of the packages built here requires it.`,
        );
    }
  }
  const planned: Planned[] = order.waves
    .flat()
    .filter((n) => covered.has(n))
    .map((n) => {
      const pkg = byName.get(n)!;
      return {
        pkg,
        requires: pkg.metaData.requiredPackages.map((r) => r.name).filter((r) => covered.has(r)),
        clean: (request.clean ?? false) && targets.has(n),
        hasMakefile: false,
      };
    });
  if (planned.length === 0) {
    observer.info?.(`No packages in ${discovery.packagesDir}.`);
    return finish();
  }

  // 3. The build image.
  const chosen = await imageChoice;
  if ('error' in chosen) return dockerFailure(chosen.error);
  if (!chosen.choice.ok) {
    report.failure = {
      kind: 'noImage',
      message: chosen.choice.message,
      imageMissing: chosen.choice.reason,
    };
    report.status = 'failed';
    return finish();
  }
  const image = chosen.choice.image;
  report.image = image;

  // 4. Hash what each package's build reads; decide what is up to date.
  // When a package is sure to build (never built, or a clean build), the
  // container and the first lane start meanwhile: they take longer than hashing.
  const records = await env.store.load();
  const containerSpec = {
    workspaceFolder: env.workspaceFolder,
    packagesDir: discovery.packagesDir,
    image,
    ...(env.containerLabels ? { labels: env.containerLabels } : {}),
    ...(env.containerNamePrefix ? { namePrefix: env.containerNamePrefix } : {}),
  };
  const configured = env.parallelism && env.parallelism > 0 ? Math.floor(env.parallelism) : 0;
  const startContainer = (): Promise<
    { c: BuildContainer; lane: BuildLane; parallelism: number } | { error: unknown }
  > =>
    Promise.all([
      ensureBuildContainer(env.docker, containerSpec, signal),
      configured > 0 ? configured : env.docker.info({ signal }).then((i) => i.cpus),
    ]).then(
      ([c, parallelism]) => ({
        c,
        lane: new BuildLane(env.docker, c.name, signal),
        parallelism: Math.max(1, parallelism),
      }),
      (error: unknown) => ({ error }),
    );
  let early =
    request.clean || planned.some((p) => records[p.pkg.name]?.key === undefined)
      ? startContainer()
      : undefined;
  await forEachLimited(planned, hashConcurrency, async (p) => {
    p.hasMakefile = await isFile(path.join(p.pkg.dir, 'src', 'Makefile'));
  });
  const hashes = new Map<string, string>();
  await forEachLimited(planned, hashConcurrency, async (p) => {
    const unreachable = await unreachableInContainer(discovery.packagesDir, p.pkg.dir);
    if (unreachable) {
      p.result = failedResult(p.pkg, unreachable);
      return;
    }
    try {
      hashes.set(p.pkg.name, await packageInputHash(p.pkg.dir));
    } catch (err) {
      p.result = failedResult(p.pkg, unreadableMessage(p.pkg.dir, err));
    }
  });
  for (const p of planned) {
    if (p.result) continue;
    const deps = p.requires.map((r) => planned.find((q) => q.pkg.name === r)!);
    const unhashed = deps.find((d) => !d.key);
    if (unhashed) {
      const how = unhashed.result?.status === 'failed' ? 'failed' : 'was not built';
      p.result = emptyResult(
        p.pkg,
        'skipped',
        `not built: it requires ${unhashed.pkg.name}, which ${how}`,
      );
      continue;
    }
    p.key = buildKey(
      hashes.get(p.pkg.name)!,
      image.id,
      deps.map((d) => [d.pkg.name, d.key!] as const),
    );
    const record = records[p.pkg.name];
    if (!p.hasMakefile) {
      p.result = emptyResult(p.pkg, 'nothingToBuild', 'no src/Makefile: nothing to build');
    } else if (!p.clean && record?.key === p.key && (await outputsStillThere(p.pkg.dir, record))) {
      p.result = emptyResult(p.pkg, 'upToDate', 'up to date');
    }
  }
  for (const p of planned) if (p.result) observer.packageFinished?.(p.result);
  const toBuild = planned.filter((p) => !p.result);
  if (toBuild.length === 0) {
    const started = await early;
    if (started && 'lane' in started) await started.lane.close();
    report.packages = planned.map((p) => p.result!);
    return finish();
  }

  // 5. The container, and how many packages to build at once.
  early ??= startContainer();
  const ready = await early;
  if ('error' in ready) return dockerFailure(ready.error);
  const { c, lane: firstLane, parallelism } = ready;
  const container = c.name;
  report.container = container;
  report.parallelism = parallelism;
  observer.info?.(
    c.created
      ? `Created build container ${container} from ${image.ref} (${c.created}).`
      : `Using build container ${container} (${image.ref}).`,
  );
  // Off the critical path: listing images can take longer than a small package's make.
  const versionCheck = checkVersions(env, image, container, report, observer, signal).catch(
    (err: unknown) => {
      if (!signal?.aborted) observer.warn?.(`Could not compare NSO versions: ${String(err)}`);
    },
  );

  // 6. Run make, dependencies first, up to `parallelism` at once.
  const stop: { kind?: 'diskFull' | 'containerStopped' | 'docker'; message?: string } = {};
  let startedCount = 0;
  const saveQueue: { chain: Promise<void> } = { chain: Promise.resolve() };
  const remember = (name: string, record: PackageBuildRecord | undefined): void => {
    if (!record) return;
    records[name] = record;
    const snapshot: BuildStateRecords = { ...records };
    saveQueue.chain = saveQueue.chain
      .then(() => env.store.save(snapshot))
      .catch((err: unknown) => {
        observer.warn?.(`Could not save the build state: ${String(err)}`);
      });
  };

  const plannedByName = new Map(planned.map((p) => [p.pkg.name, p]));
  const settled = new Map(
    planned
      .filter((p) => p.result)
      .map((p) => [p.pkg.name, settledOutcome(p.result!.status)] as const),
  );
  // Without a last duration, a Java package (a JVM and ant) is the slow one.
  const expectedMs = (name: string): number =>
    records[name]?.lastDurationMs ?? (plannedByName.get(name)!.pkg.kinds.java ? 10_000 : 1000);
  const scheduled = toBuild.map((p) => ({ name: p.pkg.name, requires: p.requires }));
  // Lanes: one exec each, made when needed, reused for the next package.
  const lanes: BuildLane[] = [firstLane];
  const idleLanes: BuildLane[] = [firstLane];
  const newLane = (): BuildLane => {
    const lane = new BuildLane(env.docker, container, signal);
    lanes.push(lane);
    return lane;
  };
  const priority = criticalPaths(scheduled, expectedMs);
  await schedulePackages(scheduled, settled, parallelism, (n) => priority.get(n)!, {
    stopped: () => signal?.aborted === true || stop.kind !== undefined,
    skip: (name, blocker, how) => {
      const p = plannedByName.get(name)!;
      const why = `not built: it requires ${blocker}, which ${how === 'failed' ? 'failed' : 'was not built'}`;
      p.result = { ...emptyResult(p.pkg, 'skipped', why), clean: p.clean };
      observer.packageFinished?.(p.result);
    },
    run: async (name) => {
      const p = plannedByName.get(name)!;
      startedCount += 1;
      observer.packageStarted?.(p.pkg.name, startedCount, toBuild.length);
      const lane = idleLanes.pop() ?? newLane();
      const result = await buildOne(lane, p, observer, signal);
      if (!lane.isEnded) idleLanes.push(lane);
      if (result.status === 'failed' && !signal?.aborted) {
        const why = await whyFailed(env.docker, container, result, signal);
        if (why) {
          stop.kind = why.kind;
          stop.message = why.message;
          result.message = why.message;
        }
      }
      p.result = result;
      let record = recordFor(result, p, records[p.pkg.name]);
      if (record && result.status === 'built') {
        const [outputs, stamp] = await Promise.all([
          presentOutputs(p.pkg.dir),
          outputStamp(p.pkg.dir),
        ]);
        record = { ...record, outputs, outputStamp: stamp };
      }
      remember(p.pkg.name, record);
      observer.packageFinished?.(result);
      return result.status === 'built' ? 'ok' : 'failed';
    },
  });
  for (const p of toBuild) {
    if (p.result) continue;
    p.result = signal?.aborted
      ? { ...emptyResult(p.pkg, 'cancelled', 'not built: the build was cancelled'), clean: p.clean }
      : {
          ...emptyResult(p.pkg, 'skipped', `not built: ${stop.message ?? 'the build stopped'}`),
          clean: p.clean,
        };
  }
  await Promise.all(lanes.map((l) => l.close()));
  await Promise.all([saveQueue.chain, versionCheck]);

  report.packages = dropEchoes(planned.map((p) => p.result!));
  if (stop.kind) {
    report.failure = { kind: stop.kind, message: stop.message! };
    report.status = 'failed';
  }
  return finish();

  function dockerFailure(err: unknown): BuildReport {
    if (isDockerError(err, 'cancelled') || signal?.aborted) {
      report.status = 'cancelled';
      return finish();
    }
    if (!isDockerError(err)) throw err;
    const engineKinds = ['unreachable', 'permission', 'authentication', 'configuration', 'timeout'];
    return fail(
      engineKinds.includes(err.kind) ? 'engine' : 'docker',
      `${err.message}.`.replace(/\.\.$/, '.'),
    );
  }
}

/** Builds one package: make in the container, its output live, then diagnostics. */
async function buildOne(
  lane: BuildLane,
  p: Planned,
  observer: BuildObserver,
  signal: AbortSignal | undefined,
): Promise<PackageBuildResult> {
  const containerDir = `${containerPackagesDir}/${p.pkg.dirName}`;
  const lines: string[] = [];
  const started = performance.now();
  const base = { ...emptyResult(p.pkg, 'built'), clean: p.clean };
  const outcome = await lane.run(`${containerDir}/src`, p.clean, (l) => {
    lines.push(l);
    // The lane merges make's standard error into its output to keep one order.
    observer.line?.(p.pkg.name, l, 'stdout');
  });
  const durationMs = performance.now() - started;
  if (outcome.kind === 'laneEnded') {
    if (isDockerError(outcome.error, 'cancelled') || signal?.aborted) {
      return { ...base, status: 'cancelled', durationMs, message: 'cancelled: make was stopped' };
    }
    const message =
      outcome.error === undefined
        ? `the build shell ended (exit code ${outcome.exitCode ?? 'unknown'})`
        : outcome.error instanceof Error
          ? outcome.error.message
          : JSON.stringify(outcome.error);
    return {
      ...base,
      status: 'failed',
      durationMs,
      ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
      message,
      diagnostics: [onMetaData(p.pkg, `The build could not run: ${message}`)],
    };
  }
  const { exitCode } = outcome;
  const packagesDir = path.dirname(p.pkg.dir);
  const diagnostics = await indentColumns(
    parseBuildOutput(
      lines.join('\n'),
      { hostPackageDir: p.pkg.dir, containerPackageDir: containerDir },
      exitCode,
    ).map((d) => placeDiagnostic(d, p.pkg, packagesDir)),
  );
  if (exitCode !== 0) {
    const full = lines.find((l) => diskFull.test(l));
    return {
      ...base,
      status: 'failed',
      durationMs,
      exitCode,
      diagnostics,
      ...(full ? { message: full.trim() } : {}),
    };
  }
  return { ...base, durationMs, exitCode, diagnostics };
}

/**
 * A failure that is not the package's fault stops the whole build: the disk
 * is full, or the container went away under it.
 */
async function whyFailed(
  docker: DockerClient,
  container: string,
  result: PackageBuildResult,
  signal: AbortSignal | undefined,
): Promise<{ kind: 'diskFull' | 'containerStopped' | 'docker'; message: string } | undefined> {
  let state: { running: boolean; oomKilled: boolean; exitCode: number } | undefined;
  // A killed container can still read "running" for a moment after its exec
  // streams closed; a make killed by a signal (exit code 128+, or none) gets
  // a few more looks.
  const signalled = result.exitCode === undefined || result.exitCode < 0 || result.exitCode >= 128;
  for (let look = 0; ; look++) {
    try {
      state = (await docker.inspectContainer(container, { signal })).state;
    } catch (err) {
      if (!isDockerError(err, 'notFound')) {
        return { kind: 'docker', message: isDockerError(err) ? err.message : String(err) };
      }
      state = undefined;
    }
    if (!state?.running || !signalled || look >= 10) break;
    await delay(100, signal).catch(() => undefined);
  }
  if (!state?.running) {
    const how = !state
      ? 'was removed'
      : state.oomKilled
        ? 'ran out of memory and was killed'
        : `stopped (exit code ${state.exitCode})`;
    return {
      kind: 'containerStopped',
      message: `The build container ${container} ${how} while ${result.name} was building. Nothing in the workspace was changed besides make's own outputs; build again and NSO Workbench starts the container again${state?.oomKilled ? ' (give Docker more memory first)' : ''}.`,
    };
  }
  if (result.message && diskFull.test(result.message)) {
    return {
      kind: 'diskFull',
      message: `The disk is full: ${result.name}'s build said "${result.message}". Free space where the workspace and Docker keep their files (docker system df shows what Docker uses), then build again.`,
    };
  }
  return undefined;
}

async function checkVersions(
  env: BuildEnvironment,
  image: NsoImage,
  container: string,
  report: BuildReport,
  observer: BuildObserver,
  signal: AbortSignal | undefined,
): Promise<void> {
  const key = `${image.id}|${env.prodImage ?? ''}`;
  const cached = env.versionChecks?.get(key);
  let warning: string | undefined;
  if (cached && Date.now() - cached.at < versionCheckTtlMs) {
    warning = cached.warning;
  } else {
    const prod = await chooseNsoImage(env.docker, 'prod', env.prodImage, signal);
    if (prod.ok) {
      let build = image;
      if (!build.version) {
        const v = await ncscVersion(env.docker, container, signal);
        if (v) build = { ...image, version: v };
      }
      warning = versionMismatchWarning(build, prod.image);
    }
    env.versionChecks?.set(key, { warning, at: Date.now() });
  }
  if (warning) {
    report.warnings.push(warning);
    observer.warn?.(warning);
  }
}

function recordFor(
  result: PackageBuildResult,
  p: Planned,
  previous: PackageBuildRecord | undefined,
): PackageBuildRecord | undefined {
  const counts = {
    errors: result.diagnostics.filter((d) => d.severity === 'error').length,
    warnings: result.diagnostics.filter((d) => d.severity === 'warning').length,
  };
  const base = {
    lastBuiltAt: Date.now(),
    lastDurationMs: Math.round(result.durationMs),
    ...counts,
  };
  if (result.status === 'built') return { key: p.key!, lastResult: 'succeeded', ...base };
  if (result.status === 'failed') return { lastResult: 'failed', ...base };
  if (result.status === 'cancelled') {
    // Keep the last duration for scheduling; the outputs may be half written.
    return {
      lastResult: 'cancelled',
      ...base,
      lastDurationMs: previous?.lastDurationMs ?? base.lastDurationMs,
    };
  }
  return undefined;
}

/**
 * Where a diagnostic goes. A message about a file of another package of the
 * workspace (a module it imports through --yangpath) goes on that file; one
 * about a file outside the workspace (a NED's sources in the image) goes on
 * the package's package-meta-data.xml with its full text.
 */
function placeDiagnostic(
  d: BuildDiagnostic,
  pkg: WorkspacePackage,
  packagesDir: string,
): PackageDiagnostic {
  if (d.file !== undefined) return { ...d, file: d.file };
  const reported = d.reportedFile ?? '';
  const inContainer = path.posix.isAbsolute(reported)
    ? path.posix.normalize(reported)
    : path.posix.join(containerPackagesDir, pkg.dirName, 'src', reported);
  const root = `${containerPackagesDir}/`;
  if (reported && inContainer.startsWith(root)) {
    const own = `${d.reportedFile}:${d.line}${d.column ? `:${d.column}` : ''}: `;
    return {
      ...d,
      file: path.join(packagesDir, ...inContainer.slice(root.length).split('/')),
      message: d.message.startsWith(own) ? d.message.slice(own.length) : d.message,
    };
  }
  return { ...d, file: pkg.metaDataPath, line: 0, column: 0 };
}

/**
 * A package that imports a broken module of another package repeats that
 * package's error; when the other package reports it itself, one is enough.
 */
function dropEchoes(results: PackageBuildResult[]): PackageBuildResult[] {
  const key = (d: PackageDiagnostic): string =>
    `${d.file}|${d.line}|${d.column}|${d.severity}|${d.message}`;
  const inside = (r: PackageBuildResult, file: string): boolean =>
    file === r.dir || file.startsWith(`${r.dir}${path.sep}`);
  const own = new Set(
    results.flatMap((r) => r.diagnostics.filter((d) => inside(r, d.file)).map(key)),
  );
  return results.map((r) => ({
    ...r,
    diagnostics: r.diagnostics.filter((d) => inside(r, d.file) || !own.has(key(d))),
  }));
}

function settledOutcome(status: PackageBuildStatus): 'ok' | 'failed' | 'skipped' {
  if (status === 'failed') return 'failed';
  if (status === 'skipped' || status === 'cancelled') return 'skipped';
  return 'ok';
}

function emptyResult(
  pkg: WorkspacePackage,
  status: PackageBuildStatus,
  message?: string,
): PackageBuildResult {
  return {
    name: pkg.name,
    dirName: pkg.dirName,
    dir: pkg.dir,
    metaDataPath: pkg.metaDataPath,
    status,
    clean: false,
    durationMs: 0,
    diagnostics: [],
    ...(message ? { message } : {}),
  };
}

function failedResult(pkg: WorkspacePackage, message: string): PackageBuildResult {
  return { ...emptyResult(pkg, 'failed', message), diagnostics: [onMetaData(pkg, message)] };
}

function onMetaData(pkg: WorkspacePackage, message: string): PackageDiagnostic {
  return { file: pkg.metaDataPath, line: 0, column: 0, severity: 'error', message, source: 'make' };
}

function unreadableMessage(dir: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const what = e.path ?? dir;
  return `Cannot read ${what} (${e.code ?? String(err)}): NSO Workbench reads every source file to tell whether the package changed, and the build container needs them too. Make the folder readable (e.g. chmod -R u+rX "${dir}") and build again.`;
}

async function missingFolderMessage(packagesDir: string): Promise<string> {
  try {
    await fs.stat(packagesDir);
    return `Cannot read the packages folder ${packagesDir}: check its permissions, then build again.`;
  } catch {
    return `There is no packages folder at ${packagesDir}: create it with one folder per package, or point the setting nso.packagesPath at yours.`;
  }
}

async function outputsStillThere(dir: string, record: PackageBuildRecord): Promise<boolean> {
  const now = new Set(await presentOutputs(dir));
  if (!(record.outputs ?? []).every((o) => now.has(o))) return false;
  // Rewritten since (another window, the CLI, make by hand): they may be of other sources.
  return record.outputStamp === undefined || record.outputStamp === (await outputStamp(dir));
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

async function forEachLimited<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * How a build ended. A stop asked for wins over what was already wrong with
 * the workspace (a malformed package-meta-data.xml): the user stopped it, and
 * nothing failed that they did not already know of. Only a package whose make
 * failed, or a build that could not go on, makes a stopped build a failed one.
 */
export function buildStatus(report: BuildReport, stopAsked: boolean): BuildReport['status'] {
  if (report.status === 'cancelled') return 'cancelled';
  const makeFailed = report.packages.some((p) => p.status === 'failed');
  if (stopAsked && !report.failure && !makeFailed) return 'cancelled';
  if (report.status === 'failed' || report.failure || makeFailed) return 'failed';
  // A malformed package-meta-data.xml left its package out: that is a failed build too.
  const skipped = report.packages.some((p) => p.status === 'skipped');
  return skipped || report.problems.length > 0 ? 'failed' : 'succeeded';
}

/**
 * True when the build refused its request before looking at any package's
 * sources (a package name that is not in the folder): it tells nothing about
 * the last build, so whoever shows the last build's result keeps it.
 */
export function refusedBeforeBuild(report: BuildReport): boolean {
  return report.failure?.kind === 'unknownPackage';
}

/** One line per package and a total, e.g. "4 packages: 2 built, 1 up to date, 1 failed". */
export function summarize(report: BuildReport): string {
  if (report.status === 'cancelled' && report.packages.length === 0) return 'Build cancelled.';
  const count = (s: PackageBuildStatus): number =>
    report.packages.filter((p) => p.status === s).length;
  const parts = [
    [count('built'), 'built'],
    [count('upToDate'), 'up to date'],
    [count('nothingToBuild'), 'with nothing to build'],
    [count('failed'), 'failed'],
    [count('skipped'), 'skipped'],
    [count('cancelled'), 'cancelled'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n as number} ${what as string}`);
  const n = report.packages.length;
  const head = `${n} package${n === 1 ? '' : 's'}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
  const seconds = (report.durationMs / 1000).toFixed(1);
  // A folder whose package-meta-data.xml could not be read is in none of the
  // counts above, yet it is why the build failed: name it and say why.
  const skipped = report.problems.map(
    (p) =>
      `${path.basename(path.dirname(p.file))}/ (${path.basename(p.file)}:${p.line}: ${p.message.trim().replace(/\.$/, '')})`,
  );
  const tail = skipped.length > 0 ? ` Skipped ${skipped.join('; ')}.` : '';
  return report.failure
    ? `${report.failure.message}${n > 0 ? ` (${head})` : ''}${tail}`
    : `${head} in ${seconds} s.${tail}`;
}

/** `file:line:col: severity: message`, the format compilers and problem matchers share. */
export function formatDiagnostic(d: PackageDiagnostic): string {
  const oneLine = d.message.replace(/\s*\n\s*/g, ' ');
  return `${d.file}:${Math.max(1, d.line)}:${Math.max(1, d.column)}: ${d.severity}: ${oneLine}`;
}
