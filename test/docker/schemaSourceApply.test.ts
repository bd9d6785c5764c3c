// NSO: Apply ncs.conf to Running NSO, core half, against the simulator
// production image: a good file is reloaded, a broken one is refused with
// NSO's own message and the previous file is put back. A second container
// bind-mounts a host ncs.conf at /nso/etc/ncs.conf, as Start NSO does: the
// file is saved and reloaded in place (Docker cannot copy over a bind mount).
// The containers are named nsowb-schematest-apply-* and removed at the end,
// with the temporary host folder.

import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createDockerClient } from '../../src/core/docker';
import { applyNcsConf, ncsConfInUse } from '../../src/core/nso/ncsConfApply';
import { repoRoot } from '../helpers/paths';

const image = 'nso-sim/cisco-nso-prod:6.4.1';
const name = `nsowb-schematest-apply-${process.pid}-${Date.now().toString(36)}`;
const bindName = `nsowb-schematest-apply-bind-${process.pid}-${Date.now().toString(36)}`;
const docker = createDockerClient();

function dockerCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`docker ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout.trim());
    });
  });
}

async function runHealthy(container: string, extra: string[] = []): Promise<void> {
  await dockerCli([
    'run',
    '-d',
    '--name',
    container,
    '--network',
    'none',
    '--health-interval=1s',
    '--health-start-period=60s',
    '-e',
    'ADMIN_PASSWORD=admin',
    ...extra,
    image,
  ]);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const health = await dockerCli(['inspect', '-f', '{{.State.Health.Status}}', container]);
    if (health === 'healthy') break;
    if (Date.now() > deadline) throw new Error(`${container} not healthy: ${health}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** How often NSO said it re-read ncs.conf into the given log. */
async function reloadsLogged(container: string, log: string): Promise<number> {
  const text = await docker
    .readFile(container, log)
    .then((b) => b.toString('utf8'))
    .catch(() => '');
  return text.split('\n').filter((l) => l.includes('Reloaded configuration file')).length;
}

describe('Apply ncs.conf to a running NSO', function () {
  this.timeout(180_000);

  before(async () => {
    await runHealthy(name);
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

  it('refuses an ncs.conf.d/ fragment before anything changes', async () => {
    const before = (await ncsConfInUse(docker, name))?.content.toString('utf8');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-schematest-apply-frag-'));
    try {
      const fragment = path.join(dir, 'ncs.conf.d', 'compaction.conf');
      fs.mkdirSync(path.dirname(fragment));
      const text =
        '<compaction>\n  <journal-compaction>manual</journal-compaction>\n</compaction>\n';
      fs.writeFileSync(fragment, text);
      await assert.rejects(
        applyNcsConf(docker, name, text, { hostFile: fragment }),
        /compaction\.conf is an ncs\.conf\.d\/ fragment, not a whole ncs\.conf: .*Nothing was applied\./,
      );
      assert.equal((await ncsConfInUse(docker, name))?.content.toString('utf8'), before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Apply ncs.conf to a running NSO that bind-mounts the file', function () {
  this.timeout(180_000);
  const good = fs.readFileSync(path.join(repoRoot, 'sample', 'ncs.conf'), 'utf8');
  // A change NSO shows once it re-reads the file: its own log moves.
  const applied = good.replace('${NCS_LOG_DIR}/ncs.log', '${NCS_LOG_DIR}/ncs-applied.log');
  let hostDir = '';
  let hostFile = '';

  before(async () => {
    assert.notEqual(applied, good);
    hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-apply-bind-'));
    hostFile = path.join(hostDir, 'ncs.conf');
    fs.writeFileSync(hostFile, good);
    await runHealthy(bindName, ['-v', `${hostFile}:/nso/etc/ncs.conf`]);
  });

  after(async () => {
    await dockerCli(['rm', '-f', '-v', bindName]).catch(() => undefined);
    if (hostDir) fs.rmSync(hostDir, { recursive: true, force: true });
  });

  it('does not copy over a bind mount of another host file', async () => {
    const other = path.join(hostDir, 'other-ncs.conf');
    fs.writeFileSync(other, applied);
    const result = await applyNcsConf(docker, bindName, applied, { hostFile: other });
    assert.equal(result.ok, false);
    assert.equal(result.how, 'mounted-elsewhere');
    assert.equal(result.hostPath, hostFile);
    assert.match(result.output, /bind mount/);
    assert.equal(fs.readFileSync(hostFile, 'utf8'), good);
    assert.equal(await reloadsLogged(bindName, '/log/ncs-applied.log'), 0);
  });

  it('saves the file and reloads it in place; a broken one is refused and NSO keeps the previous configuration', async () => {
    const ok = await applyNcsConf(docker, bindName, applied, { hostFile });
    assert.equal(ok.ok, true, ok.output);
    assert.equal(ok.how, 'in-place');
    assert.equal(ok.containerPath, '/nso/etc/ncs.conf');
    assert.equal(fs.readFileSync(hostFile, 'utf8'), applied);
    assert.equal((await ncsConfInUse(docker, bindName))?.content.toString('utf8'), applied);
    // NSO re-read it: the reload is written to the log the new file names.
    assert.equal(await reloadsLogged(bindName, '/log/ncs-applied.log'), 1);

    const broken = applied.replace('<ncs-config', '<ncs-confg');
    const refused = await applyNcsConf(docker, bindName, broken, { hostFile });
    assert.equal(refused.ok, false);
    assert.equal(refused.how, 'in-place');
    assert.equal(refused.restored, false);
    assert.match(refused.output, /mismatched tag|parse error/i);
    // The user's saved document stays as saved; NSO still runs and still
    // uses the configuration it had (no second reload in the applied log).
    assert.equal(fs.readFileSync(hostFile, 'utf8'), broken);
    assert.equal(await reloadsLogged(bindName, '/log/ncs-applied.log'), 1);
    const status = await docker.exec(bindName, ['ncs', '--status'], { timeoutMs: 30_000 });
    assert.equal(status.exitCode, 0, status.stdout + status.stderr);

    // Fixed and applied again: NSO takes it.
    const again = await applyNcsConf(docker, bindName, applied, { hostFile });
    assert.equal(again.ok, true, again.output);
    assert.equal(await reloadsLogged(bindName, '/log/ncs-applied.log'), 2);
  });

  it('says so, and reloads nothing, when the file was replaced by a rename the mount does not follow', async () => {
    // What git checkout, sed -i and safe-writing editors do: a new file renamed over the old.
    const renamed = good.replace('${NCS_LOG_DIR}/ncs.log', '${NCS_LOG_DIR}/ncs-renamed.log');
    const fresh = path.join(hostDir, 'ncs.conf.new');
    fs.writeFileSync(fresh, renamed);
    fs.renameSync(fresh, hostFile);
    const stale = await applyNcsConf(docker, bindName, renamed, { hostFile });
    assert.equal(stale.ok, false);
    assert.equal(stale.how, 'in-place');
    assert.match(
      stale.output,
      /^\/nso\/etc\/ncs\.conf in the container still shows the file as it was before it was replaced .* Restart NSO \(its data is kept\): it starts with the saved file\. Nothing was reloaded\.$/,
    );
    assert.equal(stale.staleMount, true);
    assert.equal(await reloadsLogged(bindName, '/log/ncs-renamed.log'), 0);
  });
});
