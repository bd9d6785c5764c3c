import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createDockerClient, nodeEndpointSources } from '../../src/core/docker';
import { isNcsCliError, NcsCli } from '../../src/core/nso/ncsCli';
import { MemoryLoadedStateStore, type ReloadReport } from '../../src/core/nso/reload';
import {
  reloadInto,
  removeProdTestContainer,
  removeReloadContainer,
  startReloadContainer,
  startWorkspaceContainer,
} from './helpers/reloadContainer';
import { compilePackages, corpusWorkspace, ensureImages, run, testName } from './reloadSupport';

/*
 * Reloading the shared corpus's real packages (compiled with the build image)
 * into the simulator production image through the product's core: a
 * Python-only change redeploys only its package, a removed YANG leaf is
 * refused with the module listed, a template error lands on the template
 * line, a Python error on the Python line, and a container stopped in the
 * middle of a reload gives a clear error. Containers and volumes are named
 * nsowb-prodtest-* and removed at the end.
 */

const docker = createDockerClient({ sources: nodeEndpointSources() });

describe('reload of the corpus packages in the production container', function () {
  const name = testName('corpus');
  const store = new MemoryLoadedStateStore();
  const cli = new NcsCli(docker);
  let ws = '';
  let network = '';
  const transcripts: string[] = [];

  const reload = (
    extra: { strategy?: 'auto' | 'full'; force?: boolean; redeploy?: string } = {},
  ): Promise<ReloadReport> =>
    reloadInto(
      { docker, cli, container: name, workspace: ws, store },
      {
        strategy: extra.strategy ?? 'auto',
        force: extra.force ?? false,
        ...(extra.redeploy !== undefined ? { redeploy: extra.redeploy } : {}),
        observer: { transcript: (t) => transcripts.push(t) },
      },
    );
  const pkgDir = (p: string): string => path.join(ws, 'packages', p);

  before(async function () {
    this.timeout(25 * 60_000);
    await ensureImages();
    ws = corpusWorkspace();
    // The simulator imports a package's Python modules as regular packages:
    // give distkey's module the __init__.py that NSO's own loader can do without.
    fs.writeFileSync(path.join(pkgDir('distkey'), 'python', 'distkey', '__init__.py'), '');
    network = await startReloadContainer(docker, ws, name);
  });

  after(async function () {
    this.timeout(120_000);
    await removeReloadContainer(name, network, ws);
  });

  it('loads all ten packages with a full reload first, each up', async function () {
    this.timeout(120_000);
    const report = await reload();
    assert.equal(report.plan.kind, 'full', 'nothing known yet: a full reload');
    assert.equal(report.status, 'ok', report.message + '\n' + report.transcript);
    assert.equal(report.packages.length, 10);
    for (const p of report.packages) {
      assert.equal(p.result, true, `${p.name} result`);
      assert.equal(p.operStatus?.status, 'up', `${p.name} oper-status`);
    }
    assert.match(report.transcript, /> packages reload\n/);
  });

  it('redeploys only the package whose Python alone changed', async function () {
    this.timeout(120_000);
    const main = path.join(pkgDir('python-test-package'), 'python', 'testpkg_python', 'main.py');
    fs.appendFileSync(main, '\n# a comment is a change\n');
    const report = await reload();
    assert.deepEqual(report.plan, {
      kind: 'redeploy',
      packages: ['python-test-package'],
      reason: 'only Python code or templates changed',
    });
    assert.equal(report.status, 'ok', report.message);
    assert.match(report.transcript, /> packages package python-test-package redeploy\n/);
    assert.doesNotMatch(report.transcript, /> packages reload/);
    assert.deepEqual(
      report.packages.filter((p) => p.result !== undefined).map((p) => p.name),
      ['python-test-package'],
    );
    assert.ok(report.packages.every((p) => p.operStatus?.status === 'up'));

    const again = await reload();
    assert.equal(again.status, 'nothing', 'unchanged since: nothing to do');
  });

  it('redeploys a package by name when asked, and refuses when a redeploy would not load its change', async function () {
    this.timeout(120_000);
    const asked = await reload({ redeploy: 'python-test-package' });
    assert.deepEqual(asked.plan, {
      kind: 'redeploy',
      packages: ['python-test-package'],
      reason: 'asked for by name',
    });
    assert.equal(asked.status, 'ok', asked.message);
    assert.match(asked.transcript, /> packages package python-test-package redeploy\n/);
    assert.doesNotMatch(asked.transcript, /> packages reload/);

    const meta = path.join(pkgDir('python-test-package'), 'package-meta-data.xml');
    const original = fs.readFileSync(meta, 'utf8');
    fs.writeFileSync(meta, `${original}<!-- changed -->\n`);
    try {
      const refused = await reload({ redeploy: 'python-test-package' });
      assert.equal(refused.status, 'needsFullReload');
      assert.equal(refused.transcript, '', 'nothing was sent to NSO');
      assert.match(refused.message, /package-meta-data\.xml changed .*reload the packages instead/);
    } finally {
      fs.writeFileSync(meta, original);
    }
    await assert.rejects(
      reload({ redeploy: 'no such "package"' }),
      /There is no package "no such \\"package\\""/,
    );
    const after = await reload();
    assert.equal(after.status, 'nothing', after.message);
  });

  it('puts a Python error on its line and clears it when fixed', async function () {
    this.timeout(120_000);
    const main = path.join(pkgDir('python-test-package'), 'python', 'testpkg_python', 'main.py');
    const good = fs.readFileSync(main, 'utf8');
    const lines = good.split('\n');
    lines.splice(3, 0, 'def broken(:');
    fs.writeFileSync(main, lines.join('\n'));
    try {
      const report = await reload();
      assert.equal(report.plan.kind, 'redeploy');
      assert.equal(report.status, 'failed');
      const p = report.packages.find((x) => x.name === 'python-test-package');
      assert.equal(p?.result, false);
      assert.equal(p?.operStatus?.status, 'program-code-error');
      assert.deepEqual(
        report.diagnostics.map((d) => [d.file, d.line]),
        [[main, 4]],
      );
      assert.match(report.diagnostics[0]!.message, /SyntaxError/);
    } finally {
      fs.writeFileSync(main, good);
    }
    const fixed = await reload();
    assert.equal(fixed.status, 'ok');
    assert.deepEqual(fixed.diagnostics, []);
    assert.ok(fixed.touched.includes('python-test-package'), 'its old problems are replaced');
  });

  it('puts a template error on the template line', async function () {
    this.timeout(120_000);
    const file = path.join(
      pkgDir('template-package'),
      'templates',
      'template-package-template.xml',
    );
    const good = fs.readFileSync(file, 'utf8');
    const lines = good.split('\n');
    const at = lines.findIndex((l) => /<config-template\b/.test(l));
    assert.ok(at >= 0, 'the corpus template has a config-template element');
    lines.splice(
      at + 1,
      0,
      '  <no-such-thing xmlns="http://example.com/not-loaded">x</no-such-thing>',
    );
    fs.writeFileSync(file, lines.join('\n'));
    try {
      const report = await reload();
      assert.deepEqual(report.plan.kind === 'redeploy' && report.plan.packages, [
        'template-package',
      ]);
      assert.equal(report.status, 'failed');
      const p = report.packages.find((x) => x.name === 'template-package');
      assert.equal(p?.operStatus?.status, 'file-load-error');
      assert.equal(report.diagnostics.length, 1);
      assert.equal(report.diagnostics[0]!.file, file);
      assert.equal(report.diagnostics[0]!.line, at + 2);
    } finally {
      fs.writeFileSync(file, good);
    }
    assert.equal((await reload()).status, 'ok');
  });

  it('refuses to drop a removed YANG leaf and lists the module; force only when asked', async function () {
    this.timeout(240_000);
    const yang = path.join(pkgDir('testpkg'), 'src', 'yang', 'testpkg.yang');
    const good = fs.readFileSync(yang, 'utf8');
    const leaf = /\n(\s*)leaf (\S+) \{[^{}]*\}\n/.exec(good);
    assert.ok(leaf, 'testpkg.yang has a simple leaf');
    fs.writeFileSync(yang, good.replace(leaf[0], '\n'));
    try {
      await compilePackages(ws, 'testpkg');
      const refused = await reload();
      assert.equal(refused.plan.kind, 'full', 'a rebuilt schema needs a full reload');
      assert.equal(refused.status, 'deletionRefused');
      assert.deepEqual(refused.deletions, [{ package: 'testpkg', module: 'testpkg' }]);
      assert.match(refused.message, /Nothing was changed/);
      // Refused means nothing moved: the same refusal again, never a silent force.
      const still = await reload({ strategy: 'full' });
      assert.equal(still.status, 'deletionRefused');
      assert.doesNotMatch(still.transcript, /packages reload force/);
    } finally {
      fs.writeFileSync(yang, good);
    }
    await compilePackages(ws, 'testpkg');
    // Back to what NSO still has loaded: the refusal changed nothing, so nothing to do.
    const back = await reload();
    assert.equal(back.status, 'nothing', back.message);
    assert.ok(back.packages.every((p) => p.operStatus?.status === 'up'));
  });

  it('says when sources changed without a build that NSO runs the previous build', async function () {
    this.timeout(240_000);
    const yang = path.join(pkgDir('testpkg'), 'src', 'yang', 'testpkg.yang');
    const good = fs.readFileSync(yang, 'utf8');
    fs.writeFileSync(yang, `${good}\n// edited, not built\n`);
    try {
      const refused = await reload({ redeploy: 'testpkg' });
      assert.equal(refused.status, 'needsFullReload');
      assert.match(
        refused.message,
        /^testpkg: src\/yang\/testpkg\.yang changed since NSO loaded the package, and only a build turns it into what NSO loads: build the package, then reload/,
      );
      // A reload would give NSO the previous build again: nothing is sent, the note says why.
      const stale = await reload();
      assert.equal(stale.status, 'nothing', stale.message);
      assert.equal(stale.plan.kind, 'none');
      assert.equal(stale.transcript.includes('packages reload'), false);
      assert.deepEqual(stale.unbuilt, ['testpkg: src/yang/testpkg.yang']);
      assert.match(
        stale.message,
        /Sources changed since NSO loaded them, with no new build: testpkg: src\/yang\/testpkg\.yang\. NSO runs the previous build there: build those packages, then reload/,
      );
    } finally {
      fs.writeFileSync(yang, good);
    }
    // The source as it was (newer than its build, but the same text NSO's build came from).
    const back = await reload();
    assert.equal(back.status, 'nothing', back.message);
  });

  it('reloads nothing after a build whose schema came out the same (a comment added to a YANG module)', async function () {
    this.timeout(240_000);
    const yang = path.join(pkgDir('testpkg'), 'src', 'yang', 'testpkg.yang');
    const good = fs.readFileSync(yang, 'utf8');
    fs.writeFileSync(yang, `${good}\n// a comment, built\n`);
    try {
      await compilePackages(ws, 'testpkg');
      const report = await reload();
      assert.equal(report.status, 'nothing', report.message);
      assert.equal(report.plan.kind, 'none');
      assert.doesNotMatch(report.message, /no new build/);
      assert.equal(report.unbuilt, undefined);
      // Built, so a redeploy by name is not held back for the YANG file either.
      const redeploy = await reload({ redeploy: 'testpkg' });
      assert.notEqual(redeploy.status, 'needsFullReload', redeploy.message);
    } finally {
      fs.writeFileSync(yang, good);
    }
    await compilePackages(ws, 'testpkg');
    const back = await reload();
    assert.equal(back.status, 'nothing', back.message);
  });

  it('says NSO loaded none of the packages when its packages folder is another, empty one', async function () {
    this.timeout(300_000);
    const other = testName('empty');
    // A workspace of its own (the container is labelled with it) whose packages folder is empty.
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-empty-ws-'));
    fs.mkdirSync(path.join(empty, 'packages'));
    try {
      await startWorkspaceContainer(docker, network, empty, other);
      const report = await reloadInto(
        { docker, cli, container: other, workspace: ws, store: new MemoryLoadedStateStore() },
        { strategy: 'full' },
      );
      assert.equal(report.status, 'failed', report.message);
      assert.match(
        report.message,
        /NSO reloaded but loaded none of the 10 packages of .*: its load path holds no package\. Check that .* mounted at \/nso\/run\/packages/,
      );
      assert.match(report.transcript, /% No entries found/);
    } finally {
      await removeProdTestContainer(other);
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('says so when the container stops in the middle of a reload, and leaves its data', async function () {
    this.timeout(240_000);
    fs.appendFileSync(path.join(pkgDir('dummy'), 'templates', 'dummy-template.xml'), '\n');
    // A frozen NSO keeps ncs_cli waiting: the container then stops under it.
    await run('docker', ['exec', name, 'pkill', '-STOP', '-x', 'ncs.smp']);
    const pending = reload({ strategy: 'full' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      const top = await run('docker', ['top', name]);
      if (/ncs_cli/.test(top.stdout)) break;
      assert.ok(Date.now() < deadline, `ncs_cli never started:\n${top.stdout}${top.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await run('docker', ['kill', name]);
    const error = await pending;
    assert.ok(isNcsCliError(error, 'containerStopped'), `got ${String(error)}`);
    assert.match((error as Error).message, /stopped while NSO was running the commands/);
    assert.match((error as Error).message, /Start NSO again \(its data is kept\)/);
    const volume = await run('docker', ['volume', 'inspect', `${name}-nso`]);
    assert.equal(volume.code, 0, 'the /nso volume is still there');
    const state = await run('docker', ['inspect', '-f', '{{.State.Status}}', name]);
    assert.equal(state.stdout.trim(), 'exited', 'the container is left stopped, not removed');
  });
});
