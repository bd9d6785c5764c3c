import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor, workbenchExtension } from './support';

/*
 * Build All Packages inside a real VS Code, on the copy of sample/ the
 * harness opens: a broken YANG file gives a diagnostic in the Problems panel
 * (vscode.languages.getDiagnostics), a fixed one clears it. Uses the NSO
 * simulator build image (named in the workspace settings so another local
 * image cannot be picked); removes the build container at the end.
 */

const image = 'nso-sim/cisco-nso-build:6.4.1';
const buildTimeoutMs = 240_000;

interface Report {
  status: string;
  failure?: { message: string };
  packages: { name: string; status: string }[];
}

function docker(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('docker', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

function buildDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => (d.source ?? '').startsWith('NSO build'));
}

describe('Build All Packages in the extension host', function () {
  this.timeout(buildTimeoutMs * 2);
  const folder = (): vscode.WorkspaceFolder => vscode.workspace.workspaceFolders![0]!;
  const yang = (): string =>
    path.join(folder().uri.fsPath, 'packages', 'banner', 'src', 'yang', 'banner.yang');
  let original = '';

  before(async function () {
    const present = await docker(['image', 'inspect', image, '--format', '{{.Id}}']);
    assert.equal(present.code, 0, `${image} is missing: run bash images/build.sh (${present.out})`);
    await waitFor('activation', () => workbenchExtension().isActive, 20_000);
    await vscode.workspace
      .getConfiguration('nso', folder().uri)
      .update('buildImage', image, vscode.ConfigurationTarget.WorkspaceFolder);
    original = fs.readFileSync(yang(), 'utf8');
  });

  after(async function () {
    if (original) fs.writeFileSync(yang(), original);
    const removed = await vscode.commands.executeCommand<number>('nso.build.removeContainer');
    assert.equal(typeof removed, 'number');
  });

  it('puts a compiler error in the Problems panel, on the right line', async function () {
    const lines = original.split('\n');
    const i = lines.findIndex((l) => /^\s*ncs:servicepoint\b/.test(l));
    assert.ok(i >= 0, 'banner.yang has an ncs:servicepoint statement');
    lines[i] = lines[i]!.replace('ncs:servicepoint', 'nosuchprefix:servicepoint');
    fs.writeFileSync(yang(), lines.join('\n'));

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

    const uri = vscode.Uri.file(yang());
    await waitFor('the diagnostic', () => buildDiagnostics(uri).length > 0, 10_000);
    const ds = buildDiagnostics(uri);
    assert.equal(ds.length, 1, JSON.stringify(ds));
    assert.equal(ds[0]!.range.start.line, i);
    assert.equal(ds[0]!.severity, vscode.DiagnosticSeverity.Error);
    assert.match(ds[0]!.message, /nosuchprefix/);
  });

  it('clears it when the fixed package builds, and leaves the rest up to date', async function () {
    fs.writeFileSync(yang(), original);
    const reports = await vscode.commands.executeCommand<Report[]>('nso.build.all');
    const report = reports[0]!;
    assert.equal(report.status, 'succeeded', JSON.stringify(report));
    assert.deepEqual(report.packages.map((p) => [p.name, p.status]).sort(), [
      ['banner', 'built'],
      ['common-types', 'upToDate'],
      ['device-audit', 'upToDate'],
      ['l3vpn', 'upToDate'],
    ]);
    const uri = vscode.Uri.file(yang());
    await waitFor('the diagnostic to clear', () => buildDiagnostics(uri).length === 0, 10_000);
  });

  it('with nso.build.onSave, saving a file builds its package and updates Problems', async function () {
    const config = vscode.workspace.getConfiguration('nso', folder().uri);
    await config.update('build.onSave', true, vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      const uri = vscode.Uri.file(yang());
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

  it('offers the nso build tasks to Run Build Task', async function () {
    const tasks = await vscode.tasks.fetchTasks({ type: 'nso' });
    const names = tasks.map((t) => t.name).sort();
    assert.deepEqual(names, ['build', 'clean build']);
    assert.ok(tasks.every((t) => t.group?.id === vscode.TaskGroup.Build.id));
  });
});
