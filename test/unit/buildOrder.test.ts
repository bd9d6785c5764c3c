import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildOrder, withDependents } from '../../src/core/packages/buildOrder';
import { changedFiles, classifyChange, hashPackageInputs } from '../../src/core/packages/inputHash';

describe('build order', () => {
  it('builds dependencies first, independent packages in one wave', () => {
    const r = buildOrder([
      { name: 'svc', requires: ['types', 'ned'] },
      { name: 'types', requires: [] },
      { name: 'ned', requires: [] },
      { name: 'top', requires: ['svc', 'outside-the-workspace'] },
    ]);
    assert.deepEqual(r, { ok: true, waves: [['ned', 'types'], ['svc'], ['top']] });
  });

  it('names the packages of a cycle', () => {
    const r = buildOrder([
      { name: 'a', requires: ['b'] },
      { name: 'b', requires: ['c'] },
      { name: 'c', requires: ['a'] },
      { name: 'd', requires: [] },
    ]);
    assert.deepEqual(r, { ok: false, cycle: ['a', 'b', 'c', 'a'] });
  });

  it('rebuilds the dependents of a changed package', () => {
    const pk = [
      { name: 'types', requires: [] },
      { name: 'svc', requires: ['types'] },
      { name: 'top', requires: ['svc'] },
      { name: 'other', requires: [] },
    ];
    assert.deepEqual([...withDependents(pk, ['types'])].sort(), ['svc', 'top', 'types']);
  });
});

describe('package input hash', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-hash-'));
    const w = (rel: string, data: string): void => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), data);
    };
    w('package-meta-data.xml', '<ncs-package/>');
    w('src/yang/a.yang', 'module a {}');
    w('python/a/main.py', 'x = 1\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ignores build outputs and changes with inputs', async () => {
    const before = await hashPackageInputs(dir);
    fs.mkdirSync(path.join(dir, 'load-dir'));
    fs.writeFileSync(path.join(dir, 'load-dir', 'a.fxs'), 'binary');
    fs.mkdirSync(path.join(dir, 'python', 'a', '__pycache__'));
    fs.writeFileSync(path.join(dir, 'python', 'a', '__pycache__', 'main.cpython-311.pyc'), 'x');
    const withOutputs = await hashPackageInputs(dir);
    assert.equal(withOutputs.hash, before.hash);
    fs.writeFileSync(path.join(dir, 'python', 'a', 'main.py'), 'x = 2\n');
    const after = await hashPackageInputs(dir);
    assert.notEqual(after.hash, before.hash);
    assert.deepEqual(changedFiles(before.files, after.files), ['python/a/main.py']);
  });

  it("leaves out ant's build folder but not sources in a folder named build", async () => {
    const before = await hashPackageInputs(dir);
    fs.mkdirSync(path.join(dir, 'src', 'java', 'build', 'classes'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', 'java', 'build', 'classes', 'x.txt'), 'output');
    assert.equal((await hashPackageInputs(dir)).hash, before.hash);

    const source = path.join(dir, 'src', 'java', 'src', 'com', 'example', 'build', 'Step.java');
    fs.mkdirSync(path.dirname(source), { recursive: true });
    fs.writeFileSync(source, 'package com.example.build; class Step {}');
    const withSource = await hashPackageInputs(dir);
    assert.ok(withSource.files.has('src/java/src/com/example/build/Step.java'));
    fs.writeFileSync(source, 'package com.example.build; class Step { int x; }');
    assert.notEqual((await hashPackageInputs(dir)).hash, withSource.hash);
  });

  it('follows symbolic links: a change to a linked file is a change; a link cycle ends', async () => {
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-hash-shared-'));
    try {
      fs.writeFileSync(path.join(shared, 'types.yang'), 'module types {}');
      fs.symlinkSync(path.join(shared, 'types.yang'), path.join(dir, 'src', 'yang', 'types.yang'));
      fs.symlinkSync(shared, path.join(dir, 'src', 'shared'));
      fs.symlinkSync('..', path.join(dir, 'src', 'yang', 'up'));
      fs.symlinkSync('no-such-file', path.join(dir, 'src', 'dangling.yang'));
      const before = await hashPackageInputs(dir);
      assert.ok(before.files.has('src/yang/types.yang'), [...before.files.keys()].join(', '));
      assert.ok(before.files.has('src/shared/types.yang'));
      assert.ok(before.files.has('src/dangling.yang'));

      fs.writeFileSync(path.join(shared, 'types.yang'), 'module types { leaf x; }');
      const after = await hashPackageInputs(dir);
      assert.notEqual(after.hash, before.hash);
      assert.deepEqual(changedFiles(before.files, after.files), [
        'src/shared/types.yang',
        'src/yang/types.yang',
      ]);
    } finally {
      fs.rmSync(shared, { recursive: true, force: true });
    }
  });

  it('classifies changes for redeploy versus full reload', () => {
    assert.equal(classifyChange('python/a/main.py'), 'python');
    assert.equal(classifyChange('templates/t.xml'), 'template');
    assert.equal(classifyChange('src/yang/a.yang'), 'yang');
    assert.equal(classifyChange('package-meta-data.xml'), 'metadata');
    assert.equal(classifyChange('src/java/src/X.java'), 'java');
  });
});
