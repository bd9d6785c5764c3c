import * as assert from 'node:assert/strict';

import {
  ContainerWatcher,
  type HealthChange,
  type WatchPhase,
  type WatchStatus,
} from '../../src/core/watch/containerWatcher';
import { isWatchedContainer } from '../../src/core/watch/nsoContainers';
import { FakeEngine, ManualClock, settle } from './watchFakes';

const prodLabels = {
  'org.nso-workbench.role': 'prod',
  'org.nso-workbench.workspace': '/ws',
};

function setup(): { clock: ManualClock; engine: FakeEngine; watcher: ContainerWatcher } {
  const clock = new ManualClock();
  const engine = new FakeEngine(clock);
  const watcher = new ContainerWatcher(engine.client(), {
    relevant: isWatchedContainer,
    clock,
  });
  return { clock, engine, watcher };
}

async function untilPhase(watcher: ContainerWatcher, phase: WatchPhase): Promise<void> {
  for (let i = 0; i < 20 && watcher.status.phase !== phase; i++) await settle();
  assert.equal(
    watcher.status.phase,
    phase,
    `watcher phase (${watcher.status.failure?.message ?? ''})`,
  );
}

describe('container watcher', () => {
  let watcher: ContainerWatcher | undefined;
  afterEach(async () => {
    await watcher?.dispose();
    watcher = undefined;
  });

  it('lists once, inspects only NSO containers, then goes live', async () => {
    const t = setup();
    watcher = t.watcher;
    t.engine.add('nso-prod', 'nso-sim/cisco-nso-prod:6.4.1', prodLabels, 'running', 'healthy');
    t.engine.add('web', 'nginx:1', {});
    t.engine.add('build', 'registry:5000/team/cisco-nso-build:6.4.1');
    t.watcher.start();
    await untilPhase(t.watcher, 'live');

    const names = t.watcher
      .containers()
      .map((c) => c.name)
      .sort();
    assert.deepEqual(names, ['build', 'nso-prod']);
    assert.equal(t.engine.calls.filter((c) => c === 'list').length, 1);
    assert.equal(t.engine.calls.filter((c) => c.startsWith('inspect')).length, 2);
    assert.equal(t.engine.calls.filter((c) => c === 'events').length, 1);
    assert.equal(t.watcher.container('nso-prod')?.health, 'healthy');
  });

  it('makes no call at idle while the stream is up', async () => {
    const t = setup();
    watcher = t.watcher;
    t.engine.add('nso-prod', 'cisco-nso-prod:6.4', prodLabels, 'running', 'healthy');
    t.watcher.start();
    await untilPhase(t.watcher, 'live');
    const before = t.engine.calls.length;
    await t.clock.advance(10 * 60_000);
    assert.equal(
      t.engine.calls.length,
      before,
      `calls at idle: ${t.engine.calls.slice(before).join(', ')}`,
    );
    assert.equal(t.watcher.status.phase, 'live');
  });

  it('applies health_status from the event at once, then inspects once per burst', async () => {
    const t = setup();
    watcher = t.watcher;
    const prod = t.engine.add('nso-prod', 'cisco-nso-prod:6.4', prodLabels, 'running', 'healthy');
    t.watcher.start();
    await untilPhase(t.watcher, 'live');
    const seen: HealthChange[] = [];
    t.watcher.onHealthChanged((h) => seen.push(h));
    const before = t.engine.calls.length;

    prod.health = 'unhealthy';
    t.engine.emit(prod, 'health_status: unhealthy');
    t.engine.emit(prod, 'exec_die');
    await settle();
    // Before any inspect answered, the model already says unhealthy.
    assert.equal(t.watcher.container(prod.id)?.health, 'unhealthy');
    assert.deepEqual(
      seen.map((s) => [s.previous, s.current]),
      [['healthy', 'unhealthy']],
    );
    assert.equal(t.engine.calls.length, before, 'no call before the coalescing window ends');

    await t.clock.advance(100);
    assert.deepEqual(t.engine.calls.slice(before), [`inspect ${prod.id.slice(0, 4)}`]);
  });

  it('follows create, start, die and destroy; ignores containers that are not NSO', async () => {
    const t = setup();
    watcher = t.watcher;
    t.watcher.start();
    await untilPhase(t.watcher, 'live');
    const before = t.engine.calls.length;

    const other = t.engine.add('redis', 'redis:7', {}, 'created');
    t.engine.emit(other, 'create');
    const nso = t.engine.add('lab', 'cisco-nso-prod:6.4', {}, 'created');
    t.engine.emit(nso, 'create');
    nso.state = 'running';
    t.engine.emit(nso, 'start');
    await t.clock.advance(100);
    assert.deepEqual(
      t.watcher.containers().map((c) => c.name),
      ['lab'],
    );
    assert.equal(t.watcher.container('lab')?.state, 'running');
    assert.deepEqual(t.engine.calls.slice(before), [`inspect ${nso.id.slice(0, 4)}`]);

    nso.state = 'exited';
    t.engine.emit(nso, 'die');
    await t.clock.advance(100);
    assert.equal(t.watcher.container('lab')?.state, 'exited');

    const removed: string[] = [];
    t.watcher.onContainersChanged((c) => removed.push(...c.removed.map((r) => r.name)));
    t.engine.containers.delete(nso.id);
    t.engine.emit(nso, 'destroy');
    await t.clock.advance(100);
    assert.deepEqual(removed, ['lab']);
    assert.equal(t.watcher.containers().length, 0);
  });

  it('reconnects with back-off when the engine goes away, and resyncs when it answers', async () => {
    const t = setup();
    watcher = t.watcher;
    const prod = t.engine.add('nso-prod', 'cisco-nso-prod:6.4', prodLabels, 'running', 'healthy');
    const statuses: WatchStatus[] = [];
    t.watcher.onStatusChanged((s) => statuses.push(s));
    t.watcher.start();
    await untilPhase(t.watcher, 'live');

    t.engine.goDown();
    await untilPhase(t.watcher, 'connecting');
    await t.clock.advance(250);
    await untilPhase(t.watcher, 'unreachable');
    assert.match(t.watcher.status.failure?.message ?? '', /not reachable at unix:\/\/\/fake.sock/);

    // The delays between attempts grow and stop at the cap.
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const status = t.watcher.status;
      delays.push((status.nextAttemptAt ?? 0) - t.clock.now());
      await t.clock.advance(t.clock.nextTimerIn() ?? 0);
      await settle();
    }
    assert.deepEqual(delays, [250, 500, 1000, 2000, 3000, 3000]);

    // Meanwhile the container was removed; the engine comes back.
    t.engine.containers.delete(prod.id);
    t.engine.up = true;
    const upAt = t.clock.now();
    await t.clock.advance(3000);
    await untilPhase(t.watcher, 'live');
    assert.ok(t.clock.now() - upAt <= 5000, 'live within 5 s of the engine answering');
    assert.equal(
      t.watcher.containers().length,
      0,
      'the removed container is gone after the resync',
    );
    assert.ok(statuses.some((s) => s.phase === 'unreachable'));
  });

  it('retries at once on request instead of waiting for the back-off', async () => {
    const t = setup();
    watcher = t.watcher;
    t.engine.up = false;
    t.watcher.start();
    await untilPhase(t.watcher, 'unreachable');
    await t.clock.advance(250 + 500 + 1000);
    await untilPhase(t.watcher, 'unreachable');
    assert.ok((t.watcher.status.nextAttemptAt ?? 0) - t.clock.now() >= 1000);
    t.engine.up = true;
    t.watcher.retryNow();
    await untilPhase(t.watcher, 'live');
  });

  it('falls back to a slow poll while the stream keeps breaking, and leaves it when the stream holds', async () => {
    const t = setup();
    watcher = t.watcher;
    t.engine.streamBreaks = true;
    t.watcher.start();
    // Three quick breaks in a row, then the poll.
    for (let i = 0; i < 10 && t.watcher.status.phase !== 'polling'; i++) {
      await t.clock.advance(250);
    }
    assert.equal(t.watcher.status.phase, 'polling');
    assert.ok((t.watcher.status.nextAttemptAt ?? 0) - t.clock.now() >= 29_000);

    // While polling: one list per 30 s, never more.
    const before = t.engine.calls.filter((c) => c === 'list').length;
    await t.clock.advance(5 * 60_000);
    const lists = t.engine.calls.filter((c) => c === 'list').length - before;
    assert.ok(lists >= 9 && lists <= 11, `${lists} lists in 5 minutes`);
    assert.equal(t.watcher.status.phase, 'polling');

    // A container started meanwhile shows up at the next poll.
    t.engine.add('nso-prod', 'cisco-nso-prod:6.4', prodLabels);
    await t.clock.advance(30_000);
    assert.equal(t.watcher.containers().length, 1);

    // The stream works again: after it has held for a while the watcher is live.
    t.engine.streamBreaks = false;
    await t.clock.advance(30_000);
    await t.clock.advance(5_000);
    await untilPhase(t.watcher, 'live');
    const afterLive = t.engine.calls.length;
    await t.clock.advance(10 * 60_000);
    assert.equal(t.engine.calls.length, afterLive, 'no poll once live');
  });

  it('passes image events on from the same stream, and opens no second one', async () => {
    const t = setup();
    watcher = t.watcher;
    t.engine.add('nso-prod', 'cisco-nso-prod:6.4', prodLabels, 'running', 'healthy');
    const images: string[] = [];
    const containerEvents: string[] = [];
    t.watcher.onImageEvent((e) => images.push(`${e.action} ${e.attributes.name ?? ''}`));
    t.watcher.onEvent((e) => containerEvents.push(e.action));
    t.watcher.start();
    await untilPhase(t.watcher, 'live');
    const before = t.engine.calls.length;

    t.engine.emitImage('nso-sim/cisco-nso-build:6.4.1', 'load');
    t.engine.emitImage('nso-sim/cisco-nso-prod:6.4.1', 'untag');
    await settle();

    assert.deepEqual(images, [
      'load nso-sim/cisco-nso-build:6.4.1',
      'untag nso-sim/cisco-nso-prod:6.4.1',
    ]);
    // An image event is no container event, and it costs no call (no list, no inspect).
    assert.deepEqual(containerEvents, []);
    assert.deepEqual(t.engine.calls.slice(before), []);
    assert.equal(t.engine.openStreams, 1);
    assert.equal(t.engine.calls.filter((c) => c === 'events').length, 1);
    assert.equal(t.watcher.containers().length, 1);
  });

  it('stops cleanly: the stream is closed', async () => {
    const t = setup();
    watcher = t.watcher;
    t.watcher.start();
    await untilPhase(t.watcher, 'live');
    assert.equal(t.engine.openStreams, 1);
    await t.watcher.stop();
    assert.equal(t.engine.openStreams, 0);
    assert.equal(t.watcher.status.phase, 'stopped');
  });
});
