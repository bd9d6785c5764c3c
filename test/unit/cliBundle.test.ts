// The nso-workbench command as it ships: the esbuild bundle behind package.json's
// `bin`, run as its own process. The in-process CLI tests cannot see what only
// the bundle can break: the #! line, what esbuild inlines (the manifest's
// version), a module that fails to load, exit codes set on the real process.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths';

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};

describe('nso-workbench from its bundle', function () {
  this.timeout(60_000);
  let dir: string;
  let cli: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-clibundle-'));
    execFileSync(process.execPath, ['esbuild.mjs', '--only', 'cli', '--out-dir', dir], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
    cli = path.join(dir, 'cli.js');
    fs.chmodSync(cli, 0o755);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // No npm_package_version (npm sets it for the project whose script runs):
  // the bundle must not need it.
  const env = (): NodeJS.ProcessEnv => {
    const e = { ...process.env };
    delete e.npm_package_version;
    return e;
  };
  const run = (args: string[], options: { input?: string } = {}) =>
    spawnSync(cli, args, { env: env(), encoding: 'utf8', ...options });

  it('is the bin of package.json, runs by its #! line and prints the manifest version', () => {
    assert.equal(manifest.bin['nso-workbench'], './dist/cli.js');
    assert.equal(path.basename(manifest.bin['nso-workbench']), path.basename(cli));
    const r = run(['--version']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${manifest.version}\n`);
  });

  it('lists the sample packages as JSON and exits 0', () => {
    const r = run(['packages', '--dir', path.join(repoRoot, 'sample'), '--json']);
    assert.equal(r.status, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as { ok: boolean; packages: { name: string }[] };
    assert.equal(parsed.ok, true);
    assert.equal(parsed.packages.length, 4);
  });

  it('exits 2 on a usage error and 1 on a failure, with JSON on stdout under --json', () => {
    assert.equal(run([]).status, 2);
    assert.equal(run(['frobnicate']).status, 2);
    assert.equal(run(['status', '--frob']).status, 2);
    const missing = run(['status', '--dir', '/nonexistent-nso-workspace', '--json']);
    assert.equal(missing.status, 1);
    assert.match(
      (JSON.parse(missing.stdout) as { error: string }).error,
      /There is no folder \/nonexistent-nso-workspace/,
    );
  });

  it('says an unreachable Docker engine in a sentence and exits 1, for each Docker command', () => {
    const socket = path.join(dir, 'no-engine.sock');
    for (const command of [['status'], ['start'], ['stop'], ['reload'], ['backup', 'list']]) {
      const r = run([
        ...command,
        '--dir',
        path.join(repoRoot, 'sample'),
        '--docker-host',
        `unix://${socket}`,
        '--json',
      ]);
      assert.equal(r.status, 1, `${command.join(' ')}: ${r.stderr}`);
      const parsed = JSON.parse(r.stdout) as { ok: boolean; error: string };
      assert.equal(parsed.ok, false, command.join(' '));
      assert.match(
        parsed.error,
        new RegExp(`Docker is not reachable at unix://${socket}`),
        command.join(' '),
      );
    }
  });
});
