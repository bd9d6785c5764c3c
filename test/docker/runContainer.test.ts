// The Docker layer's one-off containers and multi-network creation, against
// the real engine: standard input answers a prompt, output and exit code come
// back, a timeout kills and removes the container, a container removed while
// it runs is reported as such, and a container created on two networks has
// its aliases on both.

import * as assert from 'node:assert/strict';

import { createDockerClient, isDockerError, type DockerClient } from '../../src/core/docker';
import { cleanup, docker, dockerOk, prodImage, runPrefix, uniqueName } from './backupSupport';

describe('One-off containers and networks through the Docker layer', function () {
  this.timeout(120_000);
  let client: DockerClient;
  const networks = [`${runPrefix}-run-a`, `${runPrefix}-run-b`];

  before(async () => {
    client = createDockerClient();
    for (const n of networks) await dockerOk(['network', 'create', n]);
  });

  after(async () => {
    await cleanup();
    for (const n of networks) await docker(['network', 'rm', n]);
  });

  const script = (text: string) => ({
    image: prodImage,
    name: uniqueName('run'),
    entrypoint: ['bash', '-c', text],
    cmd: [],
    networkMode: 'none',
    healthcheck: { test: ['NONE'] },
  });

  it('answers a prompt on standard input and returns output and exit code', async () => {
    const { PassThrough } = await import('node:stream');
    const stdin = new PassThrough();
    let seen = '';
    const spec = script(
      'printf "Restore it (y/n)? "; read -r a; echo "got $a"; echo oops >&2; exit 3',
    );
    const result = await client.runContainer(spec, {
      stdin,
      onStdout: (t) => {
        seen += t;
        if (seen.endsWith('(y/n)? ')) stdin.end('y\n');
      },
      timeoutMs: 60_000,
    });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stdout, 'Restore it (y/n)? got y\n');
    assert.equal(result.stderr, 'oops\n');
    assert.equal(result.signal, undefined);
    assert.equal(result.removedWhileRunning, false);
    const left = await dockerOk(['ps', '-a', '-q', '--filter', `name=${spec.name}`]);
    assert.equal(left.trim(), '', 'the one-off container is removed');
  });

  it('reports a container killed from outside by its signal', async () => {
    const spec = script('echo started; sleep 60');
    const running = client.runContainer(spec, { timeoutMs: 60_000 });
    await waitFor(async () => (await docker(['logs', spec.name])).stdout.includes('started'));
    await dockerOk(['kill', spec.name]);
    const result = await running;
    assert.equal(result.exitCode, 137);
    assert.equal(result.signal, 9);
    assert.equal(result.stdout, 'started\n');
  });

  it('reports a container removed while it runs', async () => {
    const spec = script('echo started; sleep 60');
    const running = client.runContainer(spec, { timeoutMs: 60_000 });
    await waitFor(async () => (await docker(['logs', spec.name])).stdout.includes('started'));
    await dockerOk(['rm', '-f', spec.name]);
    const result = await running;
    assert.equal(result.removedWhileRunning, true, JSON.stringify(result));
  });

  it('kills and removes a container that outlives its timeout', async () => {
    const spec = script('sleep 60');
    const started = Date.now();
    await assert.rejects(
      client.runContainer(spec, { timeoutMs: 1500 }),
      (error: unknown) =>
        isDockerError(error, 'timeout') && /did not finish within/.test(String(error)),
    );
    assert.ok(Date.now() - started < 20_000);
    const left = await dockerOk(['ps', '-a', '-q', '--filter', `name=${spec.name}`]);
    assert.equal(left.trim(), '');
  });

  it('creates a container on two networks with the aliases of each', async () => {
    const name = uniqueName('nets');
    const id = await client.createContainer({
      image: prodImage,
      name,
      entrypoint: ['sleep', '30'],
      cmd: [],
      healthcheck: { test: ['NONE'] },
      networks: [
        { network: networks[0]!, aliases: ['first'] },
        { network: networks[1]!, aliases: ['second', 'other'] },
      ],
    });
    const details = await client.inspectContainer(id);
    assert.equal(details.networkMode, networks[0]);
    assert.deepEqual(
      details.settings?.networks.map((n) => [n.network, [...n.aliases].sort()]),
      [
        [networks[0], ['first']],
        [networks[1], ['other', 'second']],
      ],
    );
  });
});

async function waitFor(ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await ok())) {
    if (Date.now() > deadline) assert.fail('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
