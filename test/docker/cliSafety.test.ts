import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { addSubcommand } from '../../src/cli/main';
import { stopCommand } from '../../src/cli/stopCommand';
import { createDockerClient, nodeEndpointSources } from '../../src/core/docker';
import { startProdContainer } from '../../src/core/nso/prodContainer';
import { repoRoot } from '../helpers/paths';
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
import { runCaptured, type CapturedRun } from '../helpers/runCaptured';

/*
 * The CLI's destructive commands against a real production container on the
 * simulator image: `stop --remove --delete-volumes` without --yes names what
 * it would delete and changes nothing; with --yes it deletes. Everything is
 * named nsowb-prodtest-* and removed at the end.
 */

addSubcommand(stopCommand);

const docker = createDockerClient({ sources: nodeEndpointSources() });

const cli = (args: string[]): Promise<CapturedRun> => runCaptured(args, process.env);

async function volumeExists(name: string): Promise<boolean> {
  return (await run('docker', ['volume', 'inspect', name])).code === 0;
}

describe('CLI safety on a production container', function () {
  const containers: string[] = [];
  const volumes: string[] = [];
  let network = '';
  let ws = '';
  const dirs: string[] = [];

  before(async function () {
    this.timeout(25 * 60_000);
    await ensureImages();
    network = await createTestNetwork();
  });

  after(async function () {
    this.timeout(180_000);
    await removeContainersAndVolumes(containers, volumes);
    if (network) await removeTestNetwork(network);
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('stop --remove --delete-volumes needs --yes, lists the volumes and changes nothing without it', async function () {
    this.timeout(600_000);
    ws = fs.mkdtempSync(path.join(os.tmpdir(), `${prodTestPrefix}ws-`));
    fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'prod-packages'), path.join(ws, 'packages'), {
      recursive: true,
    });
    const name = testName('clistop');
    const nsoVolume = `${name}-nso`;
    const logVolume = `${name}-log`;
    containers.push(name);
    volumes.push(nsoVolume, logVolume);
    await startProdContainer(docker, {
      workspaceFolder: ws,
      packagesDir: path.join(ws, 'packages'),
      image: prodImage,
      containerName: name,
      healthStartPeriodS: 180,
      network,
    });

    const asked = await cli(['stop', '--dir', ws, '--remove', '--delete-volumes']);
    assert.equal(asked.code, 2, asked.err);
    assert.match(asked.err, /add --yes to go ahead/);
    assert.match(asked.err, new RegExp(`^  ${nsoVolume} \\(/nso\\)$`, 'm'));
    assert.match(asked.err, new RegExp(`^  ${logVolume} \\(/log\\)$`, 'm'));
    assert.match(asked.err, /CDB/);
    assert.match(asked.err, /backups under \/nso\/run\/backups/);
    assert.match(asked.err, /Nothing was changed/);
    assert.equal(asked.out, '');
    const still = await docker.inspectContainer(name);
    assert.equal(still.state.running, true, 'the container still runs');
    assert.ok(await volumeExists(nsoVolume));
    assert.ok(await volumeExists(logVolume));

    const asJson = await cli(['stop', '--dir', ws, '--remove', '--delete-volumes', '--json']);
    assert.equal(asJson.code, 2);
    const doc = JSON.parse(asJson.out) as {
      ok: boolean;
      kind: string;
      changed: boolean;
      volumes: { name: string; destination: string }[];
    };
    assert.equal(doc.ok, false);
    assert.equal(doc.kind, 'confirmationNeeded');
    assert.equal(doc.changed, false);
    assert.deepEqual(doc.volumes.map((v) => `${v.name} ${v.destination}`).sort(), [
      `${logVolume} /log`,
      `${nsoVolume} /nso`,
    ]);
    assert.equal((await docker.inspectContainer(name)).state.running, true);

    const confirmed = await cli(['stop', '--dir', ws, '--remove', '--delete-volumes', '--yes']);
    assert.equal(confirmed.code, 0, confirmed.err);
    assert.match(confirmed.out, new RegExp(`Removed ${name}`));
    assert.match(confirmed.out, /Deleted\./);
    assert.equal((await run('docker', ['container', 'inspect', name])).code, 1);
    assert.equal(await volumeExists(nsoVolume), false);
    assert.equal(await volumeExists(logVolume), false);
  });

  it('names the kept volumes when the container was removed before, and deletes nothing', async function () {
    this.timeout(600_000);
    const own = fs.mkdtempSync(path.join(os.tmpdir(), `${prodTestPrefix}ws-`));
    dirs.push(own);
    fs.cpSync(
      path.join(repoRoot, 'test', 'fixtures', 'prod-packages'),
      path.join(own, 'packages'),
      {
        recursive: true,
      },
    );
    const name = testName('clikept');
    containers.push(name);
    volumes.push(`${name}-nso`, `${name}-log`);
    await startProdContainer(docker, {
      workspaceFolder: own,
      packagesDir: path.join(own, 'packages'),
      image: prodImage,
      containerName: name,
      healthStartPeriodS: 180,
      network,
    });
    const removed = await cli(['stop', '--dir', own, '--remove']);
    assert.equal(removed.code, 0, removed.err);

    const again = await cli(['stop', '--dir', own, '--remove', '--delete-volumes', '--yes']);
    assert.equal(again.code, 1);
    assert.match(
      again.err,
      new RegExp(
        `nothing to stop or remove\\. Its volumes are kept: ${name}-log, ${name}-nso .*docker volume rm ${name}-log ${name}-nso\\.`,
      ),
    );
    assert.ok(await volumeExists(`${name}-nso`), 'nothing was deleted');
    assert.ok(await volumeExists(`${name}-log`));
  });
});
