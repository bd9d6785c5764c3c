import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBuildOutput } from '../../src/core/nso/buildDiagnostics';
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
