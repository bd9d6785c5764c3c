// nso.docker.host changed while the extension runs: a malformed value is said
// in the status bar and the views, and putting the setting back reconnects.
// (A malformed value used to leave no client behind, after which the settings
// listener ignored every later change: the views stayed on "Docker
// unreachable" until VS Code was restarted.)

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import type { NsoStatusSnapshot } from '../../src/extension/health/setup';
import { waitFor, workbenchExtension } from './support';

const transitionTimeoutMs = 30_000;

function snapshot(): Promise<NsoStatusSnapshot> {
  return vscode.commands.executeCommand<NsoStatusSnapshot>(
    'nso.health.snapshot',
  ) as Promise<NsoStatusSnapshot>;
}

async function until(
  what: string,
  test: (s: NsoStatusSnapshot) => boolean,
): Promise<NsoStatusSnapshot> {
  let last: NsoStatusSnapshot | undefined;
  await waitFor(
    `${what} (last: ${last?.statusBar.text ?? '?'})`,
    async () => {
      last = await snapshot();
      return test(last);
    },
    transitionTimeoutMs,
  );
  return last!;
}

describe('nso.docker.host changed while running', function () {
  this.timeout(120_000);
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('nso');

  before(async () => {
    await waitFor('activation', () => workbenchExtension().isActive, 20_000);
    await until('a live connection', (s) => s.connection?.phase === 'live');
  });

  after(async () => {
    await config().update('docker.host', undefined, vscode.ConfigurationTarget.Global);
  });

  it('says a malformed value is wrong, and reconnects once it is put back', async () => {
    const before = await snapshot();
    await config().update('docker.host', 'nosuch://engine', vscode.ConfigurationTarget.Global);
    const broken = await until('the status bar to say Docker is unreachable', (s) =>
      /Docker unreachable/.test(s.statusBar.text),
    );
    assert.equal(broken.health.engine.failure?.kind, 'configuration');
    assert.match(broken.health.engine.failure?.message ?? '', /nosuch:\/\/engine/);

    await config().update('docker.host', undefined, vscode.ConfigurationTarget.Global);
    const back = await until(
      'the connection to be live again',
      (s) => s.connection?.phase === 'live' && !/Docker unreachable/.test(s.statusBar.text),
    );
    assert.equal(back.statusBar.text, before.statusBar.text, 'the status from before');
  });
});
