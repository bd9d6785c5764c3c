// One build at a time per workspace folder: two makes writing the same
// load-dir would corrupt each other's output. A request that arrives during a
// build waits; requests that arrive while one is already waiting join it (one
// follow-up build covers them all, and unchanged packages cost only a hash), so
// saving five files during a long build queues one build, not five.

export interface BuildRequest {
  /** Package names to build, with what they require; undefined builds every package. */
  packages?: readonly string[];
  /** Run `make clean` before `make all` for the requested packages. */
  clean?: boolean;
}

/** One request covering both, or undefined when they cannot be merged (clean and not clean). */
export function mergeRequests(a: BuildRequest, b: BuildRequest): BuildRequest | undefined {
  if ((a.clean ?? false) !== (b.clean ?? false)) return undefined;
  const clean = a.clean ? { clean: true } : {};
  if (a.packages === undefined || b.packages === undefined) return clean;
  return { ...clean, packages: [...new Set([...a.packages, ...b.packages])].sort() };
}

/** What the queue says about a request it accepted. */
export interface Submitted<R> {
  /** True when the request waits for a build in progress. */
  queued: boolean;
  /** The outcome of the build that covered the request. */
  done: Promise<R>;
}

interface Pending<R> {
  request: BuildRequest;
  waiters: { resolve: (r: R) => void; reject: (e: unknown) => void }[];
}

export type BuildRunner<R> = (request: BuildRequest, signal: AbortSignal) => Promise<R>;

export class BuildQueue<R> {
  private running: { request: BuildRequest; controller: AbortController } | undefined;
  private readonly pending: Pending<R>[] = [];

  /**
   * @param runner runs one build; it must end soon after the signal fires.
   * @param cancelled the outcome given to requests dropped before they ran.
   */
  constructor(
    private readonly runner: BuildRunner<R>,
    private readonly cancelled: (request: BuildRequest) => R,
  ) {}

  /** True while a build runs. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** The request being built, if any. */
  get current(): BuildRequest | undefined {
    return this.running?.request;
  }

  /** Requests waiting (after merging). */
  get waiting(): number {
    return this.pending.length;
  }

  submit(request: BuildRequest): Submitted<R> {
    const queued = this.running !== undefined;
    const done = new Promise<R>((resolve, reject) => {
      const waiter = { resolve, reject };
      const last = this.pending[this.pending.length - 1];
      const merged = last && mergeRequests(last.request, request);
      if (last && merged) {
        last.request = merged;
        last.waiters.push(waiter);
      } else {
        this.pending.push({ request, waiters: [waiter] });
      }
    });
    this.next();
    return { queued, done };
  }

  /**
   * Stops the build in progress and drops the waiting ones (they resolve as
   * cancelled). Returns how many builds were stopped or dropped.
   */
  cancel(): number {
    const dropped = this.pending.splice(0);
    for (const p of dropped) {
      const outcome = this.cancelled(p.request);
      for (const w of p.waiters) w.resolve(outcome);
    }
    const stopping = this.running !== undefined && !this.running.controller.signal.aborted;
    this.running?.controller.abort();
    return dropped.length + (stopping ? 1 : 0);
  }

  private next(): void {
    if (this.running) return;
    const job = this.pending.shift();
    if (!job) return;
    const controller = new AbortController();
    this.running = { request: job.request, controller };
    let outcome: Promise<R>;
    try {
      outcome = this.runner(job.request, controller.signal);
    } catch (err) {
      outcome = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const settle = (tell: (w: Pending<R>['waiters'][number]) => void): void => {
      // Idle before the callers hear: a caller may look at `busy` or submit again.
      this.running = undefined;
      job.waiters.forEach(tell);
      this.next();
    };
    outcome.then(
      (r) => settle((w) => w.resolve(r)),
      (e: unknown) => settle((w) => w.reject(e)),
    );
  }
}
