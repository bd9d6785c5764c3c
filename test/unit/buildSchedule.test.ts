import { strict as assert } from 'node:assert';
import {
  criticalPaths,
  schedulePackages,
  type ScheduledPackage,
} from '../../src/core/build/schedule';

interface Trace {
  events: string[];
  maxConcurrent: number;
}

/**
 * Runs the scheduler with builds the test ends by hand: `release(name, outcome)`
 * finishes one. Everything waits on real promises, no timers.
 */
function run(
  packages: ScheduledPackage[],
  parallelism: number,
  opts: {
    settled?: Map<string, 'ok' | 'failed' | 'skipped'>;
    priority?: (n: string) => number;
    stopped?: () => boolean;
  } = {},
) {
  const trace: Trace = { events: [], maxConcurrent: 0 };
  const pending = new Map<string, (o: 'ok' | 'failed') => void>();
  const startWaiters: (() => void)[] = [];
  let running = 0;
  const done = schedulePackages(
    packages,
    opts.settled ?? new Map(),
    parallelism,
    opts.priority ?? (() => 0),
    {
      stopped: opts.stopped ?? (() => false),
      skip: (name, blocker, how) => trace.events.push(`skip ${name} (${blocker} ${how})`),
      run: (name) =>
        new Promise((resolve) => {
          running += 1;
          trace.maxConcurrent = Math.max(trace.maxConcurrent, running);
          trace.events.push(`start ${name}`);
          pending.set(name, (o) => {
            running -= 1;
            trace.events.push(`end ${name}`);
            resolve(o);
          });
          startWaiters.splice(0).forEach((w) => w());
        }),
    },
  );
  const started = async (name: string): Promise<void> => {
    while (!pending.has(name)) await new Promise<void>((r) => startWaiters.push(r));
  };
  const release = async (name: string, outcome: 'ok' | 'failed' = 'ok'): Promise<void> => {
    await started(name);
    const finish = pending.get(name)!;
    pending.delete(name);
    finish(outcome);
    // Let the scheduler react before the test looks.
    await new Promise((r) => setImmediate(r));
  };
  return { trace, done, release, started, isRunning: (n: string) => pending.has(n) };
}

describe('build scheduling', () => {
  const pk = (name: string, ...requires: string[]): ScheduledPackage => ({ name, requires });

  it('starts a package only after what it requires, never more than the parallelism', async () => {
    const s = run([pk('svc', 'types'), pk('types'), pk('banner'), pk('audit')], 2);
    await s.started('types');
    assert.equal(s.trace.events.filter((e) => e.startsWith('start')).length, 2);
    assert.equal(s.isRunning('svc'), false);
    await s.release('types');
    await s.started('svc');
    for (const n of ['svc', 'banner', 'audit']) {
      if (s.trace.events.includes(`end ${n}`)) continue;
      await s.release(n);
    }
    const outcome = await s.done;
    assert.equal(s.trace.maxConcurrent, 2);
    assert.ok(s.trace.events.indexOf('end types') < s.trace.events.indexOf('start svc'));
    assert.deepEqual([...outcome.values()], ['ok', 'ok', 'ok', 'ok']);
  });

  it('does not wait for a whole wave: a dependent starts while an unrelated slow one runs', async () => {
    const s = run([pk('slow-java'), pk('types'), pk('svc', 'types')], 2);
    await s.release('types');
    await s.started('svc');
    assert.equal(s.isRunning('slow-java'), true, 'the slow one is still running');
    await s.release('svc');
    await s.release('slow-java');
    await s.done;
  });

  it('skips everything that requires a failed package and builds the rest', async () => {
    const s = run([pk('types'), pk('svc', 'types'), pk('top', 'svc'), pk('banner')], 1, {
      priority: (n) => (n === 'types' ? 2 : 1),
    });
    await s.release('types', 'failed');
    await s.release('banner');
    const outcome = await s.done;
    assert.deepEqual(s.trace.events, [
      'start types',
      'end types',
      'skip svc (types failed)',
      'skip top (svc skipped)',
      'start banner',
      'end banner',
    ]);
    assert.equal(outcome.get('top'), 'skipped');
    assert.equal(outcome.get('banner'), 'ok');
  });

  it('treats settled packages as done: up to date unblocks, unreadable blocks', async () => {
    const settled = new Map<string, 'ok' | 'failed' | 'skipped'>([
      ['types', 'ok'],
      ['broken', 'failed'],
    ]);
    const s = run([pk('svc', 'types'), pk('other', 'broken')], 2, { settled });
    await s.release('svc');
    await s.done;
    assert.deepEqual(s.trace.events, ['start svc', 'skip other (broken failed)', 'end svc']);
  });

  it('starts nothing new once stopped; running builds finish', async () => {
    let stopped = false;
    const s = run([pk('a'), pk('b'), pk('c')], 1, { stopped: () => stopped });
    await s.started('a');
    stopped = true;
    await s.release('a');
    const outcome = await s.done;
    assert.deepEqual(s.trace.events, ['start a', 'end a']);
    assert.equal(outcome.has('b'), false);
  });

  it('starts the longest chain first', async () => {
    const packages = [pk('banner'), pk('types'), pk('svc', 'types'), pk('java-audit')];
    const expected = new Map([
      ['banner', 1000],
      ['types', 1000],
      ['svc', 1500],
      ['java-audit', 10_000],
    ]);
    const cp = criticalPaths(packages, (n) => expected.get(n)!);
    assert.equal(cp.get('types'), 2500);
    const s = run(packages, 1, { priority: (n) => cp.get(n)! });
    await s.started('java-audit');
    assert.deepEqual(s.trace.events, ['start java-audit']);
    for (const n of ['java-audit', 'types', 'svc', 'banner']) await s.release(n);
    await s.done;
    assert.deepEqual(
      s.trace.events.filter((e) => e.startsWith('start')),
      ['start java-audit', 'start types', 'start svc', 'start banner'],
    );
  });
});
