// One Docker event stream drives every view (issue 5): with the Backups view
// shown on a production container and the walkthrough's image lookup done,
// the extension still has exactly one events request open: the container
// watcher's. (The Backups view used to open a stream for its container while
// shown, and the walkthrough one for image events after its first lookup.)
//
// The extension talks to the real engine through a small Unix-socket relay
// set as nso.docker.host; the relay passes every byte on and notes each
// request line, so the test counts what the extension asked the engine.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

import type { NsoStatusSnapshot } from '../../src/extension/health/setup';
import { docker, dockerOk } from '../helpers/dockerCli';
import { runProdArgs } from '../helpers/prodContainerArgs';
import { waitFor, workbenchExtension } from './support';

const image = process.env.NSO_SIM_PROD_IMAGE ?? 'nso-sim/cisco-nso-prod:6.4.1';
const name = `nsowb-onestream-exthost-${process.pid}-${Date.now().toString(36)}`;

/** The engine the docker CLI of these tests uses: DOCKER_HOST when a unix:// one, else the default socket. */
function engineSocket(): string {
  const host = process.env.DOCKER_HOST ?? '';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
}

/** A relay from a socket of ours to the engine, noting each request line (method and path). */
class CountingRelay {
  readonly requests: string[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;

  constructor(
    readonly socketPath: string,
    engine: string,
  ) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(engine);
      this.sockets.add(client).add(upstream);
      client.on('data', (chunk: Buffer) => {
        // Request lines start a chunk in practice (a client writes the head at once).
        for (const m of chunk.toString('latin1').matchAll(/^([A-Z]+) (\S+) HTTP\/1\.[01]\r$/gm)) {
          this.requests.push(`${m[1]} ${m[2]}`);
        }
      });
      client.pipe(upstream);
      upstream.pipe(client);
      const close = (): void => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, resolve);
    });
  }

  /** The events requests seen (each one is a stream the extension opened). */
  eventStreams(): string[] {
    return this.requests.filter((r) => /^GET \/(v[\d.]+\/)?events\b/.test(r));
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function snapshot(): Promise<NsoStatusSnapshot> {
  return vscode.commands.executeCommand<NsoStatusSnapshot>(
    'nso.health.snapshot',
  ) as Promise<NsoStatusSnapshot>;
}

describe('one Docker event stream', function () {
  this.timeout(180_000);
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('nso');
  let relay: CountingRelay | undefined;
  let dir = '';

  before(async () => {
    await waitFor('activation', () => workbenchExtension().isActive, 20_000);
    const present = await docker(['image', 'inspect', image, '--format', '{{.Id}}']);
    assert.equal(present.code, 0, `${image} is missing: build it with bash images/build.sh`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-relay-'));
    relay = new CountingRelay(path.join(dir, 'docker.sock'), engineSocket());
    await relay.listen();
  });

  after(async () => {
    // Hidden first: a shown Backups view reads a container that stops, through a
    // helper container, and the window may close before that helper is removed.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await config().update('docker.host', undefined, vscode.ConfigurationTarget.Global);
    await docker(['rm', '-f', '-v', name]);
    await relay?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is the only one open with the Backups view shown and the images looked up', async () => {
    const workspacePath = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    assert.ok(workspacePath, 'a workspace folder is open');
    await dockerOk([...runProdArgs(name, workspacePath), image]);

    await config().update(
      'docker.host',
      `unix://${relay!.socketPath}`,
      vscode.ConfigurationTarget.Global,
    );
    await waitFor(
      'the watcher to list the container through the relay',
      async () => {
        const s = await snapshot();
        return s.connection?.phase === 'live' && s.containers.some((c) => c.name === name);
      },
      60_000,
    );
    assert.equal(relay!.eventStreams().length, 1, relay!.requests.join('\n'));

    // The Backups view reads the container's backups once shown…
    await vscode.commands.executeCommand('nso.backups.focus');
    await waitFor(
      'the Backups view to read the container',
      () => relay!.requests.some((r) => /\/exec\b|\/containers\/create\b/.test(r)),
      60_000,
    );
    // …and the walkthrough's Look for NSO Images lists the images.
    // (Not awaited: with an image missing it waits on a warning's button.)
    void vscode.commands.executeCommand('nso.images.find');
    await waitFor(
      'the image lookup',
      () => relay!.requests.some((r) => /^GET \/(v[\d.]+\/)?images\/json/.test(r)),
      30_000,
    );

    // A stream of their own would be opened at once; give it time to show.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.deepEqual(
      relay!.eventStreams().length,
      1,
      `events requests through the relay:\n${relay!.eventStreams().join('\n')}`,
    );
  });
});
