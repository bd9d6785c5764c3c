// Follow Logs: a container's log (`docker logs -f`) in a terminal that
// survives the container: when it stops the terminal says so and waits, and
// when it starts again (a restart, or a restart policy) the terminal picks up
// from where it was, told by the event stream rather than by polling.

import * as vscode from 'vscode';

import { isDockerError } from '../../core/docker/errors';
import type { WorkbenchContext } from '../context';
import type { NsoStatus } from '../health/nsoStatus';

const dim = (text: string): string => `\x1b[2m${text}\x1b[0m`;
const red = (text: string): string => `\x1b[31m${text}\x1b[0m`;

/** Lines shown from before the terminal opened. */
const initialTailLines = 500;

export function openLogTerminal(
  ctx: WorkbenchContext,
  status: NsoStatus,
  container: { id: string; name: string },
): vscode.Terminal {
  const pty = new ContainerLogPty(ctx, status, container.id, container.name);
  const terminal = vscode.window.createTerminal({
    name: `Logs: ${container.name}`,
    pty,
    iconPath: new vscode.ThemeIcon('output'),
  });
  terminal.show();
  return terminal;
}

class ContainerLogPty implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly abort = new AbortController();
  /** Nanoseconds since the epoch of the last line shown: reattaching skips up to it. */
  private lastNanos = 0n;
  private lastTimestamp: string | undefined;

  constructor(
    private readonly ctx: WorkbenchContext,
    private readonly status: NsoStatus,
    private readonly id: string,
    private readonly name: string,
  ) {}

  open(): void {
    this.write(
      dim(`Following the log of ${this.name}; it reattaches when the container starts again.\n`),
    );
    void this.follow().finally(() => {
      if (!this.abort.signal.aborted) this.closeEmitter.fire();
    });
  }

  close(): void {
    this.abort.abort();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  handleInput(data: string): void {
    // Ctrl+C or q ends following, as in `docker logs -f`.
    if (data === '\x03' || data === 'q') this.closeEmitter.fire(0);
  }

  private write(text: string): void {
    if (!this.abort.signal.aborted) this.writeEmitter.fire(text.replace(/\r?\n/g, '\r\n'));
  }

  private async follow(): Promise<void> {
    const signal = this.abort.signal;
    let first = true;
    while (!signal.aborted) {
      const container = this.status.container(this.id);
      const client = this.status.docker;
      if (!container) {
        this.write(dim(`\n— ${this.name} was removed —\n`));
        return;
      }
      if (!client) {
        await this.nextChange();
        continue;
      }
      if (!first && container.state !== 'running') {
        await this.nextChange();
        continue;
      }

      try {
        const since = this.lastTimestamp ? sinceArgument(this.lastTimestamp) : undefined;
        for await (const line of client.followLogs(this.id, {
          signal,
          timestamps: true,
          ...(since !== undefined ? { since } : { tail: initialTailLines }),
        })) {
          const nanos = line.timestamp ? timestampNanos(line.timestamp) : 0n;
          if (nanos !== 0n && nanos <= this.lastNanos) continue;
          if (nanos !== 0n) {
            this.lastNanos = nanos;
            this.lastTimestamp = line.timestamp;
          }
          this.write(`${line.stream === 'stderr' ? red(line.text) : line.text}\n`);
        }
        if (signal.aborted) return;
        const exit = this.status.container(this.id)?.details?.state.exitCode;
        this.write(
          dim(
            `\n— ${this.name} stopped${exit !== undefined ? ` (exit ${exit})` : ''}; waiting for it to start again —\n`,
          ),
        );
      } catch (error) {
        if (signal.aborted) return;
        if (isDockerError(error, 'notFound')) {
          this.write(dim(`\n— ${this.name} was removed —\n`));
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        this.ctx.log.warn(`Following the log of ${this.name}: ${message}`);
        this.write(red(`\n— ${message} —\n`));
      }
      first = false;
      await this.nextChange();
    }
  }

  /** Resolves at the next change of the containers or the connection (or when closed). */
  private nextChange(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        containers.dispose();
        connection.dispose();
        this.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      const containers = this.status.onDidChangeContainers(() => {
        const c = this.status.container(this.id);
        if (!c || c.state === 'running') done();
      });
      const connection = this.status.onDidChangeConnection((s) => {
        if (s?.phase === 'live') done();
      });
      this.abort.signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** RFC 3339 with nanoseconds → nanoseconds since the epoch (0n when unreadable). */
export function timestampNanos(ts: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(ts);
  if (!m) return 0n;
  const wholeSecondsMs = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(wholeSecondsMs)) return 0n;
  const fraction = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  return BigInt(wholeSecondsMs) * 1_000_000n + BigInt(fraction);
}

/** Docker's `since` as `<seconds>.<nanoseconds>`, which the engine reads exactly. */
export function sinceArgument(ts: string): string | undefined {
  const nanos = timestampNanos(ts);
  if (nanos === 0n) return undefined;
  const seconds = nanos / 1_000_000_000n;
  const rest = nanos % 1_000_000_000n;
  return `${seconds}.${rest.toString().padStart(9, '0')}`;
}
