// Test equipment for the container watcher's state machine: a manual clock and
// a scripted engine behind the DockerClient interface. The watcher itself is
// the real one; only the engine and time are played by the test (the Docker
// tier runs the same watcher against a real engine).

import type {
  ContainerDetails,
  ContainerState,
  ContainerSummary,
  DockerClient,
  DockerEvent,
  EventOptions,
  HealthStatus,
} from '../../src/core/docker/client';
import { DockerError } from '../../src/core/docker/errors';
import type { Clock, TimerHandle } from '../../src/core/watch/clock';

export class ManualClock implements Clock {
  private t = 1_700_000_000_000;
  private timers: { at: number; fn: () => void; cancelled: boolean; seq: number }[] = [];
  private seq = 0;

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer = { at: this.t + Math.max(0, ms), fn, cancelled: false, seq: this.seq++ };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, running every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.timers = this.timers.filter((x) => !x.cancelled);
      const due = this.timers
        .filter((x) => x.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
    await settle();
  }

  /** The delay until the next pending timer, or undefined. */
  nextTimerIn(): number | undefined {
    const pending = this.timers.filter((x) => !x.cancelled).map((x) => x.at - this.t);
    return pending.length > 0 ? Math.min(...pending) : undefined;
  }
}

/** Lets promise chains run (real event-loop turns; no time passes on the manual clock). */
export async function settle(turns = 30): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

interface FakeContainer {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  state: ContainerState;
  health: HealthStatus;
  createdAt: Date;
}

interface Stream {
  /** Types the stream asked for (Docker's `type` filter); all when undefined. */
  types?: readonly string[];
  push(e: DockerEvent): void;
  fail(error: Error): void;
}

/**
 * An engine with containers, an event stream, and switches: `up` (answers at
 * all) and `streamBreaks` (answers calls, but event streams fail at once, like
 * a proxy that cuts long requests). Every call is recorded in `calls`.
 */
export class FakeEngine {
  up = true;
  streamBreaks = false;
  /** What `exec` prints (the health probe's script output). */
  execOutput = '';
  readonly calls: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  private streams = new Set<Stream>();
  private counter = 0;

  constructor(private readonly clock: ManualClock) {}

  add(
    name: string,
    image: string,
    labels: Record<string, string> = {},
    state: ContainerState = 'running',
    health: HealthStatus = 'none',
  ): FakeContainer {
    this.counter += 1;
    const id = `${String(this.counter).padStart(4, '0')}${'c'.repeat(60)}`;
    const c: FakeContainer = {
      id,
      name,
      image,
      labels,
      state,
      health,
      createdAt: new Date(this.clock.now()),
    };
    this.containers.set(id, c);
    return c;
  }

  /** Sends an event to every open stream, as the engine would. */
  emit(c: FakeContainer, action: string): void {
    const event: DockerEvent = {
      type: 'container',
      action,
      id: c.id,
      attributes: { ...c.labels, name: c.name, image: c.image },
      time: this.clock.now(),
    };
    for (const s of this.streams) s.push(event);
  }

  /** Sends an image event (`load`, `tag`, `delete`...) to the streams that asked for image events. */
  emitImage(ref: string, action: string): void {
    const event: DockerEvent = {
      type: 'image',
      action,
      id: `sha256:${'1'.repeat(64)}`,
      attributes: { name: ref },
      time: this.clock.now(),
    };
    for (const s of this.streams) s.push(event);
  }

  /** The engine stops: open streams break, calls fail until `up` again. */
  goDown(): void {
    this.up = false;
    for (const s of [...this.streams]) s.fail(this.unreachable());
  }

  get openStreams(): number {
    return this.streams.size;
  }

  unreachable(): DockerError {
    return new DockerError({
      kind: 'unreachable',
      message:
        'Docker is not reachable at unix:///fake.sock: is the Docker daemon running? (ECONNREFUSED)',
      endpoint: 'unix:///fake.sock',
    });
  }

  private notFound(id: string): DockerError {
    return new DockerError({
      kind: 'notFound',
      message: `Container ${id} does not exist: it may have been removed`,
      resource: { type: 'container', name: id },
    });
  }

  private answer<T>(what: string, value: () => T): Promise<T> {
    this.calls.push(what);
    if (!this.up) return Promise.reject(this.unreachable());
    try {
      return Promise.resolve(value());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private summary(c: FakeContainer): ContainerSummary {
    const status =
      c.state === 'running' ? `Up${c.health === 'none' ? '' : ` (${c.health})`}` : 'Exited (0)';
    return {
      id: c.id,
      name: c.name,
      image: c.image,
      imageId: 'sha256:0',
      state: c.state,
      status,
      labels: c.labels,
      createdAt: c.createdAt,
      ports: [],
    };
  }

  private details(c: FakeContainer): ContainerDetails {
    return {
      id: c.id,
      name: c.name,
      image: c.image,
      imageId: 'sha256:0',
      createdAt: c.createdAt,
      state: {
        status: c.state,
        running: c.state === 'running',
        paused: false,
        restarting: false,
        oomKilled: false,
        exitCode: 0,
        error: '',
        startedAt: c.createdAt,
        ...(c.health !== 'none' ? { health: { status: c.health, failingStreak: 0, log: [] } } : {}),
      },
      restartCount: 0,
      labels: c.labels,
      env: {},
      cmd: [],
      entrypoint: [],
      user: '',
      workingDir: '',
      tty: false,
      mounts: [],
      ports: [],
      networkMode: 'bridge',
    };
  }

  private events(options: EventOptions): AsyncIterable<DockerEvent> {
    this.calls.push('events');
    const queue: DockerEvent[] = [];
    let failure: Error | undefined;
    let wakeUp: (() => void) | undefined;
    const types = options.filter?.type;
    const stream: Stream = {
      ...(types ? { types } : {}),
      push: (e) => {
        // The engine sends only the types a stream's filter names.
        if (types && !types.includes(e.type)) return;
        queue.push(e);
        wakeUp?.();
      },
      fail: (e) => {
        failure = e;
        wakeUp?.();
      },
    };
    const streams = this.streams;
    const up = this.up;
    const breaks = this.streamBreaks;
    const unreachable = (): DockerError => this.unreachable();
    const signal = options.signal;
    return {
      async *[Symbol.asyncIterator]() {
        if (!up) throw unreachable();
        if (breaks) throw new Error('stream cut by a proxy');
        streams.add(stream);
        const onAbort = (): void => wakeUp?.();
        signal?.addEventListener('abort', onAbort);
        try {
          for (;;) {
            if (signal?.aborted) return;
            if (queue.length > 0) {
              yield queue.shift()!;
              continue;
            }
            if (failure) throw failure;
            await new Promise<void>((resolve) => {
              wakeUp = resolve;
            });
            wakeUp = undefined;
          }
        } finally {
          streams.delete(stream);
          signal?.removeEventListener('abort', onAbort);
        }
      },
    };
  }

  /** A DockerClient over this engine; calls it does not fake throw. */
  client(): DockerClient {
    const impl: Partial<DockerClient> = {
      endpoint: {
        host: 'unix:///fake.sock',
        transport: 'unix',
        socketPath: '/fake.sock',
        origin: { kind: 'default' },
        description: 'unix:///fake.sock',
        homeDir: '/root',
      },
      listContainers: () =>
        this.answer('list', () => [...this.containers.values()].map((c) => this.summary(c))),
      inspectContainer: (ref) =>
        this.answer(`inspect ${ref.slice(0, 4)}`, () => {
          const c = this.containers.get(ref);
          if (!c) throw this.notFound(ref);
          return this.details(c);
        }),
      events: (options) => this.events(options ?? {}),
      exec: (ref, argv) =>
        this.answer(`exec ${argv[0] ?? ''}`, () => {
          if (this.containers.get(ref)?.state !== 'running') {
            throw new DockerError({
              kind: 'conflict',
              message: `Container ${ref} is not running: start it first`,
            });
          }
          return {
            exitCode: 0,
            stdout: this.execOutput,
            stderr: '',
            stdoutTruncated: false,
            stderrTruncated: false,
          };
        }),
    };
    return new Proxy(impl, {
      get(target, key: string) {
        if (key in target) return target[key as keyof DockerClient];
        return () => {
          throw new Error(`the fake engine does not do ${key}`);
        };
      },
    }) as DockerClient;
  }
}
