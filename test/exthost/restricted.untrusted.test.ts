import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

import { docker } from '../helpers/dockerCli';
import { workspaceLabel } from '../../src/core/nso/labels';
import { sampleFolder, waitFor, workbenchExtension } from './support';

/*
 * The sample workspace opened untrusted (restricted mode; run by
 * `test/exthost/run.ts --untrusted`). The manifest declares limited support:
 * NSO Workbench activates and reads (ncs.conf is checked), but starts no
 * container, runs no build and reloads nothing: each command says so and
 * returns at once, and Docker holds nothing labelled with the workspace.
 * The ncs.conf document is edited in memory only and never saved.
 */

describe('NSO Workbench in an untrusted workspace', function () {
  this.timeout(120_000);

  before(async () => {
    await waitFor('activation', () => workbenchExtension().isActive, 30_000);
  });

  it('opens the workspace untrusted, and activates there', () => {
    assert.equal(
      vscode.workspace.isTrusted,
      false,
      'the harness opened the folder in restricted mode',
    );
    assert.ok(workbenchExtension().isActive);
  });

  it('checks ncs.conf: reading is allowed', async () => {
    const uri = vscode.Uri.file(path.join(sampleFolder().uri.fsPath, 'ncs.conf'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const original = doc.getText();
    const broken = original.replace('</webui>', '</webuix>');
    assert.notEqual(broken, original, 'the sample ncs.conf has a </webui> to break');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), broken);
    assert.ok(await vscode.workspace.applyEdit(edit));
    const diagnostics = (): vscode.Diagnostic[] =>
      vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ncs.conf');
    try {
      await waitFor('an ncs.conf diagnostic', () => diagnostics().length > 0, 30_000);
    } finally {
      const back = new vscode.WorkspaceEdit();
      back.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), original);
      assert.ok(await vscode.workspace.applyEdit(back));
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('starts no container, runs no build and reloads nothing', async () => {
    // Each returns at once with nothing done; with trust they would pick a
    // folder, ask for a password or build, and not return like this.
    assert.equal(await vscode.commands.executeCommand('nso.prod.start'), undefined);
    assert.deepEqual(await vscode.commands.executeCommand('nso.build.all'), []);
    assert.equal(await vscode.commands.executeCommand('nso.reload.packages'), undefined);
    const labelled = await docker([
      'ps',
      '-a',
      '--filter',
      `label=${workspaceLabel}=${sampleFolder().uri.fsPath}`,
      '--format',
      '{{.Names}}',
    ]);
    assert.equal(labelled.code, 0, labelled.out);
    assert.equal(labelled.out.trim(), '', 'no container of this workspace');
  });
});
