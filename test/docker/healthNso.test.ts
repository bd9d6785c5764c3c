// The health monitor against an NSO production container (the simulator image
// nso-sim/cisco-nso-prod:6.4.1 honours the cisco-nso-prod contract): a slow
// start goes starting → healthy and NSO is then asked for its packages; the
// ncs process frozen with SIGSTOP turns it unhealthy and SIGCONT heals it.
// Short health intervals come from the container's own health check options.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { statusCommand } from '../../src/cli/statusCommand';
import { createDockerClient, type DockerClient } from '../../src/core/docker';
import type { NsoHealth } from '../../src/core/nso/health';
import { ContainerWatcher } from '../../src/core/watch/containerWatcher';
import { HealthMonitor } from '../../src/core/watch/healthMonitor';
import { isWatchedContainer } from '../../src/core/watch/nsoContainers';
import { runProdArgs } from '../helpers/prodContainerArgs';
import { matchingAfter, startLive } from './helpers/watching';
import { docker, dockerOk, healthPrefix, nextMatching } from './healthSupport';

const image = process.env.NSO_SIM_PROD_IMAGE ?? 'nso-sim/cisco-nso-prod:6.4.1';
const run = `${healthPrefix}${process.pid}-${Date.now().toString(36)}`;

/** Two Python packages of our own: one loads, one has a syntax error. */
function writePackages(root: string): void {
  const pkg = (name: string, mainPy: string): void => {
    const dir = path.join(root, 'packages', name);
    fs.mkdirSync(path.join(dir, 'python', name), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'package-meta-data.xml'),
      [
        '<ncs-package xmlns="http://tail-f.com/ns/ncs-packages">',
        `  <name>${name}</name>`,
        '  <package-version>1.0</package-version>',
        '  <ncs-min-version>6.0</ncs-min-version>',
        '  <component>',
        '    <name>main</name>',
        '    <application>',
        `      <python-class-name>${name}.main.Main</python-class-name>`,
        '    </application>',
        '  </component>',
        '</ncs-package>',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'python', name, '__init__.py'), '');
    fs.writeFileSync(path.join(dir, 'python', name, 'main.py'), mainPy);
  };
  pkg('greeter', 'class Main:\n    """Starts and stops with NSO."""\n\n    pass\n');
  pkg('broken', 'class Main(:\n    pass\n');
}

/** Runs the CLI's status subcommand in this process, capturing what it writes. */
async function runStatus(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void): NodeJS.WritableStream =>
    ({
      write: (chunk: string | Uint8Array) => {
        append(String(chunk));
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  const code = await statusCommand.run(args, {
    stdout: sink((t) => (stdout += t)),
    stderr: sink((t) => (stderr += t)),
    env: process.env,
  });
  return { code, stdout, stderr };
}

describe('NSO health of a production container', function () {
  this.timeout(240_000);
  let workspace = '';
  let client: DockerClient;
  let watcher: ContainerWatcher;
  let monitor: HealthMonitor;
  const states: string[] = [];
  const name = `${run}-prod`;

  before(async function () {
    const present = await docker(['image', 'inspect', image, '--format', '{{.Id}}']);
    if (present.code !== 0) {
      throw new Error(`${image} is missing: build it with \`bash images/build.sh\``);
    }
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), `${run}-ws-`));
    writePackages(workspace);
    client = createDockerClient();
    watcher = new ContainerWatcher(client, { relevant: isWatchedContainer });
    monitor = new HealthMonitor({
      workspacePaths: () => [workspace],
      adminUser: () => 'admin',
      probeTimeoutMs: 10_000,
    });
    monitor.connect(watcher, client);
    monitor.onHealthChanged((h) => {
      if (states[states.length - 1] !== h.state) states.push(h.state);
    });
    await startLive(watcher);
  });

  after(async () => {
    monitor?.dispose();
    await watcher?.dispose();
    await docker(['rm', '-f', '-v', name]);
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('a slow start goes starting → healthy, then NSO tells which packages are down', async () => {
    assert.equal(monitor.health.state, 'noContainer');
    const starting = nextMatching<NsoHealth>(
      'starting',
      monitor.onHealthChanged,
      (h) => h.state === 'starting',
      60_000,
    );
    const settled = nextMatching<NsoHealth>(
      'packages known',
      monitor.onHealthChanged,
      (h) => h.packages !== undefined,
      120_000,
    );
    await dockerOk([
      ...runProdArgs(name, workspace),
      '-e',
      'NSO_SIM_START_DELAY=6',
      '-v',
      `${path.join(workspace, 'packages')}:/nso/run/packages`,
      '--health-interval=1s',
      '--health-timeout=2s',
      '--health-retries=2',
      '--health-start-period=30s',
      image,
    ]);
    const first = await starting;
    assert.equal(first.container?.name, name);
    assert.equal(first.startPeriod?.totalMs, 30_000);

    const h = await settled;
    assert.equal(h.state, 'packagesDown', `state ${h.state}: ${h.summary}`);
    assert.equal(h.nso?.version, '6.4.1');
    assert.deepEqual((h.packages ?? []).map((p) => [p.name, p.operStatus === 'up']).sort(), [
      ['broken', false],
      ['greeter', true],
    ]);
    const broken = h.problems.find((p) => p.id === 'package:broken');
    assert.ok(broken, 'a problem for the broken package');
    assert.match(broken.detail ?? '', /SyntaxError/);
    assert.equal(broken.fixes[0]?.kind, 'buildAndReload');
    assert.ok(states.indexOf('starting') < states.indexOf('packagesDown'), states.join(' → '));
  });

  it('nso-workbench status says the same, in text and JSON, and exits 1', async () => {
    const text = await runStatus(['--dir', workspace]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^NSO 6\.4\.1: 1 package down$/m);
    assert.match(text.stdout, /error\s+Package broken: [a-z-]+error/);
    assert.match(text.stdout, /tail -n 100 \/log\/ncs-python-vm-broken\.log/);
    assert.match(text.stdout, /fix: nso-workbench build && nso-workbench reload/);

    const json = await runStatus(['--dir', workspace, '--json']);
    assert.equal(json.code, 1);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; status: string; health: NsoHealth };
    assert.equal(parsed.ok, false);
    assert.equal(parsed.health.container?.name, name);
    assert.deepEqual(parsed.health.packages?.map((p) => p.name).sort(), ['broken', 'greeter']);
  });

  it('frozen with SIGSTOP it turns unhealthy; SIGCONT heals it', async () => {
    const sick = await matchingAfter<NsoHealth>(
      () => dockerOk(['exec', name, 'pkill', '-STOP', '-x', 'ncs.smp']),
      'unhealthy',
      monitor.onHealthChanged,
      (h) => h.state === 'unhealthy',
      60_000,
    );
    const problem = sick.problems.find((p) => p.id === 'unhealthy');
    assert.ok(problem, 'an unhealthy problem');
    assert.deepEqual(
      problem.fixes.map((f) => f.kind),
      ['openNsoLog', 'showContainerLogs', 'restartContainer'],
    );

    const well = await matchingAfter<NsoHealth>(
      () => dockerOk(['exec', name, 'pkill', '-CONT', '-x', 'ncs.smp']),
      'healthy again',
      monitor.onHealthChanged,
      (h) => h.container?.health === 'healthy',
      60_000,
    );
    assert.ok(['healthy', 'packagesDown'].includes(well.state), well.state);
  });

  it('stopped, then removed behind our back: the health says so', async () => {
    const s = await matchingAfter<NsoHealth>(
      () => dockerOk(['stop', name]),
      'stopped',
      monitor.onHealthChanged,
      (h) => h.state === 'stopped',
      60_000,
    );
    assert.equal(
      s.problems[0]?.fixes.some((f) => f.kind === 'startContainer'),
      true,
    );
    // The command line says it as the Health view does: stopped, and no health
    // verdict or probe from before the stop.
    const text = await runStatus(['--dir', workspace]);
    assert.match(text.stdout, new RegExp(`^  container  ${name} \\(exited\\)$`, 'm'));
    assert.match(text.stdout, /^  check      not run while the container is stopped$/m);
    assert.doesNotMatch(text.stdout, /unhealthy|last probe/);

    const r = await matchingAfter<NsoHealth>(
      () => dockerOk(['rm', '-v', name]),
      'removed',
      monitor.onHealthChanged,
      (h) => h.state === 'noContainer',
      60_000,
    );
    assert.equal(r.removed?.name, name);
    assert.match(r.summary, /was removed/);
  });
});
