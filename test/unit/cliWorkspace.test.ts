import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';

import { openWorkspace } from '../../src/cli/workspace';

function io(): {
  io: { stdout: PassThrough; stderr: PassThrough; env: NodeJS.ProcessEnv };
  err: () => string;
} {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { io: { stdout: new PassThrough(), stderr, env: {} }, err: () => err };
}

describe('CLI workspace settings', () => {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-cliws-'));
    fs.mkdirSync(path.join(dir, '.vscode'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads the workspace's settings.json with comments and trailing commas; flags win", async () => {
    fs.writeFileSync(
      path.join(dir, '.vscode', 'settings.json'),
      '{\n  // where the packages are\n  "nso.packagesPath": "nso/packages",\n  "nso.adminUser": "dev", /* me */\n}\n',
    );
    const t = io();
    const fromSettings = await openWorkspace({ dir }, t.io);
    assert.equal(fromSettings.packagesPath, 'nso/packages');
    assert.equal(fromSettings.setting('nso.adminUser'), 'dev');
    const fromFlag = await openWorkspace({ dir, 'packages-path': 'pk' }, t.io);
    assert.equal(fromFlag.packagesPath, 'pk');
    assert.equal(t.err(), '');
  });

  it('says so, and goes on with the defaults, when settings.json is not valid JSON', async () => {
    fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), '{ "nso.packagesPath": ');
    const t = io();
    const ws = await openWorkspace({ dir }, t.io);
    assert.equal(ws.packagesPath, 'packages');
    assert.match(t.err(), /ignoring .*settings\.json: it is not valid JSON/);
  });

  it('says so when the workspace folder does not exist', async () => {
    await assert.rejects(
      openWorkspace({ dir: path.join(dir, 'nowhere') }, io().io),
      /There is no folder .*nowhere: name the workspace with --dir/,
    );
  });
});
