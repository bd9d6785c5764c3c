// The Docker engine restarts under a running VS Code: the status bar and the
// views say where Docker is not reachable and why, and follow the engine again
// within 5 s of it answering, the container included (its restart policy
// starts it again); removed behind the extension's back, it vanishes. The
// engine is a private dockerd of the test's own (its own socket, data and
// network namespace), pointed at through nso.docker.host, so the shared
// engine and other people's containers are never touched.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

import type { NsoStatusSnapshot } from '../../src/extension/health/setup';
import { copyImage, dockerOk, healthPrefix, PrivateEngine } from '../docker/healthSupport';
import { fileHealthCheckArgs, runProdArgs } from '../helpers/prodContainerArgs';
import { waitFor, workbenchExtension } from './support';

const run = `${healthPrefix}exthost-engine-${process.pid}-${Date.now().toString(36)}`;
const transitionTimeoutMs = 60_000;

function snapshot(): Promise<NsoStatusSnapshot> {
  return vscode.commands.executeCommand<NsoStatusSnapshot>(
    'nso.health.snapshot',
  ) as Promise<NsoStatusSnapshot>;
}

async function until(
  what: string,
  test: (s: NsoStatusSnapshot) => boolean,
  timeoutMs = transitionTimeoutMs,
): Promise<NsoStatusSnapshot> {
  let last: NsoStatusSnapshot | undefined;
  await waitFor(
    `${what} (last status bar: ${last?.statusBar.text ?? '?'})`,
    async () => {
      last = await snapshot();
      return test(last);
    },
    timeoutMs,
  );
  return last!;
}

describe('the Docker engine restarting under VS Code', function () {
  this.timeout(300_000);
  const engine = new PrivateEngine(path.join(os.tmpdir(), `${run}-engine`));
  const name = `${run}-prod`;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('nso');

  before(async function () {
    this.timeout(180_000);
    await waitFor('activation', () => workbenchExtension().isActive, 20_000);
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    assert.ok(workspace, 'a workspace folder is open');
    // The Docker tier's busybox image (built without a registry), copied into the private engine.
    const image = execFileSync(
      'bash',
      [path.join(workbenchExtension().extensionPath, 'test/docker/helpers/ensure-test-image.sh')],
      { encoding: 'utf8', timeout: 120_000 },
    ).trim();
    await engine.start();
    await copyImage(image, engine.host);
    await dockerOk(
      [
        ...runProdArgs(name, workspace),
        '--restart',
        'unless-stopped',
        ...fileHealthCheckArgs,
        image,
        'sh',
        '-c',
        'touch /tmp/healthy; trap "exit 0" TERM; while :; do sleep 1; done',
      ],
      { host: engine.host },
    );
    await config().update('docker.host', engine.host, vscode.ConfigurationTarget.Global);
  });

  after(async function () {
    this.timeout(120_000);
    await config().update('docker.host', undefined, vscode.ConfigurationTarget.Global);
    await engine.destroy();
  });

  it('says Docker is not reachable, then recovers within 5 s of the engine answering', async () => {
    const healthy = await until('the container healthy', (s) =>
      /NSO healthy/.test(s.statusBar.text),
    );
    assert.equal(healthy.health.container?.name, name);

    // The engine goes away: the status bar and both views say where and why.
    await engine.stop();
    const down = await until('Docker unreachable', (s) =>
      /NSO: Docker unreachable/.test(s.statusBar.text),
    );
    assert.equal(down.statusBar.background, 'statusBarItem.errorBackground');
    assert.equal(down.connection?.phase, 'unreachable');
    const problem = down.health.problems.find((p) => p.id === 'engine');
    assert.equal(problem?.message, `Docker not reachable at ${engine.host}`);
    assert.match(problem?.detail ?? '', /^is the Docker daemon running/);
    assert.deepEqual(
      problem?.fixes.map((f) => f.kind),
      ['retryDocker', 'configureDocker', 'showLog'],
    );
    assert.equal(down.healthView[0]?.label, `Docker not reachable at ${engine.host}`);
    assert.match(down.statusBar.tooltip, /command:nso\.docker\.retry/);

    // It comes back: when it first answers is measured by quick pings of our own.
    let answeredAt = 0;
    const pinging = (async () => {
      while (answeredAt === 0) {
        if (await pings(engine.socket)) answeredAt = Date.now();
        else await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await engine.start();
    await pinging;
    const back = await until('the connection live again', (s) => s.connection?.phase === 'live');
    const recoveryMs = (back.connection?.since ?? Infinity) - answeredAt;
    console.log(`      live again ${Math.max(0, recoveryMs)} ms after the engine answered`);
    assert.ok(recoveryMs < 5000, `live ${recoveryMs} ms after the engine answered`);

    // The restart policy starts the container again, and the status bar follows it.
    const again = await until('the container healthy again', (s) =>
      /NSO healthy/.test(s.statusBar.text),
    );
    assert.equal(again.healthView[0]?.label.startsWith('Docker not reachable'), false);

    // Removed behind the extension's back: gone from the views, and said so.
    await dockerOk(['rm', '-f', name], { host: engine.host });
    const removed = await until('the container removed', (s) =>
      /NSO: container removed/.test(s.statusBar.text),
    );
    assert.ok(!removed.containers.some((c) => c.name === name), 'gone from the Containers view');
  });
});

/** Whether the engine on `socket` answers `GET /_ping` (plain HTTP: the test bundles no Docker client). */
function pings(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ socketPath: socket, path: '/_ping', timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}
