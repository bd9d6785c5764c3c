import * as assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { BuildQueue } from '../../src/core/build/buildQueue';
import { MemoryBuildStateStore } from '../../src/core/build/buildState';
import { cancelledReport, runBuild, type BuildReport } from '../../src/core/build/runBuild';
import { createDockerClient, nodeEndpointSources } from '../../src/core/docker';
import { hashPackageInputs } from '../../src/core/packages/inputHash';
import { repoRoot } from '../helpers/paths';
import { BuildTestRun } from './helpers/buildRun';

/*
 * How a build ends when something goes wrong, against a real engine and the
 * NSO simulator build image: cancelled (the whole make process tree stops
 * within 2 s), the container killed mid-build, a full disk, no engine, no
 * image, an unreadable package folder, a malformed package-meta-data.xml, a
 * required-package cycle; one build at a time per workspace; and the CLI's
 * output and exit codes. Workspaces are temporary folders; containers and the
 * small tmpfs this creates are removed at the end.
 */

const buildRun = new BuildTestRun();
const { docker, scratch, env } = buildRun;
const samplePackages = path.join(repoRoot, 'sample', 'packages');
const cli = path.join(repoRoot, 'src', 'cli', 'cli.ts');

let counter = 0;
function workspace(label: string, packages: string[] = []): string {
  const ws = path.join(scratch, `${label}-${++counter}`);
  fs.mkdirSync(path.join(ws, 'packages'), { recursive: true });
  for (const p of packages) {
    fs.cpSync(path.join(samplePackages, p), path.join(ws, 'packages', p), { recursive: true });
  }
  return ws;
}

/** A package whose build runs a long make with children, printing a line first. */
function addSlowPackage(ws: string, name = 'slow'): void {
  const dir = path.join(ws, 'packages', name);
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package-meta-data.xml'),
    `<ncs-package xmlns="http://tail-f.com/ns/ncs-packages"><name>${name}</name><package-version>1.0</package-version></ncs-package>\n`,
  );
  // make -> sub-make -> sh -> two sleeps: a process tree, as a real build has.
  fs.writeFileSync(
    path.join(dir, 'src', 'Makefile'),
    'all:\n\t@echo long build started\n\t$(MAKE) --no-print-directory compile\n' +
      'compile:\n\tsh -c "sleep 300 & sleep 300; wait"\n' +
      'clean:\n\t@true\n',
  );
}

/** Resolves once `predicate` sees a matching output line. */
function waitForLine(predicate: (line: string) => boolean): {
  observer: { line: (p: string, l: string) => void };
  seen: Promise<void>;
} {
  let resolve: () => void = () => undefined;
  const seen = new Promise<void>((r) => (resolve = r));
  return { observer: { line: (_p, l) => predicate(l) && resolve() }, seen };
}

async function makeProcesses(container: string): Promise<string[]> {
  const r = await docker.exec(container, ['ps', '-eo', 'pid,pgid,args']);
  return r.stdout.split('\n').filter((l) => /\b(make|sleep 300)\b/.test(l) && !/ps -eo/.test(l));
}

async function snapshot(dir: string): Promise<string> {
  return (await hashPackageInputs(dir)).hash;
}

/** The CLI's build of a workspace with this run's image and a state file of its own. */
function cliBuild(ws: string, stateFile: string): string[] {
  return ['build', '--dir', ws, '--image', buildRun.image, '--state-file', stateFile];
}

function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; prefix?: string[] } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const full = [...(options.prefix ?? []), process.execPath, '--import', 'tsx', cli, ...args];
  return new Promise((resolve) => {
    execFile(
      full[0]!,
      full.slice(1),
      { cwd: repoRoot, env: { ...process.env, ...options.env }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('build failures end with a message and leave the workspace untouched', function () {
  this.timeout(180_000);
  const mounts: string[] = [];

  before(async function () {
    await buildRun.resolveImage();
  });

  after(async function () {
    for (const m of mounts) execFileSync('umount', [m]);
    await buildRun.cleanUp();
  });

  it('cancel stops the whole make process tree in the container within 2 s', async function () {
    const ws = workspace('cancel');
    addSlowPackage(ws);
    const controller = new AbortController();
    const { observer, seen } = waitForLine((l) => l === 'long build started');
    const store = new MemoryBuildStateStore();
    let container = '';
    const building = runBuild(
      env(ws, { store }),
      {},
      {
        ...observer,
        info: (m) => (container = /container (\S+)/.exec(m)?.[1] ?? container),
      },
      controller.signal,
    );
    await seen;
    // The tree is really there before we stop it.
    await waitUntil(async () => (await makeProcesses(container)).length >= 3, 10_000);

    const t0 = performance.now();
    controller.abort();
    const report = await building;
    const left = await makeProcesses(container);
    const elapsedMs = performance.now() - t0;

    assert.equal(report.status, 'cancelled');
    assert.equal(report.packages[0]?.status, 'cancelled');
    assert.deepEqual(left, [], 'make, its sub-make and the sleeps are gone');
    assert.ok(elapsedMs < 2000, `stopping took ${elapsedMs.toFixed(0)} ms`);
    const saved = await store.load();
    assert.equal(saved.slow?.lastResult, 'cancelled');
    assert.equal(saved.slow?.key, undefined, 'a cancelled build is not remembered as built');
  });

  it('a container killed mid-build ends the build with what happened; the next build works', async function () {
    const ws = workspace('killed', ['banner']);
    addSlowPackage(ws);
    const before = await snapshot(path.join(ws, 'packages', 'banner'));
    const { observer, seen } = waitForLine((l) => l === 'long build started');
    let container = '';
    const building = runBuild(
      env(ws, { parallelism: 1 }),
      { packages: ['slow'] },
      {
        ...observer,
        info: (m) => (container = /container (\S+)/.exec(m)?.[1] ?? container),
      },
    );
    await seen;
    await docker.killContainer(container, 'KILL');
    const report = await withDeadline(building, 20_000, 'the build to notice the killed container');

    assert.equal(report.failure?.kind, 'containerStopped', JSON.stringify(report, null, 1));
    assert.equal(report.status, 'failed');
    assert.match(report.failure.message, /stopped .* while slow was building/);
    assert.match(report.failure.message, /build again/);
    assert.equal(await snapshot(path.join(ws, 'packages', 'banner')), before);

    const again = await runBuild(env(ws), { packages: ['banner'] });
    assert.equal(again.status, 'succeeded', JSON.stringify(again.failure));
  });

  it('a full disk stops the build and says so', async function () {
    const ws = workspace('disk-full');
    const packages = path.join(ws, 'packages');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'nsowb-buildtest', packages]);
    } catch (err) {
      throw new Error(
        `This test mounts a 512 KiB tmpfs as its workspace and needs root: ${String(err)}`,
      );
    }
    mounts.push(packages);
    for (const p of ['banner', 'common-types', 'l3vpn']) {
      fs.cpSync(path.join(samplePackages, p), path.join(packages, p), { recursive: true });
    }
    // Fill the file system, as a disk full of other things would be.
    const filler = path.join(packages, 'filler');
    try {
      fs.writeFileSync(filler, Buffer.alloc(4 << 20));
    } catch (err) {
      assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
    }
    const before = await snapshot(path.join(packages, 'banner'));

    const report = await runBuild(env(ws, { parallelism: 1 }), {});
    assert.equal(report.status, 'failed');
    assert.equal(report.failure?.kind, 'diskFull', JSON.stringify(report, null, 1));
    assert.match(report.failure.message, /The disk is full/);
    assert.match(report.failure.message, /Free space/);
    // After the first failure nothing else was started.
    assert.equal(report.packages.filter((p) => p.status === 'failed').length, 1);
    assert.equal(await snapshot(path.join(packages, 'banner')), before);
  });

  it('no Docker engine: says where it looked and what to do', async function () {
    const ws = workspace('no-engine', ['banner']);
    const before = await snapshot(ws);
    const unreachable = createDockerClient({
      sources: nodeEndpointSources({ hostOverride: `unix://${scratch}/no-such-docker.sock` }),
    });
    const report = await runBuild(env(ws, { docker: unreachable }), {});
    assert.equal(report.status, 'failed');
    assert.equal(report.failure?.kind, 'engine');
    assert.match(report.failure.message, /no-such-docker\.sock/);
    assert.equal(await snapshot(ws), before);
  });

  it('no build image: says which one is missing and how to load it', async function () {
    const ws = workspace('no-image', ['banner']);
    const report = await runBuild(env(ws, { buildImage: 'nsowb-buildtest-missing:0.0' }), {});
    assert.equal(report.status, 'failed');
    assert.equal(report.failure?.kind, 'noImage');
    assert.equal(report.failure?.imageMissing, 'missing');
    assert.match(report.failure.message, /nsowb-buildtest-missing:0\.0/);
    assert.match(report.failure.message, /docker load/);
    assert.equal(report.container, undefined, 'no container was made');
  });

  it('a malformed package-meta-data.xml is a problem on that file; the other packages build', async function () {
    const ws = workspace('malformed', ['banner', 'common-types']);
    const meta = path.join(ws, 'packages', 'banner', 'package-meta-data.xml');
    fs.writeFileSync(
      meta,
      '<ncs-package xmlns="http://tail-f.com/ns/ncs-packages">\n  <name>banner\n</ncs-package>\n',
    );
    const report = await runBuild(env(ws), {});
    assert.equal(report.status, 'failed');
    assert.equal(report.problems.length, 1);
    assert.equal(report.problems[0]!.file, meta);
    assert.ok(report.problems[0]!.line >= 2);
    assert.deepEqual(
      report.packages.map((p) => [p.name, p.status]),
      [['common-types', 'built']],
    );
    // The CLI names the file once, as an error (not also as a warning beforehand).
    const cliRun = await runCli(cliBuild(ws, path.join(ws, 'state.json')));
    assert.equal(cliRun.code, 1, cliRun.stderr);
    const said = cliRun.stdout + cliRun.stderr;
    assert.equal(said.split(meta).length - 1, 1, said);
    assert.match(cliRun.stdout, new RegExp(`^${escapeRe(meta)}:\\d+:\\d+: error: `, 'm'));
  });

  it('a build of selected packages is not failed by a malformed package-meta-data.xml they do not need', async function () {
    const ws = workspace('selected', ['banner', 'common-types', 'l3vpn']);
    const meta = path.join(ws, 'packages', 'common-types', 'package-meta-data.xml');
    fs.writeFileSync(
      meta,
      '<ncs-package xmlns="http://tail-f.com/ns/ncs-packages">\n  <name>common-types\n</ncs-package>\n',
    );
    const warnings: string[] = [];
    const report = await runBuild(
      env(ws),
      { packages: ['banner'] },
      { warn: (m) => warnings.push(m) },
    );
    assert.equal(report.status, 'succeeded', JSON.stringify(report.failure ?? report.problems));
    assert.deepEqual(report.problems, [], 'not a problem of this build');
    assert.deepEqual(
      report.packages.map((p) => [p.name, p.status]),
      [['banner', 'built']],
    );
    const told = warnings.filter((w) => w.includes(meta));
    assert.equal(told.length, 1, 'said once, as a warning');
    assert.match(told[0]!, /none of the packages built here requires it/);

    // The CLI: exit code 0, the folder a warning on stderr and not an error.
    const cliRun = await runCli([
      ...cliBuild(ws, path.join(ws, 'state.json')),
      '--package',
      'banner',
    ]);
    assert.equal(cliRun.code, 0, cliRun.stderr);
    assert.equal(cliRun.stderr.split(meta).length - 1, 1, cliRun.stderr);
    assert.doesNotMatch(cliRun.stdout + cliRun.stderr, /error:/);

    // l3vpn requires common-types, the package that cannot be read: that fails as before,
    // and so does a build of everything.
    const needing = await runBuild(env(ws), { packages: ['l3vpn'] });
    assert.equal(needing.status, 'failed');
    assert.equal(needing.problems.length, 1);
    assert.equal(needing.problems[0]!.file, meta);
    const everything = await runBuild(env(ws), {});
    assert.equal(everything.status, 'failed');
    assert.equal(everything.problems.length, 1);
  });

  it('a build cancelled beside a malformed package-meta-data.xml is cancelled, not failed', async function () {
    const ws = workspace('cancel-malformed');
    addSlowPackage(ws);
    fs.mkdirSync(path.join(ws, 'packages', 'broken-meta'));
    fs.writeFileSync(
      path.join(ws, 'packages', 'broken-meta', 'package-meta-data.xml'),
      '<ncs-package xmlns="http://tail-f.com/ns/ncs-packages">\n  <name>broken-meta\n',
    );
    const controller = new AbortController();
    const { observer, seen } = waitForLine((l) => l === 'long build started');
    const building = runBuild(env(ws), { clean: true }, observer, controller.signal);
    await seen;
    controller.abort();
    const report = await building;
    assert.equal(report.status, 'cancelled');
    assert.equal(report.problems.length, 1, 'the malformed folder is still named');
    assert.deepEqual(
      report.packages.map((p) => [p.name, p.status]),
      [['slow', 'cancelled']],
    );
  });

  it('a required-package cycle is an error naming the packages', async function () {
    const ws = workspace('cycle', ['banner', 'common-types']);
    const requireOther = (pkg: string, other: string): void => {
      const meta = path.join(ws, 'packages', pkg, 'package-meta-data.xml');
      fs.writeFileSync(
        meta,
        fs
          .readFileSync(meta, 'utf8')
          .replace(
            '</ncs-package>',
            `  <required-package><name>${other}</name></required-package>\n</ncs-package>`,
          ),
      );
    };
    requireOther('banner', 'common-types');
    requireOther('common-types', 'banner');
    const report = await runBuild(env(ws), {});
    assert.equal(report.failure?.kind, 'cycle');
    assert.match(report.failure.message, /banner → common-types → banner/);
    assert.deepEqual(
      report.packages.map((p) => p.status),
      ['failed', 'failed'],
    );
  });

  it('runs one build at a time per workspace: a second request waits for the first', async function () {
    const ws = workspace('queue', ['banner', 'common-types']);
    const store = new MemoryBuildStateStore();
    let running = 0;
    let overlap = false;
    const queue = new BuildQueue<BuildReport>(
      async (request, signal) => {
        running += 1;
        overlap ||= running > 1;
        try {
          return await runBuild(env(ws, { store }), request, {}, signal);
        } finally {
          running -= 1;
        }
      },
      () => cancelledReport(ws),
    );
    const first = queue.submit({ packages: ['banner'] });
    const second = queue.submit({});
    assert.equal(second.queued, true);
    const [a, b] = await Promise.all([first.done, second.done]);
    assert.equal(overlap, false);
    assert.deepEqual(
      a.packages.map((p) => [p.name, p.status]),
      [['banner', 'built']],
    );
    assert.deepEqual(
      b.packages.map((p) => [p.name, p.status]),
      [
        ['banner', 'upToDate'],
        ['common-types', 'built'],
      ],
    );
  });

  it('a package folder linked from outside the packages folder fails with what to do; the others build', async function () {
    const ws = workspace('linked', ['banner', 'l3vpn']);
    const outside = path.join(ws, 'src', 'common-types');
    fs.cpSync(path.join(samplePackages, 'common-types'), outside, { recursive: true });
    fs.symlinkSync('../src/common-types', path.join(ws, 'packages', 'common-types'));
    const before = await snapshot(outside);

    const report = await runBuild(env(ws), {});
    assert.equal(report.status, 'failed');
    const byName = new Map(report.packages.map((p) => [p.name, p]));
    const linked = byName.get('common-types')!;
    assert.equal(linked.status, 'failed', JSON.stringify(report.packages, null, 1));
    assert.match(linked.message!, /common-types is a symbolic link to \.\.\/src\/common-types/);
    assert.match(linked.message!, /outside the packages folder/);
    assert.deepEqual(
      linked.diagnostics.map((d) => [d.file, d.severity]),
      [[path.join(ws, 'packages', 'common-types', 'package-meta-data.xml'), 'error']],
    );
    assert.equal(byName.get('l3vpn')?.status, 'skipped');
    assert.match(byName.get('l3vpn')!.message!, /requires common-types, which failed/);
    assert.equal(byName.get('banner')?.status, 'built');
    assert.equal(await snapshot(outside), before);
    assert.equal(fs.existsSync(path.join(outside, 'load-dir')), false);
  });

  it('a build from another process waits for the running one instead of running make beside it', async function () {
    const ws = workspace('two-processes', ['banner']);
    addSlowPackage(ws);
    const controller = new AbortController();
    const { observer, seen } = waitForLine((l) => l === 'long build started');
    const first = runBuild(
      env(ws, { lockOwner: 'the first build' }),
      { packages: ['slow'] },
      observer,
      controller.signal,
    );
    await seen;

    // The CLI in a terminal, on the same workspace: it either says it waits
    // or (two makes at once) builds banner beside the running make.
    const stateFile = path.join(ws, '..', 'two-processes-state.json');
    const args = [...cliBuild(ws, stateFile), '--package', 'banner'];
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number>((resolve) =>
      child.on('close', (code) => resolve(code ?? 1)),
    );
    let ended = false;
    void exited.then(() => (ended = true));
    await waitUntil(() => Promise.resolve(ended || /Another build of/.test(stdout)), 60_000);
    await new Promise((r) => setTimeout(r, 500));

    assert.equal(ended, false, `the CLI build ran beside the first one:\n${stdout}${stderr}`);
    assert.match(
      stdout,
      /Another build of .*packages is running \(the first build, since .*, process \d+\)\. This build starts when it ends/,
    );
    assert.equal(fs.existsSync(path.join(ws, 'packages', 'banner', 'load-dir')), false);

    controller.abort();
    assert.equal((await first).status, 'cancelled');
    const code = await withDeadline(exited, 60_000, 'the waiting CLI build to run');
    assert.equal(code, 0, `${stdout}${stderr}`);
    assert.match(stdout, /1 package: 1 built/);
  });

  describe('nso-workbench build (CLI)', function () {
    it('prints diagnostics as file:line:col: severity: message and exits 1', async function () {
      const ws = workspace('cli', ['banner', 'common-types']);
      const yang = path.join(ws, 'packages', 'banner', 'src', 'yang', 'banner.yang');
      fs.writeFileSync(
        yang,
        fs.readFileSync(yang, 'utf8').replace('ncs:servicepoint', 'nosuchprefix:servicepoint'),
      );
      const line =
        fs
          .readFileSync(yang, 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('nosuchprefix')) + 1;
      const r = await runCli(cliBuild(ws, path.join(ws, '..', 'cli-state.json')));
      // A CLI run's build container carries only the product's labels: found by its workspace.
      await removeBuildContainersOf(ws);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stdout,
        new RegExp(`^${escapeRe(yang)}:${line}:1: error: undefined prefix nosuchprefix$`, 'm'),
      );
      assert.match(r.stderr, /1 built, 1 failed/);
    });

    it('Ctrl+C stops make in the build container and exits 130', async function () {
      const ws = workspace('cli-sigint');
      addSlowPackage(ws);
      const args = cliBuild(ws, path.join(ws, '..', 'cli-sigint-state.json'));
      const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | string>((resolve) =>
        child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
      );
      await waitUntil(() => Promise.resolve(/long build started/.test(stdout)), 60_000);
      const container = /container (\S+)/.exec(stdout)?.[1] ?? '';
      assert.notEqual(container, '', `the CLI names its build container:\n${stdout}`);
      await waitUntil(async () => (await makeProcesses(container)).length >= 3, 10_000);

      child.kill('SIGINT');
      const code = await withDeadline(exited, 30_000, 'the CLI build to stop');
      const left = await makeProcesses(container);
      await removeBuildContainersOf(ws);
      assert.deepEqual(left, [], 'make, its sub-make and the sleeps are gone');
      assert.equal(code, 130, `${stdout}${stderr}`);
      assert.match(stderr, /stopping make in the build container/);
      assert.match(stderr, /cancelled/i);
    });

    it('--json reports every package and exits 0 on success; the state file makes the next run up to date', async function () {
      const ws = workspace('cli-json', ['banner']);
      const stateFile = path.join(ws, '..', 'cli-json-state.json');
      const args = [...cliBuild(ws, stateFile), '--json'];
      const first = await runCli(args);
      const second = await runCli(args);
      await removeBuildContainersOf(ws);
      assert.equal(first.code, 0, first.stderr);
      const parsed = JSON.parse(first.stdout) as {
        status: string;
        packages: { name: string; status: string }[];
      };
      assert.equal(parsed.status, 'succeeded');
      assert.deepEqual(
        parsed.packages.map((p) => [p.name, p.status]),
        [['banner', 'built']],
      );
      assert.equal(second.code, 0);
      assert.equal((JSON.parse(second.stdout) as typeof parsed).packages[0]?.status, 'upToDate');
      assert.ok(fs.existsSync(stateFile));
      assert.equal(
        fs.existsSync(path.join(ws, '.nso-workbench')),
        false,
        'nothing written in the workspace',
      );
    });

    it('an image named with --image that is not loaded is named as such, not as the setting', async function () {
      const ws = workspace('cli-no-image', ['banner']);
      const r = await runCli([
        'build',
        '--dir',
        ws,
        '--image',
        'nsowb-buildtest-missing:0.0',
        '--state-file',
        path.join(ws, '..', 'cli-no-image-state.json'),
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /nsowb-buildtest-missing:0\.0 \(--image\) is not loaded/);
      assert.match(r.stderr, /or leave out --image to use the newest local image/);
      assert.doesNotMatch(r.stderr, /setting nso\.buildImage/);
    });

    it('an unreadable package folder fails that package with what to do; the others build', async function () {
      const ws = workspace('unreadable', ['banner', 'common-types']);
      const locked = path.join(ws, 'packages', 'banner', 'src', 'yang');
      fs.chmodSync(locked, 0o000);
      const stateFile = path.join(ws, '..', 'unreadable-state.json');
      try {
        // Root reads anything; without CAP_DAC_OVERRIDE it obeys file modes like a user.
        const r = await runCli([...cliBuild(ws, stateFile), '--json'], {
          prefix: [
            'setpriv',
            '--bounding-set=-dac_override,-dac_read_search',
            '--inh-caps=-dac_override,-dac_read_search',
          ],
        });
        assert.equal(r.code, 1, r.stderr);
        const parsed = JSON.parse(r.stdout) as {
          packages: { name: string; status: string; message: string | null }[];
        };
        const banner = parsed.packages.find((p) => p.name === 'banner')!;
        assert.equal(banner.status, 'failed');
        assert.match(banner.message!, /Cannot read .*yang.*EACCES/);
        assert.match(banner.message!, /chmod -R u\+rX/);
        assert.equal(parsed.packages.find((p) => p.name === 'common-types')?.status, 'built');
      } finally {
        fs.chmodSync(locked, 0o755);
        await removeBuildContainersOf(ws);
      }
    });
  });
});

async function removeBuildContainersOf(ws: string): Promise<void> {
  const found = await docker.listContainers({
    all: true,
    labels: { 'org.nso-workbench.workspace': ws },
  });
  for (const c of found) await docker.removeContainer(c.id, { force: true });
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)),
        ms,
      );
    }),
  ]);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
