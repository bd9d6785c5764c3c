import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

import { buildLockFile } from '../../src/core/build/buildLock';
import { buildContainerName } from '../../src/core/nso/buildContainer';
import { docker } from '../helpers/dockerCli';
import {
  bannerYang,
  sampleFolder,
  simBuildImage,
  useBuildImage,
  waitFor,
  withUnknownPrefix,
} from './support';

/*
 * Build All Packages inside a real VS Code, on the copy of sample/ the
 * harness opens: a broken YANG file gives a diagnostic in the Problems panel
 * (vscode.languages.getDiagnostics), a fixed one clears it. Uses the NSO
 * simulator build image (named in the workspace settings so another local
 * image cannot be picked); removes the build container at the end.
 */

const buildTimeoutMs = 240_000;

interface Report {
  status: string;
  failure?: { message: string };
  packages: { name: string; status: string }[];
}

function buildDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => (d.source ?? '').startsWith('NSO build'));
}

describe('Build All Packages in the extension host', function () {
  this.timeout(buildTimeoutMs * 2);
  let original = '';

  before(async function () {
    await useBuildImage(simBuildImage);
    original = fs.readFileSync(bannerYang(), 'utf8');
  });

  after(async function () {
    if (original) fs.writeFileSync(bannerYang(), original);
    const removed = await vscode.commands.executeCommand<number>('nso.build.removeContainer');
    assert.equal(typeof removed, 'number');
  });

  it('puts a compiler error in the Problems panel, on the right line', async function () {
    const { text, line: i } = withUnknownPrefix(original);
    fs.writeFileSync(bannerYang(), text);

    const reports = await vscode.commands.executeCommand<Report[]>('nso.build.all');
    assert.equal(reports.length, 1);
    const report = reports[0]!;
    assert.equal(report.status, 'failed', JSON.stringify(report));
    assert.deepEqual(report.packages.map((p) => [p.name, p.status]).sort(), [
      ['banner', 'failed'],
      ['common-types', 'built'],
      ['device-audit', 'built'],
      ['l3vpn', 'built'],
    ]);

    const uri = vscode.Uri.file(bannerYang());
    await waitFor('the diagnostic', () => buildDiagnostics(uri).length > 0, 10_000);
    const ds = buildDiagnostics(uri);
    assert.equal(ds.length, 1, JSON.stringify(ds));
    assert.equal(ds[0]!.range.start.line, i);
    assert.equal(ds[0]!.severity, vscode.DiagnosticSeverity.Error);
    assert.match(ds[0]!.message, /nosuchprefix/);
  });

  it('clears it when the fixed package builds, and leaves the rest up to date', async function () {
    fs.writeFileSync(bannerYang(), original);
    const reports = await vscode.commands.executeCommand<Report[]>('nso.build.all');
    const report = reports[0]!;
    assert.equal(report.status, 'succeeded', JSON.stringify(report));
    assert.deepEqual(report.packages.map((p) => [p.name, p.status]).sort(), [
      ['banner', 'built'],
      ['common-types', 'upToDate'],
      ['device-audit', 'upToDate'],
      ['l3vpn', 'upToDate'],
    ]);
    const uri = vscode.Uri.file(bannerYang());
    await waitFor('the diagnostic to clear', () => buildDiagnostics(uri).length === 0, 10_000);
  });

  it('with nso.build.onSave, saving a file builds its package and updates Problems', async function () {
    const config = vscode.workspace.getConfiguration('nso', sampleFolder().uri);
    await config.update('build.onSave', true, vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      const uri = vscode.Uri.file(bannerYang());
      const doc = await vscode.workspace.openTextDocument(uri);
      const i = doc
        .getText()
        .split('\n')
        .findIndex((l) => /^\s*ncs:servicepoint\b/.test(l));
      const at = doc.lineAt(i).text.indexOf('ncs:');
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(i, at, i, at + 3), 'nosuchprefix');
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await doc.save());
      await waitFor(
        'a diagnostic from the build on save',
        () => buildDiagnostics(uri).length === 1,
        buildTimeoutMs,
      );
      assert.equal(buildDiagnostics(uri)[0]!.range.start.line, i);

      const undo = new vscode.WorkspaceEdit();
      undo.replace(uri, new vscode.Range(i, at, i, at + 'nosuchprefix'.length), 'ncs');
      assert.ok(await vscode.workspace.applyEdit(undo));
      assert.ok(await doc.save());
      await waitFor(
        'the diagnostic to clear',
        () => buildDiagnostics(uri).length === 0,
        buildTimeoutMs,
      );
    } finally {
      await config.update('build.onSave', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });

  it('NSO: Cancel Build stops the running build: make and its children are gone within 2 s', async function () {
    // A package whose make runs a tree of processes for minutes, as a long Java build does.
    const slow = path.join(sampleFolder().uri.fsPath, 'packages', 'slow');
    fs.mkdirSync(path.join(slow, 'src'), { recursive: true });
    fs.writeFileSync(
      path.join(slow, 'package-meta-data.xml'),
      '<ncs-package xmlns="http://tail-f.com/ns/ncs-packages"><name>slow</name><package-version>1.0</package-version></ncs-package>\n',
    );
    fs.writeFileSync(
      path.join(slow, 'src', 'Makefile'),
      'all:\n\t$(MAKE) --no-print-directory compile\ncompile:\n\tsh -c "sleep 300 & sleep 300; wait"\n',
    );
    const container = buildContainerName(sampleFolder().uri.fsPath);
    const makeProcesses = async (): Promise<string[]> => {
      const r = await docker(['exec', container, 'ps', '-eo', 'args']);
      return r.out.split('\n').filter((l) => /^(make|sleep 300)\b/.test(l));
    };
    try {
      const building = vscode.commands.executeCommand<Report[]>('nso.build.all');
      await waitFor(
        'make and sleep in the build container',
        async () => (await makeProcesses()).length >= 3,
        60_000,
      );

      const t0 = Date.now();
      const stopped = await vscode.commands.executeCommand<number>('nso.build.cancel');
      const reports = await building;
      await waitFor('make to be gone', async () => (await makeProcesses()).length === 0, 5_000);
      const elapsedMs = Date.now() - t0;

      assert.equal(stopped, 1, 'one build was stopped');
      assert.equal(reports[0]?.status, 'cancelled', JSON.stringify(reports));
      assert.equal(reports[0]?.packages.find((p) => p.name === 'slow')?.status, 'cancelled');
      assert.ok(elapsedMs < 2000, `stopping took ${elapsedMs} ms`);
    } finally {
      fs.rmSync(slow, { recursive: true, force: true });
    }
  });

  it('Remove Build Container refuses while another process builds in it', async function () {
    const folder = sampleFolder().uri.fsPath;
    const container = buildContainerName(folder);
    assert.equal((await docker(['container', 'inspect', container])).code, 0, 'a build container');
    // A build the command line runs: its lock names a live process.
    const cliBuild = spawn('sleep', ['60']);
    const lock = await buildLockFile(path.join(folder, 'packages'));
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(
      lock,
      JSON.stringify({
        pid: cliBuild.pid,
        host: os.hostname(),
        since: Date.now(),
        by: 'nso-workbench build',
      }),
    );
    try {
      const removed = await vscode.commands.executeCommand<number>('nso.build.removeContainer');
      assert.equal(removed, 0);
      assert.equal((await docker(['container', 'inspect', container])).code, 0, 'still there');
    } finally {
      fs.rmSync(lock, { force: true });
      cliBuild.kill();
    }
  });

  it('offers the nso build tasks to Run Build Task', async function () {
    const tasks = await vscode.tasks.fetchTasks({ type: 'nso' });
    const names = tasks.map((t) => t.name).sort();
    assert.deepEqual(names, ['build', 'clean build']);
    assert.ok(tasks.every((t) => t.group?.id === vscode.TaskGroup.Build.id));
  });
});
