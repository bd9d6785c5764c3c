import { strict as assert } from 'node:assert';
import { BuildQueue, mergeRequests, type BuildRequest } from '../../src/core/build/buildQueue';

/** A build the test finishes by hand, recording what it was asked and whether it was stopped. */
interface FakeRun {
  request: BuildRequest;
  signal: AbortSignal;
  finish(result: string): void;
  fail(error: Error): void;
}

function harness(): {
  queue: BuildQueue<string>;
  runs: FakeRun[];
  nextRun: () => Promise<FakeRun>;
} {
  const runs: FakeRun[] = [];
  const listeners: ((r: FakeRun) => void)[] = [];
  const queue = new BuildQueue<string>(
    (request, signal) =>
      new Promise<string>((resolve, reject) => {
        const run = { request, signal, finish: resolve, fail: reject };
        runs.push(run);
        listeners.splice(0).forEach((l) => l(run));
        // A real build ends soon after its signal fires; so does this one.
        signal.addEventListener('abort', () => resolve(`stopped ${JSON.stringify(request)}`));
      }),
    (request) => `dropped ${JSON.stringify(request)}`,
  );
  let seen = 0;
  const nextRun = (): Promise<FakeRun> => {
    const want = seen++;
    if (runs[want]) return Promise.resolve(runs[want]);
    return new Promise((resolve) => listeners.push(() => resolve(runs[want]!)));
  };
  return { queue, runs, nextRun };
}

describe('build queue (one build at a time per workspace folder)', () => {
  it('starts the first request at once and queues a second until the first ends', async () => {
    const { queue, runs, nextRun } = harness();
    const a = queue.submit({ packages: ['a'] });
    const first = await nextRun();
    assert.equal(a.queued, false);
    assert.deepEqual(first.request, { packages: ['a'] });

    const b = queue.submit({ packages: ['b'] });
    assert.equal(b.queued, true);
    assert.equal(queue.busy, true);
    assert.equal(queue.waiting, 1);
    assert.equal(runs.length, 1, 'the second build must not start while the first runs');

    first.finish('A');
    assert.equal(await a.done, 'A');
    const second = await nextRun();
    assert.deepEqual(second.request, { packages: ['b'] });
    second.finish('B');
    assert.equal(await b.done, 'B');
    assert.equal(queue.busy, false);
  });

  it('merges requests that wait into one follow-up build that answers them all', async () => {
    const { queue, nextRun } = harness();
    queue.submit({ packages: ['a'] });
    const first = await nextRun();
    const x = queue.submit({ packages: ['x'] });
    const y = queue.submit({ packages: ['y', 'x'] });
    assert.equal(queue.waiting, 1);
    first.finish('first');
    const followUp = await nextRun();
    assert.deepEqual(followUp.request, { packages: ['x', 'y'] });
    followUp.finish('both');
    assert.deepEqual(await Promise.all([x.done, y.done]), ['both', 'both']);
  });

  it('keeps a clean build apart from an ordinary one, in the order asked', async () => {
    const { queue, nextRun } = harness();
    queue.submit({});
    const first = await nextRun();
    const plain = queue.submit({ packages: ['a'] });
    const clean = queue.submit({ packages: ['a'], clean: true });
    assert.equal(queue.waiting, 2);
    first.finish('1');
    const second = await nextRun();
    assert.deepEqual(second.request, { packages: ['a'] });
    second.finish('2');
    const third = await nextRun();
    assert.deepEqual(third.request, { packages: ['a'], clean: true });
    third.finish('3');
    assert.deepEqual(await Promise.all([plain.done, clean.done]), ['2', '3']);
  });

  it('cancel stops the running build and drops the waiting ones', async () => {
    const { queue, runs, nextRun } = harness();
    const a = queue.submit({});
    const first = await nextRun();
    const b = queue.submit({ packages: ['b'] });
    assert.equal(queue.cancel(), 2);
    assert.equal(first.signal.aborted, true);
    assert.equal(await a.done, 'stopped {}');
    assert.equal(await b.done, 'dropped {"packages":["b"]}');
    assert.equal(runs.length, 1, 'a dropped request never runs');
    assert.equal(queue.busy, false);
  });

  it('a build that throws rejects its callers and the queue goes on', async () => {
    const { queue, nextRun } = harness();
    const a = queue.submit({});
    const b = queue.submit({ packages: ['b'] });
    (await nextRun()).fail(new Error('engine gone'));
    await assert.rejects(a.done, /engine gone/);
    (await nextRun()).finish('B');
    assert.equal(await b.done, 'B');
  });

  it('merges: "every package" absorbs a list; clean never merges with not clean', () => {
    assert.deepEqual(mergeRequests({ packages: ['a'] }, {}), {});
    assert.deepEqual(
      mergeRequests({ clean: true, packages: ['b'] }, { clean: true, packages: ['a'] }),
      {
        clean: true,
        packages: ['a', 'b'],
      },
    );
    assert.equal(mergeRequests({ clean: true }, {}), undefined);
  });
});
