// Running package builds in dependency order, several at once. Better than
// strict waves: a package starts as soon as what it requires has built, so
// one slow package (a Java one) does not hold back everything in its wave.

export interface ScheduledPackage {
  name: string;
  /** Packages it requires that are part of this build (built, up to date or failed). */
  requires: readonly string[];
}

export type ScheduleOutcome = 'ok' | 'failed' | 'skipped';

export interface ScheduleHooks {
  /** True once no new package may start (cancelled, disk full...); running ones finish. */
  stopped(): boolean;
  /** A package will not build because `blocker` (which it requires) failed or was skipped. */
  skip(name: string, blocker: string, blockerOutcome: 'failed' | 'skipped'): void;
  /** Builds one package. */
  run(name: string): Promise<'ok' | 'failed'>;
}

/**
 * Builds `packages` so that each starts after everything it requires ended
 * well, the highest `priority` first among those ready, never more than
 * `parallelism` at once. `settled` holds outcomes decided beforehand (up to
 * date: ok; unreadable: failed). Resolves when nothing runs and nothing more
 * can start; returns each package's outcome (absent: never started).
 */
export function schedulePackages(
  packages: readonly ScheduledPackage[],
  settled: ReadonlyMap<string, 'ok' | 'failed' | 'skipped'>,
  parallelism: number,
  priority: (name: string) => number,
  hooks: ScheduleHooks,
): Promise<Map<string, ScheduleOutcome>> {
  const outcome = new Map<string, ScheduleOutcome>(settled);
  const waiting = [...packages].sort((a, b) => priority(b.name) - priority(a.name));
  const limit = Math.max(1, Math.floor(parallelism));
  let running = 0;

  return new Promise((resolve, reject) => {
    const pump = (): void => {
      let i = 0;
      while (i < waiting.length && !hooks.stopped() && running < limit) {
        const p = waiting[i]!;
        const blocker = p.requires.find((r) => {
          const o = outcome.get(r);
          return o === 'failed' || o === 'skipped';
        });
        if (blocker !== undefined) {
          waiting.splice(i, 1);
          outcome.set(p.name, 'skipped');
          hooks.skip(p.name, blocker, outcome.get(blocker) as 'failed' | 'skipped');
          i = 0; // skipping may block others earlier in the list
          continue;
        }
        if (p.requires.every((r) => outcome.get(r) === 'ok')) {
          waiting.splice(i, 1);
          running += 1;
          hooks.run(p.name).then(
            (o) => {
              outcome.set(p.name, o);
              running -= 1;
              pump();
            },
            (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
          );
          continue;
        }
        i += 1;
      }
      if (running === 0) resolve(outcome);
    };
    pump();
  });
}

/**
 * How long the chain from each package to the end of the build is expected
 * to take (its own duration plus its slowest chain of dependents): starting
 * the longest chains first shortens a parallel build.
 */
export function criticalPaths(
  packages: readonly ScheduledPackage[],
  durationMs: (name: string) => number,
): Map<string, number> {
  const memo = new Map<string, number>();
  const visit = (p: ScheduledPackage): number => {
    const known = memo.get(p.name);
    if (known !== undefined) return known;
    const dependents = packages.filter((q) => q.requires.includes(p.name));
    const value = durationMs(p.name) + Math.max(0, ...dependents.map(visit));
    memo.set(p.name, value);
    return value;
  };
  for (const p of packages) visit(p);
  return memo;
}
