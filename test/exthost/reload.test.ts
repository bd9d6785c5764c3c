// Start NSO and Reload Packages inside a real VS Code, on the copy of sample/
// the harness opens: the packages are built with the build feature, NSO
// starts in the simulator production image, a reload brings every package
// up, and a broken template shows in the Problems panel on its line until it
// is fixed. Everything in Docker is named nsowb-prodtest-* and removed after.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

import type { StartResult } from '../../src/core/nso/prodContainer';
import type { ReloadReport } from '../../src/core/nso/reload';
import { waitFor, workbenchExtension } from './support';

const prodImage = 'nso-sim/cisco-nso-prod:6.4.1';
const buildImage = 'nso-sim/cisco-nso-build:6.4.1';
const name = `nsowb-prodtest-exthost-${process.pid}`;
const network = `${name}-net`;

function docker(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('docker', args, { timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

function reloadDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'NSO reload');
}

describe('Start NSO and Reload Packages in the extension host', function () {
  this.timeout(600_000);
  const folder = (): vscode.WorkspaceFolder => vscode.workspace.workspaceFolders![0]!;
  const template = (): string =>
    path.join(folder().uri.fsPath, 'packages', 'banner', 'templates', 'banner-template.xml');
  let original = '';

  before(async function () {
    for (const image of [prodImage, buildImage]) {
      const present = await docker(['image', 'inspect', image, '--format', '{{.Id}}']);
      assert.equal(present.code, 0, `${image} is missing: run bash images/build.sh`);
    }
    await waitFor('activation', () => workbenchExtension().isActive, 20_000);
    // Our own network: the engine's default bridge is not ours to rely on.
    const net = await docker(['network', 'create', network]);
    assert.equal(net.code, 0, net.out);
    const nso = vscode.workspace.getConfiguration('nso', folder().uri);
    const target = vscode.ConfigurationTarget.WorkspaceFolder;
    await nso.update('buildImage', buildImage, target);
    await nso.update('prodImage', prodImage, target);
    await nso.update('prod.containerName', name, target);
    await nso.update('prod.network', network, target);
    await nso.update('prod.healthStartPeriod', 240, target);
    // Build and Reload is tested elsewhere; here the build only prepares the packages.
    await nso.update('reload.afterBuild', false, target);
    // The sample's ncs.conf turns local authentication on: the admin needs a password.
    await vscode.commands.executeCommand('nso.prod.setAdminPassword', 'exthost-secret');
    original = fs.readFileSync(template(), 'utf8');

    const builds = await vscode.commands.executeCommand<{ status: string }[]>('nso.build.all');
    assert.equal(builds[0]?.status, 'succeeded', JSON.stringify(builds));
  });

  after(async function () {
    if (original) fs.writeFileSync(template(), original);
    await vscode.commands.executeCommand('nso.build.removeContainer');
    await docker(['rm', '-f', name]);
    await docker(['volume', 'rm', '-f', `${name}-nso`, `${name}-log`]);
    await docker(['network', 'rm', network]);
  });

  it('starts NSO on the workspace packages and waits until it answers', async function () {
    const result = await vscode.commands.executeCommand<StartResult>('nso.prod.start');
    assert.ok(result, 'Start NSO returned its result');
    assert.equal(result.name, name);
    assert.ok(['created', 'recreated'].includes(result.action), result.action);
    const inspect = await docker([
      'inspect',
      '-f',
      '{{.State.Running}} {{range .Mounts}}{{.Destination}}={{.Source}} {{end}}',
      name,
    ]);
    assert.match(inspect.out, /^true /);
    assert.ok(
      inspect.out.includes(`/nso/run/packages=${path.join(folder().uri.fsPath, 'packages')}`),
      inspect.out,
    );
    assert.ok(
      inspect.out.includes(`/nso/etc/ncs.conf=${path.join(folder().uri.fsPath, 'ncs.conf')}`),
    );
  });

  it('reloads the packages: every one up', async function () {
    const report = await vscode.commands.executeCommand<ReloadReport>('nso.reload.packages');
    assert.ok(report, 'Reload Packages returned its report');
    assert.equal(report.status, 'ok', report.message);
    assert.deepEqual(report.packages.map((p) => [p.name, p.operStatus?.status]).sort(), [
      ['banner', 'up'],
      ['common-types', 'up'],
      ['device-audit', 'up'],
      ['l3vpn', 'up'],
    ]);
  });

  it('runs the reload after a build once a reload under way has ended, instead of dropping it', async function () {
    const nso = vscode.workspace.getConfiguration('nso', folder().uri);
    const target = vscode.ConfigurationTarget.WorkspaceFolder;
    await nso.update('reload.afterBuild', true, target);
    try {
      // Something for the first reload to do: a redeploy of banner.
      fs.writeFileSync(template(), `${original}\n`);
      const running = vscode.commands.executeCommand<ReloadReport>('nso.reload.packages');
      // A build ends while that reload runs: its reload waits for the first one.
      const afterBuild = vscode.commands.executeCommand<ReloadReport | undefined>(
        'nso.reload.afterBuild',
        { workspaceFolder: folder().uri.fsPath, status: 'succeeded' },
      );
      const first = await running;
      assert.equal(first.status, 'ok', first.message);
      assert.deepEqual(first.plan.kind === 'redeploy' && first.plan.packages, ['banner']);
      const second = await afterBuild;
      assert.ok(second, 'the reload after the build ran, once the first one had ended');
      assert.equal(second.status, 'nothing', second.message);
    } finally {
      await nso.update('reload.afterBuild', false, target);
    }
  });

  it('shows a broken template in the Problems panel on its line, and clears it when fixed', async function () {
    const lines = original.split('\n');
    const at = lines.findIndex((l) => l.includes('<devices'));
    lines.splice(at + 1, 0, '    <no-such-thing xmlns="http://example.com/not-loaded"/>');
    fs.writeFileSync(template(), lines.join('\n'));
    const uri = vscode.Uri.file(template());

    const failed = await vscode.commands.executeCommand<ReloadReport>('nso.reload.packages');
    assert.equal(failed.status, 'failed', failed.message);
    assert.deepEqual(failed.plan.kind === 'redeploy' && failed.plan.packages, ['banner']);
    await waitFor('the reload problem', () => reloadDiagnostics(uri).length > 0, 10_000);
    const [problem] = reloadDiagnostics(uri);
    assert.equal(problem!.range.start.line, at + 1, 'on the inserted line (0-based)');
    assert.equal(problem!.severity, vscode.DiagnosticSeverity.Error);

    fs.writeFileSync(template(), original);
    const fixed = await vscode.commands.executeCommand<ReloadReport>('nso.reload.packages');
    assert.equal(fixed.status, 'ok', fixed.message);
    await waitFor('the problem to go', () => reloadDiagnostics(uri).length === 0, 10_000);
  });

  it('sends Apply ncs.conf and Start NSO to the container Use Existing Container… picked', async function () {
    // A container started by hand: the workspace's packages mounted, its own ncs.conf.
    const other = `${name}-other`;
    const run = await docker([
      'run',
      '-d',
      '--name',
      other,
      '--network',
      network,
      '-e',
      'NSO_SIM_START_DELAY=0',
      '-v',
      `${path.join(folder().uri.fsPath, 'packages')}:/nso/run/packages`,
      prodImage,
    ]);
    assert.equal(run.code, 0, run.out);
    const conf = vscode.Uri.file(path.join(folder().uri.fsPath, 'ncs.conf'));
    const before = fs.readFileSync(conf.fsPath, 'utf8');
    try {
      await waitFor(
        'NSO in the other container',
        async () => (await docker(['exec', other, 'ncs_cmd', '-c', 'wait-start 2'])).code === 0,
        120_000,
      );
      const attached = await vscode.commands.executeCommand<{ id: string } | undefined>(
        'nso.prod.useExisting',
        other,
      );
      assert.ok(attached, 'Use Existing Container took the named container');

      // Apply: the edit reaches the picked container, not the workspace's own.
      const marker = `applied-${process.pid}`;
      const doc = await vscode.workspace.openTextDocument(conf);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(conf, new vscode.Position(doc.lineCount, 0), `<!-- ${marker} -->\n`);
      assert.ok(await vscode.workspace.applyEdit(edit));
      const applied = await vscode.commands.executeCommand<boolean>(
        'nso.ncsConf.applyToRunningNso',
        conf,
      );
      assert.equal(applied, true, 'NSO took the file');
      // Without a mounted ncs.conf the container reads /defaults/ncs.conf (the lookup order).
      const inOther = await docker([
        'exec',
        other,
        'grep',
        '-rqs',
        marker,
        '/etc/ncs',
        '/nso/etc',
        '/defaults',
      ]);
      assert.equal(inOther.code, 0, `the picked container reads the applied file: ${inOther.out}`);

      // Start NSO while the picked container runs: nothing started or switched.
      const own = await docker(['inspect', '-f', '{{.State.StartedAt}}', name]);
      const started = await vscode.commands.executeCommand<unknown>('nso.prod.start');
      assert.equal(started, undefined, 'Start NSO did not start the workspace container');
      assert.equal((await docker(['inspect', '-f', '{{.State.StartedAt}}', name])).out, own.out);
    } finally {
      fs.writeFileSync(conf.fsPath, before);
      await docker(['rm', '-f', other]);
    }
  });
});
