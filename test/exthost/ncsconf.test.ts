import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor, workbenchExtension } from './support';

/*
 * The ncs.conf language server inside a real VS Code, on the sample
 * workspace's ncs.conf: a typo in an element name gives a diagnostic without
 * any schema (a mismatched end tag), and with nso.ncsConf.schemaPath naming
 * the project's own YANG fixtures an unknown element with "did you mean".
 * The document is edited in memory only and reverted at the end.
 */

const diagnosticTimeoutMs = 30_000;

function confDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ncs.conf');
}

describe('ncs.conf language server in the extension host', function () {
  this.timeout(120_000);
  const folder = (): vscode.WorkspaceFolder => vscode.workspace.workspaceFolders![0]!;
  const nso = (): vscode.WorkspaceConfiguration =>
    vscode.workspace.getConfiguration('nso', folder().uri);
  let doc: vscode.TextDocument;
  let original = '';

  before(async function () {
    await waitFor('activation', () => workbenchExtension().isActive, 20_000);
    await nso().update('ncsConf.schemaPath', undefined, vscode.ConfigurationTarget.Workspace);
    const uri = vscode.Uri.file(path.join(folder().uri.fsPath, 'ncs.conf'));
    doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'ncs-conf');
    original = doc.getText();
  });

  after(async function () {
    await nso().update('ncsConf.schemaPath', undefined, vscode.ConfigurationTarget.Workspace);
    if (doc) {
      await replaceAll(original);
      assert.equal(doc.getText(), original);
      // A document already equal to its file is not dirty, and VS Code saves nothing then.
      if (doc.isDirty) assert.ok(await doc.save());
      assert.equal(readFileSync(doc.uri.fsPath, 'utf8'), original, 'the file is back as it was');
    }
  });

  const replaceAll = async (text: string): Promise<void> => {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
    assert.ok(await vscode.workspace.applyEdit(edit));
  };
  const lineOf = (text: string, needle: string): number =>
    text.slice(0, text.indexOf(needle)).split('\n').length - 1;

  it("offers no words of the file as completions: only the schema's names are valid there", () => {
    // VS Code's default completes any word of the document (audit.log, at…),
    // which in ncs.conf are never valid element names or values.
    const editor = vscode.workspace.getConfiguration('editor', doc);
    assert.equal(editor.get('wordBasedSuggestions'), 'off');
    // Other languages keep the user's default.
    const plain = vscode.workspace.getConfiguration('editor', { languageId: 'plaintext' });
    assert.notEqual(plain.get('wordBasedSuggestions'), 'off');
  });

  it('treats files matching a workspace-relative nso.ncsConf.files glob as ncs.conf', async () => {
    const dir = path.join(folder().uri.fsPath, 'conf-extra');
    const opened = path.join(dir, 'opened-before.xml');
    const later = path.join(dir, 'opened-after.xml');
    mkdirSync(dir, { recursive: true });
    writeFileSync(opened, original);
    writeFileSync(later, original);
    const languageOf = (file: string): string | undefined =>
      vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file)?.languageId;
    try {
      await vscode.workspace.openTextDocument(vscode.Uri.file(opened));
      assert.notEqual(languageOf(opened), 'ncs-conf');
      // Written as a user writes it, relative to the workspace folder.
      await nso().update(
        'ncsConf.files',
        ['conf-extra/*.xml'],
        vscode.ConfigurationTarget.Workspace,
      );
      await waitFor(
        'the open file to become ncs-conf',
        () => languageOf(opened) === 'ncs-conf',
        10_000,
      );
      await vscode.workspace.openTextDocument(vscode.Uri.file(later));
      await waitFor(
        'a file opened later to become ncs-conf',
        () => languageOf(later) === 'ncs-conf',
        10_000,
      );
    } finally {
      await nso().update('ncsConf.files', undefined, vscode.ConfigurationTarget.Workspace);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a mistyped start tag as malformed XML without a schema', async () => {
    assert.ok(original.includes('<state-dir>'));
    const broken = original.replace('<state-dir>', '<stat-dir>');
    await replaceAll(broken);
    const line = lineOf(broken, '<stat-dir>');
    await waitFor(
      'a diagnostic on the mistyped element',
      () => confDiagnostics(doc.uri).some((d) => d.range.start.line === line),
      diagnosticTimeoutMs,
    );
    const found = confDiagnostics(doc.uri).find((d) => d.range.start.line === line)!;
    assert.equal(found.severity, vscode.DiagnosticSeverity.Error);
    assert.match(found.message, /stat-dir|state-dir/);
  });

  it('with nso.ncsConf.schemaPath, names the unknown element and suggests the right one', async () => {
    const yangDir = path.join(workbenchExtension().extensionPath, 'test', 'fixtures', 'ncsconf');
    const broken = original.replace(
      /<state-dir>(.*?)<\/state-dir>/,
      (_m, v: string) => `<stat-dir>${v}</stat-dir>`,
    );
    assert.notEqual(broken, original);
    await replaceAll(broken);
    await nso().update('ncsConf.schemaPath', [yangDir], vscode.ConfigurationTarget.Workspace);
    const line = lineOf(broken, '<stat-dir>');
    const suggests = (d: vscode.Diagnostic): boolean =>
      d.range.start.line === line && /did you mean <state-dir>/.test(d.message);
    await waitFor(
      'a schema diagnostic suggesting <state-dir>',
      () => confDiagnostics(doc.uri).some(suggests),
      diagnosticTimeoutMs,
    );
    const found = confDiagnostics(doc.uri).find(suggests)!;
    assert.match(found.message, /Unknown element <stat-dir>/);
  });
});
