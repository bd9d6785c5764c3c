import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { manifest, waitFor, workbenchExtension } from './support';

const activationTimeoutMs = 20_000;

describe('NSO Workbench in the extension host', () => {
  it('is installed and activates by itself in the sample workspace', async () => {
    const extension = workbenchExtension();
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'the sample workspace is open');
    const metaData = await vscode.workspace.findFiles('packages/*/package-meta-data.xml');
    assert.ok(metaData.length > 0, 'the workspace holds NSO packages');

    // Nothing here calls activate(): the workspaceContains activation events must.
    await waitFor('activation by the workspace', () => extension.isActive, activationTimeoutMs);
    assert.equal(extension.isActive, true);
  });

  it('registers nso.log.show, and running it succeeds', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('nso.log.show'), 'nso.log.show is registered');
    await vscode.commands.executeCommand('nso.log.show');
  });

  it('registers a handler for every command package.json contributes', async () => {
    const contributed = (manifest().contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed commands without a handler');
  });

  it('shows the NSO view container with its views', async () => {
    const containers = manifest().contributes?.viewsContainers?.activitybar ?? [];
    const nso = containers.find((c) => c.id === 'nso');
    assert.ok(nso, 'package.json contributes the activity-bar view container "nso"');
    const views = manifest().contributes?.views?.nso ?? [];
    assert.ok(views.length > 0, 'the "nso" container holds views');

    // VS Code makes an "open container" command for each contributed container
    // and a "focus" command for each view; both exist only once it is registered.
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(registered.has('workbench.view.extension.nso'), 'the container is registered');
    for (const view of views) {
      assert.ok(registered.has(`${view.id}.focus`), `view ${view.id} is registered`);
    }
    await vscode.commands.executeCommand('workbench.view.extension.nso');
    await vscode.commands.executeCommand(`${views[0]!.id}.focus`);
  });
});
