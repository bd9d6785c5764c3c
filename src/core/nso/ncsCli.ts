// Running NSO's CLI (`ncs_cli -u <user> -C`) in the production container with
// the commands on standard input and no terminal, so NSO prints command output
// only: no prompts, no echo. The NSO tools are on the PATH of a login shell
// only (Cisco's images set them up in the login profile), and a login shell
// per command costs tens of milliseconds, so the login environment and the
// tool's path are read once per container start and reused.

import type { DockerClient, ExecResult } from '../docker/client';
import { isDockerError } from '../docker/errors';

export type CliStyle = 'C' | 'J';

/** Why ncs_cli could not do its job at all (as opposed to a command failing inside it). */
export type NcsCliFailureKind =
  /** ncs_cli is not in the container (not an NSO production image?). */
  | 'missing'
  /** NSO does not answer: not started yet, still starting, or stopped. */
  | 'notRunning'
  /** NSO refused the user: unknown with local authentication, or no access. */
  | 'accessDenied'
  /** The container is not running, or stopped while ncs_cli ran. */
  | 'containerStopped'
  /** The container is paused (`docker pause`): nothing in it runs. */
  | 'containerPaused';

export class NcsCliError extends Error {
  constructor(
    readonly kind: NcsCliFailureKind,
    message: string,
    /** What ncs_cli printed, for the log. */
    readonly output = '',
  ) {
    super(message);
    this.name = 'NcsCliError';
  }
}

export function isNcsCliError(error: unknown, kind?: NcsCliFailureKind): error is NcsCliError {
  return (
    error instanceof Error &&
    error.name === 'NcsCliError' &&
    (kind === undefined || (error as NcsCliError).kind === kind)
  );
}

export interface NcsCliOptions {
  /** The NSO user ncs_cli logs in as (`-u`). */
  readonly user: string;
  readonly style?: CliStyle;
  /**
   * The container's start time when the caller has just read it: the
   * remembered login environment is then used without asking Docker again.
   */
  readonly startedAt?: string;
  readonly signal?: AbortSignal;
  /** For the whole session; 0 or undefined: none (a reload of many packages takes minutes). */
  readonly timeoutMs?: number;
  /** Everything ncs_cli prints, as it arrives (for the log). */
  readonly onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
}

export interface NcsCliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The commands sent, then what came back: what goes to the log. */
  readonly transcript: string;
  readonly durationMs: number;
}

/** Where ncs_cli is and the login environment it runs in, per container start. */
interface ToolEnvironment {
  readonly startedAt: string;
  readonly ncsCli: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Variables of a login shell that describe that shell, not NSO's environment. */
const shellOwnVariables = new Set(['_', 'PWD', 'OLDPWD', 'SHLVL', 'HOSTNAME', 'TERM']);

/**
 * Runs ncs_cli sessions in containers. One instance per client: it remembers
 * each container's login environment until the container restarts.
 */
export class NcsCli {
  private readonly environments = new Map<string, ToolEnvironment>();

  constructor(private readonly docker: DockerClient) {}

  /**
   * Sends `commands` to one ncs_cli session. Resolves with what it printed,
   * whatever the commands did; rejects with an {@link NcsCliError} when the
   * CLI itself could not run or log in.
   */
  async run(
    container: string,
    commands: readonly string[],
    options: NcsCliOptions,
  ): Promise<NcsCliRun> {
    const started = performance.now();
    const known = this.environments.get(container);
    const tool =
      known && options.startedAt !== undefined && known.startedAt === options.startedAt
        ? known
        : await this.environment(container, options.signal);
    const argv = [tool.ncsCli, '-u', options.user, options.style === 'J' ? '-J' : '-C'];
    const input = commands.map((c) => `${c}\n`).join('');

    let result: ExecResult;
    try {
      result = await this.docker.exec(container, argv, {
        stdin: input,
        env: tool.env,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.onOutput
          ? {
              onStdout: (t: string) => options.onOutput?.(t, 'stdout'),
              onStderr: (t: string) => options.onOutput?.(t, 'stderr'),
            }
          : {}),
      });
    } catch (error) {
      throw await this.translateExecError(container, error);
    }

    const transcript =
      `$ ${argv.join(' ')}\n` +
      commands.map((c) => `> ${c}\n`).join('') +
      result.stdout +
      (result.stderr ? `[stderr]\n${result.stderr}` : '');
    const failure = classifyNcsCliFailure(result, options.user, container);
    if (failure) {
      // A session cut short by the container stopping looks like any other
      // broken connection: ask Docker which it was.
      if (failure.kind === 'notRunning') {
        const now = await this.state(container);
        if (now.paused) throw pausedError(now.name, transcript);
        if (!now.running) throw stoppedError(now.name, transcript);
      }
      throw new NcsCliError(failure.kind, failure.message, transcript);
    }
    if (result.exitCode !== 0) {
      const now = await this.state(container);
      if (now.paused) throw pausedError(now.name, transcript);
      if (!now.running) throw stoppedError(now.name, transcript);
    }
    return {
      exitCode: result.exitCode,
      stdout: result.stdout,
      stderr: result.stderr,
      transcript,
      durationMs: performance.now() - started,
    };
  }

  /** Forgets what was learnt about a container (after it was recreated). */
  forget(container: string): void {
    this.environments.delete(container);
  }

  private async environment(container: string, signal?: AbortSignal): Promise<ToolEnvironment> {
    let startedAt: string;
    try {
      const details = await this.docker.inspectContainer(container, signal ? { signal } : {});
      if (!details.state.running) {
        throw new NcsCliError(
          'containerStopped',
          `Container ${details.name} is not running (${details.state.status}): start NSO first.`,
        );
      }
      startedAt = details.state.startedAt?.toISOString() ?? '';
    } catch (error) {
      if (isNcsCliError(error)) throw error;
      throw await this.translateExecError(container, error);
    }
    const known = this.environments.get(container);
    if (known && known.startedAt === startedAt) return known;

    // `command -v` then a NUL, then the environment NUL-separated: values may hold newlines.
    const probe = await this.docker
      .exec(container, ['bash', '-lc', 'command -v ncs_cli; printf "\\0"; env -0'], {
        ...(signal ? { signal } : {}),
        timeoutMs: 30_000,
      })
      .catch(async (error: unknown) => {
        throw await this.translateExecError(container, error);
      });
    if (probe.exitCode === 127 && /bash/.test(probe.stderr + probe.stdout)) {
      throw new NcsCliError(
        'missing',
        `Container ${container} has no bash, so NSO's login environment cannot be read: is it an NSO production container?`,
        probe.stderr,
      );
    }
    const [head = '', ...rest] = probe.stdout.split('\0');
    const ncsCli = head.trim();
    if (ncsCli === '') {
      throw new NcsCliError(
        'missing',
        `ncs_cli was not found in container ${container} (not on the PATH of a login shell): is it an NSO production container? The build image has no ncs_cli.`,
        probe.stderr,
      );
    }
    const env: Record<string, string> = {};
    for (const entry of rest) {
      const eq = entry.indexOf('=');
      if (eq <= 0) continue;
      const name = entry.slice(0, eq).replace(/^\n+/, '');
      if (!shellOwnVariables.has(name)) env[name] = entry.slice(eq + 1);
    }
    const tool = { startedAt, ncsCli, env };
    this.environments.set(container, tool);
    return tool;
  }

  /**
   * Whether the container still runs (a paused one does not), and its name
   * for messages: callers often know it only by id.
   */
  private async state(
    container: string,
  ): Promise<{ running: boolean; paused: boolean; name: string }> {
    try {
      const d = await this.docker.inspectContainer(container);
      return { running: d.state.running && !d.state.paused, paused: d.state.paused, name: d.name };
    } catch {
      return { running: false, paused: false, name: container };
    }
  }

  private async translateExecError(container: string, error: unknown): Promise<unknown> {
    if (isDockerError(error, 'cancelled') || isDockerError(error, 'timeout')) return error;
    if (isDockerError(error, 'notFound')) {
      return new NcsCliError('containerStopped', `Container ${container} no longer exists.`);
    }
    const now = await this.state(container);
    const said = error instanceof Error ? error.message : String(error);
    if (now.paused) return pausedError(now.name, said);
    if (isDockerError(error, 'conflict') || !now.running) return stoppedError(now.name, said);
    return error;
  }
}

/** Docker refuses `exec` in a paused container; NSO is frozen, not gone. */
export function pausedError(container: string, output = ''): NcsCliError {
  return new NcsCliError(
    'containerPaused',
    `Container ${container} is paused, so NSO cannot answer: unpause it (docker unpause ${container}) and try again. Nothing was sent to NSO.`,
    output,
  );
}

function stoppedError(container: string, output: string): NcsCliError {
  return new NcsCliError(
    'containerStopped',
    `Container ${container} stopped while NSO was running the commands: what NSO finished before it stopped is unknown. Start NSO again (its data is kept) and reload.`,
    output,
  );
}

/**
 * Whether ncs_cli's result says the CLI itself failed, and how to say it.
 * Pure, for tests: wording differs between NSO versions, so each pattern is loose.
 */
export function classifyNcsCliFailure(
  result: Pick<ExecResult, 'exitCode' | 'stdout' | 'stderr'>,
  user: string,
  container: string,
): { kind: NcsCliFailureKind; message: string } | undefined {
  const text = `${result.stderr}\n${result.stdout}`;
  if (
    result.exitCode === 127 ||
    /ncs_cli:.*not found|no such file or directory/i.test(result.stderr)
  ) {
    return {
      kind: 'missing',
      message: `ncs_cli could not be run in container ${container}: ${result.stderr.trim() || 'not found'}.`,
    };
  }
  if (result.exitCode === 0) return undefined;
  if (
    /failed to connect to server|connection refused|ncs is not running|closed connection/i.test(
      text,
    )
  ) {
    return {
      kind: 'notRunning',
      message: `NSO in container ${container} does not answer (ncs_cli: ${firstLine(text)}): it may still be starting, or it stopped.`,
    };
  }
  if (
    /access denied|permission denied|authentication failed|not authori[sz]ed|no such local user/i.test(
      text,
    )
  ) {
    return {
      kind: 'accessDenied',
      message:
        `NSO refused the user ${user} (ncs_cli: ${firstLine(text)}). With local authentication on, ` +
        `the user must exist in NSO: ADMIN_USERNAME/ADMIN_PASSWORD create it only on the first start ` +
        `of an empty /nso volume. Set nso.adminUser to a user NSO knows.`,
    };
  }
  return undefined;
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '') ?? 'no output'
  );
}

/**
 * A package name as one CLI token. NSO's CLI splits on white space and treats
 * quotes specially; package names are normally plain, but are data all the same.
 */
export function cliToken(value: string): string {
  if (/^[\w.:@+-]+$/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
