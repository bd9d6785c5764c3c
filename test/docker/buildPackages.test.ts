import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { MemoryBuildStateStore, type BuildStateStore } from '../../src/core/build/buildState';
import {
  runBuild,
  type BuildEnvironment,
  type BuildObserver,
  type BuildReport,
  type PackageDiagnostic,
} from '../../src/core/build/runBuild';
import { containerPackagesDir, packagesDirLabel } from '../../src/core/nso/buildContainer';
import { roleLabel, workspaceLabel } from '../../src/core/nso/labels';
import { corpusPath, repoRoot } from '../helpers/paths';
import { buildImageTag, BuildTestRun } from './helpers/buildRun';
import { yangFileNames } from './helpers/yangFiles';

/*
 * Package builds against the NSO simulator build image, as the extension and
 * the CLI run them: the sample workspace (Python, YANG-only, template-only and
 * Java packages), the real packages of the shared corpus (read from
 * ../shared/corpus/packages, copied into temporary workspaces, never into the
 * repo), broken copies of both, odd folder names, incremental rebuilds and the
 * container's life cycle. Every workspace is a temporary folder; the build
 * containers the product creates carry this run's label and are removed at
 * the end.
 */

const buildRun = new BuildTestRun();
const { docker, scratch, env } = buildRun;
const samplePackages = path.join(repoRoot, 'sample', 'packages');

let wsCounter = 0;
/** A fresh workspace folder with copies of `packages` (folder name -> source folder). */
function workspace(label: string, packages: Map<string, string>): string {
  const ws = path.join(scratch, `${label}-${++wsCounter}`);
  for (const [name, from] of packages) {
    fs.cpSync(from, path.join(ws, 'packages', name), { recursive: true });
  }
  fs.mkdirSync(path.join(ws, 'packages'), { recursive: true });
  return ws;
}

function sampleWorkspace(label: string): string {
  return workspace(
    label,
    new Map(fs.readdirSync(samplePackages).map((n) => [n, path.join(samplePackages, n)])),
  );
}

/** Runs a build and records the live output and which packages ran make. */
async function build(
  e: BuildEnvironment,
  request: Parameters<typeof runBuild>[1] = {},
): Promise<{ report: BuildReport; started: string[]; output: string[] }> {
  const started: string[] = [];
  const output: string[] = [];
  const observer: BuildObserver = {
    packageStarted: (p) => started.push(p),
    line: (p, l) => output.push(`[${p}] ${l}`),
  };
  const report = await runBuild(e, request, observer);
  return { report, started, output };
}

function statuses(r: BuildReport): Record<string, string> {
  return Object.fromEntries(r.packages.map((p) => [p.name, p.status]));
}

function allDiagnostics(r: BuildReport): PackageDiagnostic[] {
  return r.packages.flatMap((p) => p.diagnostics);
}

function describeReport(r: BuildReport, output: string[] = []): string {
  return JSON.stringify(
    { status: r.status, failure: r.failure, packages: r.packages, problems: r.problems },
    null,
    1,
  ).concat('\n', output.join('\n'));
}

// ---------------------------------------------------------------- breaking packages

interface Breakage {
  file: string;
  line: number;
  text: RegExp;
}

/** Every file and folder under `dir`, not following links. */
function walkAll(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? [p, ...walkAll(p)] : [p];
  });
}

function yangFiles(pkgDir: string): string[] {
  return yangFileNames(pkgDir).map((f) => path.join(pkgDir, 'src', 'yang', f));
}

function editLines(file: string, edit: (lines: string[]) => number): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = edit(lines);
  assert.ok(i >= 0, `nothing to break in ${file}`);
  fs.writeFileSync(file, lines.join('\n'));
  return i + 1;
}

/** Drops the ';' of the first `type x;` of the package's first YANG module that has one. */
function breakYangSyntax(pkgDir: string): Breakage {
  const isType = (l: string): boolean => /^\s*type [^\s;{]+;\s*$/.test(l);
  const file = yangFiles(pkgDir).find((f) => fs.readFileSync(f, 'utf8').split('\n').some(isType))!;
  assert.ok(file, `no 'type x;' in the YANG of ${pkgDir}`);
  const line = editLines(file, (lines) => {
    const i = lines.findIndex(isType);
    lines[i] = lines[i]!.replace(/;\s*$/, '');
    return i;
  });
  return { file, line, text: /./ };
}

/** Gives the first extension statement (or else the first `type`) an undefined prefix. */
function breakYangPrefix(pkgDir: string): Breakage {
  const file = yangFiles(pkgDir)[0]!;
  const line = editLines(file, (lines) => {
    let i = lines.findIndex((l) => /^\s*[a-z][\w-]*:[a-z][\w-]*[\s;{]/.test(l));
    if (i >= 0) {
      lines[i] = lines[i]!.replace(/^(\s*)[a-z][\w-]*:/, '$1nosuchprefix:');
      return i;
    }
    i = lines.findIndex((l) => /^\s*type [^\s;{]+;\s*$/.test(l));
    if (i >= 0)
      lines[i] = lines[i]!.replace(/type (?:[\w-]+:)?([^\s;{]+);/, 'type nosuchprefix:$1;');
    return i;
  });
  return { file, line, text: /nosuchprefix/ };
}

function findFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? findFiles(path.join(dir, e.name), suffix)
        : e.name.endsWith(suffix)
          ? [path.join(dir, e.name)]
          : [],
    )
    .sort();
}

/** Drops the ';' of the first plain statement of the package's first Java source. */
function breakJava(pkgDir: string): Breakage {
  const file = findFiles(path.join(pkgDir, 'src', 'java', 'src'), '.java')[0]!;
  const line = editLines(file, (lines) => {
    const i = lines.findIndex((l) => /^\s+(?:String|int|return)\b.*;\s*$/.test(l));
    lines[i] = lines[i]!.replace(/;\s*$/, '');
    return i;
  });
  return { file, line, text: /';' expected/ };
}

/** An unclosed parameter list in a Python def. */
function breakPython(file: string): Breakage {
  const line = editLines(file, (lines) => {
    const i = lines.findIndex((l) => /^\s+def \w+\(self\):\s*$/.test(l));
    lines[i] = lines[i]!.replace('(self):', '(self:');
    return i;
  });
  return { file, line, text: /SyntaxError/ };
}

function assertOnly(r: BuildReport, expected: Breakage, output: string[]): void {
  const ds = allDiagnostics(r);
  assert.equal(ds.length, 1, `expected exactly one diagnostic:\n${describeReport(r, output)}`);
  const d = ds[0]!;
  assert.equal(d.file, expected.file, describeReport(r, output));
  assert.equal(d.line, expected.line, describeReport(r, output));
  assert.equal(d.severity, 'error');
  assert.match(d.message, expected.text);
}

// ---------------------------------------------------------------- corpus

/** ncs-make-package's part for a skeleton: %NAME% and foo.* take the package's name. */
function instantiateSkeleton(from: string, name: string, into: string): void {
  fs.cpSync(from, into, { recursive: true });
  for (const file of findFiles(into, '')) {
    let text = fs.readFileSync(file, 'utf8').replaceAll('%NAME%', name);
    if (path.basename(file) === 'Makefile' && path.basename(path.dirname(file)) === 'src') {
      text = text
        .replace(/^#%FXS%$/m, 'FXS = $(SRC:yang/%.yang=../load-dir/%.fxs)')
        .replace(/^#%FXSTRG%$/m, '../load-dir/%.fxs: yang/%.yang');
    }
    fs.writeFileSync(file, text);
    const base = path.basename(file);
    if (base.startsWith('foo.')) {
      fs.renameSync(file, path.join(path.dirname(file), `${name}${base.slice(3)}`));
    }
  }
}

const isPackageDir = (d: string): boolean =>
  fs.existsSync(path.join(d, 'package-meta-data.xml')) ||
  fs.existsSync(path.join(d, 'src', 'package-meta-data.xml.in'));

/**
 * The corpus packages as two workspaces (examples 01 and 02 hold packages of
 * the same names, which NSO cannot load side by side): folder name -> a
 * function that copies the package there.
 */
function corpusWorkspaces(): Map<string, (into: string) => void>[] {
  const root = corpusPath('packages');
  const first = new Map<string, (into: string) => void>();
  const second = new Map<string, (into: string) => void>();
  for (const entry of fs.readdirSync(root).sort()) {
    const dir = path.join(root, entry);
    const target = entry.startsWith('02_') ? second : first;
    if (isPackageDir(dir)) {
      const skeleton = fs
        .readFileSync(path.join(dir, 'package-meta-data.xml'), 'utf8')
        .includes('%NAME%');
      const name = skeleton ? `skel-${entry.slice(0, 2)}` : entry.replace(/^\d+_/, '');
      target.set(name, (into) =>
        skeleton ? instantiateSkeleton(dir, name, into) : fs.cpSync(dir, into, { recursive: true }),
      );
      continue;
    }
    const holder = fs.existsSync(path.join(dir, 'packages')) ? path.join(dir, 'packages') : dir;
    for (const n of fs.readdirSync(holder).sort()) {
      const d = path.join(holder, n);
      if (fs.statSync(d).isDirectory() && isPackageDir(d)) {
        target.set(n, (into) => fs.cpSync(d, into, { recursive: true }));
      }
    }
  }
  return [first, second];
}

function corpusWorkspace(label: string, packages: Map<string, (into: string) => void>): string {
  const ws = path.join(scratch, `${label}-${++wsCounter}`);
  for (const [name, copy] of packages) copy(path.join(ws, 'packages', name));
  return ws;
}

// ---------------------------------------------------------------- tests

describe('building packages in the NSO build container', function () {
  this.timeout(240_000);

  before(async function () {
    await buildRun.resolveImage();
  });

  after(async function () {
    await buildRun.cleanUp();
  });

  describe('the sample workspace', function () {
    const store: BuildStateStore = new MemoryBuildStateStore();
    let ws = '';
    before(() => {
      ws = sampleWorkspace('sample');
    });

    it('builds all four packages: Python, YANG-only, template-only and Java', async function () {
      const { report, output } = await build(env(ws, { store }));
      assert.equal(report.status, 'succeeded', describeReport(report, output));
      assert.deepEqual(statuses(report), {
        'common-types': 'built',
        banner: 'built',
        'device-audit': 'built',
        l3vpn: 'built',
      });
      assert.deepEqual(allDiagnostics(report), []);
      // common-types before l3vpn, which requires it.
      const order = report.packages.map((p) => p.name);
      assert.ok(order.indexOf('common-types') < order.indexOf('l3vpn'));

      const pkgs = path.join(ws, 'packages');
      for (const p of ['common-types', 'banner', 'device-audit', 'l3vpn']) {
        assert.ok(fs.existsSync(path.join(pkgs, p, 'load-dir', `${p}.fxs`)), `${p}.fxs`);
      }
      assert.ok(fs.existsSync(path.join(pkgs, 'device-audit', 'private-jar', 'device-audit.jar')));
      assert.ok(
        fs.existsSync(path.join(pkgs, 'device-audit', 'shared-jar', 'device-audit-ns.jar')),
      );
      assert.ok(fs.existsSync(path.join(pkgs, 'l3vpn', 'python', 'l3vpn', '__pycache__')));
    });

    it('runs in a labelled container with the packages bind-mounted and no network', async function () {
      const [c] = await docker.listContainers({
        all: true,
        labels: { [roleLabel]: 'build', [workspaceLabel]: ws },
      });
      assert.ok(c, 'a build container labelled with the workspace');
      const details = await docker.inspectContainer(c.id);
      assert.equal(details.state.running, true);
      assert.equal(details.networkMode, 'none');
      const mount = details.mounts.find((m) => m.destination === containerPackagesDir);
      assert.equal(mount?.source, path.join(ws, 'packages'));
      assert.equal(details.labels[packagesDirLabel], path.join(ws, 'packages'));
    });

    it('says "up to date" for every package when nothing changed, without running make', async function () {
      const [c] = await docker.listContainers({ all: true, labels: { [workspaceLabel]: ws } });
      const { report, started } = await build(env(ws, { store }));
      assert.equal(report.status, 'succeeded');
      assert.deepEqual(new Set(Object.values(statuses(report))), new Set(['upToDate']));
      assert.deepEqual(started, []);
      assert.ok(report.durationMs < 1000, `took ${report.durationMs} ms`);
      const [after] = await docker.listContainers({ all: true, labels: { [workspaceLabel]: ws } });
      assert.equal(after?.id, c?.id, 'the container is reused');
    });

    it('rebuilds a changed package and what requires it, and nothing else', async function () {
      const yang = path.join(ws, 'packages', 'common-types', 'src', 'yang', 'common-types.yang');
      fs.appendFileSync(yang, '\n// a comment is a change too\n');
      const { report, started } = await build(env(ws, { store }));
      assert.equal(report.status, 'succeeded');
      assert.deepEqual(started.sort(), ['common-types', 'l3vpn']);
      assert.equal(statuses(report).banner, 'upToDate');
      assert.equal(statuses(report)['device-audit'], 'upToDate');
    });

    it('rebuilds a package whose outputs were deleted', async function () {
      fs.rmSync(path.join(ws, 'packages', 'banner', 'load-dir'), { recursive: true });
      const { started } = await build(env(ws, { store }));
      assert.deepEqual(started, ['banner']);
      assert.ok(fs.existsSync(path.join(ws, 'packages', 'banner', 'load-dir', 'banner.fxs')));
    });

    it('Clean Build of one package runs make clean, then make all', async function () {
      const { report, output, started } = await build(env(ws, { store }), {
        packages: ['banner'],
        clean: true,
      });
      assert.equal(report.status, 'succeeded');
      assert.deepEqual(started, ['banner']);
      const clean = output.findIndex((l) => l === '[banner] rm -rf ../load-dir');
      const compile = output.findIndex((l) => /\[banner\] .*ncsc .*banner\.yang/.test(l));
      assert.ok(clean >= 0 && compile > clean, output.join('\n'));
      assert.equal(report.packages.find((p) => p.name === 'banner')?.clean, true);
    });

    it('recreates the container when the build image changes', async function () {
      // Another image id with the same content: a tag of a copy would share the id.
      const [before] = await docker.listContainers({ all: true, labels: { [workspaceLabel]: ws } });
      const derived = `nsowb-buildtest-image:${process.pid}`;
      const built = execFileSync(
        'docker',
        ['build', '-q', '-t', derived, '--label', `nsowb-buildtest.run=${process.pid}`, '-'],
        {
          input: `FROM ${buildImageTag}\nLABEL org.nso-workbench.test=derived\n`,
          encoding: 'utf8',
        },
      );
      try {
        assert.match(built, /sha256:/);
        const messages: string[] = [];
        const report = await runBuild(
          env(ws, { store, buildImage: derived }),
          { packages: ['banner'] },
          { info: (m) => messages.push(m) },
        );
        assert.equal(report.status, 'succeeded');
        // A new image is another compiler: the package is rebuilt, not up to date.
        assert.equal(statuses(report).banner, 'built');
        assert.ok(
          messages.some((m) => /its image changed/.test(m)),
          messages.join('\n'),
        );
        const [after] = await docker.listContainers({
          all: true,
          labels: { [workspaceLabel]: ws },
        });
        assert.notEqual(after?.id, before?.id);
        await docker.removeContainer(after!.id, { force: true });
      } finally {
        await docker.removeImage(derived, { force: true });
      }
    });

    it('recreates the container when the packages folder changes', async function () {
      fs.cpSync(path.join(ws, 'packages', 'banner'), path.join(ws, 'other-packages', 'banner'), {
        recursive: true,
      });
      await build(env(ws, { store }), { packages: ['banner'] });
      const messages: string[] = [];
      const report = await runBuild(
        env(ws, { packagesPath: 'other-packages' }),
        {},
        { info: (m) => messages.push(m) },
      );
      assert.equal(report.status, 'succeeded');
      assert.ok(
        messages.some((m) => /packages folder changed/.test(m)),
        messages.join('\n'),
      );
      const [c] = await docker.listContainers({ all: true, labels: { [workspaceLabel]: ws } });
      const details = await docker.inspectContainer(c!.id);
      assert.equal(
        details.mounts.find((m) => m.destination === containerPackagesDir)?.source,
        path.join(ws, 'other-packages'),
      );
    });
  });

  describe('Build Package', function () {
    it('builds what the package requires first, and nothing else', async function () {
      const ws = sampleWorkspace('one');
      const { report, started } = await build(env(ws, { parallelism: 1 }), {
        packages: ['l3vpn'],
      });
      assert.equal(report.status, 'succeeded');
      assert.deepEqual(started, ['common-types', 'l3vpn']);
      assert.deepEqual(
        report.packages.map((p) => p.name),
        ['common-types', 'l3vpn'],
      );
    });
  });

  describe('the production image', function () {
    it('a warning when it runs another NSO version than the build image compiles for', async function () {
      // Our own tag on the simulator's production image, saying another version.
      const prodTag = `nsowb-buildtest-prod-${process.pid}:6.5.2`;
      execFileSync('docker', ['tag', 'nso-sim/cisco-nso-prod:6.4.1', prodTag]);
      try {
        const ws = workspace(
          'versions',
          new Map([['banner', path.join(samplePackages, 'banner')]]),
        );
        const warnings: string[] = [];
        const mismatch = await runBuild(
          env(ws, { prodImage: prodTag }),
          {},
          { warn: (w) => warnings.push(w) },
        );
        assert.equal(mismatch.status, 'succeeded');
        assert.equal(mismatch.warnings.length, 1, warnings.join('\n'));
        assert.match(
          mismatch.warnings[0]!,
          /is NSO 6\.4\.1 but the production image .* is NSO 6\.5\.2/,
        );
        assert.deepEqual(warnings, mismatch.warnings);

        fs.rmSync(path.join(ws, 'packages', 'banner', 'load-dir'), { recursive: true });
        const same = await runBuild(env(ws, { prodImage: 'nso-sim/cisco-nso-prod:6.4.1' }), {});
        assert.equal(same.status, 'succeeded');
        assert.deepEqual(same.warnings, []);
      } finally {
        execFileSync('docker', ['rmi', prodTag]);
      }
    });
  });

  describe('broken copies of the sample give exactly one diagnostic at the right line', function () {
    it('a YANG syntax error (l3vpn.yang)', async function () {
      const ws = sampleWorkspace('yang-syntax');
      const expected = breakYangSyntax(path.join(ws, 'packages', 'l3vpn'));
      const { report, output } = await build(env(ws), { packages: ['l3vpn'] });
      assert.equal(report.status, 'failed');
      assertOnly(report, expected, output);
    });

    it('an undefined prefix (banner.yang)', async function () {
      const ws = sampleWorkspace('yang-prefix');
      const expected = breakYangPrefix(path.join(ws, 'packages', 'banner'));
      const { report, output } = await build(env(ws), { packages: ['banner'] });
      assertOnly(report, expected, output);
    });

    it('a Java syntax error (device-audit), through ant', async function () {
      const ws = sampleWorkspace('java');
      const expected = breakJava(path.join(ws, 'packages', 'device-audit'));
      const { report, output } = await build(env(ws), { packages: ['device-audit'] });
      assertOnly(report, expected, output);
      assert.ok(output.some((l) => /BUILD FAILED/.test(l)));
    });

    it('a Python syntax error (l3vpn), and the diagnostic goes away on the next build', async function () {
      const ws = sampleWorkspace('python');
      const store = new MemoryBuildStateStore();
      const main = path.join(ws, 'packages', 'l3vpn', 'python', 'l3vpn', 'main.py');
      const good = fs.readFileSync(main, 'utf8');
      const expected = breakPython(main);
      const first = await build(env(ws, { store }), { packages: ['l3vpn'] });
      assertOnly(first.report, expected, first.output);
      // Python echoes the line without its indentation; the column is on the file's own line.
      const broken = fs.readFileSync(main, 'utf8').split('\n')[expected.line - 1]!;
      assert.equal(allDiagnostics(first.report)[0]!.column, broken.indexOf('(') + 1, broken);
      assert.equal(statuses(first.report)['common-types'], 'built');

      fs.writeFileSync(main, good);
      const second = await build(env(ws, { store }), { packages: ['l3vpn'] });
      assert.equal(second.report.status, 'succeeded', describeReport(second.report));
      assert.deepEqual(second.started, ['l3vpn'], 'common-types stays up to date');
      assert.deepEqual(allDiagnostics(second.report), []);
    });
  });

  describe('a compiler message about a file outside the workspace', function () {
    it("stays whole, on the package's package-meta-data.xml", async function () {
      const ws = workspace('outside', new Map([['banner', path.join(samplePackages, 'banner')]]));
      const src = path.join(ws, 'packages', 'banner', 'src');
      // The package compiles a module kept in the image, outside the packages folder.
      fs.writeFileSync(
        path.join(src, 'Makefile'),
        fs
          .readFileSync(path.join(src, 'Makefile'), 'utf8')
          .replace(
            'all: fxs',
            'all: fxs outside\noutside:\n\tmkdir -p /tmp/vendor\n' +
              '\tprintf \'module vendor {\\n  namespace "urn:vendor";\\n  prefix v;\\n  leaf x { type nosuchprefix:t; }\\n}\\n\' > /tmp/vendor/vendor.yang\n' +
              '\t$(NCSC) -c -o /tmp/vendor/vendor.fxs /tmp/vendor/vendor.yang',
          ),
      );
      const { report, output } = await build(env(ws));
      const ds = allDiagnostics(report);
      assert.equal(ds.length, 1, describeReport(report, output));
      assert.equal(ds[0]!.file, path.join(ws, 'packages', 'banner', 'package-meta-data.xml'));
      assert.match(ds[0]!.message, /^\/tmp\/vendor\/vendor\.yang:4: .*nosuchprefix/);
    });
  });

  describe('outputs another build wrote', function () {
    it('are rebuilt when the sources are back to what this build last built', async function () {
      // The extension and the CLI (or two windows) keep records of their own.
      const ws = workspace(
        'other-face',
        new Map([['banner', path.join(samplePackages, 'banner')]]),
      );
      const mine = new MemoryBuildStateStore();
      const theirs = new MemoryBuildStateStore();
      const yang = path.join(ws, 'packages', 'banner', 'src', 'yang', 'banner.yang');
      const original = fs.readFileSync(yang, 'utf8');
      assert.equal((await build(env(ws, { store: mine }))).report.status, 'succeeded');

      // The other face builds a changed banner, then the change is undone.
      fs.writeFileSync(
        yang,
        original.replace(/}\s*$/, '  leaf added-elsewhere { type string; }\n}\n'),
      );
      const other = await build(env(ws, { store: theirs }));
      assert.deepEqual(other.started, ['banner'], describeReport(other.report, other.output));
      const fxs = path.join(ws, 'packages', 'banner', 'load-dir', 'banner.fxs');
      assert.ok(fs.readFileSync(fxs).includes('added-elsewhere'), 'the other build compiled it');
      fs.writeFileSync(yang, original);

      // load-dir now holds the other sources' banner.fxs: this build must not call it up to date.
      const again = await build(env(ws, { store: mine }));
      assert.deepEqual(again.started, ['banner'], describeReport(again.report, again.output));
      assert.equal(
        fs.readFileSync(fxs).includes('added-elsewhere'),
        false,
        'banner.fxs is built from the sources now',
      );
      // And with nothing changed since, it is up to date again.
      assert.deepEqual((await build(env(ws, { store: mine }))).started, []);
    });
  });

  describe('files the build writes into a package a developer owns', function () {
    it("are the developer's, not root's, as are those an earlier build left as root; others' stay theirs", async function () {
      const ws = sampleWorkspace('owner');
      const pkgs = path.join(ws, 'packages');
      const dev = { uid: 1000, gid: 1000 };
      execFileSync('chown', ['-R', `${dev.uid}:${dev.gid}`, ws]);
      // Outputs root left in the package (an earlier build), and a file of someone else.
      const oldOutput = path.join(pkgs, 'banner', 'load-dir', 'stale.fxs');
      fs.mkdirSync(path.dirname(oldOutput));
      fs.writeFileSync(oldOutput, 'x');
      const others = path.join(pkgs, 'banner', 'templates', 'theirs.xml');
      fs.writeFileSync(others, '<config/>');
      fs.chownSync(others, 2000, 2000);

      const { report, output } = await build(env(ws));
      assert.equal(report.status, 'succeeded', describeReport(report, output));

      const notDevs = walkAll(pkgs).filter((f) => {
        const st = fs.lstatSync(f);
        return (st.uid !== dev.uid || st.gid !== dev.gid) && f !== others;
      });
      assert.deepEqual(notDevs, [], 'every file under packages/ belongs to the developer');
      // The walk saw what each kind of build writes.
      for (const made of [
        path.join(pkgs, 'banner', 'load-dir', 'banner.fxs'),
        path.join(pkgs, 'device-audit', 'private-jar', 'device-audit.jar'),
        path.join(pkgs, 'device-audit', 'src', 'java', 'build'),
        path.join(pkgs, 'l3vpn', 'python', 'l3vpn', '__pycache__'),
      ]) {
        assert.ok(fs.existsSync(made), made);
      }
      assert.equal(fs.lstatSync(oldOutput).uid, dev.uid);
      assert.equal(fs.lstatSync(others).uid, 2000, "another owner's file is left alone");
    });
  });

  describe('a package folder named with spaces, quotes and $()', function () {
    const odd = `it's "odd" $(touch pwned) pkg`;

    it('builds, and nothing in its name runs', async function () {
      const ws = workspace('odd', new Map([[odd, path.join(samplePackages, 'banner')]]));
      const { report, output } = await build(env(ws));
      assert.equal(report.status, 'succeeded', describeReport(report, output));
      assert.equal(report.packages[0]?.dirName, odd);
      assert.ok(fs.existsSync(path.join(ws, 'packages', odd, 'load-dir', 'banner.fxs')));
      for (const where of [ws, path.join(ws, 'packages'), path.join(ws, 'packages', odd)]) {
        assert.equal(fs.existsSync(path.join(where, 'pwned')), false, `pwned in ${where}`);
      }
      const ps = await docker.exec(report.container!, ['find', '/', '-xdev', '-name', 'pwned']);
      assert.equal(ps.stdout.trim(), '');
    });

    it('maps its compiler messages back to the right host file', async function () {
      const ws = workspace('odd-broken', new Map([[odd, path.join(samplePackages, 'banner')]]));
      const expected = breakYangPrefix(path.join(ws, 'packages', odd));
      const { report, output } = await build(env(ws));
      assertOnly(report, expected, output);
    });
  });

  describe('the real packages of the shared corpus', function () {
    const groups = corpusWorkspaces();

    for (const [i, group] of groups.entries()) {
      it(`build without false diagnostics (${[...group.keys()].join(', ')}), then are up to date`, async function () {
        const ws = corpusWorkspace(`corpus${i}`, group);
        const store = new MemoryBuildStateStore();
        const { report, output } = await build(env(ws, { store }));
        assert.equal(report.status, 'succeeded', describeReport(report, output));
        assert.deepEqual(allDiagnostics(report), [], describeReport(report, output));
        for (const p of report.packages) {
          const hasMakefile = fs.existsSync(path.join(p.dir, 'src', 'Makefile'));
          assert.equal(p.status, hasMakefile ? 'built' : 'nothingToBuild', p.name);
        }
        // NED packages make their package-meta-data.xml: still up to date afterwards.
        const again = await build(env(ws, { store }));
        assert.deepEqual(again.started, [], describeReport(again.report));
      });
    }

    const breakers: [string, (pkgDir: string) => Breakage | undefined][] = [
      ['a YANG syntax error', (d) => (yangFiles(d).length > 0 ? breakYangSyntax(d) : undefined)],
      ['an undefined prefix', (d) => (yangFiles(d).length > 0 ? breakYangPrefix(d) : undefined)],
      [
        'a Java syntax error',
        (d) => (fs.existsSync(path.join(d, 'src', 'java', 'build.xml')) ? breakJava(d) : undefined),
      ],
    ];
    for (const [what, breakIt] of breakers) {
      it(`give exactly one diagnostic each for ${what}, at the right file and line`, async function () {
        const ws = corpusWorkspace(`corpus-${what.replace(/\W+/g, '-')}`, groups[0]!);
        const expected = new Map<string, Breakage>();
        for (const name of fs.readdirSync(path.join(ws, 'packages'))) {
          const b = breakIt(path.join(ws, 'packages', name));
          if (b) expected.set(name, b);
        }
        assert.ok(expected.size > 0);
        const { report, output } = await build(env(ws));
        for (const p of report.packages) {
          const want = expected.get(p.dirName);
          if (!want) {
            assert.deepEqual(p.diagnostics, [], `${p.name}: ${describeReport(report, output)}`);
            continue;
          }
          assert.equal(p.status, 'failed', p.name);
          assert.equal(p.diagnostics.length, 1, `${p.name}: ${JSON.stringify(p.diagnostics)}`);
          const d = p.diagnostics[0]!;
          assert.equal(d.file, want.file, p.name);
          assert.equal(d.line, want.line, `${p.name}: ${d.message}`);
          assert.match(d.message, want.text, p.name);
        }
        assert.deepEqual(
          report.packages
            .filter((p) => p.status === 'failed')
            .map((p) => p.dirName)
            .sort(),
          [...expected.keys()].sort(),
        );
      });
    }
  });
});
