import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { createDockerClient, nodeEndpointSources } from '../../src/core/docker';
import { isNcsCliError, NcsCli } from '../../src/core/nso/ncsCli';
import {
  isProdContainerError,
  removeProdContainer,
  startProdContainer,
  stopProdContainer,
  volumeRemoveCommand,
  type ProdSettings,
} from '../../src/core/nso/prodContainer';
import { MemoryLoadedStateStore, reloadPackages } from '../../src/core/nso/reload';
import { repoRoot } from '../helpers/paths';
import { ensureTestImage } from './helpers/testImage';
import {
  createTestNetwork,
  ensureImages,
  prodImage,
  prodTestPrefix,
  removeContainersAndVolumes,
  removeTestNetwork,
  run,
  testName,
} from './reloadSupport';

/*
 * The production container's life through the product's core, on the
 * simulator production image: start, stop, remove and start again keep NSO's
 * data in the /nso volume; failures (a port in use, an image for another
 * architecture, no ncs_cli, a user NSO refuses, NSO still starting, a broken
 * ncs.conf) each say what happened and leave things as they were. Everything
 * is named nsowb-prodtest-* and removed at the end.
 */

const docker = createDockerClient({ sources: nodeEndpointSources() });
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'prod-packages');

describe('production container life cycle', function () {
  const containers: string[] = [];
  const volumes: string[] = [];
  const images: string[] = [];
  const dirs: string[] = [];
  let network = '';

  /** A workspace with our own compiled fixture packages. */
  function workspace(): string {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), `${prodTestPrefix}ws-`));
    dirs.push(ws);
    fs.cpSync(fixtures, path.join(ws, 'packages'), { recursive: true });
    return ws;
  }

  function settings(ws: string, what: string, extra: Partial<ProdSettings> = {}): ProdSettings {
    const name = extra.containerName ?? testName(what);
    containers.push(name);
    volumes.push(`${name}-nso`, `${name}-log`);
    return {
      workspaceFolder: ws,
      packagesDir: path.join(ws, 'packages'),
      image: prodImage,
      containerName: name,
      healthStartPeriodS: 180,
      network,
      ...extra,
    };
  }

  const cli = new NcsCli(docker);
  async function cliOut(container: string, commands: string[], user = 'admin'): Promise<string> {
    return (await cli.run(container, commands, { user })).stdout;
  }

  before(async function () {
    this.timeout(25 * 60_000);
    await ensureImages();
    network = await createTestNetwork();
  });

  after(async function () {
    this.timeout(180_000);
    await removeContainersAndVolumes(containers, volumes);
    for (const i of images) await run('docker', ['rmi', '-f', i]);
    if (network) await removeTestNetwork(network);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('keeps NSO data in the volume across stop, remove and a second start', async function () {
    this.timeout(600_000);
    const ws = workspace();
    const s = settings(ws, 'life');
    const name = s.containerName!;

    const first = await startProdContainer(docker, s);
    assert.equal(first.action, 'created');
    assert.equal(first.name, name);
    const details = await docker.inspectContainer(name);
    assert.equal(details.labels['org.nso-workbench.role'], 'prod');
    assert.equal(details.labels['org.nso-workbench.workspace'], ws);
    assert.equal(details.env.EXTRA_ARGS, '--with-package-reload');
    assert.equal(details.healthcheck?.startPeriodMs, 180_000, 'our start period');
    assert.deepEqual(details.healthcheck?.test, ['CMD-SHELL', 'ncs_cmd -c "wait-start 2"']);
    assert.deepEqual(details.mounts.map((m) => [m.destination, m.type]).sort(), [
      ['/log', 'volume'],
      ['/nso', 'volume'],
      ['/nso/run/packages', 'bind'],
    ]);

    assert.equal((await startProdContainer(docker, s)).action, 'alreadyRunning');
    await cliOut(name, ['config', 'settings banner "kept in CDB"', 'commit', 'end']);

    await stopProdContainer(docker, name);
    assert.equal((await docker.inspectContainer(name)).state.running, false);
    const restarted = await startProdContainer(docker, s);
    assert.equal(restarted.action, 'started', 'the stopped container is started again');
    assert.equal(
      await cliOut(name, ['show running-config settings banner']),
      'settings banner "kept in CDB"\n',
    );

    const removed = await removeProdContainer(docker, name, false);
    assert.deepEqual(removed.deletedVolumes, []);
    assert.deepEqual(removed.keptVolumes.sort(), [`${name}-log`, `${name}-nso`]);
    assert.equal((await run('docker', ['volume', 'inspect', `${name}-nso`])).code, 0);

    const again = await startProdContainer(docker, s);
    assert.equal(again.action, 'created', 'a new container...');
    assert.equal(
      await cliOut(name, ['show running-config settings banner']),
      'settings banner "kept in CDB"\n',
      '...on the same volume, with the same data',
    );

    const wiped = await removeProdContainer(docker, name, true);
    assert.deepEqual(wiped.deletedVolumes.sort(), [`${name}-log`, `${name}-nso`]);
    assert.notEqual((await run('docker', ['volume', 'inspect', `${name}-nso`])).code, 0);
  });

  it('removes the container and says which volume it could not delete, and how', async function () {
    this.timeout(600_000);
    const s = settings(workspace(), 'inuse');
    const name = s.containerName!;
    await startProdContainer(docker, s);
    // Another container holding the /log volume keeps the engine from deleting it.
    const holder = testName('holder');
    containers.push(holder);
    const created = await run('docker', [
      'create',
      '--name',
      holder,
      '-v',
      `${name}-log:/held`,
      prodImage,
      'true',
    ]);
    assert.equal(created.code, 0, created.stderr);

    const result = await removeProdContainer(docker, name, true);
    assert.notEqual((await run('docker', ['inspect', name])).code, 0, 'the container is gone');
    assert.deepEqual(result.deletedVolumes, [`${name}-nso`]);
    assert.deepEqual(
      result.failedVolumes.map((f) => f.name),
      [`${name}-log`],
    );
    assert.match(result.failedVolumes[0]!.reason, /in use/i);
    assert.equal(volumeRemoveCommand([`${name}-log`]), `docker volume rm ${name}-log`);

    assert.equal((await run('docker', ['rm', holder])).code, 0);
    assert.equal((await run('docker', ['volume', 'rm', `${name}-log`])).code, 0);
  });

  it('says a host port is in use, and creates nothing', async function () {
    this.timeout(120_000);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const s = settings(workspace(), 'port', { ports: [`${port}:2024`] });
      await assert.rejects(startProdContainer(docker, s), (e: unknown) => {
        assert.ok(isProdContainerError(e), String(e));
        assert.match(e.message, new RegExp(`port ${port} on the host is already in use`));
        assert.match(e.message, /nso\.prod\.ports/);
        return true;
      });
      assert.notEqual((await run('docker', ['inspect', s.containerName!])).code, 0);
      assert.notEqual(
        (await run('docker', ['volume', 'inspect', `${s.containerName!}-nso`])).code,
        0,
      );
    } finally {
      server.close();
    }
  });

  it('refuses an image for another processor architecture before creating anything', async function () {
    this.timeout(120_000);
    const engineArch = (await docker.version()).arch;
    const other = engineArch === 'arm64' ? 'amd64' : 'arm64';
    const image = `${testName('foreign')}:1`;
    images.push(image);
    // An image that only claims another architecture is all this check reads:
    // a `docker save` archive with one empty layer and a config that says so.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prodTestPrefix}image-`));
    dirs.push(dir);
    const layer = Buffer.alloc(1024);
    const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
    const config = JSON.stringify({
      architecture: other,
      os: 'linux',
      config: { Cmd: ['true'] },
      rootfs: { type: 'layers', diff_ids: [`sha256:${sha(layer)}`] },
    });
    fs.mkdirSync(path.join(dir, 'layer'));
    fs.writeFileSync(path.join(dir, 'layer', 'layer.tar'), layer);
    fs.writeFileSync(path.join(dir, `${sha(config)}.json`), config);
    fs.writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify([
        { Config: `${sha(config)}.json`, RepoTags: [image], Layers: ['layer/layer.tar'] },
      ]),
    );
    const tar = await run('tar', [
      '-C',
      dir,
      '-cf',
      path.join(dir, 'image.tar'),
      'manifest.json',
      `${sha(config)}.json`,
      'layer',
    ]);
    assert.equal(tar.code, 0, tar.stderr);
    const loaded = await run('docker', ['load', '-i', path.join(dir, 'image.tar')]);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.equal((await docker.inspectImage(image)).architecture, other);
    const s = settings(workspace(), 'arch', { image });
    await assert.rejects(startProdContainer(docker, s), (e: unknown) => {
      assert.ok(isProdContainerError(e), String(e));
      assert.match(
        e.message,
        new RegExp(`built for ${other}, but Docker .* runs on ${engineArch}`),
      );
      return true;
    });
    assert.notEqual((await run('docker', ['inspect', s.containerName!])).code, 0);
  });

  it('says ncs_cli is missing in a container that is not NSO', async function () {
    this.timeout(120_000);
    const name = testName('busybox');
    containers.push(name);
    const image = ensureTestImage();
    const started = await run('docker', [
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'none',
      image,
      'sleep',
      '600',
    ]);
    assert.equal(started.code, 0, started.stderr);
    await assert.rejects(
      reloadPackages({
        docker,
        cli: new NcsCli(docker),
        container: name,
        workspaceFolder: workspace(),
        adminUser: 'admin',
        strategy: 'auto',
        store: new MemoryLoadedStateStore(),
      }),
      (e: unknown) => {
        assert.ok(isNcsCliError(e, 'missing'), String(e));
        assert.match(e.message, /NSO production container/);
        return true;
      },
    );
  });

  describe('with local authentication on', function () {
    let name = '';

    before(async function () {
      this.timeout(600_000);
      const ws = workspace();
      const defaults = await run('docker', [
        'run',
        '--rm',
        '--network',
        'none',
        '--entrypoint',
        'cat',
        prodImage,
        '/defaults/ncs.conf',
      ]);
      assert.equal(defaults.code, 0, defaults.stderr);
      fs.writeFileSync(
        path.join(ws, 'ncs.conf'),
        defaults.stdout.replace(
          /<local-authentication>\s*<enabled>false<\/enabled>/,
          '<local-authentication>\n      <enabled>true</enabled>',
        ),
      );
      const s = settings(ws, 'auth', {
        adminUser: 'nsoadmin',
        adminPassword: 'not-logged',
        ncsConf: path.join(ws, 'ncs.conf'),
      });
      name = s.containerName!;
      const result = await startProdContainer(docker, s);
      assert.deepEqual(result.warnings, [], 'local authentication is on: ADMIN_PASSWORD is used');
    });

    it('lets the admin user in and refuses another with a clear message', async function () {
      this.timeout(120_000);
      const store = new MemoryLoadedStateStore();
      const ws = (await docker.inspectContainer(name)).labels['org.nso-workbench.workspace']!;
      const request = {
        docker,
        cli,
        container: name,
        workspaceFolder: ws,
        strategy: 'auto' as const,
        store,
      };
      const ok = await reloadPackages({ ...request, adminUser: 'nsoadmin' });
      assert.equal(ok.status, 'ok', ok.message);
      await assert.rejects(reloadPackages({ ...request, adminUser: 'intruder' }), (e: unknown) => {
        assert.ok(isNcsCliError(e, 'accessDenied'), String(e));
        assert.match(e.message, /NSO refused the user intruder/);
        assert.match(e.message, /ADMIN_USERNAME\/ADMIN_PASSWORD create it only on the first start/);
        return true;
      });
    });

    it('never writes the admin password into a label', async function () {
      const details = await docker.inspectContainer(name);
      assert.ok(!JSON.stringify(details.labels).includes('not-logged'));
    });

    it('warns on a first start without a password, when NSO would have no admin user', async function () {
      this.timeout(600_000);
      // A workspace of its own, with the same ncs.conf (local authentication on).
      const authWs = (await docker.inspectContainer(name)).labels['org.nso-workbench.workspace']!;
      const ws = workspace();
      fs.copyFileSync(path.join(authWs, 'ncs.conf'), path.join(ws, 'ncs.conf'));
      const s = settings(ws, 'nopass', { ncsConf: path.join(ws, 'ncs.conf') });
      const first = await startProdContainer(docker, s);
      assert.equal(first.warnings.length, 1, first.warnings.join('\n'));
      assert.match(
        first.warnings[0]!,
        /^NSO started on a new \/nso volume without an admin password, so it has no user admin: .* remove the container with its volumes and start NSO again with an admin password\.$/,
      );
      // A later start on the same volume does not create it either, and says nothing new.
      await stopProdContainer(docker, s.containerName!);
      const again = await startProdContainer(docker, s);
      assert.deepEqual(again.warnings, []);
      await removeProdContainer(docker, s.containerName!, true);
    });
  });

  it('warns when ADMIN_PASSWORD is set but local authentication is off', async function () {
    this.timeout(600_000);
    const s = settings(workspace(), 'noauth', { adminPassword: 'ignored' });
    const result = await startProdContainer(docker, s);
    assert.equal(result.warnings.length, 1);
    assert.match(
      result.warnings[0]!,
      /ADMIN_PASSWORD has no effect: NSO uses \/defaults\/ncs\.conf, where \/ncs-config\/aaa\/local-authentication\/enabled is false/,
    );
    await removeProdContainer(docker, s.containerName!, true);
  });

  it('says NSO is still starting instead of reloading', async function () {
    this.timeout(300_000);
    const name = testName('slow');
    containers.push(name);
    const ws = workspace();
    const r = await run('docker', [
      'run',
      '-d',
      '--name',
      name,
      '--network',
      network,
      '-e',
      'NSO_SIM_START_DELAY=600',
      '-v',
      `${path.join(ws, 'packages')}:/nso/run/packages`,
      prodImage,
    ]);
    assert.equal(r.code, 0, r.stderr);
    await assert.rejects(
      reloadPackages({
        docker,
        cli,
        container: name,
        workspaceFolder: ws,
        adminUser: 'admin',
        strategy: 'full',
        store: new MemoryLoadedStateStore(),
      }),
      (e: unknown) => {
        assert.ok(isNcsCliError(e, 'notRunning'), String(e));
        assert.match(e.message, /is still starting \(health: starting/);
        assert.match(e.message, /Nothing was reloaded/);
        return true;
      },
    );
  });

  it('shows the logs and what to do when NSO rejects its ncs.conf', async function () {
    this.timeout(600_000);
    const ws = workspace();
    fs.writeFileSync(
      path.join(ws, 'ncs.conf'),
      '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">\n',
    );
    const s = settings(ws, 'badconf', { ncsConf: path.join(ws, 'ncs.conf') });
    await assert.rejects(startProdContainer(docker, s), (e: unknown) => {
      assert.ok(isProdContainerError(e), String(e));
      assert.match(e.message, /stopped during start-up/);
      // NSO's own words, with the line, in the message; the advice once.
      assert.match(e.message, /NSO rejects its ncs\.conf \(\/nso\/etc\/ncs\.conf line \d+: .+\)/);
      assert.equal(e.message.match(/start again|start NSO again/g)?.length, 1, e.message);
      assert.equal(e.ncsConf?.containerFile, '/nso/etc/ncs.conf');
      assert.equal(
        e.ncsConf?.hostFile,
        path.join(ws, 'ncs.conf'),
        'the workspace file it came from',
      );
      assert.ok(e.ncsConf.line > 0);
      assert.ok(e.dockerLogs.length > 0, 'the last lines of docker logs come along');
      return true;
    });
    const state = await run('docker', ['inspect', '-f', '{{.State.Status}}', s.containerName!]);
    assert.equal(state.stdout.trim(), 'exited', 'kept for the user to look at');
  });
});
