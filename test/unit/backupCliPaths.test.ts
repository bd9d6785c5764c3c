import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { backupCommand } from '../../src/cli/backupCommand';
import { addSubcommand } from '../../src/cli/main';
import { runCaptured, type CapturedRun } from '../helpers/runCaptured';

addSubcommand(backupCommand);

const run = (args: string[]): Promise<CapturedRun> => runCaptured(args);

// Host paths are checked before any Docker work: these run without an engine.
describe('nso-workbench backup: host paths in words', () => {
  let tmp = '';
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-backup-cli-'));
    fs.writeFileSync(path.join(tmp, 'a-file'), 'x');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('import of a missing file says so, without the errno', async () => {
    const missing = path.join(tmp, 'ncs-6.4.1@2025-01-01T00:00:00.backup.gz');
    const r = await run(['backup', 'import', missing, '--dir', tmp]);
    assert.equal(r.code, 1);
    assert.equal(r.err, `nso-workbench backup: No such file: ${missing}. Nothing was imported.\n`);
    assert.equal(r.out, '');
  });

  it('import of a missing file as JSON gives the same sentence', async () => {
    const missing = path.join(tmp, 'nope.backup.gz');
    const r = await run(['backup', 'import', missing, '--dir', tmp, '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.out), {
      ok: false,
      kind: 'notFound',
      error: `No such file: ${missing}. Nothing was imported.`,
    });
  });

  it('import of a folder is refused in words', async () => {
    const r = await run(['backup', 'import', tmp, '--dir', tmp]);
    assert.equal(r.code, 1);
    assert.equal(r.err, `nso-workbench backup: ${tmp} is not a file. Nothing was imported.\n`);
  });

  it('download into a file, or below one, is refused in words', async () => {
    const file = path.join(tmp, 'a-file');
    const into = await run(['backup', 'download', 'x.backup.gz', file, '--dir', tmp]);
    assert.equal(into.code, 1);
    assert.equal(
      into.err,
      `nso-workbench backup: ${file} is not a folder. Nothing was downloaded.\n`,
    );
    const below = await run([
      'backup',
      'download',
      'x.backup.gz',
      path.join(file, 'd'),
      '--dir',
      tmp,
    ]);
    assert.equal(below.code, 1);
    assert.doesNotMatch(below.err, /ENOTDIR|stat '/);
    assert.match(below.err, /a part of the path is not a folder\. Nothing was downloaded\./);
  });
});
