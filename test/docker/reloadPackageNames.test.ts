import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { createDockerClient, nodeEndpointSources } from '../../src/core/docker';
import { parseShowPackages } from '../../src/core/nso/health';
import { NcsCli } from '../../src/core/nso/ncsCli';
import {
  deletionListComplete,
  MemoryLoadedStateStore,
  type ReloadReport,
} from '../../src/core/nso/reload';
import { reloadInto, removeReloadContainer, startReloadContainer } from './helpers/reloadContainer';
import { corpusWorkspace, ensureImages, run, testName } from './reloadSupport';

/*
 * A package named `bad "pkg" x` in the folder `bad pkg` (any string is a
 * valid package name) reloaded into the simulator production image: its
 * result and oper-status are read, `show packages` lists it, and after its
 * folder is deleted the refusal names its module, so that Force Reload is
 * offered only with a complete list. Docker objects are nsowb-prodtest-*.
 */

const docker = createDockerClient({ sources: nodeEndpointSources() });
const odd = 'bad "pkg" x';

describe('reload of a package whose name holds blanks and quotes', function () {
  const name = testName('names');
  const store = new MemoryLoadedStateStore();
  const cli = new NcsCli(docker);
  let ws = '';
  let network = '';
  let oddDir = '';

  const reload = (): Promise<ReloadReport> =>
    reloadInto(
      { docker, cli, container: name, workspace: ws, store },
      { strategy: 'full', force: false },
    );

  before(async function () {
    this.timeout(25 * 60_000);
    await ensureImages();
    ws = corpusWorkspace(['testpkg']);
    // A second YANG-only package made from testpkg: its own module, odd name.
    oddDir = path.join(ws, 'packages', 'bad pkg');
    fs.cpSync(path.join(ws, 'packages', 'testpkg'), oddDir, { recursive: true });
    const yangDir = path.join(oddDir, 'src', 'yang');
    const yang = fs.readFileSync(path.join(yangDir, 'testpkg.yang'), 'utf8');
    fs.rmSync(path.join(yangDir, 'testpkg.yang'));
    fs.writeFileSync(path.join(yangDir, 'oddpkg.yang'), yang.replaceAll('testpkg', 'oddpkg'));
    const meta = path.join(oddDir, 'package-meta-data.xml');
    fs.writeFileSync(
      meta,
      fs.readFileSync(meta, 'utf8').replace('<name>testpkg</name>', `<name>${odd}</name>`),
    );
    network = await startReloadContainer(docker, ws, name);
  });

  after(async function () {
    this.timeout(120_000);
    await removeReloadContainer(name, network, ws);
  });

  it('reads its reload result and oper-status, and show packages lists it', async function () {
    this.timeout(180_000);
    const report = await reload();
    assert.equal(report.status, 'ok', report.message + '\n' + report.transcript);
    const mine = report.packages.find((p) => p.name === odd);
    assert.ok(mine, report.packages.map((p) => p.name).join(', '));
    assert.equal(mine.result, true);
    assert.equal(mine.operStatus?.status, 'up', report.transcript);

    const shown = await run('docker', [
      'exec',
      name,
      'bash',
      '-c',
      'printf "show packages\\n" | ncs_cli -u admin -C',
    ]);
    assert.match(shown.stdout, /^packages package "bad \\"pkg\\" x"$/m, shown.stdout);
    assert.deepEqual(
      parseShowPackages(shown.stdout)
        .map((p) => [p.name, p.operStatus])
        .sort(),
      [
        [odd, 'up'],
        ['testpkg', 'up'],
      ],
    );
  });

  it('names its module when its folder is deleted, and the list is complete', async function () {
    this.timeout(180_000);
    fs.rmSync(oddDir, { recursive: true });
    const refused = await reload();
    assert.equal(refused.status, 'deletionRefused', refused.message);
    assert.deepEqual(refused.deletions, [{ package: odd, module: 'oddpkg' }], refused.transcript);
    assert.ok(deletionListComplete(refused));
    assert.match(refused.message, /bad "pkg" x: oddpkg/);
  });
});
