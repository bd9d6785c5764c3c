import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { backupCommand } from '../../src/cli/backupCommand';
import { addSubcommand } from '../../src/cli/main';
import { reloadCommand } from '../../src/cli/reloadCommand';
import { statusCommand } from '../../src/cli/statusCommand';
import { stopCommand } from '../../src/cli/stopCommand';
import { roleLabel, workspaceLabel } from '../../src/core/nso/labels';
import { runCaptured } from '../helpers/runCaptured';

/*
 * `--container <name>` on the command line names the one container to act on.
 * A name that matches nothing is an error naming it, not a quiet fall-back to
 * the workspace's own production container, which would then be stopped,
 * reloaded or reported on instead. The workspace's container here is only
 * created, never started: nothing runs in it. Everything is named
 * nsowb-clinamed-* and removed at the end.
 */

addSubcommand(stopCommand);
addSubcommand(reloadCommand);
addSubcommand(statusCommand);
addSubcommand(backupCommand);

const prodImage = 'nso-sim/cisco-nso-prod:6.4.1';
const own = `nsowb-clinamed-${process.pid}`;
const typo = `${own}-typo`;

function docker(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`docker ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

describe('CLI --container naming no container', function () {
  this.timeout(120_000);
  let ws = '';

  before(async () => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-clinamed-'));
    fs.mkdirSync(path.join(ws, 'packages'));
    await docker(['image', 'inspect', prodImage]).catch(() => {
      throw new Error(`${prodImage} is missing: run bash images/build.sh first`);
    });
    // The workspace's own production container, as NSO Workbench labels it.
    await docker([
      'create',
      '--name',
      own,
      '--label',
      `${roleLabel}=prod`,
      '--label',
      `${workspaceLabel}=${ws}`,
      prodImage,
    ]);
  });

  after(async () => {
    // With its anonymous /nso and /log volumes (the image declares them).
    await docker(['rm', '-f', '--volumes', own]).catch(() => undefined);
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  for (const command of [['stop'], ['reload'], ['status'], ['backup', 'list']]) {
    it(`${command.join(' ')} --container <typo> fails naming it, and leaves the workspace's container alone`, async () => {
      const r = await runCaptured(
        [...command, '--dir', ws, '--container', typo, '--json'],
        process.env,
      );
      assert.equal(r.code, 1, r.out);
      const parsed = JSON.parse(r.out) as { ok: boolean; error?: string; container?: unknown };
      assert.equal(parsed.ok, false);
      assert.match(
        parsed.error ?? '',
        new RegExp(`There is no container ${typo} in Docker at .* \\(--container\\)`),
        r.out,
      );
      assert.equal(await docker(['inspect', '-f', '{{.State.Status}}', own]), 'created\n');
    });
  }
});
