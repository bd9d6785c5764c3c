// The container watcher against real engines: the shared one for the event
// stream (create, start, health_status, die, destroy), and a private engine of
// our own, stopped and started again, for reconnection. Everything created is
// named nsowb-healthtest-* and removed in after(), also when a test fails.

import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';

import { createDockerClient, nodeEndpointSources } from '../../src/core/docker';
import type { DockerEvent } from '../../src/core/docker/client';
import { countingClient } from '../../src/core/watch/callCounter';
import {
  ContainerWatcher,
  type ContainersChange,
  type HealthChange,
  type WatchStatus,
} from '../../src/core/watch/containerWatcher';
import { isWatchedContainer } from '../../src/core/watch/nsoContainers';
import {
  fileHealthCheckArgs,
  idleCommand,
  prodLabelArgs,
  runProdArgs,
} from '../helpers/prodContainerArgs';
import { ensureTestImage } from './helpers/testImage';
import { matchingAfter, startLive } from './helpers/watching';
import {
  copyImage,
  docker,
  dockerOk,
  healthPrefix,
  nextMatching,
  PrivateEngine,
} from './healthSupport';

const run = `${healthPrefix}${process.pid}-${Date.now().toString(36)}`;
const workspace = path.join(os.tmpdir(), `${run}-ws`);

describe('container watcher on a real engine', function () {
  this.timeout(120_000);
  const created: { name: string; host?: string; image?: boolean }[] = [];
  let image = '';

  before(() => {
    image = ensureTestImage();
  });

  after(async () => {
    for (const c of created) {
      const args = c.image ? ['rmi', c.name] : ['rm', '-f', c.name];
      await docker(args, c.host ? { host: c.host } : {});
    }
  });

  it('follows create, start, health_status, die and destroy from the one event stream', async () => {
    const counted = countingClient(createDockerClient());
    const watcher = new ContainerWatcher(counted.client, { relevant: isWatchedContainer });
    const actions: string[] = [];
    const health: HealthChange[] = [];
    watcher.onEvent((e) => actions.push(e.action));
    watcher.onHealthChanged((h) => health.push(h));
    try {
      await startLive(watcher);

      const name = `${run}-events`;
      created.push({ name });
      await matchingAfter<ContainersChange>(
        () =>
          dockerOk([
            'create',
            '--name',
            name,
            ...prodLabelArgs(workspace),
            '--network',
            'none',
            ...fileHealthCheckArgs,
            image,
            ...idleCommand,
          ]),
        'the created container in the model',
        watcher.onContainersChanged,
        (c) => c.changed.some((x) => x.name === name),
        20_000,
      );
      assert.equal(watcher.container(name)?.state, 'created');

      await matchingAfter<ContainersChange>(
        () => dockerOk(['start', name]),
        'running',
        watcher.onContainersChanged,
        () => watcher.container(name)?.state === 'running',
        20_000,
      );

      await matchingAfter<HealthChange>(
        () => dockerOk(['exec', name, 'touch', '/tmp/healthy']),
        'healthy',
        watcher.onHealthChanged,
        (h) => h.container.name === name && h.current === 'healthy',
        20_000,
      );

      await matchingAfter<HealthChange>(
        () => dockerOk(['exec', name, 'rm', '/tmp/healthy']),
        'unhealthy',
        watcher.onHealthChanged,
        (h) => h.container.name === name && h.current === 'unhealthy',
        20_000,
      );
      // The inspect after the event brings the failing probe's exit code.
      await nextMatching<ContainersChange>(
        'the failing probe in the details',
        watcher.onContainersChanged,
        () =>
          (watcher.container(name)?.details?.state.health?.log ?? []).some((p) => p.exitCode !== 0),
        20_000,
      ).catch(() => undefined);
      const probes = watcher.container(name)?.details?.state.health?.log ?? [];
      assert.ok(
        probes.some((p) => p.exitCode === 1),
        'the last probes, exit codes included',
      );

      await matchingAfter<ContainersChange>(
        () => dockerOk(['stop', name]),
        'exited',
        watcher.onContainersChanged,
        () => watcher.container(name)?.state === 'exited',
        20_000,
      );

      await matchingAfter<ContainersChange>(
        () => dockerOk(['rm', name]),
        'removed',
        watcher.onContainersChanged,
        (c) => c.removed.some((x) => x.name === name),
        20_000,
      );
      assert.equal(watcher.container(name), undefined);

      for (const action of [
        'create',
        'start',
        'health_status: healthy',
        'health_status: unhealthy',
        'die',
        'destroy',
      ]) {
        assert.ok(actions.includes(action), `saw ${action} (saw: ${actions.join(', ')})`);
      }
      // The health checks' own exec events never reach us, and one stream served it all.
      assert.ok(!actions.some((a) => a.startsWith('exec_')), 'no exec events');
      assert.equal(counted.byMethod().events, 1, 'one event stream');
      const sequence = health.filter((h) => h.container.name === name).map((h) => h.current);
      assert.ok(
        sequence.indexOf('healthy') >= 0 &&
          sequence.indexOf('healthy') < sequence.indexOf('unhealthy'),
        `health went healthy, then unhealthy: ${sequence.join(' → ')}`,
      );
    } finally {
      await watcher.dispose();
    }
  });

  it('passes image tag and untag events on from the one event stream', async () => {
    const counted = countingClient(createDockerClient());
    const watcher = new ContainerWatcher(counted.client, { relevant: isWatchedContainer });
    try {
      await startLive(watcher);
      const before = counted.calls.length;
      // A tag of our own on the test image: adding and removing it are image events.
      const tag = `${run}-image:tagged`;
      created.push({ name: tag, image: true });
      const tagged = await matchingAfter<DockerEvent>(
        () => dockerOk(['tag', image, tag]),
        'the tag event',
        watcher.onImageEvent,
        (e) => e.action === 'tag' && e.attributes.name === tag,
        20_000,
      );
      assert.equal(tagged.type, 'image');
      await matchingAfter<DockerEvent>(
        () => dockerOk(['rmi', tag]),
        'the untag event',
        watcher.onImageEvent,
        (e) => e.action === 'untag',
        20_000,
      );
      // The shared engine's other containers may be inspected meanwhile; a
      // list would mean the stream was opened again (the unit test counts all).
      assert.deepEqual(
        counted.calls.slice(before).filter((c) => c.method !== 'inspectContainer'),
        [],
        'no list and no second stream',
      );
      assert.equal(counted.byMethod().events, 1, 'one event stream');
    } finally {
      await watcher.dispose();
    }
  });

  it('recovers within 5 s of a restarted engine answering again (a private engine)', async function () {
    this.timeout(180_000);
    const engine = new PrivateEngine(path.join(os.tmpdir(), `${run}-engine`));
    const watcher = new ContainerWatcher(
      createDockerClient({ sources: nodeEndpointSources({ hostOverride: engine.host }) }),
      { relevant: isWatchedContainer },
    );
    try {
      await engine.start();
      await copyImage(image, engine.host);
      const name = `${run}-survivor`;
      created.push({ name, host: engine.host });
      await dockerOk(
        [...runProdArgs(name, workspace), '--restart', 'unless-stopped', image, ...idleCommand],
        { host: engine.host },
      );

      await startLive(watcher);
      assert.equal(watcher.container(name)?.state, 'running');

      // The engine goes away: the watcher says so, with the reason.
      const unreachable = await matchingAfter<WatchStatus>(
        () => engine.stop(),
        'unreachable',
        watcher.onStatusChanged,
        (s) => s.phase === 'unreachable',
        60_000,
      );
      assert.match(unreachable.failure?.message ?? '', /not reachable at/);
      assert.match(unreachable.failure?.message ?? '', new RegExp(engine.socket));

      // And comes back: the watcher is live again within 5 s of it answering.
      const back = nextMatching<WatchStatus>(
        'live again',
        watcher.onStatusChanged,
        (s) => s.phase === 'live',
        60_000,
      );
      // When the engine first answers, measured by our own quick pings.
      const pinger = createDockerClient({
        sources: nodeEndpointSources({ hostOverride: engine.host }),
        apiTimeoutMs: 1000,
      });
      let answeredAt = 0;
      const pinging = (async () => {
        while (answeredAt === 0) {
          try {
            await pinger.ping();
            answeredAt = Date.now();
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      })();
      await engine.start();
      const recovered = await back;
      await pinging;
      const recoveryMs = recovered.since - answeredAt;
      console.log(`      recovery after the engine answered: ${Math.max(0, recoveryMs)} ms`);
      assert.ok(recoveryMs < 5000, `live ${recoveryMs} ms after the engine answered`);

      // The restart policy starts the container again; the stream shows it.
      if (watcher.container(name)?.state !== 'running') {
        await nextMatching<ContainersChange>(
          'the container running again',
          watcher.onContainersChanged,
          () => watcher.container(name)?.state === 'running',
          30_000,
        );
      }

      // Removed behind the watcher's back: it vanishes.
      await matchingAfter<ContainersChange>(
        () => dockerOk(['rm', '-f', name], { host: engine.host }),
        'removed',
        watcher.onContainersChanged,
        (c) => c.removed.some((x) => x.name === name),
        20_000,
      );
      assert.equal(watcher.containers().length, 0);
    } finally {
      await watcher.dispose();
      await engine.destroy();
    }
  });
});
