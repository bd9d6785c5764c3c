// Reloading the workspace's packages into the running NSO: decide between
// redeploying single packages and a full `packages reload` from what changed
// since NSO last loaded them, run it through ncs_cli, read every package's
// result, put failures on the files that caused them and confirm each
// package's oper-status. Nothing is ever forced without the caller saying the
// user agreed, and a refused or failed reload changes nothing here.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { DockerClient } from '../docker/client';
import { discoverPackages, type WorkspacePackage } from '../packages/discovery';
import { cliToken, isNcsCliError, NcsCliError, pausedError, type NcsCli } from './ncsCli';
import {
  packagesShowStart,
  parsePackagesShow,
  parseReloadOutput,
  splitOperStatusAnswers,
  splitRedeployAnswers,
  type ModuleDeletion,
  type OperStatus,
} from './reloadOutput';
import { lastTraceback, locateReloadFailure, type ReloadDiagnostic } from './reloadDiagnostics';
import {
  fileNeedingFullReload,
  hashLoadedPackage,
  planReload,
  sourceChanges,
  type FileHashCache,
  type LoadedState,
  type ReloadPlan,
  type ReloadStrategy,
} from './reloadPlan';
import { assertNotRestoring } from './restoreLock';

// ---------------------------------------------------------------------------
// What NSO has loaded, remembered per container

/** What NSO loaded from the workspace, as of the last reload this tool ran. */
export interface LoadedStateRecord {
  /** The container's id. */
  container: string;
  /** Its start time: a restart reloads packages by itself, so the record is void then. */
  startedAt: string;
  /** Package name → (relative path → sha256). */
  packages: Record<string, Record<string, string>>;
  /** When the record was written (ISO time). */
  at: string;
}

export interface LoadedStateStore {
  get(container: string): Promise<LoadedStateRecord | undefined>;
  /** `undefined` forgets: the next reload then is a full one. */
  set(container: string, record: LoadedStateRecord | undefined): Promise<void>;
}

export class MemoryLoadedStateStore implements LoadedStateStore {
  private readonly records = new Map<string, LoadedStateRecord>();
  get(container: string): Promise<LoadedStateRecord | undefined> {
    return Promise.resolve(this.records.get(container));
  }
  set(container: string, record: LoadedStateRecord | undefined): Promise<void> {
    if (record) this.records.set(container, record);
    else this.records.delete(container);
    return Promise.resolve();
  }
}

/** One JSON file per container in a folder (the CLI's cache, the extension's storage). */
export class FileLoadedStateStore implements LoadedStateStore {
  constructor(readonly dir: string) {}

  private file(container: string): string {
    return path.join(this.dir, `${container.replace(/[^\w.-]/g, '_')}.json`);
  }

  async get(container: string): Promise<LoadedStateRecord | undefined> {
    try {
      const parsed = JSON.parse(await fs.readFile(this.file(container), 'utf8')) as unknown;
      return isRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  async set(container: string, record: LoadedStateRecord | undefined): Promise<void> {
    const file = this.file(container);
    if (!record) {
      await fs.rm(file, { force: true });
      return;
    }
    await fs.mkdir(this.dir, { recursive: true });
    // Written aside and renamed, so a crash never leaves half a record.
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(record));
    await fs.rename(tmp, file);
  }
}

function isRecord(v: unknown): v is LoadedStateRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<LoadedStateRecord>;
  return (
    typeof r.container === 'string' &&
    typeof r.startedAt === 'string' &&
    typeof r.packages === 'object' &&
    r.packages !== null
  );
}

/** The CLI's default place for loaded-state records. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'nso-workbench', 'loaded-packages');
}

// ---------------------------------------------------------------------------
// The reload

export interface ReloadObserver {
  /** What ncs_cli was sent and printed, raw (for the log). */
  transcript?(text: string): void;
  /** A step worth telling: the plan, a fallback. */
  info?(message: string): void;
}

export interface ReloadRequest {
  readonly docker: DockerClient;
  readonly cli: NcsCli;
  /** The production container (id or name). */
  readonly container: string;
  /** Absolute host path of the workspace folder. */
  readonly workspaceFolder: string;
  readonly packagesPath?: string;
  /** The NSO user ncs_cli logs in as. */
  readonly adminUser: string;
  readonly strategy: ReloadStrategy;
  /**
   * The user agreed that the modules NSO listed may be deleted with their
   * data. Only ever set after asking (the modal, or the CLI's --force).
   */
  readonly force?: boolean;
  /**
   * Redeploy this one package (`packages package <name> redeploy`) whatever
   * the strategy says, e.g. to restart its Python VM. Refused, with nothing
   * sent, when files a redeploy does not load changed since NSO loaded it.
   */
  readonly redeploy?: string;
  readonly store: LoadedStateStore;
  /** Remembers file hashes between reloads (optional: without it every file is read). */
  readonly hashCache?: FileHashCache;
  readonly signal?: AbortSignal;
  readonly observer?: ReloadObserver;
}

export type ReloadStatus =
  /** Every package reloaded said `result true`. */
  | 'ok'
  /** At least one package said `result false`. */
  | 'failed'
  /** Nothing changed since the last reload (strategy auto). */
  | 'nothing'
  /** nso.reload.strategy is off. */
  | 'off'
  /** NSO refused: modules would be deleted; the caller may ask and retry with force. */
  | 'deletionRefused'
  /** A package needs a newer NSO. */
  | 'versionRefused'
  /** A redeploy was asked for, but what changed needs a full packages reload; nothing was sent. */
  | 'needsFullReload'
  /** NSO answered with an error or something unrecognisable. */
  | 'error';

export interface PackageReport {
  name: string;
  /** Host folder of the package. */
  dir: string;
  /** Its result in this reload; undefined when it was not part of it. */
  result?: boolean;
  info?: string;
  /** What `show packages package <p> oper-status` said afterwards. */
  operStatus?: OperStatus;
}

/**
 * Whether a deletion refusal names every module it would delete, so that a
 * forced reload may be offered: never for an empty or partly unread list.
 */
export function deletionListComplete(report: Pick<ReloadReport, 'deletions' | 'refusal'>): boolean {
  return report.deletions.length > 0 && (report.refusal?.unread.length ?? 0) === 0;
}

export interface ReloadReport {
  status: ReloadStatus;
  plan: ReloadPlan;
  /** What ran: a full reload, redeploys, or nothing. */
  action: 'full' | 'redeploy' | 'none';
  forced: boolean;
  packages: PackageReport[];
  /** For `deletionRefused`: exactly what NSO said it would delete. */
  deletions: ModuleDeletion[];
  /**
   * For `deletionRefused`: NSO's refusal verbatim, and the lines of its list
   * that named no `package: module` (see {@link deletionListComplete}).
   */
  refusal?: { said: string[]; unread: string[] };
  diagnostics: ReloadDiagnostic[];
  /** Packages whose earlier reload diagnostics this report replaces. */
  touched: string[];
  /** True when NSO upgraded CDB's schema. */
  upgraded: boolean;
  /** One or two sentences for the user. */
  message: string;
  /**
   * `<package>: <file>` for sources changed after their package's last build,
   * which this reload could not give NSO (the message names them too).
   */
  unbuilt?: string[];
  transcript: string;
  durationMs: number;
}

const pythonLogTailLines = 200;

/** Reloads what changed; see the file comment. Throws NcsCliError when the CLI cannot run. */
export async function reloadPackages(req: ReloadRequest): Promise<ReloadReport> {
  const started = performance.now();
  const options = req.signal ? { signal: req.signal } : {};

  // The container and its start time key what NSO has loaded.
  const details = await req.docker.inspectContainer(req.container, options);
  // A restore recreates this container and waits for it: a reload now would race it.
  await assertNotRestoring(req.docker, details.name);
  if (!details.state.running) {
    throw new NcsCliError(
      'containerStopped',
      `Container ${details.name} is not running (${details.state.status}): start NSO first. Nothing was reloaded.`,
    );
  }
  // A paused container takes the exec but never answers: the reload would wait for ever.
  if (details.state.paused) throw pausedError(details.name);
  const containerId = details.id;
  const startedAt = details.state.startedAt?.toISOString() ?? '';
  // Later steps talk to the container by id and skip asking Docker again.
  const sreq: SessionRequest = { ...req, container: containerId, startedAt };

  const discovery = await discoverPackages(req.workspaceFolder, req.packagesPath ?? 'packages');
  const packages = discovery.packages;
  const current = new Map<string, Map<string, string>>();
  await Promise.all(
    packages.map(async (p) => current.set(p.name, await hashLoadedPackage(p.dir, req.hashCache))),
  );

  const record = await req.store.get(containerId);
  const loaded: LoadedState | undefined =
    record && record.startedAt === startedAt
      ? {
          packages: new Map(
            Object.entries(record.packages).map(([n, f]) => [n, new Map(Object.entries(f))]),
          ),
        }
      : undefined;
  // Sources changed without a build: what NSO loads now is the previous build.
  // Sources built since count by what they were built into.
  const sources = loaded
    ? await sourceChanges(current, loaded, new Map(packages.map((p) => [p.name, p.dir])))
    : {
        unbuilt: [],
        settled: new Map<string, Set<string>>(),
        built: new Map<string, Set<string>>(),
      };
  const unbuilt = sources.unbuilt;
  const done = (report: Omit<ReloadReport, 'durationMs'>): ReloadReport =>
    finish(
      req,
      started,
      unbuilt.length > 0 && (report.action !== 'none' || report.status === 'nothing')
        ? { ...report, unbuilt, message: `${report.message} ${unbuiltNote(unbuilt)}` }
        : report,
    );
  if (req.redeploy !== undefined) {
    const name = req.redeploy;
    if (!current.has(name)) {
      throw new Error(
        `There is no package ${JSON.stringify(name)} in ${path.join(req.workspaceFolder, req.packagesPath ?? 'packages')}: nothing was redeployed.`,
      );
    }
    const file = fileNeedingFullReload(
      current.get(name),
      loaded?.packages.get(name),
      sources.built.get(name),
    );
    if (file !== undefined) {
      const plan: ReloadPlan = { kind: 'full', reason: `${name}: ${file} changed` };
      return finish(req, started, {
        plan,
        forced: false,
        deletions: [],
        upgraded: false,
        status: 'needsFullReload',
        action: 'none',
        packages: packages.map((p) => ({ name: p.name, dir: p.dir })),
        diagnostics: [],
        touched: [],
        message: file.startsWith('src/')
          ? `${name}: ${file} changed since NSO loaded the package, and only a build turns it into what NSO loads: build the package, then reload (Build and Reload does both). Nothing was sent to NSO.`
          : `${name}: ${file} changed since NSO loaded the package, and a redeploy does not load it: reload the packages instead (a full packages reload). Nothing was sent to NSO.`,
        transcript: '',
      });
    }
  }
  let plan: ReloadPlan =
    req.redeploy !== undefined
      ? { kind: 'redeploy', packages: [req.redeploy], reason: 'asked for by name' }
      : planReload(req.strategy, current, loaded, sources.settled);
  // Consent to delete is consent to a full reload.
  if (req.force && plan.kind !== 'full') {
    plan = { kind: 'full', reason: 'forced after the user agreed to the deletions' };
  }
  req.observer?.info?.(`Reload plan (${req.strategy}): ${describePlan(plan)}`);

  const names = packages.map((p) => p.name);
  const base = {
    plan,
    forced: false,
    deletions: [] as ModuleDeletion[],
    upgraded: false,
  };

  if (plan.kind === 'none') {
    if (req.strategy === 'off') {
      return done({
        ...base,
        status: 'off',
        action: 'none',
        packages: packages.map((p) => ({ name: p.name, dir: p.dir })),
        diagnostics: [],
        touched: [],
        message: 'Reloading is off (nso.reload.strategy): nothing was sent to NSO.',
        transcript: '',
      });
    }
    const { statuses, transcript } = await operStatuses(sreq, [], names);
    return done({
      ...base,
      status: 'nothing',
      action: 'none',
      packages: packages.map((p) => ({
        name: p.name,
        dir: p.dir,
        ...withStatus(statuses.get(p.name)),
      })),
      diagnostics: [],
      touched: [],
      message: `Nothing that NSO loads changed since it last loaded the packages: nothing to reload. ${upSummary(statuses)}`,
      transcript,
    });
  }

  if (plan.kind === 'redeploy') {
    const redeploys = plan.packages.map((n) => `packages package ${cliToken(n)} redeploy`);
    const session = await operStatuses(sreq, redeploys, names);
    const answers = splitRedeployAnswers(session.before, plan.packages);
    const reports: PackageReport[] = packages.map((p) => {
      const answer =
        plan.kind === 'redeploy' && plan.packages.includes(p.name)
          ? answers?.get(p.name)
          : undefined;
      const status = session.statuses.get(p.name);
      const result =
        answer === undefined
          ? undefined
          : answer.result === true && (status?.status ?? 'up') === 'up';
      const info = answer?.error ?? answer?.info ?? status?.errorInfo;
      return {
        name: p.name,
        dir: p.dir,
        ...(result !== undefined ? { result } : {}),
        ...(info && result === false ? { info } : {}),
        ...withStatus(status),
      };
    });
    if (!answers) {
      // The answers could not be told apart: what NSO did is unknown here.
      await req.store.set(containerId, undefined);
      return done({
        ...base,
        status: 'error',
        action: 'redeploy',
        packages: reports,
        diagnostics: [],
        touched: [],
        message: `NSO's answer to the redeploy of ${plan.packages.join(', ')} was not understood: see the log. The next reload will be a full one.`,
        transcript: session.transcript,
      });
    }
    const failedNames = reports.filter((r) => r.result === false).map((r) => r.name);
    const diagnostics = await diagnose(req, packages, reports, failedNames);
    await remember(req.store, containerId, startedAt, record, loaded, current, plan.packages);
    const ok = failedNames.length === 0;
    return done({
      ...base,
      status: ok ? 'ok' : 'failed',
      action: 'redeploy',
      packages: reports,
      diagnostics,
      touched: plan.packages,
      message: ok
        ? `Redeployed ${plan.packages.join(', ')}: ${plan.packages.length === 1 ? 'it is' : 'all are'} up.`
        : `Redeploy failed for ${failedNames.map((n) => describeFailure(reports, n)).join('; ')}.`,
      transcript: session.transcript,
    });
  }

  // A full reload.
  const forced = req.force === true;
  const session = await operStatuses(
    sreq,
    [forced ? 'packages reload force' : 'packages reload'],
    names,
  );
  const parsed = parseReloadOutput(session.before);
  const outcome = parsed.outcome;
  if (parsed.empty && session.noneLoaded && names.length > 0) {
    // NSO reloaded and found nothing in its load path: its packages folder is not this one.
    await req.store.set(containerId, undefined);
    return done({
      ...base,
      status: 'failed',
      action: 'full',
      packages: packages.map((p) => ({ name: p.name, dir: p.dir })),
      diagnostics: [],
      touched: [],
      message:
        `NSO reloaded but loaded none of the ${names.length} package${names.length === 1 ? '' : 's'} of ${req.workspaceFolder}: ` +
        `its load path holds no package. Check that ${details.name} has ${path.join(req.workspaceFolder, req.packagesPath ?? 'packages')} mounted at /nso/run/packages ` +
        `(docker inspect ${details.name}), or start NSO from this workspace.`,
      transcript: session.transcript,
    });
  }
  const reportsFrom = (
    results: { package: string; result: boolean; info?: string }[],
  ): PackageReport[] =>
    packages.map((p) => {
      const r = results.find((x) => x.package === p.name);
      const status = session.statuses.get(p.name);
      const info = r?.info ?? (r && !r.result ? status?.errorInfo : undefined);
      return {
        name: p.name,
        dir: p.dir,
        ...(r ? { result: r.result } : {}),
        ...(info ? { info } : {}),
        ...withStatus(status),
      };
    });

  switch (outcome.kind) {
    case 'ok':
    case 'failed': {
      const reports = reportsFrom(outcome.results);
      // A package can load and still not be up (a Java component, say): that is a failure too.
      const failedNames = reports
        .filter((r) => r.result === false || (r.operStatus && r.operStatus.status !== 'up'))
        .map((r) => r.name);
      const diagnostics = await diagnose(req, packages, reports, failedNames);
      await remember(req.store, containerId, startedAt, record, undefined, current, names);
      const ok = outcome.kind === 'ok' && failedNames.length === 0;
      return done({
        ...base,
        forced,
        upgraded: outcome.upgraded,
        status: ok ? 'ok' : 'failed',
        action: 'full',
        packages: reports,
        diagnostics,
        touched: names,
        message: ok
          ? `Reloaded ${outcome.results.length} package${outcome.results.length === 1 ? '' : 's'}${outcome.upgraded ? ' (CDB schema upgraded)' : ''}: all up.`
          : `Reload failed for ${failedNames.map((n) => describeFailure(reports, n)).join('; ')}.`,
        transcript: session.transcript,
      });
    }
    case 'deletionRefused':
      return done({
        ...base,
        status: 'deletionRefused',
        action: 'full',
        deletions: outcome.deletions,
        refusal: { said: outcome.said, unread: outcome.unread },
        packages: reportsFrom([]),
        diagnostics: [],
        touched: [],
        message:
          outcome.deletions.length > 0 && outcome.unread.length === 0
            ? `NSO refused the reload: it would delete ${outcome.deletions.length} YANG module${outcome.deletions.length === 1 ? '' : 's'} ` +
              `and the data stored under them (${outcome.deletions.map((d) => `${d.package}: ${d.module}`).join(', ')}). ` +
              `Nothing was changed. Reloading with force deletes that data.`
            : `NSO refused the reload because YANG modules and the data stored under them would be deleted, ` +
              `but which ones could not be read from its answer: ${outcome.said.join(' / ')}. ` +
              `Nothing was changed.`,
        transcript: session.transcript,
      });
    case 'versionRefused': {
      const pkg = packages.find((p) => p.name === outcome.package);
      const diagnostics: ReloadDiagnostic[] = pkg
        ? [
            {
              file: pkg.metaDataPath,
              line: await lineOf(pkg.metaDataPath, /<ncs-min-version>/),
              message: `${outcome.message}: this NSO cannot load the package. Lower ncs-min-version, or run a newer NSO image (nso.prodImage).`,
            },
          ]
        : [];
      return done({
        ...base,
        status: 'versionRefused',
        action: 'full',
        packages: reportsFrom([]),
        diagnostics,
        touched: pkg ? [pkg.name] : [],
        message: `NSO refused the reload: ${outcome.message}. Nothing was changed.`,
        transcript: session.transcript,
      });
    }
    case 'error':
    case 'unknown': {
      // What NSO did is not known: the next reload must be a full one.
      await req.store.set(containerId, undefined);
      return done({
        ...base,
        status: 'error',
        action: 'full',
        packages: reportsFrom([]),
        diagnostics: [],
        touched: [],
        message: `NSO did not reload the packages: ${outcome.message.split('\n')[0]}`,
        transcript: session.transcript,
      });
    }
  }
}

function describePlan(plan: ReloadPlan): string {
  switch (plan.kind) {
    case 'none':
      return `nothing to do (${plan.reason})`;
    case 'redeploy':
      return `redeploy ${plan.packages.join(', ')} (${plan.reason})`;
    case 'full':
      return `full packages reload (${plan.reason})`;
  }
}

function withStatus(status: OperStatus | undefined): { operStatus?: OperStatus } {
  return status ? { operStatus: status } : {};
}

function describeFailure(reports: PackageReport[], name: string): string {
  const r = reports.find((x) => x.name === name);
  const why = r?.info ?? r?.operStatus?.errorInfo ?? r?.operStatus?.status;
  return why ? `${name} (${why})` : name;
}

function upSummary(statuses: Map<string, OperStatus | undefined>): string {
  const down = [...statuses]
    .filter(([, s]) => s && s.status !== 'up')
    .map(([n, s]) => `${n} is ${s!.status}`);
  return down.length > 0 ? `In NSO: ${down.join(', ')}.` : '';
}

/**
 * Runs `commands` and then `show packages package`, in one ncs_cli session:
 * one process start, and one command for every package's oper-status. A
 * package NSO does not list is asked about on its own (the answer says why).
 */
/** A request with what the reload learnt about its container. */
type SessionRequest = ReloadRequest & { readonly startedAt: string };

async function operStatuses(
  req: SessionRequest,
  commands: string[],
  names: string[],
): Promise<{
  before: string;
  statuses: Map<string, OperStatus | undefined>;
  transcript: string;
  /** `show packages package` said `% No entries found`: NSO has no package loaded. */
  noneLoaded: boolean;
}> {
  const run = await runCli(req, [...commands, 'show packages package']);
  let transcript = run.transcript;
  const at = packagesShowStart(run.stdout);
  const noEntries = at < 0 ? /^\s*%\s*No entries found\.?\s*$/m.exec(run.stdout) : null;
  const before =
    at >= 0
      ? run.stdout.slice(0, at)
      : noEntries
        ? run.stdout.slice(0, noEntries.index)
        : run.stdout;
  const listed =
    at >= 0 ? parsePackagesShow(run.stdout.slice(at)) : new Map<string, OperStatus | undefined>();
  const statuses = new Map<string, OperStatus | undefined>();
  const missing: string[] = [];
  for (const n of names) {
    if (listed.has(n)) statuses.set(n, listed.get(n));
    else missing.push(n);
  }
  if (missing.length > 0) {
    const shows = missing.map((n) => `show packages package ${cliToken(n)} oper-status`);
    const more = await runCli(req, shows);
    transcript += more.transcript;
    const split = splitOperStatusAnswers(more.stdout, missing);
    for (const n of missing) statuses.set(n, split?.statuses.get(n));
  }
  return { before, statuses, transcript, noneLoaded: noEntries !== null };
}

async function runCli(
  req: SessionRequest,
  commands: string[],
): Promise<{ stdout: string; transcript: string }> {
  try {
    const run = await req.cli.run(req.container, commands, {
      user: req.adminUser,
      startedAt: req.startedAt,
      ...(req.signal ? { signal: req.signal } : {}),
    });
    req.observer?.transcript?.(run.transcript);
    return { stdout: run.stdout, transcript: run.transcript };
  } catch (error) {
    if (isNcsCliError(error)) {
      if (error.output) req.observer?.transcript?.(error.output);
      if (error.kind === 'notRunning') throw await notRunningError(req, error);
    }
    throw error;
  }
}

/** Says whether NSO is still starting (Docker's health) or has stopped answering. */
async function notRunningError(req: ReloadRequest, error: NcsCliError): Promise<NcsCliError> {
  try {
    const d = await req.docker.inspectContainer(req.container);
    if (!d.state.running) {
      return new NcsCliError(
        'containerStopped',
        `Container ${d.name} stopped (exit code ${d.state.exitCode}) before NSO answered: start NSO again; nothing was reloaded.`,
        error.output,
      );
    }
    const up = d.state.startedAt
      ? Math.round((Date.now() - d.state.startedAt.getTime()) / 1000)
      : undefined;
    if (d.state.health?.status === 'starting') {
      return new NcsCliError(
        'notRunning',
        `NSO in ${d.name} is still starting (health: starting${up !== undefined ? `, up ${up} s` : ''}): wait until it is healthy, then reload. Nothing was reloaded.`,
        error.output,
      );
    }
    return new NcsCliError(
      'notRunning',
      `NSO in ${d.name} does not answer although the container runs (health: ${d.state.health?.status ?? 'none'}): look at its log (docker logs ${d.name}, /log/ncs.log). Nothing was reloaded.`,
      error.output,
    );
  } catch {
    return error;
  }
}

/** Diagnostics for the failed packages: template lines, Python lines, else package-meta-data.xml. */
async function diagnose(
  req: ReloadRequest,
  packages: WorkspacePackage[],
  reports: PackageReport[],
  failed: string[],
): Promise<ReloadDiagnostic[]> {
  const out: ReloadDiagnostic[] = [];
  for (const name of failed) {
    const pkg = packages.find((p) => p.name === name);
    const report = reports.find((r) => r.name === name);
    if (!pkg || !report) continue;
    const info =
      report.info ??
      report.operStatus?.errorInfo ??
      `oper-status ${report.operStatus?.status ?? 'unknown'}`;
    let tail: string | undefined;
    if (pkg.kinds.python && !/\.xml:\d+/.test(info)) {
      tail = await pythonLogTail(req, await pythonVmName(pkg));
    }
    out.push(
      locateReloadFailure(
        { name: pkg.name, hostDir: pkg.dir, dirName: pkg.dirName },
        info,
        tail ? lastTraceback(tail) : undefined,
      ),
    );
  }
  return out;
}

/** The Python VM's name: `python-package/vm-name` when set, else the package name. */
async function pythonVmName(pkg: WorkspacePackage): Promise<string> {
  try {
    const xml = await fs.readFile(pkg.metaDataPath, 'utf8');
    return /<(?:\w+:)?vm-name>\s*([^<\s]+)\s*</.exec(xml)?.[1] ?? pkg.name;
  } catch {
    return pkg.name;
  }
}

async function pythonLogTail(req: ReloadRequest, vm: string): Promise<string | undefined> {
  try {
    const r = await req.docker.exec(
      req.container,
      ['tail', '-n', String(pythonLogTailLines), `/log/ncs-python-vm-${vm}.log`],
      { timeoutMs: 15_000, ...(req.signal ? { signal: req.signal } : {}) },
    );
    return r.exitCode === 0 ? r.stdout : undefined;
  } catch {
    return undefined;
  }
}

async function lineOf(file: string, pattern: RegExp): Promise<number> {
  try {
    const lines = (await fs.readFile(file, 'utf8')).split(/\r?\n/);
    const i = lines.findIndex((l) => pattern.test(l));
    return i >= 0 ? i + 1 : 0;
  } catch {
    return 0;
  }
}

/**
 * Remembers what NSO now has: for a full reload every package as it is now;
 * for redeploys the redeployed packages as they are now and the rest as before.
 */
async function remember(
  store: LoadedStateStore,
  container: string,
  startedAt: string,
  record: LoadedStateRecord | undefined,
  loaded: LoadedState | undefined,
  current: Map<string, Map<string, string>>,
  reloaded: string[],
): Promise<void> {
  const packages: Record<string, Record<string, string>> = {};
  if (loaded && record) {
    for (const [name, files] of loaded.packages) packages[name] = Object.fromEntries(files);
  }
  for (const name of reloaded) {
    const files = current.get(name);
    if (files) packages[name] = Object.fromEntries(files);
  }
  await store.set(container, { container, startedAt, packages, at: new Date().toISOString() });
}

/** The sentence a report gets when sources changed without a new build. */
function unbuiltNote(unbuilt: string[]): string {
  return `Sources changed since NSO loaded them, with no new build: ${unbuilt.join('; ')}. NSO runs the previous build there: build those packages, then reload, if the change should reach NSO.`;
}

function finish(
  _req: ReloadRequest,
  started: number,
  report: Omit<ReloadReport, 'durationMs'>,
): ReloadReport {
  return { ...report, durationMs: performance.now() - started };
}
