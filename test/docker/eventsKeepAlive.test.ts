// The event stream over tcp:// when the network drops without a FIN: a TCP
// proxy of our own sits between the client and a private engine's socket, and
// at some point stops forwarding without closing anything. A proxy process
// alone cannot play a dead network, since its kernel still acknowledges the
// client's keepalive probes; so the test also drops every packet to the
// proxy's own loopback address (one iptables rule naming that address and
// port, removed afterwards). The stream must be noticed as dead by TCP
// keepalive alone, with no Docker call made meanwhile, and the watcher must
// come back once the network does.

import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { createDockerClient, nodeEndpointSources } from '../../src/core/docker';
import type { DockerEvent } from '../../src/core/docker/client';
import { countingClient } from '../../src/core/watch/callCounter';
import { ContainerWatcher, type WatchStatus } from '../../src/core/watch/containerWatcher';
import { isWatchedContainer } from '../../src/core/watch/nsoContainers';
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
/** The default keepalive idle (5 s) plus the kernel's 10 probes 1 s apart, and some slack. */
const noticeWithinMs = 25_000;

function iptables(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('iptables', args, { timeout: 20_000 }, (err, _out, stderr) => {
      if (err) reject(new Error(`iptables ${args.join(' ')}: ${stderr || err.message}`));
      else resolve();
    });
  });
}

/** Forwards TCP on a loopback address of its own to a unix socket; can go silent. */
class StallingProxy {
  readonly address = `127.83.${(process.pid >> 8) & 255}.${process.pid & 255 || 1}`;
  port = 0;
  private readonly server: net.Server;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private dropRule: string[] | undefined;

  constructor(private readonly upstream: string) {
    this.server = net.createServer((client) => {
      const engine = net.connect(this.upstream);
      const pair: [net.Socket, net.Socket] = [client, engine];
      this.pairs.add(pair);
      const end = (): void => {
        this.pairs.delete(pair);
        client.destroy();
        engine.destroy();
      };
      client.on('error', end).on('close', end);
      engine.on('error', end).on('close', end);
      client.pipe(engine);
      engine.pipe(client);
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => {
      this.server.listen(0, this.address, () => {
        this.port = (this.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  get host(): string {
    return `tcp://${this.address}:${this.port}`;
  }

  /** The network drops: nothing is forwarded, nothing closed, no packet answered. */
  async stall(): Promise<void> {
    for (const [client, engine] of this.pairs) {
      client.unpipe(engine);
      engine.unpipe(client);
      client.pause();
      engine.pause();
    }
    const rule = ['-d', this.address, '-p', 'tcp', '--dport', String(this.port)];
    const tagged = [...rule, '-m', 'comment', '--comment', run, '-j', 'DROP'];
    await iptables(['-I', 'INPUT', ...tagged]);
    this.dropRule = tagged;
  }

  /** The network is back: new connections go through (the stalled ones are gone). */
  async heal(): Promise<void> {
    if (this.dropRule) await iptables(['-D', 'INPUT', ...this.dropRule]);
    this.dropRule = undefined;
    for (const [client, engine] of this.pairs) {
      client.destroy();
      engine.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    await this.heal();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('event stream over a network that drops without a FIN', function () {
  this.timeout(180_000);
  const engine = new PrivateEngine(path.join(os.tmpdir(), `${run}-engine`));
  let proxy: StallingProxy;
  let image = '';

  before(async () => {
    image = ensureTestImage();
    await engine.start();
    await copyImage(image, engine.host);
    proxy = new StallingProxy(engine.socket);
    await proxy.listen();
  });

  after(async () => {
    await proxy?.close();
    await docker(['rm', '-f', `${run}-after`], { host: engine.host });
    await engine.destroy();
  });

  it('notices the dead stream by TCP keepalive alone, then reconnects when the network is back', async () => {
    const counted = countingClient(
      createDockerClient({ sources: nodeEndpointSources({ hostOverride: proxy.host }) }),
    );
    const watcher = new ContainerWatcher(counted.client, { relevant: isWatchedContainer });
    // The control: the same stream without keepalive stays open on the dead network.
    const control = new AbortController();
    let controlEnded: string | undefined;
    const controlEvents: DockerEvent[] = [];
    const controlStream = (async () => {
      try {
        for await (const event of counted.client.events({
          filter: { type: ['container'] },
          keepAliveMs: 0,
          signal: control.signal,
        })) {
          controlEvents.push(event);
        }
        controlEnded = 'ended';
      } catch (error) {
        controlEnded = error instanceof Error ? error.message : String(error);
      }
    })();
    try {
      await startLive(watcher, 30_000);

      const lost = nextMatching<WatchStatus>(
        'the stream noticed as dead',
        watcher.onStatusChanged,
        (s) => s.phase !== 'live',
        noticeWithinMs + 20_000,
      );
      const callsBefore = counted.calls.length;
      const stalledAt = Date.now();
      await proxy.stall();
      const noticed = await lost;
      const noticedMs = Date.now() - stalledAt;
      console.log(
        `      dead stream noticed after ${(noticedMs / 1000).toFixed(1)} s: ${noticed.failure?.message ?? ''}`,
      );
      assert.ok(
        noticedMs < noticeWithinMs,
        `noticed after ${noticedMs} ms, not within ${noticeWithinMs}`,
      );
      // Keepalive is packets on the connection, not calls: nothing was asked
      // of Docker between the stall and the moment the stream was given up.
      assert.deepEqual(counted.calls.slice(callsBefore), []);
      assert.match(noticed.failure?.message ?? '', /broke off|ended|ETIMEDOUT|timed out/i);
      assert.equal(controlEnded, undefined, 'the stream without keepalive is still open');

      await matchingAfter<WatchStatus>(
        () => proxy.heal(),
        'live again',
        watcher.onStatusChanged,
        (s) => s.phase === 'live',
        30_000,
      );
      await matchingAfter<DockerEvent>(
        () =>
          dockerOk(
            [
              'run',
              '-d',
              '--name',
              `${run}-after`,
              '--label',
              'org.nso-workbench.role=prod',
              '--network',
              'none',
              image,
              'true',
            ],
            { host: engine.host },
          ),
        'the start event of a new container',
        watcher.onEvent,
        (e) => e.action === 'start' && e.attributes.name === `${run}-after`,
        30_000,
      );
    } finally {
      control.abort();
      await watcher.dispose();
      await controlStream;
    }
  });
});
