// NSO: Apply ncs.conf to Running NSO, core half, against the simulator
// production image: a good file is reloaded, a broken one is refused with
// NSO's own message and the previous file is put back. The container is named
// nsowb-schematest-apply-* and removed at the end.

import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { createDockerClient } from '../../src/core/docker';
import { applyNcsConf, ncsConfInUse } from '../../src/core/nso/ncsConfApply';
import { repoRoot } from '../helpers/paths';

const image = 'nso-sim/cisco-nso-prod:6.4.1';
const name = `nsowb-schematest-apply-${process.pid}-${Date.now().toString(36)}`;
const docker = createDockerClient();

function dockerCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`docker ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout.trim());
    });
  });
}

describe('Apply ncs.conf to a running NSO', function () {
  this.timeout(180_000);

  before(async () => {
    await dockerCli([
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'none',
      '--health-interval=1s',
      '--health-start-period=60s',
      '-e',
      'ADMIN_PASSWORD=admin',
      image,
    ]);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const health = await dockerCli(['inspect', '-f', '{{.State.Health.Status}}', name]);
      if (health === 'healthy') break;
      if (Date.now() > deadline) throw new Error(`${name} not healthy: ${health}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  after(async () => {
    await dockerCli(['rm', '-f', '-v', name]).catch(() => undefined);
  });

  it('reloads a good file and refuses a broken one, putting the previous file back', async () => {
    const good = fs.readFileSync(path.join(repoRoot, 'sample', 'ncs.conf'), 'utf8');
    const ok = await applyNcsConf(docker, name, good);
    assert.equal(ok.ok, true, ok.output);
    const inUse = await ncsConfInUse(docker, name);
    assert.equal(inUse?.path, ok.containerPath);
    assert.equal(inUse?.content.toString('utf8'), good);

    const broken = good.replace('<ncs-config', '<ncs-confg');
    const refused = await applyNcsConf(docker, name, broken);
    assert.equal(refused.ok, false);
    assert.equal(refused.restored, true);
    assert.match(refused.output, /mismatched tag|parse error/i);
    assert.equal((await ncsConfInUse(docker, name))?.content.toString('utf8'), good);
  });
});
