import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backupCommand } from '../../src/cli/backupCommand';
import { buildCommand } from '../../src/cli/buildCommand';
import { addSubcommand } from '../../src/cli/main';
import { packagesCommand } from '../../src/cli/packagesCommand';
import { statusCommand } from '../../src/cli/statusCommand';
import { repoRoot } from '../helpers/paths';
import { runCaptured, type CapturedRun } from '../helpers/runCaptured';

addSubcommand(packagesCommand);
addSubcommand(statusCommand);
addSubcommand(backupCommand);
addSubcommand(buildCommand);

const run = (args: string[]): Promise<CapturedRun> => runCaptured(args);

describe('nso-workbench CLI', () => {
  it('lists the sample packages as JSON', async () => {
    const r = await run(['packages', '--dir', path.join(repoRoot, 'sample'), '--json']);
    assert.equal(r.code, 0);
    const parsed = JSON.parse(r.out) as { ok: boolean; packages: { name: string }[] };
    assert.equal(parsed.ok, true);
    assert.deepEqual(
      parsed.packages.map((p) => p.name),
      ['banner', 'common-types', 'device-audit', 'l3vpn'],
    );
  });

  it('exits 2 with the usage on stderr without a command, and 0 with it on stdout for --help', async () => {
    const none = await run([]);
    assert.deepEqual([none.code, none.out], [2, '']);
    assert.match(none.err, /^Usage: nso-workbench <command>/);
    const help = await run(['--help']);
    assert.deepEqual([help.code, help.err], [0, '']);
    assert.match(help.out, /^Usage: nso-workbench <command>/);
  });

  it('exits non-zero with usage for an unknown command', async () => {
    const r = await run(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown command 'frobnicate'/);
    assert.match(r.err, /Usage: nso-workbench/);
  });

  it("prints a command's usage for --help after the command", async () => {
    const r = await run(['packages', '--json', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^Usage: nso-workbench packages/m);
    assert.equal(r.err, '');
  });

  it("exits 2 with the command's usage for an unknown option", async () => {
    const r = await run(['packages', '--frob']);
    assert.equal(r.code, 2);
    assert.match(r.err, /nso-workbench packages: Unknown option '--frob'/);
    assert.match(r.err, /Usage: nso-workbench packages/);
  });

  it('exits 1 when there is no packages folder, or no workspace folder at all', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-cli-'));
    try {
      const r = await run(['packages', '--dir', empty]);
      assert.equal(r.code, 1);
      assert.match(r.err, /No packages folder/);
      const json = await run(['packages', '--dir', empty, '--json']);
      assert.equal(json.code, 1);
      const parsed = JSON.parse(json.out) as { ok: boolean; exists: boolean };
      assert.deepEqual([parsed.ok, parsed.exists], [false, false]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    const none = await run(['packages', '--dir', '/nonexistent-nso-workspace']);
    assert.equal(none.code, 1);
    assert.match(none.err, /There is no folder \/nonexistent-nso-workspace/);
  });

  it('writes a failure that escapes the command as JSON on stdout under --json', async () => {
    const r = await run(['packages', '--dir', '/nonexistent-nso-workspace', '--json']);
    assert.equal(r.code, 1);
    assert.equal(r.err, '');
    const parsed = JSON.parse(r.out) as { ok: boolean; error: string };
    assert.equal(parsed.ok, false);
    assert.match(parsed.error, /There is no folder \/nonexistent-nso-workspace/);
    // After `--`, --json is an argument, not the option: the failure stays text.
    const text = await run(['packages', '--dir', '/nonexistent-nso-workspace', '--', '--json']);
    assert.equal(text.out, '');
  });

  it('names --docker-host, not the setting, as where a malformed engine address came from', async () => {
    const sample = path.join(repoRoot, 'sample');
    const flag = await run(['status', '--dir', sample, '--docker-host', '/var/run/docker.sock']);
    assert.equal(flag.code, 1);
    assert.match(flag.err, /The Docker host "\/var\/run\/docker\.sock" is not valid/);
    assert.match(flag.err, /\(from --docker-host\)$/m);
    assert.doesNotMatch(flag.err, /nso\.docker\.host\)/);
  });

  it('asks for --yes before a backup restore or delete, as JSON on stdout under --json', async () => {
    const sample = path.join(repoRoot, 'sample');
    const text = await run(['backup', 'delete', 'ncs-6.4.1@x.backup.gz', '--dir', sample]);
    assert.deepEqual([text.code, text.out], [2, '']);
    assert.match(text.err, /changes NSO's data: add --yes to go ahead/);
    const r = await run(['backup', 'restore', 'ncs-6.4.1@x.backup.gz', '--dir', sample, '--json']);
    assert.equal(r.code, 2);
    assert.equal(r.err, '');
    const parsed = JSON.parse(r.out) as {
      ok: boolean;
      kind: string;
      action: string;
      error: string;
    };
    assert.deepEqual(
      [parsed.ok, parsed.kind, parsed.action],
      [false, 'confirmationNeeded', 'restore'],
    );
    assert.match(parsed.error, /add --yes to go ahead\.\nNSO stops, \/nso\/run is moved/);
  });

  it('build --json writes a document with ok false for a malformed and for an unreachable engine', async () => {
    const sample = path.join(repoRoot, 'sample');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-cli-build-'));
    try {
      const common = ['build', '--dir', sample, '--state-file', path.join(dir, 'state.json')];
      // Build locks and records in the test's folder, not the user's cache.
      const env = { XDG_CACHE_HOME: dir };
      const malformed = await runCaptured(
        [...common, '--docker-host', '/var/run/docker.sock', '--json'],
        env,
      );
      assert.equal(malformed.code, 1);
      assert.equal(malformed.err, '');
      const bad = JSON.parse(malformed.out) as { ok: boolean; error: string };
      assert.equal(bad.ok, false);
      assert.match(bad.error, /is not valid.*\(from --docker-host\)/);

      const socket = path.join(dir, 'no-engine.sock');
      const gone = await runCaptured(
        [...common, '--docker-host', `unix://${socket}`, '--json'],
        env,
      );
      assert.equal(gone.code, 1);
      const report = JSON.parse(gone.out) as { ok: boolean; status: string };
      assert.deepEqual([report.ok, report.status], [false, 'failed']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints the manifest's version, not the npm_package_version of the project running it", async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    const saved = process.env.npm_package_version;
    // What npm sets when another project's script runs nso-workbench.
    process.env.npm_package_version = '9.9.9-other-project';
    try {
      const r = await run(['--version']);
      assert.equal(r.code, 0);
      assert.equal(r.out, `${manifest.version}\n`);
    } finally {
      if (saved === undefined) delete process.env.npm_package_version;
      else process.env.npm_package_version = saved;
    }
  });
});
