import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { addSubcommand } from '../../src/cli/main';
import { startCommand } from '../../src/cli/startCommand';
import { createDockerClient, isDockerError, nodeEndpointSources } from '../../src/core/docker';
import { runCaptured } from '../helpers/runCaptured';

/*
 * `nso-workbench start` with a production image that is not loaded in the
 * real engine: the message names where the image came from, since the fix
 * differs (leave out the flag, or clear the setting). Nothing is created: the
 * image is checked before any container or volume.
 */

addSubcommand(startCommand);

const docker = createDockerClient({ sources: nodeEndpointSources() });
const missingImage = 'nsowb-starttest-missing/cisco-nso-prod:0.0';
const container = `nsowb-starttest-${process.pid}`;

describe('CLI start with an image that is not loaded', function () {
  this.timeout(60_000);
  let ws = '';

  before(async () => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-starttest-'));
    fs.mkdirSync(path.join(ws, 'packages'));
    // The test means nothing if the image happens to exist.
    await assert.rejects(docker.inspectImage(missingImage), (e) => isDockerError(e, 'notFound'));
  });

  after(() => {
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  const start = (extra: string[]) =>
    runCaptured(['start', '--dir', ws, '--name', container, '--json', ...extra], process.env);

  it('names --image, and to leave it out, when the flag named it', async () => {
    const r = await start(['--image', missingImage]);
    assert.equal(r.code, 1, r.err);
    const { ok, error } = JSON.parse(r.out) as { ok: boolean; error: string };
    assert.equal(ok, false);
    assert.match(error, /cisco-nso-prod:0\.0 \(--image\) is not loaded in Docker at /);
    assert.match(error, /or leave out --image to use the newest local cisco-nso-prod image\.$/);
    assert.doesNotMatch(error, /setting nso\.prodImage/);
  });

  it('names the setting nso.prodImage when the workspace settings named it', async () => {
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    fs.writeFileSync(
      path.join(ws, '.vscode', 'settings.json'),
      JSON.stringify({ 'nso.prodImage': missingImage }),
    );
    const r = await start([]);
    assert.equal(r.code, 1, r.err);
    const { error } = JSON.parse(r.out) as { error: string };
    assert.match(error, /cisco-nso-prod:0\.0 \(setting nso\.prodImage\) is not loaded/);
    assert.match(error, /or clear the setting/);
    // Checked before anything was made.
    await assert.rejects(docker.inspectContainer(container), (e) => isDockerError(e, 'notFound'));
  });
});
