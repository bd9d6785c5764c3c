import { strict as assert } from 'node:assert';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { repoRoot } from '../helpers/paths';

// scripts/demo.sh's own words: --help is its header comment and nothing else,
// and the way it says to stop a demo stops that demo, also one kept under its
// own DEMO_STATE_DIR. The "demo" here is a process group of ours standing in
// for code-server: only the pid file matters to these paths of the script.

const script = path.join(repoRoot, 'scripts', 'demo.sh');

function bash(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      args,
      { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 30_000 },
      (error, out, err) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, out, err });
      },
    );
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('scripts/demo.sh', () => {
  it('--help prints the header comment, without the script lines after it', async () => {
    const r = await bash([script, '--help']);
    assert.equal(r.code, 0);
    const header = fs
      .readFileSync(script, 'utf8')
      .split('\n')
      .slice(1)
      .filter((_, i, lines) => lines.slice(0, i + 1).every((l) => l.startsWith('#')))
      .map((l) => l.replace(/^# ?/, ''));
    assert.equal(r.out, `${header.join('\n')}\n`);
    assert.match(r.out, /^Usage: bash scripts\/demo.sh/m);
    assert.match(r.out, /DEMO_STATE_DIR \(default/);
    assert.doesNotMatch(r.out, /set -euo pipefail|SETUP_NAME=/);
  });

  describe('with its own DEMO_STATE_DIR', () => {
    let stateDir = '';
    let child: ChildProcess | undefined;

    beforeEach(() => {
      stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb demo state '));
      // Its own process group, as code-server is under the script's setsid.
      child = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });
      fs.writeFileSync(path.join(stateDir, 'code-server.pid'), `${child.pid}\n`);
    });

    afterEach(() => {
      if (child?.pid !== undefined && alive(child.pid)) process.kill(-child.pid, 'SIGKILL');
      fs.rmSync(stateDir, { recursive: true, force: true });
    });

    it('says how to stop that demo, and the command it gives stops it', async () => {
      const pid = child!.pid!;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      const again = await bash([script, '--skip-setup'], { DEMO_STATE_DIR: stateDir });
      assert.equal(again.code, 1);
      const hint = /already running \(pgid (\d+)\): (.*)$/m.exec(again.err);
      assert.ok(hint, again.err);
      assert.equal(hint[1], String(pid));
      const stop = hint[2]!;
      assert.ok(stop.startsWith('DEMO_STATE_DIR='), stop);
      assert.ok(stop.endsWith(' bash scripts/demo.sh --stop'), stop);

      // Run as printed (a shell line), from the repository, without the variable set.
      const { DEMO_STATE_DIR: _unset, ...env } = process.env;
      const stopped = await new Promise<{ code: number; out: string }>((resolve) => {
        execFile('bash', ['-c', stop], { cwd: repoRoot, env, timeout: 30_000 }, (e, out) =>
          resolve({ code: e ? Number(e.code ?? 1) : 0, out }),
        );
      });
      assert.equal(stopped.code, 0);
      assert.match(stopped.out, /\] stopped$/m);
      await exited;
      assert.equal(alive(pid), false);
      assert.equal(fs.existsSync(path.join(stateDir, 'code-server.pid')), false);
    });
  });
});
