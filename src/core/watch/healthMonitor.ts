// Follows the workspace's production container through the container watcher
// and keeps one NsoHealth up to date: recomputed on every container event,
// activity or published result, with NSO itself asked (one exec) only when
// something happened that can change its answer — the container turned
// healthy or unhealthy, started, a reload finished, or the user asked.
// Nothing here runs on a timer, with one exception: a started container whose
// NSO did not answer yet (no health check, or Docker's still says starting) is
// asked again with growing gaps until NSO reaches phase 2 (Docker would say so
// only at its next interval, or never); once it is, the monitor is quiet again.

import type { DockerClient } from '../docker/client';
import {
  type Activity,
  type ActivityKind,
  assessHealth,
  type HealthInput,
  type NsoHealth,
  type NsoProbe,
  type OperationResult,
  probeBelongs,
  probeNso,
} from '../nso/health';
import { type Clock, systemClock, type TimerHandle } from './clock';
import type { ContainerWatcher, WatchedContainer, WatchFailure } from './containerWatcher';
import { Emitter, type Disposable } from './emitter';
import { nsoImageVersion, selectProdContainer } from './nsoContainers';

/** Gaps between the probes of a starting NSO without a health check: from 2 s, doubling to 30 s. */
const startProbeFirstMs = 2000;
const startProbeMaxMs = 30_000;

export interface HealthMonitorOptions {
  /** The open workspace folders (host paths), read at each assessment. */
  readonly workspacePaths: () => readonly string[];
  /** The NSO user `ncs_cli` runs as for the package states. */
  readonly adminUser: () => string;
  /** A container the user chose to follow (id or name), if any. */
  readonly preferredContainer?: () => string | undefined;
  readonly clock?: Clock;
  readonly probeTimeoutMs?: number;
  readonly log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

/** The handle of a running activity; `end()` is idempotent. */
export interface ActivityHandle {
  end(): void;
}

export class HealthMonitor {
  private readonly changed = new Emitter<NsoHealth>();
  /** Fires with every new assessment that differs from the previous one. */
  readonly onHealthChanged = this.changed.event;

  private readonly clock: Clock;
  private readonly subscriptions: Disposable[] = [];
  private activities: Activity[] = [];
  private lastBuild: OperationResult | undefined;
  private lastReload: OperationResult | undefined;
  private probe: NsoProbe | undefined;
  private probing: Promise<void> | undefined;
  private probeAgain = false;
  private probeAbort = new AbortController();
  /** The last probe's failure, logged once until the probe answers or fails otherwise. */
  private lastProbeError: string | undefined;
  /** The next probe of a starting NSO without a health check, and the gap before it. */
  private startProbe: { run: string; timer: TimerHandle; gapMs: number } | undefined;
  private removed: { name: string; at: number } | undefined;
  private followedId: string | undefined;
  private followedRun: string | undefined;
  private current: NsoHealth;
  private currentKey = '';

  private source: { watcher: ContainerWatcher; client: DockerClient } | undefined;
  /** Why there is no Docker connection at all (e.g. a malformed nso.docker.host). */
  private unavailable: { endpoint: string; failure: WatchFailure } | undefined;

  /**
   * The monitor outlives Docker connections: activities and published results
   * stay when the engine setting changes; `connect` attaches the new watcher.
   */
  constructor(private readonly options: HealthMonitorOptions) {
    this.clock = options.clock ?? systemClock;
    this.unavailable = {
      endpoint: '',
      failure: { kind: 'configuration', message: 'Not connected' },
    };
    this.current = this.assess();
    this.currentKey = keyOf(this.current);
  }

  /** Follows this watcher (and probes through this client) from now on. */
  connect(watcher: ContainerWatcher, client: DockerClient): void {
    this.detach();
    this.source = { watcher, client };
    this.unavailable = undefined;
    this.subscriptions.push(
      watcher.onContainersChanged((change) => {
        const followed = this.followedId;
        const gone = followed ? change.removed.find((c) => c.id === followed) : undefined;
        if (gone && change.reason === 'event') {
          this.removed = { name: gone.name, at: gone.lastEvent?.time ?? this.clock.now() };
        } else if (gone && change.reason === 'sync') {
          this.removed = { name: gone.name, at: this.clock.now() };
        }
        this.update();
      }),
      watcher.onStatusChanged(() => this.update()),
      watcher.onHealthChanged((h) => {
        // A container seen for the first time is handled by assess(), which asks
        // NSO for each new run; here only transitions of a known one count.
        if (h.container.id !== this.followedId || h.previous === undefined) return;
        // Healthy means NSO answers IPC: now it can say which packages are up.
        if (h.current === 'healthy' || h.current === 'unhealthy') this.requestProbe();
      }),
    );
    this.update();
  }

  /**
   * No engine to talk to: the health says why (`failure.message` is the
   * sentence shown) until `connect` is called again.
   */
  disconnect(endpoint: string, failure: WatchFailure): void {
    this.detach();
    this.unavailable = { endpoint, failure };
    this.update();
  }

  private detach(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.cancelStartProbe();
    this.probeAbort.abort();
    this.probeAbort = new AbortController();
    this.source = undefined;
    this.probe = undefined;
    this.followedId = undefined;
    this.followedRun = undefined;
    this.removed = undefined;
  }

  /** The latest assessment. */
  get health(): NsoHealth {
    return this.current;
  }

  /** The production container being followed, if any. */
  prodContainer(): WatchedContainer | undefined {
    return this.followedId ? this.source?.watcher.container(this.followedId) : undefined;
  }

  /**
   * Marks a build or reload as running: the status bar shows it until the
   * handle ends. Features call this around their work.
   */
  beginActivity(kind: ActivityKind, detail?: string): ActivityHandle {
    const activity: Activity = {
      kind,
      ...(detail ? { detail } : {}),
      startedAt: this.clock.now(),
    };
    this.activities.push(activity);
    this.update();
    let ended = false;
    return {
      end: () => {
        if (ended) return;
        ended = true;
        this.activities = this.activities.filter((a) => a !== activity);
        this.update();
      },
    };
  }

  /** Records a build's or a reload's outcome; a reload also makes NSO be asked again. */
  publishResult(result: OperationResult): void {
    if (result.kind === 'build') this.lastBuild = result;
    else this.lastReload = result;
    this.update();
    if (result.kind === 'reload') this.requestProbe();
  }

  /**
   * Assesses again: which container to follow may have changed without a
   * Docker event (a container attached, or NSO started by a command). An NSO
   * not yet known to be up is asked at once, so that the health agrees with a
   * command that has just found it up.
   */
  reassess(): void {
    this.update();
    const prod = this.prodContainer();
    const probe = this.probe;
    const ready =
      prod?.details !== undefined &&
      probe !== undefined &&
      probeBelongs(probe, prod.details) &&
      (probe.phase?.phase ?? 0) >= 2;
    if (prod?.state === 'running' && prod.health !== 'unhealthy' && !ready) this.requestProbe();
  }

  /** Asks NSO now (the Health view was opened or refreshed). Resolves when the answer is in. */
  async probeNow(): Promise<void> {
    this.requestProbe();
    while (this.probing) await this.probing;
  }

  /**
   * Waits for the probe under way, or runs one when none is: for one-shot
   * readers (the CLI) that want NSO's answer without asking twice.
   */
  async settle(): Promise<void> {
    // A probe requested by the last assessment starts in a microtask.
    await Promise.resolve();
    if (!this.probing) this.requestProbe();
    while (this.probing) await this.probing;
  }

  dispose(): void {
    this.cancelStartProbe();
    this.probeAbort.abort();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.changed.dispose();
  }

  // ---------------------------------------------------------------------------

  private update(): void {
    const next = this.assess();
    const key = keyOf(next);
    this.current = next;
    if (key === this.currentKey) return;
    this.currentKey = key;
    this.changed.fire(next, (e) =>
      this.options.log?.('error', `A health listener failed: ${String(e)}`),
    );
  }

  private assess(): NsoHealth {
    const source = this.source;
    if (!source) {
      const { endpoint, failure } = this.unavailable ?? {
        endpoint: '',
        failure: { kind: 'configuration', message: 'Not connected' },
      };
      return assessHealth({
        now: this.clock.now(),
        engine: { phase: 'unreachable', endpoint, failure },
        ...this.extras(),
      });
    }
    const status = source.watcher.status;
    const prod = selectProdContainer(
      source.watcher.containers(),
      this.options.workspacePaths(),
      this.options.preferredContainer?.(),
    );

    // A new container, or a new run of it: what NSO said before no longer holds.
    const run = prod ? `${prod.id}@${prod.details?.state.startedAt?.getTime() ?? ''}` : undefined;
    if (prod) this.removed = undefined;
    if (prod && run !== this.followedRun) {
      this.followedRun = run;
      this.followedId = prod.id;
      // Without a health check nothing else will tell us when NSO is up, and
      // with one Docker says so only at its next interval (30 s by default).
      if (prod.state === 'running' && prod.health !== 'unhealthy')
        queueMicrotask(() => this.requestProbe());
    } else if (!prod) {
      this.followedId = undefined;
      this.followedRun = undefined;
    }

    const imageVersion = prod ? nsoImageVersion(prod.image) : undefined;
    return assessHealth({
      now: this.clock.now(),
      engine: {
        phase: status.phase,
        endpoint: status.endpoint,
        ...(status.failure ? { failure: status.failure } : {}),
        ...(status.syncedAt !== undefined ? { syncedAt: status.syncedAt } : {}),
      },
      ...(prod?.details ? { container: prod.details } : {}),
      ...(this.removed ? { removed: this.removed } : {}),
      ...(this.probe ? { probe: this.probe } : {}),
      ...(imageVersion ? { imageVersion } : {}),
      ...this.extras(),
    });
  }

  /** What the features reported, independent of the connection. */
  private extras(): Pick<HealthInput, 'activity' | 'lastBuild' | 'lastReload'> {
    const activity = this.activities[this.activities.length - 1];
    return {
      ...(activity ? { activity } : {}),
      ...(this.lastBuild ? { lastBuild: this.lastBuild } : {}),
      ...(this.lastReload ? { lastReload: this.lastReload } : {}),
    };
  }

  /** One probe at a time; a request during a probe runs one more afterwards. */
  private requestProbe(): void {
    if (this.probing) {
      this.probeAgain = true;
      return;
    }
    const prod = this.prodContainer();
    const details = prod?.details;
    const client = this.source?.client;
    if (!prod || !details || !client || prod.state !== 'running') return;
    const signal = this.probeAbort.signal;
    this.probing = (async () => {
      try {
        const probe = await probeNso(client, details, {
          adminUser: this.options.adminUser(),
          signal,
          ...(this.options.probeTimeoutMs ? { timeoutMs: this.options.probeTimeoutMs } : {}),
          now: () => this.clock.now(),
        });
        const still = this.prodContainer()?.details;
        if (!signal.aborted && still && probeBelongs(probe, still)) this.probe = probe;
        // A probe that keeps failing the same way (no bash in the image, an NSO
        // whose health flaps) is shown in the Health view at each try, logged once.
        if (probe.error && probe.error !== this.lastProbeError)
          this.options.log?.('warn', `Asking NSO for its state failed: ${probe.error}`);
        this.lastProbeError = probe.error;
      } finally {
        this.probing = undefined;
      }
      this.update();
      if (this.probeAgain && !this.probeAbort.signal.aborted) {
        this.probeAgain = false;
        this.requestProbe();
      } else {
        this.probeAgainWhileStarting();
      }
    })();
  }

  /**
   * A running container whose NSO has not reached phase 2 at the last probe,
   * without a health check or with one that has not passed yet: no event (or
   * only one at Docker's next interval) will say when it does, so it is asked
   * again, 2 s later at first and at most every 30 s, for this run only.
   */
  private probeAgainWhileStarting(): void {
    const prod = this.prodContainer();
    const run = this.followedRun;
    const probe = this.probe;
    const ready = probe?.phase !== undefined && probe.phase.phase >= 2;
    if (
      !prod ||
      !run ||
      prod.state !== 'running' ||
      (prod.health !== 'none' && prod.health !== 'starting') ||
      !probe ||
      ready ||
      this.probeAbort.signal.aborted
    ) {
      this.cancelStartProbe();
      return;
    }
    const gapMs =
      this.startProbe?.run === run
        ? Math.min(this.startProbe.gapMs * 2, startProbeMaxMs)
        : startProbeFirstMs;
    this.startProbe?.timer.cancel();
    const timer = this.clock.setTimer(gapMs, () => {
      if (this.startProbe?.timer === timer && this.followedRun === run) this.requestProbe();
    });
    this.startProbe = { run, timer, gapMs };
  }

  private cancelStartProbe(): void {
    this.startProbe?.timer.cancel();
    this.startProbe = undefined;
  }
}

/** What makes two assessments different for the UI (time-only changes are not). */
function keyOf(h: NsoHealth): string {
  return JSON.stringify({
    s: h.state,
    b: h.baseState,
    sum: h.summary,
    c: h.container
      ? [
          h.container.id,
          h.container.state,
          h.container.health,
          h.container.startedAt,
          h.container.failingStreak,
          h.container.probes.length,
          h.container.probes[h.container.probes.length - 1]?.end,
        ]
      : null,
    r: h.removed?.name,
    n: h.nso,
    p: h.packages,
    a: h.activity?.startedAt,
    lb: h.lastBuild?.at,
    lr: h.lastReload?.at,
    pr: h.problems.map((p) => `${p.id}:${p.message}:${p.detail ?? ''}`),
    e: [h.engine.phase, h.engine.failure?.message],
  });
}
