import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileNeedingFullReload, planReload, sourceChanges } from '../../src/core/nso/reloadPlan';
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

  describe('sources changed since NSO loaded them', () => {
    let root = '';
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-unbuilt-'));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    /** Writes a package file with the given modification time (seconds since the epoch). */
    function write(pkg: string, rel: string, at: number): void {
      const file = path.join(root, pkg, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, rel);
      fs.utimesSync(file, at, at);
    }
    const dirs = (...names: string[]): Map<string, string> =>
      new Map(names.map((n) => [n, path.join(root, n)]));

    it('names a source edited after the last build, and only that', async () => {
      // a: edited after its build wrote load-dir: NSO would get the previous build.
      write('a', 'src/yang/a.yang', 2000);
      write('a', 'load-dir/a.fxs', 1000);
      // b: built after the edit.
      write('b', 'src/yang/b.yang', 2000);
      write('b', 'load-dir/b.fxs', 3000);
      const now = new Map([
        ['a', files({ 'python/a/main.py': '1', 'src/yang/a.yang': '2', 'templates/t.xml': '1' })],
        ['b', files({ 'src/yang/b.yang': '2', 'load-dir/b.fxs': '2' })],
        // New since the last reload: nothing to compare with.
        ['c', files({ 'src/yang/c.yang': '1' })],
      ]);
      const changes = await sourceChanges(now, loaded, dirs('a', 'b', 'c'));
      assert.deepEqual(changes.unbuilt, ['a: src/yang/a.yang']);
      assert.deepEqual([...(changes.settled.get('a') ?? [])], ['src/yang/a.yang']);
      assert.deepEqual([...changes.built.keys()], ['b']);
      assert.deepEqual([...changes.built.get('b')!], ['src/yang/b.yang']);
    });

    it('takes a build whose output came out the same (a comment in a YANG module) as built: nothing to reload', async () => {
      write('b', 'src/yang/b.yang', 2000);
      write('b', 'load-dir/b.fxs', 3000);
      const before = {
        packages: new Map([['b', files({ 'src/yang/b.yang': '1', 'load-dir/b.fxs': 'x' })]]),
      };
      const now = new Map([['b', files({ 'src/yang/b.yang': '2', 'load-dir/b.fxs': 'x' })]]);
      const changes = await sourceChanges(now, before, dirs('b'));
      assert.deepEqual(changes.unbuilt, []);
      const plan = planReload('auto', now, before, changes.built);
      assert.equal(plan.kind, 'none');
      // Without knowing it was built, the same change means a full reload.
      assert.equal(planReload('auto', now, before).kind, 'full');
      // A redeploy by name is not held back by it either.
      assert.equal(
        fileNeedingFullReload(now.get('b'), before.packages.get('b'), changes.built.get('b')),
        undefined,
      );
    });

    it('counts a package without any build output as unbuilt, and needs no build for Python', async () => {
      write('b', 'src/yang/b.yang', 2000);
      const now = new Map([['b', files({ 'src/yang/b.yang': '2' })]]);
      assert.deepEqual((await sourceChanges(now, loaded, dirs('b'))).unbuilt, [
        'b: src/yang/b.yang',
      ]);
      const pyOnly = new Map([
        ['a', files({ 'python/a/main.py': '2', 'src/yang/a.yang': '1', 'templates/t.xml': '2' })],
      ]);
      assert.deepEqual((await sourceChanges(pyOnly, loaded, dirs('a'))).unbuilt, []);
    });
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
