import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverPackages, describeKinds } from '../../src/core/packages/discovery';
import { parsePackageMetaData } from '../../src/core/packages/packageMetaData';
import { corpusPath, repoRoot } from '../helpers/paths';

describe('package-meta-data.xml', () => {
  it('reads name, version, ncs-min-version, required packages and components', () => {
    const r = parsePackageMetaData(`<?xml version="1.0"?>
<ncs-package xmlns="http://tail-f.com/ns/ncs-packages">
  <name>vpn</name>
  <package-version>1.4</package-version>
  <ncs-min-version>6.1</ncs-min-version>
  <required-package><name>base</name><min-version>2.0</min-version></required-package>
  <required-package><name>other</name></required-package>
  <component><name>svc</name><application><python-class-name>vpn.main.Main</python-class-name></application></component>
  <component><name>cb</name><callback><java-class-name>com.x.Cb</java-class-name></callback></component>
  <component><name>ned</name><ned><cli><ned-id>x</ned-id></cli></ned></component>
</ncs-package>`);
    assert.ok(r.ok);
    assert.equal(r.metaData.name, 'vpn');
    assert.equal(r.metaData.version, '1.4');
    assert.deepEqual(r.metaData.ncsMinVersion, ['6.1']);
    assert.deepEqual(r.metaData.requiredPackages, [
      { name: 'base', minVersion: '2.0' },
      { name: 'other' },
    ]);
    assert.deepEqual(
      r.metaData.components.map((c) => [c.name, c.kind, c.className]),
      [
        ['svc', 'python', 'vpn.main.Main'],
        ['cb', 'java', 'com.x.Cb'],
        ['ned', 'ned', undefined],
      ],
    );
  });

  it('reports a malformed file at the line of the fault', () => {
    const r = parsePackageMetaData('<ncs-package>\n  <name>x</name>\n  <oops>\n</ncs-package>\n');
    assert.ok(!r.ok);
    assert.equal(r.problem.line, 4);
    assert.match(r.problem.message, /oops|ncs-package/);
  });

  it('refuses a file without a package name, and a wrong root', () => {
    const noName = parsePackageMetaData('<ncs-package xmlns="http://tail-f.com/ns/ncs-packages"/>');
    assert.ok(!noName.ok);
    assert.match(noName.problem.message, /no <name>/);
    const wrongRoot = parsePackageMetaData('<package><name>x</name></package>');
    assert.ok(!wrongRoot.ok);
    assert.match(wrongRoot.problem.message, /root element.*not <package>/);
  });

  it('parses every real package-meta-data.xml in the corpus (corpus/package-meta-data/)', () => {
    const dir = corpusPath('package-meta-data');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.xml'));
    assert.ok(files.length >= 10, `expected the corpus files in ${dir}`);
    for (const f of files) {
      const r = parsePackageMetaData(fs.readFileSync(path.join(dir, f), 'utf8'));
      assert.ok(r.ok, `${f}: ${r.ok ? '' : r.problem.message}`);
      assert.ok(r.metaData.name.length > 0, f);
    }
  });
});

describe('package discovery', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-discovery-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('finds the sample workspace packages with their kinds', async () => {
    const r = await discoverPackages(path.join(repoRoot, 'sample'));
    assert.equal(r.exists, true);
    assert.deepEqual(r.problems, []);
    const kinds = Object.fromEntries(r.packages.map((p) => [p.name, describeKinds(p.kinds)]));
    assert.deepEqual(kinds, {
      banner: 'YANG, templates',
      'common-types': 'YANG',
      'device-audit': 'Java, YANG',
      l3vpn: 'Python, YANG, templates',
    });
    const l3vpn = r.packages.find((p) => p.name === 'l3vpn')!;
    assert.deepEqual(l3vpn.metaData.requiredPackages, [{ name: 'common-types' }]);
  });

  it('skips a malformed package, keeps the others, and names the file and line', async () => {
    const pk = path.join(tmp, 'packages');
    fs.mkdirSync(path.join(pk, 'good'), { recursive: true });
    fs.mkdirSync(path.join(pk, 'bad one'), { recursive: true });
    fs.mkdirSync(path.join(pk, 'not-a-package'), { recursive: true });
    fs.writeFileSync(
      path.join(pk, 'good', 'package-meta-data.xml'),
      '<ncs-package xmlns="http://tail-f.com/ns/ncs-packages"><name>good</name></ncs-package>',
    );
    fs.writeFileSync(
      path.join(pk, 'bad one', 'package-meta-data.xml'),
      '<ncs-package>\n<name>bad</name>\n</ncs-pakage>\n',
    );
    const r = await discoverPackages(tmp);
    assert.deepEqual(
      r.packages.map((p) => p.name),
      ['good'],
    );
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]!.file, path.join(pk, 'bad one', 'package-meta-data.xml'));
    assert.equal(r.problems[0]!.line, 3);
  });

  it('reports two folders declaring the same package name', async () => {
    for (const d of ['a', 'b']) {
      fs.mkdirSync(path.join(tmp, 'packages', d), { recursive: true });
      fs.writeFileSync(
        path.join(tmp, 'packages', d, 'package-meta-data.xml'),
        '<ncs-package><name>same</name></ncs-package>',
      );
    }
    const r = await discoverPackages(tmp);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!.message, /also declared in a\//);
  });

  it('says when the packages folder does not exist', async () => {
    const r = await discoverPackages(tmp, 'nowhere');
    assert.equal(r.exists, false);
    assert.deepEqual(r.packages, []);
  });
});
