import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { addSubcommand } from '../../src/cli/main';
import { startCommand } from '../../src/cli/startCommand';
import { createDockerClient, nodeEndpointSources } from '../../src/core/docker';
import { repoRoot } from '../helpers/paths';
import { runCaptured } from '../helpers/runCaptured';
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
 * `nso-workbench start` takes the production container's name and network
 * from the workspace's .vscode/settings.json, as the extension does, so both
 * find the same container; a flag wins over the setting. Everything is named
 * nsowb-prodtest-* and removed at the end.
 */

addSubcommand(startCommand);

const docker = createDockerClient({ sources: nodeEndpointSources() });

describe('CLI start with the workspace settings', function () {
  const containers: string[] = [];
  let network = '';
  let ws = '';

  before(async function () {
    this.timeout(25 * 60_000);
    await ensureImages();
    network = await createTestNetwork();
  });

  after(async function () {
    this.timeout(180_000);
    await removeContainersAndVolumes(
      containers,
      containers.flatMap((c) => [`${c}-nso`, `${c}-log`]),
    );
    if (network) await removeTestNetwork(network);
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('names the container and joins the network of nso.prod.containerName and nso.prod.network', async function () {
    this.timeout(600_000);
    ws = fs.mkdtempSync(path.join(os.tmpdir(), `${prodTestPrefix}ws-`));
    fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'prod-packages'), path.join(ws, 'packages'), {
      recursive: true,
    });
    const name = testName('clistart');
    containers.push(name);
    fs.mkdirSync(path.join(ws, '.vscode'));
    fs.writeFileSync(
      path.join(ws, '.vscode', 'settings.json'),
      // Padded values: VS Code users leave spaces in settings; they are not part of a name.
      `{\n  // this workspace's NSO\n  "nso.prod.containerName": " ${name} ",\n  "nso.prod.network": "${network}",\n}\n`,
    );

    const started = await runCaptured(
      ['start', '--dir', ws, '--image', prodImage, '--health-start-period', '180', '--json'],
      process.env,
    );
    assert.equal(started.code, 0, started.err);
    const doc = JSON.parse(started.out) as { ok: boolean; name: string };
    assert.equal(doc.name, name);
    const details = await docker.inspectContainer(name);
    assert.equal(details.state.running, true);
    const networks = await run('docker', [
      'inspect',
      '-f',
      '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}',
      name,
    ]);
    assert.equal(networks.stdout.trim(), network);

    // A flag wins over the setting: another name is another container.
    const other = testName('clistart-flag');
    containers.push(other);
    const flagged = await runCaptured(
      ['start', '--dir', ws, '--image', prodImage, '--name', other, '--json'],
      process.env,
    );
    assert.equal(flagged.code, 0, flagged.err);
    assert.equal((JSON.parse(flagged.out) as { name: string }).name, other);
  });
});
