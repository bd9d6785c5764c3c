import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { indentColumns, parseBuildOutput } from '../../src/core/nso/buildDiagnostics';
import { corpusPath } from '../helpers/paths';

const loc = {
  hostPackageDir: '/home/dev/ws/packages/demo',
  containerPackageDir: '/nso/run/packages/demo',
};
const host = (...p: string[]): string => path.join(loc.hostPackageDir, ...p);

describe('build output → diagnostics', () => {
  it('maps ncsc errors (paths relative to src/) with and without column', () => {
    const out = [
      "yang/demo.yang:32: error: expected keyword 'type' as substatement to 'leaf'",
      'yang/demo.yang:40:7: warning: unused import',
      'make: *** [Makefile:41: ../load-dir/demo.fxs] Error 1',
    ].join('\n');
    const ds = parseBuildOutput(out, loc, 2);
    assert.deepEqual(
      ds.map((d) => [d.file, d.line, d.column, d.severity, d.source]),
      [
        [host('src', 'yang', 'demo.yang'), 32, 0, 'error', 'ncsc'],
        [host('src', 'yang', 'demo.yang'), 40, 7, 'warning', 'ncsc'],
      ],
    );
  });

  it("follows make's Entering and Leaving directory lines, quotes in folder names included", () => {
    const odd = {
      hostPackageDir: "/home/dev/ws/packages/o'brien pkg",
      containerPackageDir: "/nso/run/packages/o'brien pkg",
    };
    const out = [
      "make: Entering directory '/nso/run/packages/o'brien pkg/src'",
      "make[1]: Entering directory '/nso/run/packages/o'brien pkg/src/sub'",
      'inner.yang:3: error: unexpected end of file',
      "make[1]: Leaving directory '/nso/run/packages/o'brien pkg/src/sub'",
      'yang/outer.yang:7: error: unknown type',
      "make: Leaving directory '/nso/run/packages/o'brien pkg/src'",
    ].join('\n');
    const ds = parseBuildOutput(out, odd, 2);
    assert.deepEqual(
      ds.map((d) => [d.file, d.line]),
      [
        [path.join(odd.hostPackageDir, 'src', 'sub', 'inner.yang'), 3],
        [path.join(odd.hostPackageDir, 'src', 'yang', 'outer.yang'), 7],
      ],
    );
  });

  it('keeps messages about files outside the package whole, on no file', () => {
    const out =
      '/opt/ncs/packages/neds/cisco-iosxr/src/ncsc-out/modules/yang/tailf-ned-cisco-ios-xr.yang:17988: warning: Given dependencies are not equal to calculated';
    const [d] = parseBuildOutput(out, loc, 0);
    assert.equal(d!.file, undefined);
    assert.match(
      d!.message,
      /^\/opt\/ncs\/packages\/neds\/.*tailf-ned-cisco-ios-xr\.yang:17988: Given/,
    );
  });

  it('maps javac errors through ant, with the caret column', () => {
    const out = [
      "    [javac] /nso/run/packages/demo/src/java/src/com/example/demo/demoRFS.java:52: error: ';' expected",
      '    [javac]         Template myTemplate = new Template(context, "demo-template")',
      '    [javac]                                                                     ^',
      '    [javac] 1 error',
      'BUILD FAILED',
    ].join('\n');
    const [d, ...rest] = parseBuildOutput(out, loc, 2);
    assert.equal(rest.length, 0);
    assert.equal(d!.file, host('src', 'java', 'src', 'com', 'example', 'demo', 'demoRFS.java'));
    assert.equal(d!.line, 52);
    assert.equal(d!.column, 69);
    assert.equal(d!.message, "';' expected");
  });

  it('maps a Python byte-compile error', () => {
    const out = [
      "*** Error compiling '../python/demo/main.py'...",
      '  File "../python/demo/main.py", line 7',
      '    def cb_create(self, tctx, root, service, proplist)',
      '                                                      ^',
      "SyntaxError: expected ':'",
      'make: *** [Makefile:30: pyc] Error 1',
    ].join('\n');
    const ds = parseBuildOutput(out, loc, 2);
    assert.equal(ds.length, 1);
    assert.equal(ds[0]!.file, host('python', 'demo', 'main.py'));
    assert.equal(ds[0]!.line, 7);
    assert.equal(ds[0]!.column, 51);
    assert.equal(ds[0]!.message, "SyntaxError: expected ':'");
  });

  it("puts a Python SyntaxError's column on the indented line of the host file", async () => {
    // Real python3 output: it echoes the line without its own indentation and
    // puts the caret under that, so the parser alone counts from the first
    // non-blank character; the file adds the indentation back.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nso-pycol-'));
    try {
      const src = path.join(dir, 'python', 'demo');
      fs.mkdirSync(src, { recursive: true });
      const file = path.join(src, 'main.py');
      const lines = ['class Main:', '    def cb_create(self):', '        x = foo(1,', ''];
      fs.writeFileSync(file, lines.join('\n'));
      const run = spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8' });
      assert.notEqual(run.status, 0, 'python3 must reject the file');
      const out = `${run.stdout}${run.stderr}`;
      assert.match(out, /^ {4}x = foo\(1,$/m, 'python echoes the line without its indentation');
      const here = { hostPackageDir: dir, containerPackageDir: dir };
      const parsed = parseBuildOutput(out, here, 1);
      assert.equal(parsed.length, 1);
      assert.equal(parsed[0]!.column, 'x = foo('.length, 'the parser counts on the stripped line');
      const [d] = await indentColumns(parsed);
      assert.equal(d!.file, file);
      assert.equal(d!.line, 3);
      assert.equal(d!.column, lines[2]!.indexOf('(') + 1, 'under the ( of the indented line');
      assert.equal(d!.columnAfterIndent, undefined);
      assert.match(d!.message, /SyntaxError: '\(' was never closed/);

      // Tab-indented, and a file that cannot be read keeps the column it had.
      const tabbed = await indentColumns(parsed, () => Promise.resolve('x\ny\n\t\tx = foo(1,\n'));
      assert.equal(tabbed[0]!.column, 'x = foo('.length + 2);
      const unreadable = await indentColumns(parsed, () => Promise.reject(new Error('gone')));
      assert.equal(unreadable[0]!.column, 'x = foo('.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('puts a bare make failure and a missing ncsc on package-meta-data.xml', () => {
    const bare = parseBuildOutput('make: *** [all] Error 2', loc, 2);
    assert.equal(bare.length, 1);
    assert.equal(bare[0]!.file, host('package-meta-data.xml'));
    assert.match(bare[0]!.message, /make failed: \[all\] Error 2/);
    const missing = parseBuildOutput(
      '/bin/sh: 1: /bin/ncsc: not found\nmake: *** [Makefile:21: ../load-dir/p.fxs] Error 127',
      loc,
      2,
    );
    assert.equal(missing.length, 1);
    assert.match(missing[0]!.message, /ncsc was not found: .*NSO's environment/);
  });

  it('reads every compiler line in the real transcripts (corpus/formats/01_ncsc-compile-errors-and-make.txt)', () => {
    const text = fs.readFileSync(
      corpusPath('formats', '01_ncsc-compile-errors-and-make.txt'),
      'utf8',
    );
    const ds = parseBuildOutput(text, loc, 2);
    const expectedLines = text
      .split('\n')
      .filter(
        (l) =>
          /^\S+\.yang:\d+(:\d+)?: (error|warning):/.test(l) ||
          /\[javac\] \S+\.java:\d+: error/.test(l),
      );
    assert.equal(ds.filter((d) => d.source !== 'make').length, expectedLines.length);
    assert.ok(ds.some((d) => d.message.includes('undefined prefix tailf')));
  });
});
