// The status bar and the Health view against a real NSO simulator container
// whose Docker health check runs only every 120 s: they say NSO is up as soon
// as NSO answers (as Start NSO does), while Docker itself still says
// "starting"; they agree with Start NSO the moment it says NSO is up; and a
// container killed with SIGKILL (exit 137) reads as stopped, with Start as
// the fix, not as a failing health check.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import { docker, dockerOk } from '../helpers/dockerCli';
import { runProdArgs } from '../helpers/prodContainerArgs';
import { statusBarShows, waitFor, workbenchExtension } from './support';

const image = process.env.NSO_SIM_PROD_IMAGE ?? 'nso-sim/cisco-nso-prod:6.4.1';
const name = `nsowb-healthup-exthost-${process.pid}-${Date.now().toString(36)}`;

async function dockerHealth(): Promise<string> {
  return dockerOk(['inspect', '--format', '{{.State.Health.Status}}', name]);
}

describe("NSO health before Docker's first health check", function () {
  this.timeout(300_000);
  let workspacePath = '';

  before(async () => {
    await waitFor('activation', () => workbenchExtension().isActive, 20_000);
    workspacePath = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    assert.ok(workspacePath, 'a workspace folder is open');
    const present = await docker(['image', 'inspect', image, '--format', '{{.Id}}']);
    assert.equal(present.code, 0, `${image} is missing: build it with bash images/build.sh`);
  });

  after(async () => {
    await docker(['rm', '-f', '-v', name]);
  });

  it("says NSO up once NSO answers, while Docker's health check has not run yet", async () => {
    await dockerOk([
      ...runProdArgs(name, workspacePath),
      '-e',
      'NSO_SIM_START_DELAY=3',
      '--health-interval=120s',
      '--health-start-period=300s',
      image,
    ]);
    const started = Date.now();
    const up = await statusBarShows(/NSO 6\.4\.1 up/, 60_000);
    const tookS = (Date.now() - started) / 1000;
    // Docker still says starting: the status bar no longer waits for it.
    assert.equal(await dockerHealth(), 'starting');
    assert.ok(tookS < 60, `up after ${tookS} s`);
    assert.match(up.statusBar.text, /^\$\(pass\)/, 'no spinner once NSO answers');
    assert.equal(up.statusBar.background, undefined);
    assert.match(up.statusBar.tooltip, /Docker's check has not run yet/);
    const container = up.healthView.find((n) => n.label === `Container ${name}`);
    assert.ok(
      container?.children.some((c) =>
        /^Health check — starting: Docker's check has not run yet, it runs every 2 min 0 s; NSO already answers \(phase 2\)$/.test(
          c,
        ),
      ),
      JSON.stringify(container?.children),
    );
    assert.equal(up.health.nso?.phase, 2);
  });

  it('says a killed container (exit 137) is stopped, with Start as the fix', async () => {
    await dockerOk(['kill', name]);
    const stopped = await statusBarShows(/NSO stopped \(exit 137\)/, 30_000);
    assert.deepEqual(
      stopped.health.problems.map((p) => [p.id, p.severity, p.message]),
      [['stopped', 'info', `NSO container ${name} is stopped`]],
    );
    assert.equal(stopped.health.problems[0]?.fixes[0]?.kind, 'startContainer');
    const container = stopped.healthView.find((n) => n.label === `Container ${name}`);
    assert.ok(
      container?.children.includes('Health check — not run while the container is stopped'),
      JSON.stringify(container?.children),
    );
    assert.ok(!stopped.statusBar.tooltip.includes('Health check failing'));
    await dockerOk(['rm', '-f', '-v', name]);
  });

  it('agrees with Start NSO: NSO up when it says so, though Docker has not checked yet', async () => {
    const started = `${name}-start`;
    const network = `${started}-net`;
    const folder = vscode.workspace.workspaceFolders![0]!;
    const nso = vscode.workspace.getConfiguration('nso', folder.uri);
    const target = vscode.ConfigurationTarget.WorkspaceFolder;
    // Our own network: the engine's default bridge is not ours to rely on.
    await dockerOk(['network', 'create', network]);
    try {
      await nso.update('prodImage', image, target);
      await nso.update('prod.containerName', started, target);
      await nso.update('prod.network', network, target);
      // The sample's ncs.conf turns local authentication on: the admin needs a password.
      await vscode.commands.executeCommand('nso.prod.setAdminPassword', 'exthost-secret');

      const result = await vscode.commands.executeCommand<{ name: string }>('nso.prod.start');
      assert.equal(result?.name, started);
      // The image's own check runs every 30 s: Docker has not run it yet.
      const dockerSays = await dockerOk([
        'inspect',
        '--format',
        '{{.State.Health.Status}}',
        started,
      ]);
      assert.equal(dockerSays, 'starting');
      const s = await statusBarShows(/NSO 6\.4\.1( up|: \d+ packages? down)/, 5_000);
      assert.doesNotMatch(s.statusBar.text, /starting/);
    } finally {
      for (const key of ['prodImage', 'prod.containerName', 'prod.network']) {
        await nso.update(key, undefined, target);
      }
      await docker(['rm', '-f', started]);
      await docker(['volume', 'rm', '-f', `${started}-nso`, `${started}-log`]);
      await docker(['network', 'rm', network]);
    }
  });
});
