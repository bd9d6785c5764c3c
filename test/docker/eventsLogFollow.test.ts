// Follow Logs across a restart, on the real engine: the follower shows the
// first run's lines, says the container stopped, picks up the second run's
// lines when the event stream says it runs again (no line twice), and ends
// when the container is removed.

import * as assert from 'node:assert/strict';

import { createDockerClient } from '../../src/core/docker';
import type { LogLine } from '../../src/core/docker/client';
import { ContainerWatcher } from '../../src/core/watch/containerWatcher';
import {
  type ContainerSource,
  followContainerLogs,
  sinceArgument,
  timestampNanos,
} from '../../src/core/watch/logFollower';
import { isWatchedContainer } from '../../src/core/watch/nsoContainers';
import { runProdArgs } from '../helpers/prodContainerArgs';
import { ensureTestImage } from './helpers/testImage';
import { startLive } from './helpers/watching';
import { docker, dockerOk, healthPrefix, waitUntil } from './healthSupport';

const name = `${healthPrefix}follow-${process.pid}-${Date.now().toString(36)}`;

describe('following a container log across restarts', function () {
  this.timeout(120_000);

  after(async () => {
    await docker(['rm', '-f', name]);
  });

  it('reads Docker timestamps to the nanosecond and writes them back as since', () => {
    const ts = '2025-01-02T03:04:05.123456789Z';
    assert.equal(timestampNanos(ts), 1735787045123456789n);
    assert.equal(sinceArgument(ts), '1735787045.123456789');
    assert.equal(timestampNanos('2025-01-02T03:04:05Z'), 1735787045000000000n);
    assert.equal(timestampNanos('garbage'), 0n);
  });

  it('shows both runs in order, says when it stopped, and ends on removal', async () => {
    const image = ensureTestImage();
    const client = createDockerClient();
    const watcher = new ContainerWatcher(client, { relevant: isWatchedContainer });
    const source: ContainerSource = {
      container: (id) => watcher.container(id),
      client: () => client,
      live: () => watcher.status.phase === 'live',
      onChange: (listener) => {
        const a = watcher.onContainersChanged(listener);
        const b = watcher.onStatusChanged(listener);
        return {
          dispose: () => {
            a.dispose();
            b.dispose();
          },
        };
      },
    };
    await startLive(watcher);

    const events: (
      { kind: 'line'; line: LogLine } | { kind: 'note'; note: string; text: string }
    )[] = [];
    const abort = new AbortController();
    try {
      const id = await dockerOk([
        ...runProdArgs(name, '/nowhere'),
        image,
        'sh',
        '-c',
        'trap "exit 0" TERM; i=0; while :; do i=$((i+1)); echo "line $i"; sleep 0.1; done',
      ]);
      await waitUntil(
        'the watcher to know the container',
        () => watcher.container(id) !== undefined,
        20_000,
      );

      const following = followContainerLogs(
        source,
        id,
        name,
        {
          line: (line) => events.push({ kind: 'line', line }),
          note: (note, text) => events.push({ kind: 'note', note, text }),
        },
        { signal: abort.signal },
      );

      const lines = (): LogLine[] => events.flatMap((e) => (e.kind === 'line' ? [e.line] : []));
      await waitUntil('lines of the first run', () => lines().length >= 5, 20_000);
      await dockerOk(['restart', '-t', '5', name]);
      await waitUntil(
        'the stop noted and lines of the second run',
        () => {
          const stop = events.findIndex((e) => e.kind === 'note' && e.note === 'stopped');
          return stop >= 0 && events.slice(stop).filter((e) => e.kind === 'line').length >= 5;
        },
        30_000,
      );

      await dockerOk(['rm', '-f', name]);
      await following;

      // Every line once, in time order; the counter starts again after the stop.
      const stamps = lines().map((l) => timestampNanos(l.timestamp ?? ''));
      for (let i = 1; i < stamps.length; i++) {
        assert.ok(stamps[i]! > stamps[i - 1]!, `line ${i} comes after line ${i - 1}`);
      }
      const stopAt = events.findIndex((e) => e.kind === 'note' && e.note === 'stopped');
      const after = events.slice(stopAt + 1).find((e) => e.kind === 'line');
      assert.ok(
        after?.kind === 'line' && after.line.text === 'line 1',
        'the second run starts at line 1',
      );
      const last = events[events.length - 1];
      assert.ok(
        last?.kind === 'note' && last.note === 'removed',
        'it ends saying the container was removed',
      );
    } finally {
      abort.abort();
      await watcher.dispose();
    }
  });
});
