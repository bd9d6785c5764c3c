import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { fileNeedingFullReload, planReload, unbuiltChanges } from '../../src/core/nso/reloadPlan';
import { locateReloadFailure } from '../../src/core/nso/reloadDiagnostics';

const files = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));

describe('reload plan', () => {
  const loaded = {
    packages: new Map([
      ['a', files({ 'python/a/main.py': '1', 'src/yang/a.yang': '1', 'templates/t.xml': '1' })],
      ['b', files({ 'src/yang/b.yang': '1' })],
    ]),
  };

  it('tells which change of a package a redeploy by name would not load', () => {
    const before = loaded.packages.get('a')!;
    const pyOnly = files({
      'python/a/main.py': '2',
      'src/yang/a.yang': '1',
      'templates/t.xml': '1',
    });
    assert.equal(fileNeedingFullReload(pyOnly, before), undefined);
    const yang = files({ 'python/a/main.py': '2', 'src/yang/a.yang': '2', 'templates/t.xml': '1' });
    assert.equal(fileNeedingFullReload(yang, before), 'src/yang/a.yang');
    // Nothing known about what NSO loaded: nothing to hold the redeploy back with.
    assert.equal(fileNeedingFullReload(yang, undefined), undefined);
  });

  it('redeploys a package whose Python or templates alone changed', () => {
    const now = new Map([
      ['a', files({ 'python/a/main.py': '2', 'src/yang/a.yang': '1', 'templates/t.xml': '2' })],
      ['b', files({ 'src/yang/b.yang': '1' })],
    ]);
    assert.deepEqual(planReload('auto', now, loaded), {
      kind: 'redeploy',
      packages: ['a'],
      reason: 'only Python code or templates changed',
    });
  });

  it('reloads fully for YANG changes, new or removed packages, and unknown state', () => {
    const yang = new Map([
      ['a', files({ 'python/a/main.py': '1', 'src/yang/a.yang': '2', 'templates/t.xml': '1' })],
      ['b', files({ 'src/yang/b.yang': '1' })],
    ]);
    assert.equal(planReload('auto', yang, loaded).kind, 'full');
    assert.match(planReload('auto', yang, loaded).reason, /a: src\/yang\/a.yang changed/);
    const removed = new Map([['a', loaded.packages.get('a')!]]);
    assert.match(planReload('auto', removed, loaded).reason, /package b removed/);
    assert.equal(planReload('auto', removed, undefined).kind, 'full');
  });

  it('names sources changed without a new build, and only those', () => {
    const now = new Map([
      // A source edit, no new build output: NSO would get the previous build.
      ['a', files({ 'python/a/main.py': '1', 'src/yang/a.yang': '2', 'templates/t.xml': '1' })],
      // Built after the edit: the schema NSO loads changed too.
      ['b', files({ 'src/yang/b.yang': '2', 'load-dir/b.fxs': '2' })],
      // New since the last reload: nothing to compare with.
      ['c', files({ 'src/yang/c.yang': '1' })],
    ]);
    assert.deepEqual(unbuiltChanges(now, loaded), ['a: src/yang/a.yang']);
    // Python and templates need no build.
    const pyOnly = new Map([
      ['a', files({ 'python/a/main.py': '2', 'src/yang/a.yang': '1', 'templates/t.xml': '2' })],
    ]);
    assert.deepEqual(unbuiltChanges(pyOnly, loaded), []);
  });

  it('does nothing when nothing changed, or when off; always full when full', () => {
    assert.equal(planReload('auto', loaded.packages, loaded).kind, 'none');
    assert.equal(planReload('off', new Map(), loaded).kind, 'none');
    assert.equal(planReload('full', loaded.packages, loaded).kind, 'full');
  });
});

describe('reload failures on sources', () => {
  const pkg = { name: 'demo', hostDir: '/ws/packages/demo', dirName: 'demo' };

  it('puts a template error on the template line (corpus wording)', () => {
    assert.deepEqual(
      locateReloadFailure(pkg, 'demo-template.xml:2 Unknown servicepoint: notdemo'),
      {
        file: path.join('/ws/packages/demo', 'templates', 'demo-template.xml'),
        line: 2,
        message: 'Unknown servicepoint: notdemo',
      },
    );
    assert.equal(
      locateReloadFailure(pkg, 'demo-template.xml:12: The XML stream is broken.').line,
      12,
    );
  });

  it('reads the Python VM log tail for the failing line', () => {
    const log = [
      '<ERROR> 04-Dec-2026::10:00:00.000 demo MainThread: - Traceback (most recent call last):',
      '  File "/opt/ncs/current/src/ncs/pyapi/ncs_pyvm/startup.py", line 79, in load',
      '  File "/nso/run/packages/demo/python/demo/main.py", line 14',
      '    def cb_create(self',
      'SyntaxError: invalid syntax',
    ].join('\n');
    assert.deepEqual(locateReloadFailure(pkg, 'SyntaxError: invalid syntax', log), {
      file: path.join('/ws/packages/demo', 'python', 'demo', 'main.py'),
      line: 14,
      message: 'SyntaxError: invalid syntax',
    });
  });

  it('falls back to package-meta-data.xml', () => {
    const d = locateReloadFailure(pkg, 'java class not found');
    assert.equal(d.file, path.join('/ws/packages/demo', 'package-meta-data.xml'));
    assert.match(d.message, /demo failed to load: java class not found/);
  });
});
