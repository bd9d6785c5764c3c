import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { repoRoot } from '../helpers/paths';
import { dockerCommand, dockerCommandOk, type DockerResult } from './helpers/dockerCommand';

/*
 * The NSO simulator production image (images/prod) against the contract of
 * Cisco's cisco-nso-prod image: start-up, health, ncs.conf lookup, ADMIN_*,
 * package reload grammar, backup and restore. Everything goes through the
 * docker CLI with argv arrays; every container and volume is named
 * sim-prod-test-<run>-* and removed at the end, also when a test fails.
 */

const image = 'nso-sim/cisco-nso-prod:6.4.1';
const run = `sim-prod-test-${process.pid}-${Date.now().toString(36)}`;
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'prod-packages');
const healthFlags = [
  '--health-interval=1s',
  '--health-timeout=2s',
  '--health-retries=2',
  '--health-start-period=30s',
];
const healthDeadlineMs = 90_000;

type Result = DockerResult;
const maxBuffer = 16 * 1024 * 1024;

function docker(args: string[], input?: string, timeoutMs = 60_000): Promise<Result> {
  return dockerCommand(args, { input, timeoutMs, maxBuffer });
}

function dockerOk(args: string[], input?: string): Promise<string> {
  return dockerCommandOk(args, { input, timeoutMs: 60_000, maxBuffer });
}

const containers: string[] = [];
const volumes: string[] = [];

async function startContainer(suffix: string, args: string[], cmd: string[] = []): Promise<string> {
  const name = `${run}-${suffix}`;
  containers.push(name);
  await dockerOk(['run', '-d', '--name', name, ...healthFlags, ...args, image, ...cmd]);
  return name;
}

async function createVolume(suffix: string): Promise<string> {
  const name = `${run}-${suffix}`;
  volumes.push(name);
  await dockerOk(['volume', 'create', name]);
  return name;
}

async function removeContainer(name: string): Promise<void> {
  await docker(['rm', '-f', name]);
}

function healthOf(name: string): Promise<string> {
  return docker([
    'inspect',
    '-f',
    '{{if .State.Health}}{{.State.Health.Status}}{{end}}',
    name,
  ]).then((r) => r.stdout.trim());
}

/** Polls Docker's health status until it is `want`; returns the statuses seen. */
async function waitForHealth(name: string, want: string, deadlineMs = healthDeadlineMs) {
  const started = Date.now();
  const seen: string[] = [];
  for (;;) {
    const status = await healthOf(name);
    if (seen[seen.length - 1] !== status) {
      seen.push(status);
    }
    if (status === want) {
      return { seen, elapsedMs: Date.now() - started };
    }
    if (Date.now() - started > deadlineMs) {
      const logs = await docker(['logs', name]);
      throw new Error(
        `${name} not ${want} after ${deadlineMs} ms (seen: ${seen.join(' -> ')})\n${logs.stdout}${logs.stderr}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function cli(name: string, commands: string[], style = '-C', user = 'admin'): Promise<Result> {
  return docker(['exec', '-i', name, 'ncs_cli', '-u', user, style], commands.join('\n') + '\n');
}

async function cliOk(name: string, commands: string[], style = '-C', user = 'admin') {
  const r = await cli(name, commands, style, user);
  assert.equal(r.code, 0, `ncs_cli failed (${r.code}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

interface ReloadResult {
  package: string;
  result: string;
  info?: string;
}

/** The reload-result blocks of `packages reload`, in order. */
function reloadResults(text: string): ReloadResult[] {
  const out: ReloadResult[] = [];
  const block =
    /^reload-result \{\n {4}package (\S+)\n {4}result (true|false)\n(?: {4}info (.*)\n)?\}$/gm;
  for (const m of text.matchAll(block)) {
    out.push({ package: m[1]!, result: m[2]!, ...(m[3] !== undefined ? { info: m[3] } : {}) });
  }
  return out;
}

const upgradeBanner = [
  '',
  '>>> System upgrade is starting.',
  '>>> Sessions in configure mode must exit to operational mode.',
  '>>> No configuration changes can be performed until upgrade has completed.',
  '>>> System upgrade has completed successfully.',
].join('\n');

function ncsArgs(name: string): Promise<string> {
  return dockerOk(['exec', name, 'ps', '-o', 'args=', '-C', 'ncs.smp']);
}

describe('NSO simulator production image', function () {
  const tmpDirs: string[] = [];

  function packagesCopy(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-prod-test-pkgs-'));
    tmpDirs.push(dir);
    fs.cpSync(fixtures, dir, { recursive: true });
    return dir;
  }

  before(async function () {
    this.timeout(20 * 60_000);
    // Cached: seconds when the image is up to date.
    await new Promise<void>((resolve, reject) => {
      execFile(
        'bash',
        [path.join(repoRoot, 'images', 'build.sh'), 'prod'],
        { timeout: 20 * 60_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) =>
          err ? reject(new Error(`images/build.sh prod failed:\n${stdout}${stderr}`)) : resolve(),
      );
    });
  });

  after(async function () {
    this.timeout(120_000);
    for (const c of containers) {
      await removeContainer(c);
    }
    for (const v of volumes) {
      await docker(['volume', 'rm', '-f', v]);
    }
    for (const d of tmpDirs) {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  describe('with the default ncs.conf and bind-mounted packages', function () {
    let name = '';
    let pkgs = '';
    let health: { seen: string[]; elapsedMs: number } = { seen: [], elapsedMs: 0 };

    before(async function () {
      this.timeout(150_000);
      pkgs = packagesCopy();
      name = await startContainer('default', [
        '-e',
        'NSO_SIM_START_DELAY=3',
        '-e',
        'ADMIN_PASSWORD=not-used',
        '-v',
        `${pkgs}:/nso/run/packages`,
      ]);
      health = await waitForHealth(name, 'healthy');
      console.log(`      (container start to healthy: ${health.elapsedMs} ms)`);
    });

    it('is starting while NSO starts, then healthy', function () {
      assert.equal(health.seen[0], 'starting');
      assert.equal(health.seen[health.seen.length - 1], 'healthy');
    });

    it('uses /defaults/ncs.conf when neither /etc/ncs nor /nso/etc holds one', async function () {
      assert.match(await ncsArgs(name), /--cd \/nso\/run -c \/defaults\/ncs\.conf --foreground -v/);
      const logs = await docker(['logs', name]);
      assert.match(logs.stdout, /using \/defaults\/ncs\.conf/);
    });

    it('ignores ADMIN_PASSWORD while local authentication is disabled', async function () {
      const r = await docker(['exec', name, 'test', '-e', '/nso/run/cdb/add_admin_user.xml']);
      assert.notEqual(r.code, 0);
      assert.match(
        (await docker(['logs', name])).stdout,
        /ignored: local authentication is disabled/,
      );
    });

    it('generates an SSH host key and a 30-day self-signed certificate', async function () {
      await dockerOk(['exec', name, 'test', '-s', '/nso/etc/ssh/ssh_host_ed25519_key']);
      const cert = ['exec', name, 'openssl', 'x509', '-in', '/nso/ssl/cert/host.cert', '-noout'];
      assert.equal((await docker([...cert, '-checkend', String(29 * 86400)])).code, 0);
      assert.notEqual((await docker([...cert, '-checkend', String(31 * 86400)])).code, 0);
    });

    it('answers ncs --status, get_phase and wait-start like NSO', async function () {
      const status = await dockerOk(['exec', name, 'ncs', '--status']);
      assert.match(status, /^vsn: 6\.4\.1\n/);
      assert.match(status, /^status: started$/m);
      assert.equal(
        await dockerOk(['exec', name, 'ncs_cmd', '-c', 'get_phase']),
        'phase: 2 flags: 0x0\n',
      );
      const wait = await docker(['exec', name, 'ncs_cmd', '-c', 'wait-start 2']);
      assert.deepEqual([wait.code, wait.stdout, wait.stderr], [0, '', '']);
      assert.equal(await dockerOk(['exec', name, 'bash', '-lc', 'ncs --version']), '6.4.1\n');
    });

    it('puts the NSO tools on the PATH of a login shell', async function () {
      const out = await dockerOk([
        'exec',
        name,
        'bash',
        '-lc',
        'command -v ncs ncs_cli ncs_cmd ncs-backup ncsc',
      ]);
      assert.equal(out.trim().split('\n').length, 5);
    });

    it('writes the NSO logs under /log', async function () {
      const ls = await dockerOk(['exec', name, 'ls', '/log']);
      for (const f of ['ncs.log', 'devel.log', 'audit.log', 'ncs-python-vm.log']) {
        assert.ok(ls.split('\n').includes(f), `${f} missing in /log: ${ls}`);
      }
      assert.ok(ls.includes('ncs-python-vm-vlan-service.log'));
      assert.ok(ls.includes('ncs-java-vm.log'));
    });

    it('reloads all packages with one reload-result each', async function () {
      const out = await cliOk(name, ['packages reload']);
      assert.deepEqual(reloadResults(out), [
        { package: 'acme-settings', result: 'true' },
        { package: 'dns-template', result: 'true' },
        { package: 'vlan-service', result: 'true' },
      ]);
      assert.ok(!out.includes('>>> System upgrade'), 'no schema change, no upgrade banner');
      assert.match(
        out,
        /\nSystem message at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\.\.\n {4}Subsystem started: ncs-dp-\d+-vlan-service:Main/,
      );
    });

    it('shows oper-status and redeploys a package', async function () {
      assert.equal(
        await cliOk(name, ['show packages package vlan-service oper-status']),
        'oper-status up\n',
      );
      assert.equal(await cliOk(name, ['packages package vlan-service redeploy']), 'result true\n');
      const all = await cliOk(name, ['show packages package']);
      assert.match(all, /^packages package dns-template\n package-version 1\.0\n/m);
      assert.match(all, /^ templates\s+\[ dns-template \]$/m);
    });

    it('speaks J-style with request and [ok] trailers', async function () {
      const out = await cliOk(
        name,
        ['request packages package vlan-service redeploy', 'show ncs-state version'],
        '-J',
      );
      assert.match(
        out,
        /^result true\n\[ok\]\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\]\n\nncs-state version 6\.4\.1\n\[ok\]/,
      );
    });

    it('reloads through ncs_cmd maction', async function () {
      const out = await dockerOk([
        'exec',
        name,
        'ncs_cmd',
        '-u',
        'admin',
        '-c',
        'maction /packages/reload',
      ]);
      assert.match(
        out,
        /^reload-result begin\n {2}package acme-settings\n {2}result true\nreload-result end\n/,
      );
    });

    it('reports a Python syntax error as result false with the traceback in the VM log', async function () {
      const main = path.join(pkgs, 'vlan-service', 'python', 'vlan_service', 'main.py');
      const good = fs.readFileSync(main, 'utf8');
      const lines = good.split('\n');
      lines.splice(2, 0, 'x = = 1');
      fs.writeFileSync(main, lines.join('\n'));
      try {
        assert.equal(
          await cliOk(name, ['packages package vlan-service redeploy']),
          'result false\n',
        );
        const out = await cliOk(name, ['packages reload']);
        assert.deepEqual(
          reloadResults(out).find((r) => r.package === 'vlan-service'),
          { package: 'vlan-service', result: 'false', info: 'SyntaxError: invalid syntax' },
        );
        assert.equal(
          await cliOk(name, ['show packages package vlan-service oper-status']),
          'oper-status program-code-error\noper-status error-info "SyntaxError: invalid syntax"\n',
        );
        const log = await dockerOk(['exec', name, 'cat', '/log/ncs-python-vm-vlan-service.log']);
        assert.ok(
          log.includes(
            '  File "/nso/run/packages/vlan-service/python/vlan_service/main.py", line 3\n    x = = 1\n',
          ),
          log,
        );
        assert.match(log, /Traceback \(most recent call last\):/);
      } finally {
        fs.writeFileSync(main, good);
      }
      assert.equal(await cliOk(name, ['packages package vlan-service redeploy']), 'result true\n');
    });

    it('reports a template that names an unknown servicepoint', async function () {
      const bad = path.join(pkgs, 'dns-template', 'templates', 'bad-sp.xml');
      fs.writeFileSync(
        bad,
        '<config-template xmlns="http://tail-f.com/ns/config/1.0" servicepoint="nosuch-sp">\n' +
          '  <devices xmlns="http://tail-f.com/ns/ncs"/>\n</config-template>\n',
      );
      try {
        const out = await cliOk(name, ['packages reload']);
        assert.deepEqual(
          reloadResults(out).find((r) => r.package === 'dns-template'),
          {
            package: 'dns-template',
            result: 'false',
            info: 'bad-sp.xml:1 Unknown servicepoint: nosuch-sp',
          },
        );
        assert.equal(
          await cliOk(name, ['show packages package dns-template oper-status']),
          'oper-status file-load-error\n' +
            'oper-status error-info "bad-sp.xml:1 Unknown servicepoint: nosuch-sp"\n',
        );
      } finally {
        fs.rmSync(bad);
      }
      const out = await cliOk(name, ['packages reload']);
      assert.ok(
        reloadResults(out).every((r) => r.result === 'true'),
        out,
      );
    });

    it('refuses a package that requires a later NSO version', async function () {
      const dir = path.join(pkgs, 'future-pkg');
      fs.mkdirSync(dir);
      fs.writeFileSync(
        path.join(dir, 'package-meta-data.xml'),
        '<ncs-package xmlns="http://tail-f.com/ns/ncs-packages">\n  <name>future-pkg</name>\n' +
          '  <package-version>1.0</package-version>\n  <ncs-min-version>7.0</ncs-min-version>\n' +
          '</ncs-package>\n',
      );
      try {
        const r = await cli(name, ['packages reload']);
        assert.equal(
          r.stdout,
          'Error: Failed to load NCS package: future-pkg; requires NCS version 7.0\n',
        );
      } finally {
        fs.rmSync(dir, { recursive: true });
      }
    });

    it('keeps configuration in CDB and shows it', async function () {
      await cliOk(name, [
        'config',
        'settings banner "hello world" max-sessions 5',
        'settings server alpha address 10.0.0.1',
        'commit',
        'end',
      ]);
      assert.equal(
        await cliOk(name, ['show running-config settings']),
        'settings banner "hello world"\nsettings max-sessions 5\nsettings server alpha\n address 10.0.0.1\n!\n',
      );
      const j = await cliOk(name, ['show configuration settings'], '-J');
      assert.match(
        j,
        /^banner "hello world";\nmax-sessions 5;\nserver alpha \{\n {4}address 10\.0\.0\.1;\n\}\n\[ok\]/,
      );
    });

    it('refuses to drop a removed leaf until force, then deletes its data', async function () {
      const fxs = path.join(pkgs, 'acme-settings', 'load-dir', 'acme-settings.fxs');
      const original = fs.readFileSync(fxs, 'utf8');
      const model = JSON.parse(original) as { nodes: string[] };
      model.nodes = model.nodes.filter((n) => !n.endsWith('acme:max-sessions'));
      fs.writeFileSync(fxs, JSON.stringify(model));
      try {
        const refused = await cli(name, ['packages reload']);
        assert.equal(
          refused.stdout,
          'Error: The following modules will be deleted by upgrade:\n' +
            'acme-settings: acme-settings\n' +
            "If this is intended, proceed with 'force' parameter.\n",
        );
        assert.match(
          await cliOk(name, ['show running-config settings max-sessions']),
          /max-sessions 5/,
        );

        const forced = await cliOk(name, ['packages reload force']);
        assert.ok(forced.startsWith(upgradeBanner + '\nreload-result {\n'), forced);
        assert.ok(
          reloadResults(forced).every((r) => r.result === 'true'),
          forced,
        );
        assert.equal(
          await cliOk(name, ['show running-config settings max-sessions']),
          '% No entries found.\n',
        );
        assert.match(
          await cliOk(name, ['show running-config settings banner']),
          /banner "hello world"/,
        );
      } finally {
        fs.writeFileSync(fxs, original);
      }
      const grown = await cliOk(name, ['packages reload']);
      assert.ok(grown.startsWith(upgradeBanner), 'an added leaf is a schema change: ' + grown);
    });

    it('refuses to delete a removed package until force', async function () {
      const dir = path.join(pkgs, 'acme-settings');
      const aside = path.join(path.dirname(pkgs), `${path.basename(pkgs)}-acme-aside`);
      tmpDirs.push(aside);
      fs.renameSync(dir, aside);
      try {
        const refused = await cli(name, ['packages reload']);
        assert.match(
          refused.stdout,
          /^Error: The following modules will be deleted by upgrade:\nacme-settings: acme-settings\n/,
        );
        assert.match(
          await cliOk(name, ['show packages package acme-settings oper-status']),
          /oper-status up/,
        );
        const viaCmd = await docker(['exec', name, 'ncs_cmd', '-c', 'maction /packages/reload']);
        assert.equal(viaCmd.code, 1);
        assert.match(
          viaCmd.stderr,
          /^FAILED: maapi_request_action\(.*\), Error: external error \(19\): The following modules/,
        );

        const forced = await cliOk(name, ['packages reload force']);
        assert.deepEqual(
          reloadResults(forced).map((r) => r.package),
          ['dns-template', 'vlan-service'],
        );
        assert.equal(
          await cliOk(name, ['show packages package acme-settings']),
          '% No entries found.\n',
        );
      } finally {
        fs.renameSync(aside, dir);
      }
      const back = await cliOk(name, ['packages reload']);
      assert.equal(reloadResults(back).length, 3);
    });

    it('rejects unknown commands the way the CLI does', async function () {
      assert.equal(await cliOk(name, ['frobnicate']), 'syntax error: unknown command\n');
      assert.match(await cliOk(name, ['packages package nosuch redeploy']), /^Error: /);
    });

    it('turns unhealthy when the ncs process stops answering, healthy when it resumes', async function () {
      this.timeout(150_000);
      await dockerOk(['exec', name, 'pkill', '-STOP', '-x', 'ncs.smp']);
      try {
        const down = await waitForHealth(name, 'unhealthy', 60_000);
        console.log(`      (SIGSTOP to unhealthy: ${down.elapsedMs} ms)`);
      } finally {
        await dockerOk(['exec', name, 'pkill', '-CONT', '-x', 'ncs.smp']);
      }
      await waitForHealth(name, 'healthy', 60_000);
    });

    it('stops NSO cleanly on docker stop', async function () {
      await dockerOk(['stop', name]);
      assert.equal((await dockerOk(['inspect', '-f', '{{.State.ExitCode}}', name])).trim(), '0');
      const logs = await docker(['logs', name]);
      assert.match(logs.stdout, /run-nso\.sh: received SIGTERM/);
      assert.match(logs.stdout, /NCS stopped/);
    });
  });

  describe('with /nso/etc/ncs.conf, local authentication and a volume', function () {
    let nsoVol = '';
    let logVol = '';
    let conf = '';
    let pkgs = '';

    function mounts(): string[] {
      return [
        '-v',
        `${nsoVol}:/nso`,
        '-v',
        `${logVol}:/log`,
        '-v',
        `${conf}:/nso/etc/ncs.conf:ro`,
        '-v',
        `${pkgs}:/nso/run/packages`,
      ];
    }

    before(async function () {
      this.timeout(60_000);
      nsoVol = await createVolume('nso');
      logVol = await createVolume('log');
      pkgs = packagesCopy();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-prod-test-conf-'));
      tmpDirs.push(dir);
      conf = path.join(dir, 'ncs.conf');
      const defaults = await dockerOk([
        'run',
        '--rm',
        '--entrypoint',
        'cat',
        image,
        '/defaults/ncs.conf',
      ]);
      fs.writeFileSync(
        conf,
        defaults.replace(
          /<local-authentication>\s*<enabled>false<\/enabled>/,
          '<local-authentication>\n      <enabled>true</enabled>',
        ),
      );
      assert.match(fs.readFileSync(conf, 'utf8'), /<local-authentication>\s*<enabled>true/);
    });

    it('creates the admin user from ADMIN_* on the first start only', async function () {
      this.timeout(150_000);
      const first = await startContainer('local', [
        '-e',
        'NSO_SIM_START_DELAY=1',
        '-e',
        'ADMIN_USERNAME=nsoadmin',
        '-e',
        'ADMIN_PASSWORD=s3cret',
        ...mounts(),
      ]);
      await waitForHealth(first, 'healthy');
      assert.match(await ncsArgs(first), /-c \/nso\/etc\/ncs\.conf/);
      const xml = await dockerOk(['exec', first, 'cat', '/nso/run/cdb/add_admin_user.xml']);
      assert.match(xml, /<name>nsoadmin<\/name>/);

      assert.match(
        await cliOk(first, ['show running-config aaa'], '-C', 'nsoadmin'),
        /user nsoadmin/,
      );
      const intruder = await cli(first, ['show running-config'], '-C', 'intruder');
      assert.notEqual(intruder.code, 0);
      assert.equal(intruder.stdout, '');
      assert.equal(intruder.stderr, 'Error: access denied\n');

      // A second start on the persisted CDB ignores a different ADMIN_USERNAME.
      await dockerOk(['stop', first]);
      await removeContainer(first);
      const second = await startContainer('local2', [
        '-e',
        'NSO_SIM_START_DELAY=1',
        '-e',
        'ADMIN_USERNAME=other',
        '-e',
        'ADMIN_PASSWORD=other',
        ...mounts(),
      ]);
      await waitForHealth(second, 'healthy');
      assert.match((await docker(['logs', second])).stdout, /ignored: CDB is already persisted/);
      assert.notEqual((await cli(second, ['show running-config'], '-C', 'other')).code, 0);
      await cliOk(second, ['show running-config'], '-C', 'nsoadmin');
      await dockerOk(['stop', second]);
      await removeContainer(second);
    });

    it('backs up, refuses a restore while NSO runs, restores in a one-off container', async function () {
      this.timeout(180_000);
      const nso = await startContainer('backup', ['-e', 'NSO_SIM_START_DELAY=1', ...mounts()]);
      await waitForHealth(nso, 'healthy');
      const user = 'nsoadmin';
      await cliOk(nso, ['config', 'settings banner original', 'commit', 'end'], '-C', user);

      const made = await dockerOk(['exec', nso, 'ncs-backup']);
      const m =
        /^INFO {2}Backup (\/nso\/run\/backups\/ncs-6\.4\.1@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.backup\.gz) created successfully\n$/.exec(
          made,
        );
      assert.ok(m, made);
      const file = m[1]!;
      await dockerOk(['exec', nso, 'gzip', '-t', file]);

      await cliOk(nso, ['config', 'settings banner changed', 'commit', 'end'], '-C', user);
      const busy = await docker(['exec', nso, 'ncs-backup', '--restore', file]);
      assert.equal(busy.code, 1);
      assert.equal(busy.stderr, 'ERROR ** Cannot do --restore while NCS is running\n');

      await dockerOk(['stop', nso]);
      await removeContainer(nso);
      const oneOff = ['run', '--rm', '-i', '-v', `${nsoVol}:/nso`, '-v', `${logVol}:/log`];
      const missing = await docker([
        ...oneOff,
        '--entrypoint',
        'ncs-backup',
        image,
        '--restore',
        '/nso/run/backups/nope.backup.gz',
        '--non-interactive',
      ]);
      assert.equal(missing.code, 1);
      assert.equal(
        missing.stderr,
        'ERROR ** Backup file /nso/run/backups/nope.backup.gz not found\n',
      );

      const restored = await docker(
        [...oneOff, '--entrypoint', 'ncs-backup', image, '--restore', file],
        'y\ny\n',
      );
      assert.equal(restored.code, 0, restored.stderr);
      assert.equal(
        restored.stdout,
        'Restore /etc/ncs from the backup (y/n)? ' +
          'Restore /nso/run from the backup (y/n)? ' +
          'INFO  Restore completed successfully\n',
      );

      const again = await startContainer('restored', ['-e', 'NSO_SIM_START_DELAY=1', ...mounts()]);
      await waitForHealth(again, 'healthy');
      assert.equal(
        await cliOk(again, ['show running-config settings banner'], '-C', user),
        'settings banner original\n',
      );
      await dockerOk(['exec', again, 'test', '-d', '/nso/run.old/cdb']);
      await dockerOk(['exec', again, 'test', '-f', file]);
    });
  });

  describe('ncs.conf precedence, EXTRA_ARGS and start scripts', function () {
    let name = '';
    let etcConf = '';
    let scripts = '';

    before(async function () {
      this.timeout(150_000);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-prod-test-etc-'));
      tmpDirs.push(dir);
      const defaults = await dockerOk([
        'run',
        '--rm',
        '--entrypoint',
        'cat',
        image,
        '/defaults/ncs.conf',
      ]);
      etcConf = path.join(dir, 'etc-ncs.conf');
      fs.writeFileSync(etcConf, defaults);
      const nsoEtcConf = path.join(dir, 'nso-etc-ncs.conf');
      fs.writeFileSync(nsoEtcConf, defaults);
      scripts = path.join(dir, 'post');
      fs.mkdirSync(scripts);
      fs.writeFileSync(
        path.join(scripts, '10-record.sh'),
        'ncs --status | grep "^status:" > /tmp/post-start-status\n',
      );
      name = await startContainer(
        'precedence',
        [
          '-e',
          'NSO_SIM_START_DELAY=0.5',
          '-e',
          'EXTRA_ARGS=--with-package-reload --ignore-initial-validation',
          '-v',
          `${etcConf}:/etc/ncs/ncs.conf`,
          '-v',
          `${nsoEtcConf}:/nso/etc/ncs.conf:ro`,
          '-v',
          `${scripts}:/etc/ncs/post-ncs-start.d:ro`,
          '-v',
          `${packagesCopy()}:/nso/run/packages`,
        ],
        ['--not-an-ncs-option'],
      );
      await waitForHealth(name, 'healthy');
    });

    it('prefers /etc/ncs/ncs.conf and passes EXTRA_ARGS rather than CMD', async function () {
      const args = await ncsArgs(name);
      assert.match(
        args,
        /-c \/etc\/ncs\/ncs\.conf --foreground -v --with-package-reload --ignore-initial-validation/,
      );
      assert.ok(!args.includes('--not-an-ncs-option'));
    });

    it('runs post-ncs-start.d scripts once NSO has started', async function () {
      assert.equal(
        await dockerOk(['exec', name, 'cat', '/tmp/post-start-status']),
        'status: started\n',
      );
    });

    it('rereads ncs.conf on ncs_cmd -c reload and reports a broken one', async function () {
      const good = fs.readFileSync(etcConf, 'utf8');
      fs.writeFileSync(etcConf, good.replace('</ncs-config>', ''));
      try {
        const bad = await docker(['exec', name, 'ncs_cmd', '-c', 'reload']);
        assert.equal(bad.code, 1);
        assert.match(
          bad.stderr,
          /^FAILED: maapi_reload_config\(ms\), Error: .*Bad configuration: \/etc\/ncs\/ncs\.conf:\d+:/,
        );
      } finally {
        fs.writeFileSync(etcConf, good);
      }
      const ok = await docker(['exec', name, 'ncs_cmd', '-c', 'reload']);
      assert.deepEqual([ok.code, ok.stderr], [0, '']);
    });
  });
});
