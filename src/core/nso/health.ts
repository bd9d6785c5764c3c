// The health of the workspace's NSO: what Docker says about the production
// container (state, health check and its last probes), what NSO says about
// itself (`ncs --status`, `ncs_cmd -c get_phase`, each package's oper-status),
// what the build and reload features report, all folded into one state with
// the problems worth fixing and, for each, the action that fixes it.
//
// Docker's health check only proves that `ncs` answers IPC; a package can still
// be down. That is why the package states are asked from NSO separately.

import type { ContainerDetails, DockerClient } from '../docker/client';
import { isDockerError } from '../docker/errors';
import { cliValue } from './reloadOutput';
import { type NcsPhase, type NcsStatus, parseNcsStatus, parsePhase } from './statusOutput';

// ---------------------------------------------------------------------------
// Asking NSO

/** One package as `show packages` reports it. */
export interface PackageOperState {
  readonly name: string;
  /** `up`, or the failure, e.g. `file-load-error`, `python-vm-error`, `missing-dependency`. */
  readonly operStatus: string;
  /** What follows the status on its line, e.g. `package-name common-types`. */
  readonly detail?: string;
  readonly errorInfo: readonly string[];
  readonly version?: string;
}

/** What one probe of the running NSO found. */
export interface NsoProbe {
  readonly containerId: string;
  /** The container's start time at the probe: a restart makes the probe stale. */
  readonly containerStartedAt?: number;
  readonly at: number;
  readonly durationMs: number;
  readonly status?: NcsStatus;
  readonly statusExitCode?: number;
  readonly phase?: NcsPhase;
  readonly phaseExitCode?: number;
  /** `ncs_cmd -c get_phase`'s own words when it failed. */
  readonly phaseOutput?: string;
  /** Undefined when NSO was not started far enough to ask (phase < 2). */
  readonly packages?: readonly PackageOperState[];
  readonly cliExitCode?: number;
  /** `ncs_cli`'s output when it failed (no such user, not started...). */
  readonly cliOutput?: string;
  /** The probe itself could not run (container stopped, no bash...). */
  readonly error?: string;
}

/**
 * One exec for the whole probe, to keep Docker calls few. The script is fixed
 * text; the admin user arrives as `$1`, never glued into it. `bash -lc`
 * because NSO's tools are on a login shell's PATH. `ncs_cli` runs only once
 * NSO reached phase 2: before that it cannot answer.
 */
const probeScript = [
  'ncs --status 2>&1 | sed -n "1,60p"',
  'echo "nsowb-probe status-exit=${PIPESTATUS[0]}"',
  'phase=$(ncs_cmd -c get_phase 2>&1); rc=$?',
  'printf "%s\\n" "$phase"',
  'echo "nsowb-probe phase-exit=$rc"',
  'case "$phase" in',
  '  *"phase: 2"*)',
  '    printf "show packages\\n" | ncs_cli -u "$1" -C 2>&1',
  '    echo "nsowb-probe cli-exit=$?" ;;',
  'esac',
].join('\n');

export function probeArgv(adminUser: string): string[] {
  return ['bash', '-lc', probeScript, 'nsowb-probe', adminUser];
}

export interface ProbeOptions {
  readonly adminUser: string;
  readonly signal?: AbortSignal;
  /** Default 30 s: a frozen NSO must not hold the probe forever. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

/** Asks the NSO in a running container for its state, phase and packages. */
export async function probeNso(
  client: DockerClient,
  container: Pick<ContainerDetails, 'id' | 'state'>,
  options: ProbeOptions,
): Promise<NsoProbe> {
  const now = options.now ?? Date.now;
  const started = now();
  const base = {
    containerId: container.id,
    ...(container.state.startedAt
      ? { containerStartedAt: container.state.startedAt.getTime() }
      : {}),
    at: started,
  };
  try {
    const result = await client.exec(container.id, probeArgv(options.adminUser), {
      timeoutMs: options.timeoutMs ?? 30_000,
      ...(options.signal ? { signal: options.signal } : {}),
      maxBufferBytes: 1024 * 1024,
    });
    return {
      ...base,
      durationMs: now() - started,
      ...parseProbeOutput(result.stdout + result.stderr),
    };
  } catch (error) {
    const message = isDockerError(error) || error instanceof Error ? error.message : String(error);
    return { ...base, durationMs: now() - started, error: message };
  }
}

/** Splits the probe script's output at its markers and parses each part. */
export function parseProbeOutput(
  raw: string,
): Omit<NsoProbe, 'containerId' | 'containerStartedAt' | 'at' | 'durationMs'> {
  const parts = new Map<string, { text: string; exit: number }>();
  let text: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    const marker = /^nsowb-probe (status|phase|cli)-exit=(\d+)$/.exec(line);
    if (marker) {
      parts.set(marker[1]!, { text: text.join('\n'), exit: Number(marker[2]) });
      text = [];
    } else {
      text.push(line);
    }
  }
  const statusPart = parts.get('status');
  const phasePart = parts.get('phase');
  const cliPart = parts.get('cli');
  if (!statusPart && !phasePart) {
    return { error: raw.trim() || 'the probe printed nothing' };
  }

  const phase = phasePart ? parsePhase(phasePart.text) : undefined;
  const packages = cliPart && cliPart.exit === 0 ? parseShowPackages(cliPart.text) : undefined;
  return {
    ...(statusPart
      ? { status: parseNcsStatus(statusPart.text), statusExitCode: statusPart.exit }
      : {}),
    ...(phasePart ? { phaseExitCode: phasePart.exit } : {}),
    ...(phase ? { phase } : {}),
    ...(phasePart && !phase ? { phaseOutput: phasePart.text.trim() } : {}),
    ...(packages ? { packages } : {}),
    ...(cliPart ? { cliExitCode: cliPart.exit } : {}),
    ...(cliPart && (cliPart.exit !== 0 || !packages) ? { cliOutput: cliPart.text.trim() } : {}),
  };
}

/**
 * C-style `show packages`: one `packages package <name>` line per package, its
 * leaves indented below, among them `oper-status <state> [detail]` and
 * `oper-status error-info "<text>"` lines. `% No entries found.` means none.
 */
export function parseShowPackages(raw: string): PackageOperState[] {
  const out: PackageOperState[] = [];
  let current:
    | { name: string; operStatus?: string; detail?: string; errorInfo: string[]; version?: string }
    | undefined;
  const flush = (): void => {
    if (!current) return;
    out.push({
      name: current.name,
      // No oper-status line at all: NSO printed the package without a state.
      operStatus: current.operStatus ?? 'unknown',
      errorInfo: current.errorInfo,
      ...(current.detail ? { detail: current.detail } : {}),
      ...(current.version ? { version: current.version } : {}),
    });
  };
  for (const rawLine of raw.split(/\r?\n/)) {
    const line = rawLine.replace(/^\S+@\S+[#>%]\s*/, '');
    // A name with blanks or quotes comes quoted: `packages package "bad \"pkg\" x"`.
    const head = /^packages package (\S.*?)\s*$/.exec(line.trimEnd());
    if (head) {
      flush();
      current = { name: cliValue(head[1]!), errorInfo: [] };
      continue;
    }
    if (!current) continue;
    const trimmed = line.trim();
    const info = /^oper-status\s+error-info\s+(.*)$/.exec(trimmed);
    if (info) {
      current.errorInfo.push(cliValue(info[1]!));
      continue;
    }
    const status = /^oper-status\s+(\S+)(?:\s+(.*))?$/.exec(trimmed);
    if (status) {
      current.operStatus ??= status[1]!;
      if (status[2]) current.detail = status[2].trim();
      continue;
    }
    const version = /^package-version\s+(\S+)/.exec(trimmed);
    if (version) current.version = version[1]!;
  }
  flush();
  return out;
}

// ---------------------------------------------------------------------------
// What the build and reload features report

export type ActivityKind = 'building' | 'reloading';

export interface Activity {
  readonly kind: ActivityKind;
  /** e.g. "3 packages" or "packages reload". */
  readonly detail?: string;
  readonly startedAt: number;
}

export interface OperationResult {
  readonly kind: 'build' | 'reload';
  readonly ok: boolean;
  /** One line, e.g. "2 of 3 packages built" or "l3vpn: result false". */
  readonly summary: string;
  readonly at: number;
  readonly durationMs?: number;
  readonly packages?: readonly {
    readonly name: string;
    readonly ok: boolean;
    readonly message?: string;
  }[];
}

// ---------------------------------------------------------------------------
// The assessment

export type NsoHealthState =
  | 'connecting'
  | 'engineDown'
  | 'noContainer'
  | 'stopped'
  | 'starting'
  | 'running'
  | 'healthy'
  | 'unhealthy'
  | 'packagesDown'
  | 'building'
  | 'reloading';

export type Severity = 'ok' | 'info' | 'warning' | 'error';

/** Something the user can do about a problem; the extension maps each to a command. */
export type FixAction =
  | { readonly kind: 'retryDocker' }
  | { readonly kind: 'configureDocker' }
  | { readonly kind: 'showLog' }
  | { readonly kind: 'startNso' }
  | { readonly kind: 'useExistingContainer' }
  | { readonly kind: 'startContainer'; readonly container: string }
  | { readonly kind: 'restartContainer'; readonly container: string }
  | { readonly kind: 'unpauseContainer'; readonly container: string }
  | { readonly kind: 'showContainerLogs'; readonly container: string }
  | { readonly kind: 'openNsoLog'; readonly container: string; readonly file: string }
  | { readonly kind: 'openShell'; readonly container: string }
  | { readonly kind: 'buildAndReload' }
  | { readonly kind: 'reloadPackages' }
  | { readonly kind: 'showProblems' }
  | { readonly kind: 'refreshHealth' }
  | { readonly kind: 'openSettings'; readonly setting: string };

export interface HealthProblem {
  /** Stable within one assessment, e.g. `package:l3vpn`. */
  readonly id: string;
  readonly severity: Severity;
  readonly message: string;
  readonly detail?: string;
  /** Best fix first. */
  readonly fixes: readonly FixAction[];
}

export interface ContainerHealthFacts {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly state: ContainerDetails['state']['status'];
  readonly health: 'none' | 'starting' | 'healthy' | 'unhealthy';
  readonly startedAt?: number;
  readonly exitCode?: number;
  readonly oomKilled?: boolean;
  readonly failingStreak?: number;
  /** Newest last, as Docker keeps them (up to 5). */
  readonly probes: readonly {
    readonly end: string;
    readonly exitCode: number;
    readonly output: string;
  }[];
  readonly startPeriodMs?: number;
  /** How often Docker runs the health check; Docker's default (30 s) when unset. */
  readonly intervalMs?: number;
  readonly restartCount: number;
}

export interface NsoHealth {
  /** What the status bar shows (an activity wins over the container's own state). */
  readonly state: NsoHealthState;
  /** The container's own state, without the activity. */
  readonly baseState: NsoHealthState;
  readonly severity: Severity;
  /** One line, e.g. "NSO 6.4.1 healthy, 4 packages up". */
  readonly summary: string;
  readonly endpoint: string;
  /** NSO's version: as NSO said it, else as the image tag names it. */
  readonly version?: string;
  readonly container?: ContainerHealthFacts;
  /** The container that vanished behind our back, while none replaced it. */
  readonly removed?: { readonly name: string; readonly at: number };
  readonly uptimeMs?: number;
  readonly startPeriod?: { readonly elapsedMs: number; readonly totalMs: number };
  /** NSO's own answer, when the probe belongs to the current container run. */
  readonly nso?: {
    readonly version?: string;
    readonly status?: string;
    readonly phase?: number;
    readonly probedAt: number;
    readonly probeError?: string;
  };
  readonly packages?: readonly PackageOperState[];
  readonly activity?: Activity;
  readonly lastBuild?: OperationResult;
  readonly lastReload?: OperationResult;
  readonly problems: readonly HealthProblem[];
  readonly engine: { readonly phase: string; readonly failure?: { kind: string; message: string } };
}

export interface HealthInput {
  readonly now: number;
  readonly engine: {
    readonly phase: 'stopped' | 'connecting' | 'live' | 'polling' | 'unreachable';
    readonly endpoint: string;
    readonly failure?: { readonly kind: string; readonly message: string };
    readonly syncedAt?: number;
  };
  readonly container?: ContainerDetails;
  readonly removed?: { readonly name: string; readonly at: number };
  readonly probe?: NsoProbe;
  readonly activity?: Activity;
  readonly lastBuild?: OperationResult;
  readonly lastReload?: OperationResult;
  /** The name of the image version as the tag says, e.g. 6.4.1. */
  readonly imageVersion?: string;
}

/** Folds everything known into one health state with its problems; a pure function. */
export function assessHealth(input: HealthInput): NsoHealth {
  const { now, engine } = input;
  const problems: HealthProblem[] = [];
  const d = input.container;
  const facts = d ? containerFacts(d) : undefined;
  const probe =
    d && input.probe && probeBelongs(input.probe, d) && d.state.running ? input.probe : undefined;

  // The engine first: without it nothing else is known.
  if (engine.phase === 'unreachable' || (engine.phase === 'connecting' && !engine.syncedAt)) {
    const down = engine.phase === 'unreachable';
    if (down) {
      problems.push({
        id: 'engine',
        severity: 'error',
        message: `Docker not reachable at ${engine.endpoint}`,
        detail: engineWhy(engine.failure?.message, engine.endpoint),
        fixes: [{ kind: 'retryDocker' }, { kind: 'configureDocker' }, { kind: 'showLog' }],
      });
    }
    return finish(input, {
      baseState: down ? 'engineDown' : 'connecting',
      summary: down ? `Docker not reachable at ${engine.endpoint}` : 'Connecting to Docker…',
      problems,
    });
  }

  if (!d || !facts) {
    problems.push({
      id: 'noContainer',
      severity: 'info',
      message: input.removed
        ? `The NSO container ${input.removed.name} was removed`
        : 'No NSO production container for this workspace',
      fixes: [{ kind: 'startNso' }, { kind: 'useExistingContainer' }],
    });
    resultProblems(input, problems);
    return finish(input, {
      baseState: 'noContainer',
      summary: input.removed
        ? `NSO container ${input.removed.name} was removed`
        : 'No NSO container',
      problems,
    });
  }

  const name = d.name;
  const uptimeMs =
    facts.startedAt !== undefined && d.state.running ? now - facts.startedAt : undefined;
  const totalStart = facts.startPeriodMs ?? 0;
  const startPeriod =
    uptimeMs !== undefined && d.state.running && totalStart > 0 && facts.health === 'starting'
      ? { elapsedMs: uptimeMs, totalMs: totalStart }
      : undefined;

  let baseState: NsoHealthState;
  let summary: string;
  const version = probe?.status?.version ?? input.imageVersion;
  const nsoLabel = version ? `NSO ${version}` : 'NSO';

  if (!d.state.running || d.state.paused) {
    baseState = 'stopped';
    if (d.state.paused) {
      summary = `${nsoLabel} is paused`;
      problems.push({
        id: 'paused',
        severity: 'warning',
        message: `Container ${name} is paused`,
        // Unpaused, NSO goes on where it was; a restart would start it all over.
        fixes: [
          { kind: 'unpauseContainer', container: name },
          { kind: 'restartContainer', container: name },
        ],
      });
    } else if (d.state.status === 'restarting') {
      baseState = 'starting';
      summary = `${nsoLabel} is restarting`;
    } else if (killedBySignal(d.state.exitCode) && !d.state.oomKilled) {
      // 137 is SIGKILL (143 SIGTERM): docker stop (a kill once its grace time is
      // over), docker kill, or the kernel out of memory. The container was
      // stopped, not broken; its last health status is from before.
      const signal = d.state.exitCode === 137 ? 'SIGKILL' : 'SIGTERM';
      summary = `${nsoLabel} is stopped (exit ${d.state.exitCode}: killed)`;
      problems.push({
        id: 'stopped',
        severity: 'info',
        message: `NSO container ${name} is stopped`,
        detail:
          `exit ${d.state.exitCode} means it was killed (${signal}), e.g. by docker stop or ` +
          'docker kill, or for lack of memory; start it again to go on with its data',
        fixes: [
          { kind: 'startContainer', container: name },
          { kind: 'showContainerLogs', container: name },
        ],
      });
    } else {
      const crashed = d.state.exitCode !== 0 || d.state.oomKilled;
      summary = crashed
        ? `${nsoLabel} stopped (exit ${d.state.exitCode}${d.state.oomKilled ? ', out of memory' : ''})`
        : `${nsoLabel} is stopped`;
      problems.push({
        id: 'stopped',
        severity: crashed ? 'error' : 'info',
        message: crashed
          ? `NSO container ${name} exited with code ${d.state.exitCode}${d.state.oomKilled ? ': killed for using too much memory (raise --memory)' : ''}`
          : `NSO container ${name} is stopped`,
        ...(d.state.error ? { detail: d.state.error } : {}),
        fixes: crashed
          ? [
              { kind: 'showContainerLogs', container: name },
              { kind: 'openNsoLog', container: name, file: 'ncs.log' },
              { kind: 'startContainer', container: name },
            ]
          : [{ kind: 'startContainer', container: name }],
      });
    }
  } else if (facts.health === 'starting' && probe?.phase?.phase === 2) {
    // NSO answered our own probe in phase 2, which is what the image's health
    // check tests too; Docker runs that check only once per interval (30 s by
    // default), so its "starting" lags behind an NSO that is already up.
    baseState = 'running';
    summary = `${nsoLabel} up`;
  } else if (facts.health === 'starting') {
    baseState = 'starting';
    summary = `${nsoLabel} starting`;
    if (startPeriod && startPeriod.elapsedMs > startPeriod.totalMs) {
      problems.push({
        id: 'startPeriod',
        severity: 'warning',
        message: `Still starting after the health start period of ${Math.round(totalStart / 1000)} s`,
        detail:
          'A large NSO can take longer; Docker will call it unhealthy. Raise the start period ' +
          '(--health-start-period) when you create the container.',
        fixes: [
          { kind: 'openNsoLog', container: name, file: 'ncs.log' },
          { kind: 'openSettings', setting: 'nso.prod.healthStartPeriod' },
        ],
      });
    }
  } else if (facts.health === 'unhealthy') {
    baseState = 'unhealthy';
    summary = `${nsoLabel} unhealthy`;
    const last = facts.probes[facts.probes.length - 1];
    problems.push({
      id: 'unhealthy',
      severity: 'error',
      message: `Health check failing${facts.failingStreak ? ` (${facts.failingStreak} in a row)` : ''}`,
      detail: last
        ? `last probe: exit ${last.exitCode}${last.output.trim() ? `: ${last.output.trim()}` : ' (no output)'}`
        : 'NSO does not answer its health check',
      fixes: [
        { kind: 'openNsoLog', container: name, file: 'ncs.log' },
        { kind: 'showContainerLogs', container: name },
        { kind: 'restartContainer', container: name },
      ],
    });
  } else if (probe?.phase && probe.phase.phase < 2) {
    baseState = 'starting';
    summary = `${nsoLabel} starting (phase ${probe.phase.phase})`;
  } else if (facts.health === 'none' && probe && !probe.error && !probe.phase) {
    // No health check to wait for, and ncs_cmd had no answer: NSO is not up yet.
    baseState = 'starting';
    summary = `${nsoLabel} starting (not answering yet)`;
  } else {
    baseState = facts.health === 'healthy' || probe?.phase?.phase === 2 ? 'healthy' : 'running';
    summary = baseState === 'healthy' ? `${nsoLabel} healthy` : `${nsoLabel} running`;
  }

  // Packages, as NSO reported them in the current run.
  const packages = probe?.packages;
  if (packages && d.state.running && baseState !== 'unhealthy') {
    const down = packages.filter((p) => p.operStatus !== 'up');
    for (const p of down) {
      problems.push({
        id: `package:${p.name}`,
        severity: 'error',
        message: `Package ${p.name}: ${p.operStatus}${p.detail ? ` ${p.detail}` : ''}`,
        ...(p.errorInfo.length > 0 ? { detail: p.errorInfo.join('\n') } : {}),
        fixes: [
          { kind: 'buildAndReload' },
          { kind: 'openNsoLog', container: name, file: packageLogFile(p) },
          { kind: 'reloadPackages' },
        ],
      });
    }
    if (down.length > 0 && (baseState === 'healthy' || baseState === 'running')) {
      baseState = 'packagesDown';
      summary = `${nsoLabel}: ${down.length} of ${packages.length} package${packages.length === 1 ? '' : 's'} down`;
    } else if (baseState === 'healthy' || baseState === 'running') {
      summary +=
        packages.length === 0
          ? ', no packages loaded'
          : `, ${packages.length} package${packages.length === 1 ? '' : 's'} up`;
    }
  }
  if (probe?.error && d.state.running) {
    problems.push({
      id: 'probe',
      severity: 'warning',
      message: 'Could not ask NSO for its state',
      detail: probe.error,
      fixes: [{ kind: 'refreshHealth' }, { kind: 'openShell', container: name }],
    });
  } else if (probe?.cliExitCode !== undefined && probe.cliExitCode !== 0) {
    problems.push({
      id: 'cli',
      severity: 'warning',
      message: `ncs_cli could not list the packages (exit ${probe.cliExitCode})`,
      detail: probe.cliOutput ?? '',
      fixes: [{ kind: 'openSettings', setting: 'nso.adminUser' }, { kind: 'refreshHealth' }],
    });
  }
  resultProblems(input, problems);

  return finish(input, {
    baseState,
    summary,
    problems,
    container: facts,
    ...(version ? { version } : {}),
    ...(uptimeMs !== undefined ? { uptimeMs } : {}),
    ...(startPeriod ? { startPeriod } : {}),
    ...(probe
      ? {
          nso: {
            ...(probe.status?.version ? { version: probe.status.version } : {}),
            ...(probe.status?.status ? { status: probe.status.status } : {}),
            ...(probe.phase ? { phase: probe.phase.phase } : {}),
            probedAt: probe.at,
            ...(probe.error ? { probeError: probe.error } : {}),
          },
        }
      : {}),
    ...(packages ? { packages } : {}),
  });
}

/** Exit codes of a process ended by SIGKILL (137) or SIGTERM (143), as Docker reports them. */
function killedBySignal(exitCode: number): boolean {
  return exitCode === 137 || exitCode === 143;
}

/**
 * Why the engine did not answer, without the "Docker is not reachable at
 * <where>" the Docker layer's sentence starts with: the views show where in
 * the line itself, and the reason beside it.
 */
function engineWhy(message: string | undefined, endpoint: string): string {
  if (!message) return 'no answer';
  const prefix = `Docker is not reachable at ${endpoint}: `;
  return message.startsWith(prefix) && message.length > prefix.length
    ? message.slice(prefix.length)
    : message;
}

/** The log that usually says why a package is down. */
export function packageLogFile(p: PackageOperState): string {
  const text = `${p.operStatus} ${p.errorInfo.join(' ')}`;
  // Python's exceptions end in "Error:" (SyntaxError: …); Java's are dotted classes.
  if (/python|\.py\b|Traceback|\b[A-Z]\w*Error\b/.test(text)) return `ncs-python-vm-${p.name}.log`;
  if (/java|\b(?:com|org|net)\.\w+\.|Exception\b/i.test(text)) return 'ncs-java-vm.log';
  return 'devel.log';
}

function resultProblems(input: HealthInput, problems: HealthProblem[]): void {
  if (input.lastBuild && !input.lastBuild.ok) {
    problems.push({
      id: 'build',
      severity: 'error',
      message: `Last build failed: ${input.lastBuild.summary}`,
      fixes: [{ kind: 'showProblems' }, { kind: 'buildAndReload' }],
    });
  }
  const reload = currentReload(input);
  if (reload && !reload.ok) {
    problems.push({
      id: 'reload',
      severity: 'error',
      message: `Last reload failed: ${reload.summary}`,
      fixes: [{ kind: 'showProblems' }, { kind: 'reloadPackages' }, { kind: 'showLog' }],
    });
  }
}

const severityOf: Record<NsoHealthState, Severity> = {
  connecting: 'info',
  engineDown: 'error',
  noContainer: 'info',
  stopped: 'warning',
  starting: 'info',
  running: 'ok',
  healthy: 'ok',
  unhealthy: 'error',
  packagesDown: 'warning',
  building: 'info',
  reloading: 'info',
};

function finish(
  input: HealthInput,
  partial: Pick<NsoHealth, 'baseState' | 'summary' | 'problems'> &
    Partial<Omit<NsoHealth, 'baseState' | 'summary' | 'problems'>>,
): NsoHealth {
  const activity = input.activity;
  const reload = currentReload(input);
  const state = activity ? activity.kind : partial.baseState;
  const worst = partial.problems.some((p) => p.severity === 'error') ? 'error' : undefined;
  return {
    ...partial,
    state,
    severity: partial.baseState === 'stopped' && worst ? 'error' : severityOf[partial.baseState],
    endpoint: input.engine.endpoint,
    engine: {
      phase: input.engine.phase,
      ...(input.engine.failure ? { failure: input.engine.failure } : {}),
    },
    ...(input.removed && !input.container ? { removed: input.removed } : {}),
    ...(activity ? { activity } : {}),
    ...(input.lastBuild ? { lastBuild: input.lastBuild } : {}),
    ...(reload ? { lastReload: reload } : {}),
  };
}

/**
 * The last reload, unless it failed before the followed container's current
 * run began: NSO loads the packages again when it starts, so a failure such as
 * "container is not running" says nothing about the run that is up now.
 */
export function currentReload(input: HealthInput): OperationResult | undefined {
  const r = input.lastReload;
  if (!r || r.ok) return r;
  const startedAt = input.container?.state.startedAt?.getTime();
  if (startedAt !== undefined && input.container?.state.running && r.at < startedAt)
    return undefined;
  return r;
}

function containerFacts(d: ContainerDetails): ContainerHealthFacts {
  const h = d.state.health;
  return {
    id: d.id,
    name: d.name,
    image: d.image,
    state: d.state.status,
    health: h?.status ?? 'none',
    ...(d.state.startedAt ? { startedAt: d.state.startedAt.getTime() } : {}),
    exitCode: d.state.exitCode,
    oomKilled: d.state.oomKilled,
    ...(h ? { failingStreak: h.failingStreak } : {}),
    probes: h?.log ?? [],
    ...(d.healthcheck?.startPeriodMs !== undefined
      ? { startPeriodMs: d.healthcheck.startPeriodMs }
      : {}),
    ...(d.healthcheck?.intervalMs ? { intervalMs: d.healthcheck.intervalMs } : {}),
    restartCount: d.restartCount,
  };
}

/** A probe counts only for the container run it was taken in. */
export function probeBelongs(probe: NsoProbe, d: Pick<ContainerDetails, 'id' | 'state'>): boolean {
  if (probe.containerId !== d.id) return false;
  const started = d.state.startedAt?.getTime();
  return (
    started === undefined ||
    probe.containerStartedAt === undefined ||
    probe.containerStartedAt === started
  );
}

// ---------------------------------------------------------------------------
// Words for the status bar and the CLI

const icons: Record<NsoHealthState, string> = {
  connecting: '$(loading~spin)',
  engineDown: '$(debug-disconnect)',
  noContainer: '$(circle-slash)',
  stopped: '$(debug-stop)',
  starting: '$(loading~spin)',
  running: '$(pass)',
  healthy: '$(pass-filled)',
  unhealthy: '$(error)',
  packagesDown: '$(warning)',
  building: '$(loading~spin)',
  reloading: '$(loading~spin)',
};

/** The status-bar text, codicons included: "$(loading~spin) NSO starting 12 s / 60 s". */
export function statusBarText(health: NsoHealth, now: number): string {
  const icon = icons[health.state];
  return `${icon} ${statusWords(health, now)}`;
}

/** The status in words, without icons (the CLI prints this). */
export function statusWords(health: NsoHealth, now: number): string {
  const version = health.version;
  const nso = version ? `NSO ${version}` : 'NSO';
  switch (health.state) {
    case 'connecting':
      return 'NSO: connecting to Docker';
    case 'engineDown':
      return 'NSO: Docker unreachable';
    case 'noContainer':
      return health.removed ? 'NSO: container removed' : 'NSO: no container';
    case 'stopped': {
      if (health.container?.state === 'paused') return 'NSO paused';
      const code = health.container?.exitCode;
      return code !== undefined && code !== 0 ? `NSO stopped (exit ${code})` : 'NSO stopped';
    }
    case 'starting': {
      // Counted from the container's start at `now`: the status bar renders the same
      // health again every second while NSO starts, and the time must move on.
      const started = health.container?.startedAt;
      const up = started !== undefined ? Math.max(0, now - started) : health.uptimeMs;
      const sp = health.startPeriod;
      if (sp) return `NSO starting ${seconds(up ?? sp.elapsedMs)} / ${seconds(sp.totalMs)}`;
      return up !== undefined ? `NSO starting ${seconds(up)}` : 'NSO starting';
    }
    case 'running':
      // Up by our own probe while Docker's health check still says starting.
      return health.container?.health === 'starting' ? `${nso} up` : `${nso} running`;
    case 'healthy':
      return `${nso} healthy`;
    case 'unhealthy':
      return `${nso} unhealthy`;
    case 'packagesDown': {
      const down = (health.packages ?? []).filter((p) => p.operStatus !== 'up').length;
      return `${nso}: ${down} package${down === 1 ? '' : 's'} down`;
    }
    case 'building':
    case 'reloading': {
      const elapsed = health.activity ? ` ${seconds(now - health.activity.startedAt)}` : '';
      return `NSO ${health.state}${elapsed}`;
    }
  }
}

/** Docker's health-check interval when the image and the container set none. */
const dockerDefaultHealthIntervalMs = 30_000;

/**
 * What Docker's health check says, in words for the Health view and the
 * status-bar tooltip. A stopped container's health status is history: Docker
 * runs no check while it is stopped, and marks it unhealthy when it stops. While NSO already answers our probe,
 * "starting" only means Docker has not run (or passed) its check yet.
 */
export function healthCheckWords(health: NsoHealth): string {
  const c = health.container;
  if (!c || c.health === 'none') return 'none (the container has no health check)';
  if (c.state !== 'running') {
    // Docker marks a container that stops "unhealthy" whatever its check said.
    return `not run while the container is ${c.state === 'paused' ? 'paused' : 'stopped'}`;
  }
  if (c.health === 'starting' && health.baseState !== 'starting') {
    const every = formatDuration(c.intervalMs ?? dockerDefaultHealthIntervalMs);
    const when =
      c.probes.length === 0
        ? 'has not run yet'
        : 'has not passed yet (failures in the start period do not count)';
    return `starting: Docker's check ${when}, it runs every ${every}; NSO already answers (phase 2)`;
  }
  return `${c.health}${c.failingStreak ? `, ${c.failingStreak} failing in a row` : ''}`;
}

/** `1 h 2 min`, `3 min 4 s`, `12 s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s} s`;
  return `${s} s`;
}

function seconds(ms: number): string {
  return `${Math.max(0, Math.round(ms / 1000))} s`;
}
