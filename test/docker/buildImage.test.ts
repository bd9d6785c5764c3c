import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { corpusPath, repoRoot } from '../helpers/paths';
import { dockerCommand, dockerCommandOk, type DockerResult } from './helpers/dockerCommand';
import { yangFileNames } from './helpers/yangFiles';

/*
 * The NSO simulator build image (images/build) against what Cisco's
 * cisco-nso-build image does for `make -C /nso/run/packages/<pkg>/src all`:
 * every real package of the shared corpus (corpus/packages/, including the
 * packages/ folders of examples 01 and 02) builds without error output, and a
 * broken copy gives exactly one compiler diagnostic at the right file and line
 * (YANG syntax error, undefined prefix, Java syntax error, Python syntax error
 * where the Makefile compiles Python).
 *
 * Reads: corpus/packages/** (copied into a container, never into the repo) and
 * test/fixtures/packages-broken/py-compile-check (our own package whose build
 * byte-compiles Python). Everything goes through the docker CLI with argv
 * arrays; the one container is named sim-build-test-<run> and removed at the
 * end, also when a test fails.
 */

const image = 'nso-sim/cisco-nso-build:6.4.1';
const container = `sim-build-test-${process.pid}-${Date.now().toString(36)}`;
const packagesDir = '/nso/run/packages';
const pyFixture = path.join(repoRoot, 'test', 'fixtures', 'packages-broken', 'py-compile-check');

type Result = DockerResult;
const maxBuffer = 32 * 1024 * 1024;

function docker(args: string[], timeoutMs = 120_000): Promise<Result> {
  return dockerCommand(args, { timeoutMs, maxBuffer });
}

function dockerOk(args: string[]): Promise<string> {
  return dockerCommandOk(args, { timeoutMs: 120_000, maxBuffer });
}

/** `make -C <src> all` in a login shell, as the product runs builds. */
function make(pkg: string): Promise<Result> {
  return docker([
    'exec',
    container,
    'bash',
    '-lc',
    'make -C "$1" all',
    'bash',
    `${packagesDir}/${pkg}/src`,
  ]);
}

/** Puts exactly these package folders (name -> local folder) under /nso/run/packages. */
async function stagePackages(packages: Map<string, string>): Promise<void> {
  await dockerOk(['exec', container, 'find', packagesDir, '-mindepth', '1', '-delete']);
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-build-test-'));
  try {
    for (const [name, dir] of packages) {
      fs.cpSync(dir, path.join(stage, name), { recursive: true });
    }
    await dockerOk(['cp', `${stage}/.`, `${container}:${packagesDir}/`]);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- corpus

interface CorpusPackage {
  /** Folder name under /nso/run/packages. */
  name: string;
  /** The corpus folder it comes from. */
  dir: string;
  /** A package skeleton (%NAME% markers) that ncs-make-package would instantiate. */
  skeleton: boolean;
}

interface CorpusGroup {
  /** The corpus entry (one example may hold several packages). */
  entry: string;
  packages: CorpusPackage[];
}

function isPackage(dir: string): boolean {
  return (
    fs.existsSync(path.join(dir, 'package-meta-data.xml')) ||
    fs.existsSync(path.join(dir, 'src', 'package-meta-data.xml.in'))
  );
}

/** A package skeleton still has ncs-make-package's %NAME% markers in its sources. */
function isSkeleton(dir: string): boolean {
  return findFiles(path.join(dir, 'src'), '').some((f) =>
    fs.readFileSync(f, 'utf8').includes('%NAME%'),
  );
}

/** corpus/packages/<entry> is a package, an example with packages/, or a folder of packages. */
function corpusGroups(): CorpusGroup[] {
  const root = corpusPath('packages');
  const groups: CorpusGroup[] = [];
  for (const entry of fs.readdirSync(root).sort()) {
    const dir = path.join(root, entry);
    if (!fs.statSync(dir).isDirectory()) continue;
    let candidates: string[];
    if (isPackage(dir)) {
      candidates = [dir];
    } else {
      const holder = fs.existsSync(path.join(dir, 'packages')) ? path.join(dir, 'packages') : dir;
      candidates = fs
        .readdirSync(holder)
        .sort()
        .map((n) => path.join(holder, n))
        .filter((d) => fs.statSync(d).isDirectory() && isPackage(d));
    }
    const packages = candidates.map((d) => {
      const skeleton = isSkeleton(d);
      const base = path.basename(d).replace(/^\d+_/, '');
      // A skeleton gets a package name as ncs-make-package would give it.
      const name = skeleton ? `skel-${entry.replace(/^(\d+)_.*/, '$1')}` : base;
      return { name, dir: d, skeleton };
    });
    groups.push({ entry, packages });
  }
  return groups;
}

/**
 * What `ncs-make-package` does with a skeleton: %NAME% becomes the package
 * name, foo.* files take its name, and the FXS markers of src/Makefile become
 * the FXS list and the pattern rule that builds it.
 */
function instantiateSkeleton(from: string, name: string, into: string): void {
  fs.cpSync(from, into, { recursive: true });
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(p);
        continue;
      }
      let text = fs.readFileSync(p, 'utf8');
      text = text.replaceAll('%NAME%', name);
      if (entry.name === 'Makefile' && path.basename(dir) === 'src') {
        text = text
          .replace(/^#%FXS%$/m, 'FXS = $(SRC:yang/%.yang=../load-dir/%.fxs)')
          .replace(/^#%FXSTRG%$/m, '../load-dir/%.fxs: yang/%.yang');
      }
      fs.writeFileSync(p, text);
      if (/^foo\./.test(entry.name)) {
        fs.renameSync(p, path.join(dir, entry.name.replace(/^foo\./, `${name}.`)));
      }
    }
  };
  walk(into);
}

/** Local copies of a group's packages, ready to stage; `edit` may break one. */
function prepareGroup(
  group: CorpusGroup,
  work: string,
  edit?: (pkgDir: string, pkg: CorpusPackage) => void,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const pkg of group.packages) {
    const dir = path.join(work, pkg.name);
    if (pkg.skeleton) instantiateSkeleton(pkg.dir, pkg.name, dir);
    else fs.cpSync(pkg.dir, dir, { recursive: true });
    edit?.(dir, pkg);
    out.set(pkg.name, dir);
  }
  return out;
}

// ---------------------------------------------------------------- diagnostics

interface Diagnostic {
  file: string;
  line: number;
  text: string;
}

/** Compiler diagnostics in ncsc's and javac's formats, from make's whole output. */
function diagnostics(output: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const raw of output.split('\n')) {
    const m = /^(?:\s*\[javac\] )?(\S+?):(\d+):(?:\d+:)? (?:error|warning): (.*)$/.exec(raw);
    if (m) out.push({ file: m[1]!, line: Number(m[2]), text: m[3]! });
    const py = /^\s*File "([^"]+)", line (\d+)/.exec(raw);
    if (py) out.push({ file: py[1]!, line: Number(py[2]), text: raw.trim() });
  }
  return out;
}

const makeFailure = /^make(?:\[\d+\])?: \*\*\* \[(?:[^\]]*?Makefile:\d+: )?[^\]]+\] Error \d+$/m;

interface Breakage {
  /** File relative to the package's src/ (as ncsc prints it). */
  file: string;
  line: number;
  text: string;
}

function yangFiles(pkgDir: string): string[] {
  return yangFileNames(pkgDir).map((f) => `yang/${f}`);
}

/** Removes the ';' of the first `type x;` statement: a missing-semicolon syntax error. */
function breakYangSyntax(pkgDir: string): Breakage {
  const file = yangFiles(pkgDir)[0]!;
  const abs = path.join(pkgDir, 'src', file);
  const lines = fs.readFileSync(abs, 'utf8').split('\n');
  const i = lines.findIndex((l) => /^\s*type [^\s;{]+;\s*$/.test(l));
  assert.ok(i >= 0, `no 'type x;' line in ${abs}`);
  lines[i] = lines[i]!.replace(/;\s*$/, '');
  fs.writeFileSync(abs, lines.join('\n'));
  return { file, line: i + 1, text: 'syntax error' };
}

/**
 * Gives an undefined prefix to the first extension statement (tailf:info,
 * ncs:servicepoint, ...) or, when there is none, to the first `type`.
 */
function breakYangPrefix(pkgDir: string): Breakage {
  const file = yangFiles(pkgDir)[0]!;
  const abs = path.join(pkgDir, 'src', file);
  const lines = fs.readFileSync(abs, 'utf8').split('\n');
  let i = lines.findIndex((l) => /^\s*[a-z][\w-]*:[a-z][\w-]*[\s;{]/.test(l));
  if (i >= 0) {
    lines[i] = lines[i]!.replace(/^(\s*)[a-z][\w-]*:/, '$1nosuchprefix:');
  } else {
    i = lines.findIndex((l) => /^\s*type [^\s;{]+;\s*$/.test(l));
    assert.ok(i >= 0, `no extension statement or 'type x;' line in ${abs}`);
    lines[i] = lines[i]!.replace(/type (?:[\w-]+:)?([^\s;{]+);/, 'type nosuchprefix:$1;');
  }
  fs.writeFileSync(abs, lines.join('\n'));
  return { file, line: i + 1, text: 'undefined prefix nosuchprefix' };
}

function assertOneDiagnostic(r: Result, expected: Breakage, what: string): void {
  const all = `${r.stdout}\n${r.stderr}`;
  assert.notEqual(r.code, 0, `${what}: make succeeded on a broken package:\n${all}`);
  const found = diagnostics(all);
  assert.equal(found.length, 1, `${what}: expected exactly one diagnostic, got:\n${all}`);
  const d = found[0]!;
  assert.ok(
    d.file === expected.file || d.file.endsWith(`/${expected.file}`),
    `${what}: diagnostic in ${d.file}, expected ${expected.file}:\n${all}`,
  );
  assert.equal(d.line, expected.line, `${what}: diagnostic at line ${d.line}:\n${all}`);
  assert.ok(d.text.includes(expected.text), `${what}: "${d.text}" lacks "${expected.text}"`);
}

// ---------------------------------------------------------------- tests

describe('NSO simulator build image (nso-sim/cisco-nso-build:6.4.1)', function () {
  this.timeout(180_000);
  let work = '';

  before(async function () {
    const info = await docker(['image', 'inspect', image]);
    if (info.code !== 0) {
      throw new Error(`The image ${image} is missing: build it with \`bash images/build.sh\`.`);
    }
    await dockerOk([
      'run',
      '-d',
      '--name',
      container,
      '--label',
      'org.nso-workbench.test=sim-build-test',
      // Package builds need no network.
      '--network',
      'none',
      image,
    ]);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-build-test-'));
  });

  after(async function () {
    await docker(['rm', '-f', container]);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  function scratch(label: string): string {
    const dir = path.join(work, label);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  it('has the NSO environment in a login shell and the tools in $NCS_DIR/bin', async function () {
    const out = await dockerOk([
      'exec',
      container,
      'bash',
      '-lc',
      'echo "$NCS_DIR"; ncs --version; ncsc --version; readlink /opt/ncs/current; ' +
        'command -v ncsc; ls "$NCS_DIR/java/jar"; java -version 2>&1 | head -1; ant -version',
    ]);
    const lines = out.trim().split('\n');
    assert.equal(lines[0], '/opt/ncs/current');
    assert.equal(lines[1], '6.4.1');
    assert.equal(lines[2], '6.4.1');
    assert.equal(lines[3], '/opt/ncs/ncs-6.4.1');
    assert.equal(lines[4], '/opt/ncs/current/bin/ncsc');
    assert.match(out, /^ncs\.jar$/m);
    assert.match(out, /^conf-api\.jar$/m);
    assert.match(out, /Apache Ant/);
  });

  it('keeps ncsc off the PATH of a plain (non-login) exec, as Cisco images do', async function () {
    const r = await docker(['exec', container, 'sh', '-c', 'command -v ncsc || echo missing']);
    assert.equal(r.stdout.trim(), 'missing');
  });

  it('reads the corpus packages (corpus/packages/*, packages/ folders included)', function () {
    const groups = corpusGroups();
    const names = groups.flatMap((g) => g.packages.map((p) => p.name));
    assert.ok(groups.length >= 10, `expected the 10 corpus entries, found ${groups.length}`);
    assert.ok(names.includes('ne') && names.includes('distkey'), names.join(', '));
  });

  const groups = ((): CorpusGroup[] => {
    try {
      return corpusGroups();
    } catch {
      return []; // the test above fails with corpusPath's message
    }
  })();

  for (const group of groups) {
    describe(group.entry, function () {
      const buildable = group.packages.filter((p) =>
        fs.existsSync(path.join(p.dir, 'src', 'Makefile')),
      );

      if (buildable.length === 0) {
        it('has no src/Makefile: nothing to build, as for the product loop over packages/*/src', function () {
          for (const p of group.packages) {
            assert.ok(!fs.existsSync(path.join(p.dir, 'src')), `${p.dir} has a src folder`);
            assert.ok(fs.existsSync(path.join(p.dir, 'package-meta-data.xml')));
          }
        });
        return;
      }

      it(`builds ${buildable.map((p) => p.name).join(', ')} with make -C <src> all and no error output`, async function () {
        await stagePackages(prepareGroup(group, scratch(`${group.entry}-ok`)));
        for (const pkg of buildable) {
          const r = await make(pkg.name);
          assert.equal(r.code, 0, `${pkg.name}: make failed:\n${r.stdout}${r.stderr}`);
          assert.equal(r.stderr, '', `${pkg.name}: error output:\n${r.stderr}`);
          assert.deepEqual(diagnostics(r.stdout), [], `${pkg.name}: diagnostics:\n${r.stdout}`);

          // A JSON .fxs in load-dir for every YANG module of src/yang (a NED's
          // device modules included; a NED also gets its ned-id modules).
          const listing = await dockerOk([
            'exec',
            container,
            'find',
            `${packagesDir}/${pkg.name}/load-dir`,
            '-name',
            '*.fxs',
          ]);
          const fxsFiles = listing.trim().split('\n').filter(Boolean);
          const loaded = new Set(fxsFiles.map((f) => path.basename(f, '.fxs')));
          const yangModules = yangFiles(path.join(work, `${group.entry}-ok`, pkg.name)).map((f) =>
            path.basename(f, '.yang'),
          );
          for (const m of yangModules) {
            assert.ok(
              loaded.has(m),
              `${pkg.name}: no ${m}.fxs in load-dir (${fxsFiles.join(', ')})`,
            );
          }
          for (const f of fxsFiles) {
            const fxs = JSON.parse(await dockerOk(['exec', container, 'cat', f])) as {
              format: string;
              module: string;
              nodes: string[];
            };
            assert.equal(fxs.format, 'nso-sim-fxs');
            assert.equal(fxs.module, path.basename(f, '.fxs'));
            if (yangModules.includes(fxs.module)) {
              assert.ok(fxs.nodes.length > 0, `${f} lists no data nodes`);
            }
          }

          // A NED's package-meta-data.xml is generated, with its ned-id filled in.
          if (fs.existsSync(path.join(pkg.dir, 'src', 'package-meta-data.xml.in'))) {
            const meta = await dockerOk([
              'exec',
              container,
              'cat',
              `${packagesDir}/${pkg.name}/package-meta-data.xml`,
            ]);
            assert.doesNotMatch(meta, /to be replaced by build/);
            assert.match(meta, /<ned-id [^>]*>[\w.-]+:[\w.-]+<\/ned-id>/);
          }

          if (fs.existsSync(path.join(pkg.dir, 'src', 'java', 'build.xml'))) {
            const jars = await dockerOk([
              'exec',
              container,
              'find',
              `${packagesDir}/${pkg.name}/private-jar`,
              `${packagesDir}/${pkg.name}/shared-jar`,
              '-name',
              '*.jar',
            ]);
            assert.match(jars, /private-jar\/.+\.jar/);
            assert.match(jars, /shared-jar\/.+-ns\.jar/);
          }
        }
      });

      for (const pkg of buildable.filter((p) => yangFiles(p.dir).length > 0)) {
        it(`${pkg.name}: a YANG syntax error gives one ncsc error at its line`, async function () {
          let expected: Breakage | undefined;
          const staged = prepareGroup(group, scratch(`${group.entry}-syntax`), (dir, p) => {
            if (p.name === pkg.name) expected = breakYangSyntax(dir);
          });
          await stagePackages(staged);
          const r = await make(pkg.name);
          assertOneDiagnostic(r, expected!, pkg.name);
          assert.match(r.stderr, makeFailure);
        });

        it(`${pkg.name}: an undefined prefix gives one "undefined prefix" error at its line`, async function () {
          let expected: Breakage | undefined;
          const staged = prepareGroup(group, scratch(`${group.entry}-prefix`), (dir, p) => {
            if (p.name === pkg.name) expected = breakYangPrefix(dir);
          });
          await stagePackages(staged);
          const r = await make(pkg.name);
          assertOneDiagnostic(r, expected!, pkg.name);
          assert.match(r.stderr, makeFailure);
        });
      }

      for (const pkg of buildable.filter((p) =>
        fs.existsSync(path.join(p.dir, 'src', 'java', 'build.xml')),
      )) {
        it(`${pkg.name}: a Java syntax error gives one javac error and BUILD FAILED`, async function () {
          let expected: Breakage | undefined;
          const staged = prepareGroup(group, scratch(`${group.entry}-java`), (dir, p) => {
            if (p.name !== pkg.name) return;
            const javaFile = findFiles(path.join(dir, 'src', 'java', 'src'), '.java')[0]!;
            const lines = fs.readFileSync(javaFile, 'utf8').split('\n');
            const i = lines.findIndex((l) => /^\s+(?:String|int|return)\b.*;\s*$/.test(l));
            assert.ok(i >= 0, `no statement line in ${javaFile}`);
            lines[i] = lines[i]!.replace(/;\s*$/, '');
            fs.writeFileSync(javaFile, lines.join('\n'));
            const rel = path.relative(dir, javaFile);
            expected = {
              file: `${packagesDir}/${pkg.name}/${rel}`,
              line: i + 1,
              text: "';' expected",
            };
          });
          await stagePackages(staged);
          const r = await make(pkg.name);
          assertOneDiagnostic(r, expected!, pkg.name);
          assert.match(`${r.stdout}${r.stderr}`, /^BUILD FAILED$/m);
          assert.match(
            r.stdout,
            new RegExp(`^\\s*\\[javac\\] ${escapeRe(expected!.file)}:\\d+: error: `, 'm'),
          );
          assert.match(r.stderr, makeFailure);
        });
      }

      for (const pkg of buildable.filter(
        (p) => findFiles(path.join(p.dir, 'python'), '.py').length > 0,
      )) {
        it(`${pkg.name}: its Makefile does not compile Python, so a Python syntax error does not fail make`, async function () {
          const makefile = fs.readFileSync(path.join(pkg.dir, 'src', 'Makefile'), 'utf8');
          assert.doesNotMatch(makefile, /compileall|py_compile|\$\(PYTHON\)|python3? -m/);
          const staged = prepareGroup(group, scratch(`${group.entry}-py`), (dir, p) => {
            if (p.name !== pkg.name) return;
            const py = findFiles(path.join(dir, 'python'), '.py').find(
              (f) => fs.statSync(f).size > 0,
            )!;
            fs.appendFileSync(py, '\ndef broken(:\n');
          });
          await stagePackages(staged);
          const r = await make(pkg.name);
          assert.equal(r.code, 0, `${pkg.name}: make failed:\n${r.stdout}${r.stderr}`);
          assert.deepEqual(diagnostics(`${r.stdout}\n${r.stderr}`), []);
        });
      }
    });
  }

  describe('a package whose Makefile byte-compiles Python (test/fixtures/packages-broken/py-compile-check)', function () {
    it('builds clean', async function () {
      await stagePackages(new Map([['py-compile-check', pyFixture]]));
      const r = await make('py-compile-check');
      assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
      assert.equal(r.stderr, '');
    });

    it('a Python syntax error gives one diagnostic at its file and line', async function () {
      const dir = path.join(scratch('py-compile-check'), 'py-compile-check');
      fs.cpSync(pyFixture, dir, { recursive: true });
      const main = path.join(dir, 'python', 'py_compile_check', 'main.py');
      const lines = fs.readFileSync(main, 'utf8').split('\n');
      const i = lines.findIndex((l) => l.includes('def teardown(self):'));
      lines[i] = lines[i]!.replace('def teardown(self):', 'def teardown(self:');
      fs.writeFileSync(main, lines.join('\n'));
      await stagePackages(new Map([['py-compile-check', dir]]));
      const r = await make('py-compile-check');
      assertOneDiagnostic(
        r,
        { file: 'python/py_compile_check/main.py', line: i + 1, text: 'File' },
        'py-compile-check',
      );
      assert.match(r.stderr, makeFailure);
    });
  });
});

function findFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findFiles(p, suffix));
    else if (entry.name.endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
