// One Docker event stream keeps a model of the containers we care about. Every
// view, the status bar and other features read that model and subscribe to its
// events, so at idle (stream up, nothing happening) no Docker call is made.
// The same stream carries the image events (loaded, tagged, deleted) that the
// image lookups follow: a second stream would be a second idle connection.
//
// Life cycle of a connection attempt: open the event stream, list the
// containers (and inspect the relevant ones), then apply events as they come.
// When the stream breaks the watcher reconnects with a growing delay capped at
// a few seconds, so it is back within 5 s of the engine answering again. When
// the engine answers but the stream keeps breaking (a proxy that cuts long
// requests, for one), the watcher falls back to a slow poll: the same list
// every `slowPollMs` (30 s or more), with another try at the stream each time.

import type {
  ContainerDetails,
  ContainerState,
  ContainerSummary,
  DockerClient,
  DockerEvent,
  HealthStatus,
  Labels,
} from '../docker/client';
import { isDockerError } from '../docker/errors';
import { type Clock, sleep, systemClock, type TimerHandle } from './clock';
import { Emitter } from './emitter';

/** What decides whether a container is watched: cheap facts known from a list or an event. */
export interface ContainerFacts {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly labels: Labels;
}

export interface WatchedContainer extends ContainerFacts {
  readonly state: ContainerState;
  readonly health: HealthStatus;
  readonly createdAt: number;
  /** From the last inspect; absent until the first one answered. */
  readonly details?: ContainerDetails;
  /** The last event seen for it, e.g. `die` at some time. */
  readonly lastEvent?: { readonly action: string; readonly time: number };
}

/**
 * `live`: the stream is up and the model is current. `connecting`: an attempt
 * is under way (the model may be stale). `unreachable`: the engine did not
 * answer; retrying with back-off. `polling`: the engine answers but the stream
 * does not stay up; the model is refreshed by a slow poll.
 */
export type WatchPhase = 'stopped' | 'connecting' | 'live' | 'polling' | 'unreachable';

export interface WatchFailure {
  /** DockerError kind when it was one (`unreachable`, `timeout`, `permission`...). */
  readonly kind: string;
  /** A sentence for the user, e.g. "Docker is not reachable at unix:///…: is the daemon running? (…)". */
  readonly message: string;
}

export interface WatchStatus {
  readonly phase: WatchPhase;
  /** Where the engine is, for messages. */
  readonly endpoint: string;
  /** When this phase began. */
  readonly since: number;
  /** Why the stream is not up (unreachable, polling, or connecting after a loss). */
  readonly failure?: WatchFailure;
  /** When the next attempt (or poll) is due. */
  readonly nextAttemptAt?: number;
  /** Consecutive attempts that failed. */
  readonly failedAttempts: number;
  /** When the model was last brought up to date from the engine. */
  readonly syncedAt?: number;
}

export interface ContainersChange {
  readonly reason: 'sync' | 'event';
  /** Containers added or updated. */
  readonly changed: readonly WatchedContainer[];
  /** Containers that are gone (destroyed, or missing from a fresh list). */
  readonly removed: readonly WatchedContainer[];
}

export interface HealthChange {
  readonly container: WatchedContainer;
  /** Undefined when the container was not known before. */
  readonly previous: HealthStatus | undefined;
  readonly current: HealthStatus;
  readonly time: number;
}

export interface BackoffOptions {
  readonly initialMs: number;
  readonly factor: number;
  readonly maxMs: number;
}

export type WatchLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ContainerWatcherOptions {
  /** Which containers to keep in the model. */
  readonly relevant: (facts: ContainerFacts) => boolean;
  readonly clock?: Clock;
  /** Reconnect delays while the engine does not answer (default 250 ms ×2 up to 3 s). */
  readonly backoff?: BackoffOptions;
  /** Poll period while the engine answers but the stream does not stay up (default 30 s). */
  readonly slowPollMs?: number;
  /** A stream that breaks sooner than this counts as a flap (default 5 s). */
  readonly minStreamLifeMs?: number;
  /** Flaps in a row before falling back to the slow poll (default 3). */
  readonly flapLimit?: number;
  /** Events for one container within this window share one inspect (default 25 ms). */
  readonly coalesceMs?: number;
  /** Timeout of each list and inspect call (default 10 s). */
  readonly callTimeoutMs?: number;
  readonly log?: (level: WatchLogLevel, message: string) => void;
}

/** Image actions that change which NSO images are there (the stream asks for these too). */
export const watchedImageActions = ['load', 'tag', 'untag', 'delete', 'import', 'pull'] as const;

/** The container actions the model follows; exec_* and others never reach us. */
export const watchedActions = [
  'create',
  'start',
  'restart',
  'stop',
  'die',
  'kill',
  'oom',
  'pause',
  'unpause',
  'destroy',
  'rename',
  'update',
  'health_status',
] as const;

export const defaultBackoff: BackoffOptions = { initialMs: 250, factor: 2, maxMs: 3000 };
export const defaultSlowPollMs = 30_000;

const inspectConcurrency = 4;

export class ContainerWatcher {
  private readonly containersChanged = new Emitter<ContainersChange>();
  private readonly healthChanged = new Emitter<HealthChange>();
  private readonly statusChanged = new Emitter<WatchStatus>();
  private readonly eventSeen = new Emitter<DockerEvent>();
  private readonly imageEventSeen = new Emitter<DockerEvent>();

  /** Fires after the model changed (an event applied, or a fresh list). */
  readonly onContainersChanged = this.containersChanged.event;
  /** Fires when a container's health status differs from what the model held. */
  readonly onHealthChanged = this.healthChanged.event;
  /** Fires when the connection phase changes (live, unreachable, polling...). */
  readonly onStatusChanged = this.statusChanged.event;
  /** Every event about a watched container, as the engine sent it. */
  readonly onEvent = this.eventSeen.event;
  /** Every image event of `watchedImageActions` (an image loaded, tagged, deleted...). */
  readonly onImageEvent = this.imageEventSeen.event;

  private readonly model = new Map<string, WatchedContainer>();
  /** Destroyed while an inspect was in flight: its late answer must not resurrect it. */
  private readonly destroyed = new Set<string>();
  private readonly pendingInspect = new Map<string, TimerHandle>();
  private readonly inspecting = new Set<string>();
  private readonly inspectAgain = new Set<string>();

  private readonly clock: Clock;
  private readonly backoff: BackoffOptions;
  private readonly slowPollMs: number;
  private readonly minStreamLifeMs: number;
  private readonly flapLimit: number;
  private readonly coalesceMs: number;
  private readonly callTimeoutMs: number;

  private current: WatchStatus;
  private runAbort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private wake: AbortController | undefined;
  private lastLogged = '';

  constructor(
    private readonly client: DockerClient,
    private readonly options: ContainerWatcherOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.backoff = options.backoff ?? defaultBackoff;
    this.slowPollMs = Math.max(options.slowPollMs ?? defaultSlowPollMs, 1);
    this.minStreamLifeMs = options.minStreamLifeMs ?? 5000;
    this.flapLimit = options.flapLimit ?? 3;
    this.coalesceMs = options.coalesceMs ?? 25;
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
    this.current = {
      phase: 'stopped',
      endpoint: client.endpoint.description,
      since: this.clock.now(),
      failedAttempts: 0,
    };
  }

  get status(): WatchStatus {
    return this.current;
  }

  /** The watched containers, in no particular order. */
  containers(): WatchedContainer[] {
    return [...this.model.values()];
  }

  container(idOrName: string): WatchedContainer | undefined {
    return (
      this.model.get(idOrName) ??
      [...this.model.values()].find(
        (c) => c.name === idOrName || (idOrName.length >= 12 && c.id.startsWith(idOrName)),
      )
    );
  }

  /** Starts watching; does nothing when already started. */
  start(): void {
    if (this.runAbort) return;
    const abort = new AbortController();
    this.runAbort = abort;
    this.running = this.run(abort.signal).catch((error: unknown) => {
      this.log('error', `The container watcher stopped on an unexpected error: ${describe(error)}`);
    });
  }

  /** Stops watching and waits until the stream is closed. */
  async stop(): Promise<void> {
    this.runAbort?.abort();
    this.runAbort = undefined;
    for (const timer of this.pendingInspect.values()) timer.cancel();
    this.pendingInspect.clear();
    await this.running;
    this.running = undefined;
    this.setStatus({ phase: 'stopped', failedAttempts: 0 });
  }

  dispose(): Promise<void> {
    const done = this.stop();
    this.containersChanged.dispose();
    this.healthChanged.dispose();
    this.statusChanged.dispose();
    this.eventSeen.dispose();
    this.imageEventSeen.dispose();
    return done;
  }

  /** Skips the remaining back-off or poll delay (the user pressed Retry). */
  retryNow(): void {
    this.wake?.abort();
  }

  /**
   * Inspects one container now (or every watched one), e.g. when a view is
   * shown and wants the latest health probe output. Resolves when done.
   */
  async refresh(id?: string): Promise<void> {
    const ids = id === undefined ? [...this.model.keys()] : [id];
    await Promise.all(ids.map((one) => this.inspectNow(one)));
  }

  // ---------------------------------------------------------------------------
  // Connection loop

  private async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    let flaps = 0;
    let lastFailure: WatchFailure | undefined;

    while (!signal.aborted) {
      const polling = flaps >= this.flapLimit;
      if (!polling && this.current.phase !== 'unreachable') {
        this.setStatus({
          phase: 'connecting',
          failedAttempts: failures,
          ...(lastFailure ? { failure: lastFailure } : {}),
        });
      }

      // The stream is opened before the list, so nothing that happens during
      // the list is missed: its events queue up and are applied afterwards.
      const attempt = new AbortController();
      const stopAttempt = (): void => attempt.abort();
      signal.addEventListener('abort', stopAttempt, { once: true });
      const iterator = this.client
        .events({
          // Docker ORs values within a key and ANDs keys; the two action
          // lists share no name, so each type gets only its own actions.
          filter: {
            type: ['container', 'image'],
            action: [...watchedActions, ...watchedImageActions],
          },
          signal: attempt.signal,
        })
        [Symbol.asyncIterator]();
      const first = iterator.next();
      first.catch(() => undefined);

      try {
        await this.sync(attempt.signal);
      } catch (error) {
        attempt.abort();
        signal.removeEventListener('abort', stopAttempt);
        if (signal.aborted) break;
        // The engine itself did not answer: back to quick retries, so it is
        // picked up within seconds of answering again, whatever came before.
        failures += 1;
        flaps = 0;
        lastFailure = failureOf(error);
        const waitMs = this.backoffMs(failures);
        this.setStatus({
          phase: 'unreachable',
          failure: lastFailure,
          failedAttempts: failures,
          nextAttemptAt: this.clock.now() + waitMs,
        });
        this.logOnce(
          'warn',
          `${lastFailure.message} (retrying every ${formatMs(waitMs)} at most)`,
          lastFailure.message,
        );
        await this.pause(waitMs, signal);
        continue;
      }

      failures = 0;
      const openedAt = this.clock.now();
      if (polling) {
        // Stay in the poll until the stream proves it stays up.
        this.setStatus({
          phase: 'polling',
          failedAttempts: 0,
          ...(lastFailure ? { failure: lastFailure } : {}),
          nextAttemptAt: openedAt + this.slowPollMs,
        });
      } else {
        this.setLive(lastFailure);
      }
      const proven = polling
        ? this.clock.setTimer(this.minStreamLifeMs, () => {
            flaps = 0;
            this.setLive(lastFailure);
          })
        : undefined;

      let streamError: unknown;
      try {
        let next = await first;
        while (!next.done) {
          this.applyEvent(next.value);
          next = await iterator.next();
        }
      } catch (error) {
        streamError = error;
      } finally {
        proven?.cancel();
        attempt.abort();
        signal.removeEventListener('abort', stopAttempt);
      }
      if (signal.aborted) break;

      lastFailure = failureOf(
        streamError ?? new Error(`The event stream from ${this.client.endpoint.description} ended`),
      );
      const lived = this.clock.now() - openedAt;
      flaps = lived < this.minStreamLifeMs ? flaps + 1 : 0;
      if (flaps >= this.flapLimit) {
        const nextAt = Math.max(openedAt + this.slowPollMs, this.clock.now());
        this.setStatus({
          phase: 'polling',
          failure: lastFailure,
          failedAttempts: 0,
          nextAttemptAt: nextAt,
        });
        this.logOnce(
          'warn',
          `The Docker event stream does not stay up (${lastFailure.message}); ` +
            `refreshing every ${formatMs(this.slowPollMs)} instead`,
          `poll:${lastFailure.message}`,
        );
        await this.pause(nextAt - this.clock.now(), signal);
      } else {
        this.setStatus({
          phase: 'connecting',
          failure: lastFailure,
          failedAttempts: 0,
          nextAttemptAt: this.clock.now() + this.backoff.initialMs,
        });
        this.logOnce(
          'warn',
          `Lost the Docker event stream: ${lastFailure.message}; reconnecting`,
          `lost:${lastFailure.message}`,
        );
        await this.pause(this.backoff.initialMs, signal);
      }
    }
  }

  private setLive(lastFailure: WatchFailure | undefined): void {
    if (this.current.phase === 'live') return;
    this.setStatus({ phase: 'live', failedAttempts: 0, syncedAt: this.current.syncedAt });
    if (lastFailure) {
      this.log('info', `Docker event stream from ${this.client.endpoint.description} is back`);
      this.lastLogged = '';
    }
  }

  private backoffMs(failures: number): number {
    const { initialMs, factor, maxMs } = this.backoff;
    return Math.min(maxMs, initialMs * Math.pow(factor, Math.max(0, failures - 1)));
  }

  /** Waits `ms`, or less when stopped or when retryNow() is called. */
  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    const wake = new AbortController();
    this.wake = wake;
    const onStop = (): void => wake.abort();
    signal.addEventListener('abort', onStop, { once: true });
    await sleep(this.clock, Math.max(0, ms), wake.signal);
    signal.removeEventListener('abort', onStop);
    if (this.wake === wake) this.wake = undefined;
  }

  private setStatus(next: Omit<WatchStatus, 'endpoint' | 'since'> & { syncedAt?: number }): void {
    const previous = this.current;
    const status: WatchStatus = {
      ...next,
      endpoint: this.client.endpoint.description,
      since: previous.phase === next.phase ? previous.since : this.clock.now(),
      ...((next.syncedAt ?? previous.syncedAt)
        ? { syncedAt: next.syncedAt ?? previous.syncedAt }
        : {}),
    };
    this.current = status;
    const same =
      previous.phase === status.phase &&
      previous.failure?.message === status.failure?.message &&
      previous.nextAttemptAt === status.nextAttemptAt &&
      previous.failedAttempts === status.failedAttempts;
    if (!same) this.statusChanged.fire(status, (e) => this.listenerFailed(e));
  }

  // ---------------------------------------------------------------------------
  // The model

  /** Lists the containers, inspects the relevant ones and replaces the model. */
  private async sync(signal: AbortSignal): Promise<void> {
    const call = { signal, timeoutMs: this.callTimeoutMs };
    const listed = await this.client.listContainers({ all: true }, call);
    const relevant = listed.filter((c) => this.options.relevant(factsOf(c)));
    const inspected = await mapLimit(relevant, inspectConcurrency, async (summary) => {
      try {
        return { summary, details: await this.client.inspectContainer(summary.id, call) };
      } catch (error) {
        // Removed between the list and the inspect: it is simply gone.
        if (isDockerError(error, 'notFound')) return undefined;
        throw error;
      }
    });

    const fresh = new Map<string, WatchedContainer>();
    for (const entry of inspected) {
      if (entry === undefined) continue;
      const previous = this.model.get(entry.summary.id);
      fresh.set(entry.summary.id, {
        ...fromSummary(entry.summary),
        ...fromDetails(entry.details),
        ...(previous?.lastEvent ? { lastEvent: previous.lastEvent } : {}),
      });
    }

    const removed = [...this.model.values()].filter((c) => !fresh.has(c.id));
    const healthChanges: HealthChange[] = [];
    const now = this.clock.now();
    for (const c of fresh.values()) {
      const previous = this.model.get(c.id)?.health;
      if (previous !== c.health && (previous !== undefined || c.health !== 'none')) {
        healthChanges.push({ container: c, previous, current: c.health, time: now });
      }
    }
    this.model.clear();
    for (const [id, c] of fresh) this.model.set(id, c);
    this.destroyed.clear();
    this.current = { ...this.current, syncedAt: now };

    this.containersChanged.fire({ reason: 'sync', changed: [...fresh.values()], removed }, (e) =>
      this.listenerFailed(e),
    );
    for (const change of healthChanges)
      this.healthChanged.fire(change, (e) => this.listenerFailed(e));
  }

  private applyEvent(event: DockerEvent): void {
    if (event.type === 'image') {
      this.imageEventSeen.fire(event, (e) => this.listenerFailed(e));
      return;
    }
    if (event.type !== 'container' || event.id === '') return;
    const known = this.model.get(event.id);
    const facts: ContainerFacts = {
      id: event.id,
      name: event.attributes.name ?? known?.name ?? event.id.slice(0, 12),
      image: event.attributes.image ?? known?.image ?? '',
      // Docker puts the container's labels among the attributes; extra keys do no harm.
      labels: known?.labels ?? event.attributes,
    };
    if (!known && !this.options.relevant(facts)) return;
    this.eventSeen.fire(event, (e) => this.listenerFailed(e));

    const action = event.action;
    const lastEvent = { action, time: event.time };
    if (action === 'destroy') {
      this.pendingInspect.get(event.id)?.cancel();
      this.pendingInspect.delete(event.id);
      this.destroyed.add(event.id);
      if (known) {
        this.model.delete(event.id);
        this.containersChanged.fire(
          { reason: 'event', changed: [], removed: [{ ...known, lastEvent }] },
          (e) => this.listenerFailed(e),
        );
      }
      return;
    }
    this.destroyed.delete(event.id);

    // Apply what the event itself says at once (health, state), so the status
    // bar follows within milliseconds; the inspect that follows fills in the rest.
    const base: WatchedContainer = known ?? {
      ...facts,
      state: 'created',
      health: 'none',
      createdAt: event.time,
    };
    const health = healthFromAction(action) ?? base.health;
    const state = stateFromAction(action) ?? base.state;
    const next: WatchedContainer = {
      ...base,
      name: facts.name,
      state,
      health,
      ...(base.details && health !== base.health
        ? {
            details: {
              ...base.details,
              state: {
                ...base.details.state,
                health: {
                  ...(base.details.state.health ?? { failingStreak: 0, log: [] }),
                  status: health,
                },
              },
            },
          }
        : {}),
      lastEvent,
    };
    this.model.set(event.id, next);
    this.containersChanged.fire({ reason: 'event', changed: [next], removed: [] }, (e) =>
      this.listenerFailed(e),
    );
    if (health !== base.health) {
      this.healthChanged.fire(
        {
          container: next,
          previous: known ? base.health : undefined,
          current: health,
          time: event.time,
        },
        (e) => this.listenerFailed(e),
      );
    }
    this.scheduleInspect(event.id);
  }

  private scheduleInspect(id: string): void {
    if (this.pendingInspect.has(id)) return;
    this.pendingInspect.set(
      id,
      this.clock.setTimer(this.coalesceMs, () => {
        this.pendingInspect.delete(id);
        void this.inspectNow(id);
      }),
    );
  }

  private async inspectNow(id: string): Promise<void> {
    if (this.inspecting.has(id)) {
      this.inspectAgain.add(id);
      return;
    }
    const signal = this.runAbort?.signal;
    if (!signal || signal.aborted) return;
    this.inspecting.add(id);
    try {
      const details = await this.client.inspectContainer(id, {
        signal,
        timeoutMs: this.callTimeoutMs,
      });
      const known = this.model.get(id);
      if (this.destroyed.has(id) || signal.aborted) return;
      const next: WatchedContainer = {
        ...(known ?? {
          id,
          name: details.name,
          image: details.image,
          labels: details.labels,
          createdAt: details.createdAt.getTime(),
        }),
        ...fromDetails(details),
        ...(known?.lastEvent ? { lastEvent: known.lastEvent } : {}),
      };
      if (!known && !this.options.relevant(next)) return;
      this.model.set(id, next);
      this.containersChanged.fire({ reason: 'event', changed: [next], removed: [] }, (e) =>
        this.listenerFailed(e),
      );
      const previous = known?.health;
      if (previous !== next.health && (previous !== undefined || next.health !== 'none')) {
        this.healthChanged.fire(
          { container: next, previous, current: next.health, time: this.clock.now() },
          (e) => this.listenerFailed(e),
        );
      }
    } catch (error) {
      if (isDockerError(error, 'notFound')) {
        const known = this.model.get(id);
        if (known) {
          this.model.delete(id);
          this.containersChanged.fire({ reason: 'event', changed: [], removed: [known] }, (e) =>
            this.listenerFailed(e),
          );
        }
      } else if (!isDockerError(error, 'cancelled')) {
        this.logOnce('warn', `Could not inspect container ${id.slice(0, 12)}: ${describe(error)}`);
      }
    } finally {
      this.inspecting.delete(id);
      if (this.inspectAgain.delete(id)) this.scheduleInspect(id);
    }
  }

  // ---------------------------------------------------------------------------

  private listenerFailed(error: unknown): void {
    this.log('error', `A container watcher listener failed: ${describe(error)}`);
  }

  private log(level: WatchLogLevel, message: string): void {
    this.options.log?.(level, message);
  }

  /** Logs a recurring failure once, until something else is logged by this path. */
  private logOnce(level: WatchLogLevel, message: string, key = message): void {
    if (this.lastLogged === key) return;
    this.lastLogged = key;
    this.log(level, message);
  }
}

// -----------------------------------------------------------------------------

function factsOf(c: ContainerSummary): ContainerFacts {
  return { id: c.id, name: c.name, image: c.image, labels: c.labels };
}

function fromSummary(c: ContainerSummary): WatchedContainer {
  return {
    id: c.id,
    name: c.name,
    image: c.image,
    labels: c.labels,
    state: c.state,
    health: healthFromStatusText(c.status),
    createdAt: c.createdAt.getTime(),
  };
}

function fromDetails(d: ContainerDetails): Omit<WatchedContainer, 'id' | 'createdAt'> & {
  createdAt: number;
} {
  return {
    name: d.name,
    image: d.image,
    labels: d.labels,
    state: d.state.status,
    health: d.state.health?.status ?? 'none',
    createdAt: d.createdAt.getTime(),
    details: d,
  };
}

/** "Up 3 minutes (healthy)" → healthy; used only until the inspect answers. */
function healthFromStatusText(status: string): HealthStatus {
  if (/\(health: starting\)/.test(status)) return 'starting';
  if (/\(unhealthy\)/.test(status)) return 'unhealthy';
  if (/\(healthy\)/.test(status)) return 'healthy';
  return 'none';
}

/** `health_status: healthy` → healthy. */
export function healthFromAction(action: string): HealthStatus | undefined {
  const m = /^health_status:\s*(\w+)/.exec(action);
  const status = m?.[1];
  return status === 'starting' || status === 'healthy' || status === 'unhealthy'
    ? status
    : undefined;
}

function stateFromAction(action: string): ContainerState | undefined {
  switch (action) {
    case 'create':
      return 'created';
    case 'start':
    case 'restart':
    case 'unpause':
      return 'running';
    case 'die':
    case 'stop':
      return 'exited';
    case 'pause':
      return 'paused';
    default:
      return undefined;
  }
}

function failureOf(error: unknown): WatchFailure {
  if (isDockerError(error)) return { kind: error.kind, message: error.message };
  return { kind: 'engine', message: describe(error) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>) {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
