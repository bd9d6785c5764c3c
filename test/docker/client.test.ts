// DockerClient against the real engine on the default socket. Everything
// created carries the nsowb-dockertest- prefix and this run's label, and is
// removed in after() even when a test fails.

import * as assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';

import * as esbuild from 'esbuild';

import {
  type ContainerSpec,
  createDockerClient,
  type DockerClient,
  DockerError,
  type DockerEvent,
  type EndpointSources,
  type LogLine,
  nodeEndpointSources,
} from '../../src/core/docker';
import { contextMetaPath, contextTlsDir } from '../../src/core/docker/endpoint';
import { readTar } from '../../src/core/docker/tar';
import { startSshDialServer } from './helpers/sshDialServer';
import { startTlsProxy } from './helpers/tlsProxy';
import { ensureTestImage, testLabel, uniqueName } from './helpers/testImage';

const runId = `${process.pid}-${Date.now()}`;
const labels = { [testLabel]: runId };
const repoRoot = path.resolve(__dirname, '..', '..');
const execFileAsync = promisify(execFile);

/** Resolves when `predicate` holds, polling `read` with a deadline (no fixed sleeps). */
async function eventually<T>(
  read: () => Promise<T>,
  predicate: (value: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!predicate(last)) {
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await read();
  }
  return last;
}

async function expectDockerError(
  promise: Promise<unknown>,
  kind: DockerError['kind'],
  message?: RegExp,
): Promise<DockerError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DockerError, `expected a DockerError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected a ${kind} DockerError`);
}

function sourcesWith(env: Record<string, string>, extra: Partial<EndpointSources> = {}) {
  return nodeEndpointSources({ env, ...extra });
}

describe('DockerClient against a real engine', function () {
  let docker: DockerClient;
  let image: string;
  let scratch: string;
  const images: string[] = [];

  before(function () {
    image = ensureTestImage();
    docker = createDockerClient();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-dockertest-'));
  });

  after(async function () {
    // Only what this run created: containers and volumes by label, images by name.
    for (const container of await docker.listContainers({ labels })) {
      await docker.removeContainer(container.id, { force: true, volumes: true });
    }
    for (const volume of await docker.listVolumes({ labels })) {
      await docker.removeVolume(volume.name, { force: true });
    }
    for (const name of images) {
      await docker.removeImage(name).catch(() => undefined);
    }
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  /**
   * A running container of the test image that sleeps until removed. Test
   * containers need no network; only the port publishing test uses one.
   */
  async function sleeper(extra: Partial<ContainerSpec> = {}): Promise<string> {
    const id = await docker.createContainer({
      image,
      name: uniqueName('c'),
      labels,
      cmd: ['sleep', '3600'],
      init: true,
      networkMode: 'none',
      ...extra,
    });
    await docker.startContainer(id);
    return id;
  }

  describe('engine', () => {
    it('answers ping, version and info', async () => {
      await docker.ping();
      const version = await docker.version();
      assert.match(version.apiVersion, /^\d+\.\d+$/);
      assert.equal(version.os, 'linux');
      const info = await docker.info();
      assert.equal(info.cpus, os.cpus().length, 'NCPU of a local engine is the machine CPU count');
      assert.ok(info.memTotalBytes > 0);
      assert.equal(docker.endpoint.description, 'unix:///var/run/docker.sock');
    });
  });

  describe('images', () => {
    it('lists and inspects the test image', async () => {
      const listed = await docker.listImages({ reference: image });
      assert.deepEqual(
        listed.map((entry) => entry.repoTags),
        [[image]],
      );
      const details = await docker.inspectImage(image);
      assert.equal(details.id, listed[0]?.id);
      assert.equal(details.env.PATH, '/bin');
      assert.deepEqual(details.cmd, ['/bin/sh']);
      assert.equal(details.labels['org.nsowb.test'], 'busybox');
    });

    it('loads a gzip archive with progress, then removes the image', async () => {
      const tag = `${uniqueName('loaded')}:1`;
      const archive = path.join(scratch, 'image.tar.gz');
      // Prepare an archive under a tag of our own (the docker CLI only prepares).
      execFileSync('docker', ['image', 'tag', image, tag]);
      execFileSync('bash', ['-c', 'docker save "$1" | gzip >"$2"', 'save', tag, archive]);
      execFileSync('docker', ['image', 'rm', tag]);
      images.push(tag);
      await expectDockerError(docker.inspectImage(tag), 'notFound');

      let lastBytes = 0;
      const result = await docker.loadImage(fs.createReadStream(archive), {
        onProgress: (progress) => (lastBytes = Math.max(lastBytes, progress.bytesSent)),
      });
      assert.deepEqual(result.loaded, [tag]);
      assert.equal(lastBytes, fs.statSync(archive).size);
      assert.equal((await docker.inspectImage(tag)).repoTags.includes(tag), true);

      await docker.removeImage(tag);
      await expectDockerError(docker.inspectImage(tag), 'notFound', /is not loaded/);
    });

    it('reports an archive that is not an image', async () => {
      const junk = path.join(scratch, 'junk.tar');
      fs.writeFileSync(junk, Buffer.alloc(2048));
      await expectDockerError(
        docker.loadImage(fs.createReadStream(junk)),
        'engine',
        /^Docker (could not load the image archive|failed to load an image archive): /,
      );
    });
  });

  describe('containers', () => {
    it('creates from a typed spec and reports it back', async () => {
      const packages = fs.mkdtempSync(path.join(scratch, 'packages-'));
      fs.writeFileSync(path.join(packages, 'marker.txt'), 'from the host\n');
      const volume = uniqueName('vol');
      const name = uniqueName('spec');

      const id = await docker.createContainer({
        image,
        name,
        labels: { ...labels, 'org.nsowb.role': 'prod' },
        env: { NCS_RUN_DIR: '/nso/run', WITH_SPACE: 'a b' },
        cmd: ['sh', '-c', 'touch /tmp/healthy; exec sleep 3600'],
        workingDir: '/tmp',
        user: '0',
        binds: [{ source: packages, target: '/nso/run/packages', readOnly: true }],
        volumes: [{ name: volume, target: '/nso' }],
        ports: [{ containerPort: 2024 }, { containerPort: 8080, hostPort: 0 }],
        healthcheck: { test: ['CMD', 'test', '-f', '/tmp/healthy'], intervalMs: 200, retries: 3 },
        init: true,
      });
      await docker.startContainer(id);
      await docker.startContainer(id); // already started: not an error

      const details = await eventually(
        () => docker.inspectContainer(name),
        (d) => d.state.health?.status === 'healthy',
        'the health check override to pass',
      );
      assert.equal(details.id, id);
      assert.equal(details.name, name);
      assert.equal(details.image, image);
      assert.equal(details.state.status, 'running');
      assert.equal(details.labels['org.nsowb.role'], 'prod');
      assert.equal(details.env.WITH_SPACE, 'a b');
      assert.equal(details.workingDir, '/tmp');
      assert.deepEqual(details.healthcheck?.test, ['CMD', 'test', '-f', '/tmp/healthy']);
      assert.equal(details.healthcheck?.intervalMs, 200);

      const bind = details.mounts.find((m) => m.destination === '/nso/run/packages');
      assert.deepEqual([bind?.type, bind?.source, bind?.readOnly], ['bind', packages, true]);
      const named = details.mounts.find((m) => m.destination === '/nso');
      assert.deepEqual([named?.type, named?.name], ['volume', volume]);

      // Published on 127.0.0.1 only, on ports the engine chose.
      const published = details.ports.filter((p) => p.hostPort !== undefined);
      assert.deepEqual(published.map((p) => [p.containerPort, p.hostIp]).sort(), [
        [2024, '127.0.0.1'],
        [8080, '127.0.0.1'],
      ]);
      assert.ok(published.every((p) => (p.hostPort ?? 0) > 0));

      const marker = await docker.exec(id, ['cat', '/nso/run/packages/marker.txt']);
      assert.equal(marker.stdout, 'from the host\n');

      const listed = await docker.listContainers({
        labels: { 'org.nsowb.role': 'prod', ...labels },
      });
      assert.deepEqual(
        listed.map((c) => [c.id, c.name, c.state]),
        [[id, name, 'running']],
      );

      await docker.removeContainer(id, { force: true });
      await docker.removeVolume(volume);
    });

    it("gives the engine's own inspect document, with the container's address", async () => {
      const name = uniqueName('inspect');
      const id = await sleeper({ name, networkMode: 'bridge' });
      const inspected = (await docker.inspectContainerJson(name)) as {
        Id?: string;
        Name?: string;
        State?: { Status?: string };
        NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> };
      };
      assert.equal(inspected.Id, id);
      assert.equal(inspected.Name, `/${name}`, 'as docker inspect prints it');
      assert.equal(inspected.State?.Status, 'running');
      assert.match(
        inspected.NetworkSettings?.Networks?.bridge?.IPAddress ?? '',
        /^\d+\.\d+\.\d+\.\d+$/,
      );
      await docker.removeContainer(id, { force: true });
      await expectDockerError(docker.inspectContainerJson(id), 'notFound', /does not exist/);
    });

    it('unpauses a paused container, whose process goes on where it was', async () => {
      const id = await sleeper();
      const startedAt = (await docker.inspectContainer(id)).state.startedAt?.getTime();
      execFileSync('docker', ['pause', id]);
      assert.equal((await docker.inspectContainer(id)).state.status, 'paused');
      await docker.unpauseContainer(id);
      const after = await docker.inspectContainer(id);
      assert.equal(after.state.status, 'running');
      assert.equal(after.state.startedAt?.getTime(), startedAt, 'not restarted');
      await expectDockerError(docker.unpauseContainer(id), 'engine', /is not paused/);
      await docker.removeContainer(id, { force: true });
    });

    it('stops, restarts, kills, waits and removes', async () => {
      const id = await sleeper();
      await docker.stopContainer(id, { graceSeconds: 1 });
      await docker.stopContainer(id, { graceSeconds: 1 }); // already stopped: not an error
      assert.equal((await docker.inspectContainer(id)).state.running, false);

      await docker.restartContainer(id, { graceSeconds: 1 });
      assert.equal((await docker.inspectContainer(id)).state.running, true);

      const waiting = docker.waitContainer(id);
      await docker.killContainer(id, 'SIGKILL');
      assert.equal(await waiting, 137);

      await docker.removeContainer(id);
      await expectDockerError(docker.inspectContainer(id), 'notFound', /does not exist/);
    });

    it('says when a name is taken or the container is not running', async () => {
      const name = uniqueName('taken');
      await docker.createContainer({ image, name, labels, cmd: ['true'] });
      await expectDockerError(
        docker.createContainer({ image, name, labels }),
        'conflict',
        new RegExp(`^The container name ${name} is already in use: remove that container`),
      );
      await expectDockerError(
        docker.exec(name, ['true']),
        'conflict',
        new RegExp(`^Container ${name} is not running: start it first`),
      );
    });
  });

  describe('exec', () => {
    let box: string;
    before(async () => {
      box = await sleeper();
    });

    it('passes argv through verbatim: spaces, quotes and $(...) are data', async () => {
      const argv = ['a b', '"double"', "it's", '$(touch /tmp/pwned)', '`id`', '$HOME', '; ls', ''];
      const result = await docker.exec(box, ['printf', '[%s]\\n', ...argv]);
      assert.equal(result.stdout, argv.map((arg) => `[${arg}]\n`).join(''));
      assert.equal(result.stderr, '');
      assert.equal(result.exitCode, 0);
      const pwned = await docker.exec(box, ['test', '-e', '/tmp/pwned']);
      assert.equal(pwned.exitCode, 1, 'nothing was run through a shell');
    });

    it('returns exit codes and stderr', async () => {
      const failed = await docker.exec(box, ['sh', '-c', 'echo to-err >&2; exit 42']);
      assert.equal(failed.exitCode, 42);
      assert.equal(failed.stderr, 'to-err\n');
      const missing = await docker.exec(box, ['no-such-command', 'x']);
      assert.equal(missing.exitCode, 127);
      assert.match(missing.stderr, /no-such-command/);
    });

    it('feeds stdin from a string and from a stream', async () => {
      const text = await docker.exec(box, ['cat'], { stdin: 'line one\nline two\n' });
      assert.equal(text.stdout, 'line one\nline two\n');
      const big = Buffer.alloc(300_000, 'x');
      const streamed = await docker.exec(box, ['wc', '-c'], {
        stdin: Readable.from([big.subarray(0, 100_000), big.subarray(100_000)]),
      });
      assert.equal(streamed.stdout.trim(), '300000');
    });

    it('applies env, user and working folder', async () => {
      const result = await docker.exec(box, ['sh', '-c', 'echo "$GREETING|$(id -u)|$(pwd)"'], {
        env: { GREETING: 'hello world' },
        user: 'nobody',
        workingDir: '/home/nobody',
      });
      assert.equal(result.stdout, 'hello world|65534|/home/nobody\n');
    });

    it('streams output while the command runs', async () => {
      const seen: string[] = [];
      const result = await docker.exec(
        box,
        ['sh', '-c', 'echo first; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo second >&2'],
        {
          onStdout: (text) => {
            seen.push(`out:${text}`);
            // The command waits for this file: it only exists if the chunk came early.
            void docker.writeFile(box, '/tmp/go', '');
          },
          onStderr: (text) => seen.push(`err:${text}`),
          timeoutMs: 10_000,
        },
      );
      assert.deepEqual(seen, ['out:first\n', 'err:second\n']);
      assert.equal(result.exitCode, 0);
    });

    it('keeps a bounded tail of the output', async () => {
      const result = await docker.exec(box, ['sh', '-c', 'seq 1 2000'], { maxBufferBytes: 100 });
      assert.equal(result.stdoutTruncated, true);
      assert.equal(Buffer.byteLength(result.stdout), 100);
      assert.ok(result.stdout.endsWith('1999\n2000\n'));
    });

    async function sleepersLeft(): Promise<string[]> {
      const ps = await docker.exec(box, ['ps', '-o', 'pid,stat,args']);
      return ps.stdout.split('\n').filter((line) => /sleep 30[0-9]/.test(line));
    }

    it('cancelling stops the whole process tree within 2 s', async () => {
      const controller = new AbortController();
      let abortedAt = 0;
      const running = docker.exec(box, ['sh', '-c', 'sleep 300 & sleep 301 & echo started; wait'], {
        signal: controller.signal,
        onStdout: (text) => {
          if (text.includes('started')) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      });
      await expectDockerError(running, 'cancelled', /^Cancelled: run sh -c /);
      const left = await sleepersLeft();
      const elapsedMs = Date.now() - abortedAt;
      assert.deepEqual(left, []);
      assert.ok(elapsedMs < 2000, `took ${elapsedMs} ms`);
    });

    it('kills a tree that ignores SIGTERM within 2 s', async () => {
      const controller = new AbortController();
      let abortedAt = 0;
      const running = docker.exec(
        box,
        ['sh', '-c', 'trap "" TERM; sleep 302 & sleep 303 & echo started; wait'],
        {
          signal: controller.signal,
          onStdout: () => {
            abortedAt = Date.now();
            controller.abort();
          },
        },
      );
      await expectDockerError(running, 'cancelled');
      const left = await sleepersLeft();
      const elapsedMs = Date.now() - abortedAt;
      assert.deepEqual(left, []);
      assert.ok(elapsedMs < 2000, `took ${elapsedMs} ms`);
    });

    it('stops a command that runs past its timeout', async () => {
      const error = await expectDockerError(
        docker.exec(box, ['sleep', '304'], { timeoutMs: 300 }),
        'timeout',
        /^sleep 304 in container .* did not finish within 0\.3 s and was stopped$/,
      );
      assert.equal(error.kind, 'timeout');
      assert.deepEqual(await sleepersLeft(), []);
    });

    it('runs argv directly in an image without sh, and says why the default needs sh', async () => {
      // An image holding nothing but the busybox binary, so there is no sh on the PATH.
      const rootfs = fs.mkdtempSync(path.join(scratch, 'nosh-'));
      fs.writeFileSync(path.join(rootfs, 'busybox'), await docker.readFile(box, '/bin/busybox'), {
        mode: 0o755,
      });
      const noShell = `${uniqueName('nosh')}:1`;
      execFileSync('bash', [
        '-c',
        'tar -C "$1" -c . | docker import - "$2"',
        'import',
        rootfs,
        noShell,
      ]);
      images.push(noShell);
      const id = await sleeper({ image: noShell, cmd: ['/busybox', 'sleep', '3600'], init: false });

      const direct = await docker.exec(id, ['/busybox', 'echo', 'a b'], { withoutShell: true });
      assert.deepEqual([direct.exitCode, direct.stdout], [0, 'a b\n']);
      await expectDockerError(
        docker.exec(id, ['/busybox', 'true']),
        'engine',
        /has no sh, which running a command that can be stopped needs/,
      );
    });

    it('refuses an empty argv', async () => {
      await expectDockerError(docker.exec(box, []), 'badRequest', /No command given/);
    });
  });

  describe('logs', () => {
    it('reads stdout and stderr lines, the tail, and timestamps', async () => {
      // stdout and stderr are separate pipes, so the engine may log them in
      // either order: the command writes stdout only once stderr is in the log.
      const id = await sleeper({
        cmd: [
          'sh',
          '-c',
          'echo err1 >&2; until [ -e /tmp/go ]; do sleep 0.05; done; echo out1; echo done; exec sleep 3600',
        ],
      });
      await eventually(
        () => docker.logs(id),
        (lines) => lines.length > 0,
        'stderr in the log',
      );
      await docker.writeFile(id, '/tmp/go', '');
      const all = await eventually(
        () => docker.logs(id),
        (lines) => lines.some((line) => line.text === 'done'),
        'stdout in the log',
      );
      assert.deepEqual(all, [
        { stream: 'stderr', text: 'err1' },
        { stream: 'stdout', text: 'out1' },
        { stream: 'stdout', text: 'done' },
      ]);
      const stderrOnly = await docker.logs(id, { stdout: false });
      assert.deepEqual(stderrOnly, [{ stream: 'stderr', text: 'err1' }]);
      const tail = await docker.logs(id, { tail: 1, timestamps: true });
      assert.equal(tail.length, 1);
      assert.equal(tail[0]?.text, 'done');
      assert.match(tail[0]?.timestamp ?? '', /^\d{4}-\d{2}-\d{2}T/);
    });

    it('follows the log until the container stops', async () => {
      const id = await docker.createContainer({
        image,
        name: uniqueName('follow'),
        labels,
        cmd: ['sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.2; done'],
        networkMode: 'none',
      });
      await docker.startContainer(id);
      const lines: LogLine[] = [];
      for await (const line of docker.followLogs(id)) lines.push(line);
      assert.deepEqual(
        lines.map((line) => line.text),
        ['line1', 'line2', 'line3'],
      );
    });

    it('ends a follow quietly when cancelled', async () => {
      const id = await sleeper({ cmd: ['sh', '-c', 'echo ready; exec sleep 3600'] });
      const controller = new AbortController();
      const lines: string[] = [];
      const started = Date.now();
      for await (const line of docker.followLogs(id, { signal: controller.signal })) {
        lines.push(line.text);
        controller.abort();
      }
      assert.deepEqual(lines, ['ready']);
      assert.ok(Date.now() - started < 5000);
    });
  });

  describe('archives', () => {
    let box: string;
    before(async () => {
      box = await sleeper();
    });

    it('writes and reads one file, with mode and owner', async () => {
      const text = 'ncs.conf ✓ <ncs-config/>\n';
      await docker.writeFile(box, '/tmp/ncs.conf', text, { mode: 0o640, uid: 65534, gid: 65534 });
      assert.equal(await docker.readTextFile(box, '/tmp/ncs.conf'), text);
      const stat = await docker.exec(box, ['stat', '-c', '%a %u', '/tmp/ncs.conf']);
      assert.equal(stat.stdout, '640 65534\n');
    });

    it('follows a symbolic link when reading a file', async () => {
      await docker.exec(box, [
        'sh',
        '-c',
        'mkdir -p /tmp/real && echo target > /tmp/real/f && ln -sf real/f /tmp/link',
      ]);
      assert.equal(await docker.readTextFile(box, '/tmp/link'), 'target\n');
    });

    it('round-trips a folder through put and get', async () => {
      const source = fs.mkdtempSync(path.join(scratch, 'pkg-'));
      fs.mkdirSync(path.join(source, 'demo', 'src'), { recursive: true });
      fs.writeFileSync(path.join(source, 'demo', 'package-meta-data.xml'), '<ncs-package/>\n');
      fs.writeFileSync(path.join(source, 'demo', 'src', 'Makefile'), 'all:\n\ttrue\n');
      const tar = execFileSync('tar', ['-C', source, '-cf', '-', 'demo']);
      await docker.exec(box, ['mkdir', '-p', '/tmp/packages']);
      await docker.putArchive(box, '/tmp/packages', tar);

      const listing = await docker.exec(box, ['find', '/tmp/packages', '-type', 'f']);
      assert.deepEqual(listing.stdout.trim().split('\n').sort(), [
        '/tmp/packages/demo/package-meta-data.xml',
        '/tmp/packages/demo/src/Makefile',
      ]);

      const stream = await docker.getArchive(box, '/tmp/packages/demo');
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const entries = readTar(Buffer.concat(chunks));
      const files = Object.fromEntries(
        entries.filter((e) => e.type === 'file').map((e) => [e.name, e.content.toString()]),
      );
      assert.deepEqual(files, {
        'demo/package-meta-data.xml': '<ncs-package/>\n',
        'demo/src/Makefile': 'all:\n\ttrue\n',
      });
    });

    it('says which path is missing, and refuses folders and huge files as text', async () => {
      await expectDockerError(
        docker.readTextFile(box, '/tmp/nope.txt'),
        'notFound',
        /^\/tmp\/nope\.txt does not exist in container /,
      );
      await expectDockerError(docker.readTextFile(box, '/tmp'), 'badRequest', /is not a file/);
      await docker.exec(box, ['sh', '-c', 'seq 1 100000 > /tmp/big']);
      await expectDockerError(
        docker.readFile(box, '/tmp/big', { maxBytes: 1000 }),
        'badRequest',
        /is larger than 1000 bytes/,
      );
    });
  });

  describe('volumes', () => {
    it('creates, inspects, lists and removes a labelled volume', async () => {
      const name = uniqueName('volume');
      const created = await docker.createVolume({
        name,
        labels: { ...labels, 'org.nsowb.kind': 'nso' },
      });
      assert.equal(created.name, name);
      assert.equal(created.driver, 'local');
      assert.equal((await docker.inspectVolume(name)).labels['org.nsowb.kind'], 'nso');
      const listed = await docker.listVolumes({ labels: { ...labels, 'org.nsowb.kind': true } });
      assert.deepEqual(
        listed.map((v) => v.name),
        [name],
      );
      await docker.removeVolume(name);
      await expectDockerError(
        docker.inspectVolume(name),
        'notFound',
        new RegExp(`^Volume ${name} does not exist$`),
      );
    });
  });

  describe('events', () => {
    it('sees create, start, die and destroy of our container', async () => {
      const marker = { 'org.nsowb.events': uniqueName('ev') };
      const controller = new AbortController();
      const seen: DockerEvent[] = [];
      // Replaying from a second ago means no event is lost while the stream opens.
      const since = Math.floor(Date.now() / 1000) - 1;
      const iteration = (async () => {
        for await (const event of docker.events({
          signal: controller.signal,
          since,
          filter: { type: ['container'], labels: marker },
        })) {
          seen.push(event);
          if (event.action === 'destroy') controller.abort();
        }
      })();

      const id = await docker.createContainer({
        image,
        name: uniqueName('events'),
        labels: { ...labels, ...marker },
        cmd: ['true'],
        networkMode: 'none',
      });
      await docker.startContainer(id);
      await docker.waitContainer(id);
      await docker.removeContainer(id);
      await iteration;

      const actions = seen.map((event) => event.action);
      const order = ['create', 'start', 'die', 'destroy'].map((action) => actions.indexOf(action));
      assert.ok(
        order.every((index) => index >= 0),
        `saw ${actions.join(', ')}`,
      );
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
      );
      assert.ok(seen.every((event) => event.id === id));
      assert.equal(seen.find((event) => event.action === 'die')?.attributes.exitCode, '0');
    });

    it('ends quietly when cancelled, and stops at `until`', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      for await (const _event of docker.events({
        signal: controller.signal,
        filter: { labels: { 'org.nsowb.never': uniqueName('none') } },
      })) {
        assert.fail('no event expected');
      }
      assert.ok(Date.now() - started < 3000);

      const now = Math.floor(Date.now() / 1000);
      let count = 0;
      for await (const _event of docker.events({ since: now - 1, until: now, filter: { labels } }))
        count += 1;
      assert.ok(count >= 0, 'the iteration ended by itself');
    });
    it('reports a broken stream so the caller can reconnect', async () => {
      // A stand-in engine that sends one event and then goes away, as a restarting engine does.
      const socketPath = path.join(scratch, 'restarting.sock');
      const server = http.createServer((request, response) => {
        assert.match(request.url ?? '', /^\/events\?/);
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.write(
          `${JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: 'abc', Attributes: { name: 'nso-dev' } }, time: 1, timeNano: 1_000_000_000 })}\n`,
        );
        setImmediate(() => response.socket?.destroy());
      });
      await new Promise<void>((resolve) => server.listen(socketPath, resolve));
      try {
        const client = createDockerClient({
          sources: sourcesWith({ DOCKER_HOST: `unix://${socketPath}` }),
        });
        const seen: DockerEvent[] = [];
        const error = await expectDockerError(
          (async () => {
            for await (const event of client.events()) seen.push(event);
          })(),
          'unreachable',
        );
        assert.deepEqual(seen, [
          {
            type: 'container',
            action: 'start',
            id: 'abc',
            attributes: { name: 'nso-dev' },
            time: 1000,
          },
        ]);
        assert.match(
          error.message,
          new RegExp(
            `^The event stream from Docker at unix://${socketPath} (broke off|ended): the engine may have restarted`,
          ),
        );
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('errors a user can act on', () => {
    it('names a missing image and how to load it', async () => {
      const missing = `${uniqueName('missing')}:6.4`;
      const error = await expectDockerError(
        docker.createContainer({ image: missing, labels }),
        'notFound',
      );
      assert.equal(
        error.message,
        `Image ${missing} is not loaded in Docker at unix:///var/run/docker.sock: ` +
          'load it with `docker load -i <file>.tar.gz`',
      );
      assert.deepEqual(error.resource, { type: 'image', name: missing });
    });

    it('names the endpoint when the engine is unreachable', async () => {
      const socketPath = path.join(scratch, 'no-engine', 'docker.sock');
      const unreachable = createDockerClient({
        sources: sourcesWith({ DOCKER_HOST: `unix://${socketPath}` }),
      });
      assert.equal(unreachable.endpoint.description, `unix://${socketPath}`);
      const error = await expectDockerError(unreachable.ping(), 'unreachable');
      assert.equal(
        error.message,
        `Docker is not reachable at unix://${socketPath}: is the Docker daemon running? ` +
          `(connect ENOENT ${socketPath})`,
      );
    });

    it('lets the host override win over DOCKER_HOST', async () => {
      const client = createDockerClient({
        sources: sourcesWith(
          { DOCKER_HOST: `unix://${path.join(scratch, 'nowhere.sock')}` },
          { hostOverride: 'unix:///var/run/docker.sock' },
        ),
      });
      await client.ping();
      assert.deepEqual(client.endpoint.origin, { kind: 'setting', setting: 'nso.docker.host' });
    });

    describe('against an engine that never answers', () => {
      let server: net.Server;
      let socketPath: string;
      before(async () => {
        socketPath = path.join(scratch, 'silent.sock');
        // It reads (and ignores) what it gets, so that it notices clients hanging up.
        server = net.createServer((connection) => connection.on('error', () => undefined).resume());
        await new Promise<void>((resolve) => server.listen(socketPath, resolve));
      });
      after(async () => {
        await new Promise((resolve) => server.close(resolve));
      });
      const openConnections = () =>
        new Promise<number>((resolve, reject) =>
          server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
        );

      it('times out with a sentence', async () => {
        const silent = createDockerClient({
          sources: sourcesWith({ DOCKER_HOST: `unix://${socketPath}` }),
          apiTimeoutMs: 300,
        });
        const started = Date.now();
        const error = await expectDockerError(silent.inspectContainer('nso-dev'), 'timeout');
        assert.equal(
          error.message,
          `Docker at unix://${socketPath} did not answer within 0.3 s while trying to inspect ` +
            'container nso-dev: the engine may be busy or hung; try again',
        );
        assert.ok(Date.now() - started < 2000);
        await expectDockerError(silent.ping({ timeoutMs: 100 }), 'timeout', /within 0\.1 s/);
        await eventually(openConnections, (count) => count === 0, 'abandoned requests to hang up');
      });

      it('cancels with a sentence', async () => {
        const silent = createDockerClient({
          sources: sourcesWith({ DOCKER_HOST: `unix://${socketPath}` }),
        });
        const controller = new AbortController();
        const pending = silent.listContainers({}, { signal: controller.signal });
        setTimeout(() => controller.abort(), 50);
        await expectDockerError(pending, 'cancelled', /^Cancelled: list containers$/);
        await eventually(
          openConnections,
          (count) => count === 0,
          'the cancelled request to hang up',
        );
        const before = new AbortController();
        before.abort();
        await expectDockerError(silent.ping({ signal: before.signal }), 'cancelled');
      });
    });

    it('says permission denied on the socket for a user outside the docker group', async function () {
      // A child process running as nobody meets the socket's real permissions.
      const script =
        `const { createDockerClient } = require(${JSON.stringify(path.join(repoRoot, 'src/core/docker'))});` +
        `createDockerClient().ping().then(() => console.log('{"kind":"none"}'),` +
        ` (e) => console.log(JSON.stringify({ kind: e.kind, message: e.message })));`;
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
          uid: 65534,
          gid: 65534,
          cwd: repoRoot,
          env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir() },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', () => resolve(stdout || stderr));
      });
      const reported = JSON.parse(output.trim().split('\n').pop() ?? '{}') as {
        kind: string;
        message: string;
      };
      assert.equal(reported.kind, 'permission');
      assert.equal(
        reported.message,
        'Permission denied on /var/run/docker.sock: add your user to the docker group (then log in ' +
          'again) or use a rootless engine (connect EACCES /var/run/docker.sock)',
      );
    });
  });

  describe('tcp:// engines with TLS', () => {
    let proxy: Awaited<ReturnType<typeof startTlsProxy>>;
    before(async () => {
      proxy = await startTlsProxy();
    });
    after(async () => {
      await proxy.close();
    });

    it('connects with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', async () => {
      const client = createDockerClient({
        sources: sourcesWith({
          DOCKER_HOST: `tcp://127.0.0.1:${proxy.port}`,
          DOCKER_TLS_VERIFY: '1',
          DOCKER_CERT_PATH: proxy.certDir,
        }),
      });
      assert.equal(client.endpoint.tls?.verify, true);
      const version = await client.version();
      assert.match(version.apiVersion, /^\d+\.\d+$/);
      const box = await sleeper();
      assert.equal((await client.exec(box, ['cat'], { stdin: 'over TLS' })).stdout, 'over TLS');
    });

    it('connects through a context with TLS material', async () => {
      const configDir = fs.mkdtempSync(path.join(scratch, 'docker-config-'));
      const name = 'nso-lab';
      const meta = contextMetaPath(configDir, name);
      const tlsDir = contextTlsDir(configDir, name);
      fs.mkdirSync(path.dirname(meta), { recursive: true });
      fs.mkdirSync(tlsDir, { recursive: true });
      fs.writeFileSync(
        meta,
        JSON.stringify({
          Name: name,
          Metadata: {},
          Endpoints: { docker: { Host: `tcp://127.0.0.1:${proxy.port}` } },
        }),
      );
      for (const file of ['ca.pem', 'cert.pem', 'key.pem']) {
        fs.copyFileSync(path.join(proxy.certDir, file), path.join(tlsDir, file));
      }
      fs.writeFileSync(
        path.join(configDir, 'config.json'),
        JSON.stringify({ currentContext: name }),
      );

      const client = createDockerClient({ sources: sourcesWith({ DOCKER_CONFIG: configDir }) });
      assert.equal(
        client.endpoint.description,
        `context 'nso-lab' (tcp://127.0.0.1:${proxy.port})`,
      );
      await client.ping();
    });

    it("says so when the engine's certificate is not from the expected CA", async () => {
      const client = createDockerClient({
        sources: sourcesWith({
          DOCKER_HOST: `tcp://127.0.0.1:${proxy.port}`,
          DOCKER_TLS_VERIFY: '1',
          DOCKER_CERT_PATH: proxy.wrongCaDir,
        }),
      });
      await expectDockerError(
        client.ping(),
        'authentication',
        new RegExp(
          `^The TLS connection to Docker at tcp://127\\.0\\.0\\.1:${proxy.port} failed: check the certificates`,
        ),
      );
    });
  });

  describe('ssh:// engines', () => {
    const user = 'nso-dev';
    let server: Awaited<ReturnType<typeof startSshDialServer>>;
    before(async () => {
      server = await startSshDialServer(user);
    });
    after(async () => {
      await server.close();
    });

    function sshClient(): DockerClient {
      return createDockerClient({
        sources: sourcesWith(
          { DOCKER_HOST: `ssh://${user}@127.0.0.1:${server.port}` },
          { homeDir: server.home },
        ),
      });
    }

    it('refuses a host key that is not in known_hosts', async () => {
      fs.writeFileSync(path.join(server.home, '.ssh', 'known_hosts'), '');
      await expectDockerError(
        sshClient().ping(),
        'authentication',
        /^The SSH host key of 127\.0\.0\.1 is not in ~\/\.ssh\/known_hosts: connect once with `ssh nso-dev@127\.0\.0\.1`/,
      );
    });

    it('talks to the engine through docker system dial-stdio once the host is known', async () => {
      fs.writeFileSync(path.join(server.home, '.ssh', 'known_hosts'), `${server.knownHostsLine}\n`);
      const client = sshClient();
      assert.equal(client.endpoint.description, `ssh://${user}@127.0.0.1:${server.port}`);
      const version = await client.version();
      assert.match(version.apiVersion, /^\d+\.\d+$/);
      assert.ok(server.commands.every((command) => command === 'docker system dial-stdio'));

      const box = await sleeper();
      const result = await client.exec(box, ['sh', '-c', 'cat; echo "[$1]"', 'x', 'a b'], {
        stdin: 'over ssh\n',
      });
      assert.equal(result.stdout, 'over ssh\n[a b]\n');
    });

    it('works from the esbuild bundle (ssh2 without native add-ons)', async function () {
      fs.writeFileSync(path.join(server.home, '.ssh', 'known_hosts'), `${server.knownHostsLine}\n`);
      const outfile = path.join(scratch, 'ssh-probe.js');
      // The same settings as esbuild.mjs uses for the shipped entry points.
      await esbuild.build({
        entryPoints: [path.join(__dirname, 'helpers', 'sshBundleProbe.ts')],
        outfile,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        minify: true,
        logLevel: 'silent',
        external: ['cpu-features', './crypto/build/Release/sshcrypto.node'],
      });
      // Asynchronously: the SSH server runs in this process and must keep answering.
      const { stdout: output } = await execFileAsync(process.execPath, [outfile], {
        cwd: scratch,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          HOME: server.home,
          DOCKER_HOST: `ssh://${user}@127.0.0.1:${server.port}`,
        },
        timeout: 30_000,
      });
      const reported = JSON.parse(output.trim()) as {
        ok: boolean;
        message?: string;
        version?: { apiVersion: string };
      };
      assert.equal(reported.ok, true, reported.message);
      assert.match(reported.version?.apiVersion ?? '', /^\d+\.\d+$/);
    });
  });
});
