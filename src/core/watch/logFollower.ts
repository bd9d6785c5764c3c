// Following a container's log across its restarts: `docker logs -f` ends when
// the container stops; this waits for the container to run again (told by the
// event stream, never by polling) and picks up after the last line shown,
// without repeating it. It ends when the container is removed or the caller
// cancels.

import type { DockerClient, LogLine } from '../docker/client';
import { isDockerError } from '../docker/errors';
import type { WatchedContainer } from './containerWatcher';
import type { Disposable } from './emitter';

/** Where the follower learns about the container; NsoStatus or a watcher provide it. */
export interface ContainerSource {
  container(id: string): WatchedContainer | undefined;
  /** The current client, or undefined while there is none. */
  client(): DockerClient | undefined;
  /** Whether the event stream is up (the model is current). */
  live(): boolean;
  /** Calls `listener` at each change of the containers or of the connection. */
  onChange(listener: () => void): Disposable;
}

export interface LogFollowerSink {
  line(line: LogLine): void;
  /** Something to tell the reader between lines: stopped, removed, an error. */
  note(kind: 'stopped' | 'removed' | 'error', text: string): void;
}

export interface FollowOptions {
  readonly signal: AbortSignal;
  /** Lines from before the start to show first (default 500). */
  readonly tailLines?: number;
}

export async function followContainerLogs(
  source: ContainerSource,
  id: string,
  name: string,
  sink: LogFollowerSink,
  options: FollowOptions,
): Promise<void> {
  const { signal } = options;
  let lastNanos = 0n;
  let lastTimestamp: string | undefined;
  let first = true;

  while (!signal.aborted) {
    const container = source.container(id);
    const client = source.client();
    if (!container) {
      sink.note('removed', `${name} was removed`);
      return;
    }
    if (!client || (!first && container.state !== 'running')) {
      await nextChange(source, signal);
      continue;
    }

    // The run being followed: after its log ends, only a new run resumes.
    const followedStart = container.details?.state.startedAt?.getTime();
    let ended: 'stopped' | 'error' = 'stopped';
    try {
      const since = lastTimestamp ? sinceArgument(lastTimestamp) : undefined;
      for await (const line of client.followLogs(id, {
        signal,
        timestamps: true,
        ...(since !== undefined ? { since } : { tail: options.tailLines ?? 500 }),
      })) {
        // `since` is inclusive: skip what was shown already.
        const nanos = line.timestamp ? timestampNanos(line.timestamp) : 0n;
        if (nanos !== 0n && nanos <= lastNanos) continue;
        if (nanos !== 0n) {
          lastNanos = nanos;
          lastTimestamp = line.timestamp;
        }
        sink.line(line);
      }
      if (signal.aborted) return;
      const exit = source.container(id)?.details?.state.exitCode;
      sink.note(
        'stopped',
        `${name} stopped${exit !== undefined ? ` (exit ${exit})` : ''}; waiting for it to start again`,
      );
    } catch (error) {
      if (signal.aborted) return;
      if (isDockerError(error, 'notFound')) {
        sink.note('removed', `${name} was removed`);
        return;
      }
      ended = 'error';
      sink.note('error', error instanceof Error ? error.message : String(error));
    }
    first = false;
    await nextChange(source, signal, () => {
      const c = source.container(id);
      if (!c) return true;
      // After an error (engine gone, say) try again once the stream is back.
      if (ended === 'error') return source.live() && c.state === 'running';
      const started = c.details?.state.startedAt?.getTime();
      return c.state === 'running' && started !== undefined && started !== followedStart;
    });
  }
}

/** Resolves at the next change that passes `relevant` (any change by default), or on abort. */
function nextChange(
  source: ContainerSource,
  signal: AbortSignal,
  relevant: () => boolean = anyChange,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      sub.dispose();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const sub = source.onChange(() => {
      if (relevant()) done();
    });
    signal.addEventListener('abort', done, { once: true });
    // What it waits for may have happened while the log stream was ending (a quick
    // restart, a removal): then there is no change left to wait for.
    if (relevant !== anyChange && relevant()) done();
  });
}

const anyChange = (): boolean => true;

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
