import { strict as assert } from 'node:assert';
import * as path from 'node:path';

import { BuildDiagnosticsLedger } from '../../src/core/build/diagnosticsLedger';
import type { PackageBuildResult, PackageDiagnostic } from '../../src/core/build/runBuild';

/*
 * What the Problems panel shows after each build: the ledger the extension
 * publishes from. Paths are only names here; whether a package folder still
 * exists is what the test says.
 */
const packages = path.join(path.sep, 'ws', 'packages');
const dirOf = (name: string): string => path.join(packages, name);
const yang = (pkg: string, module = pkg): string =>
  path.join(dirOf(pkg), 'src', 'yang', `${module}.yang`);

function diag(file: string, line: number, message: string): PackageDiagnostic {
  return { file, line, column: 0, severity: 'error', message, source: 'ncsc' };
}

function result(
  name: string,
  status: PackageBuildResult['status'],
  diagnostics: PackageDiagnostic[] = [],
): PackageBuildResult {
  const dir = dirOf(name);
  return {
    name,
    dirName: name,
    dir,
    metaDataPath: path.join(dir, 'package-meta-data.xml'),
    status,
    clean: false,
    durationMs: 1,
    diagnostics,
  };
}

describe('build diagnostics in the Problems panel (the ledger behind it)', () => {
  const all = (): boolean => true;

  it("a package's next build replaces its diagnostics; up to date or skipped keeps them", () => {
    const ledger = new BuildDiagnosticsLedger();
    const broken = diag(yang('banner'), 3, 'syntax error');
    let shown = ledger.update([result('banner', 'failed', [broken])], all);
    assert.deepEqual(shown.get(yang('banner')), [broken]);

    shown = ledger.update([result('banner', 'skipped'), result('l3vpn', 'upToDate')], all);
    assert.equal(shown.size, 0, 'nothing changes for packages that did not run make');
    assert.deepEqual(ledger.diagnosticsOf(yang('banner')), [broken]);

    shown = ledger.update([result('banner', 'built')], all);
    assert.deepEqual(shown.get(yang('banner')), [], 'fixed: the file is cleared');
  });

  it('a package whose folder is gone (deleted, renamed) loses its diagnostics at the next build', () => {
    const ledger = new BuildDiagnosticsLedger();
    const broken = diag(yang('old-name'), 7, 'undefined prefix x');
    ledger.update([result('old-name', 'failed', [broken]), result('banner', 'built')], all);

    const shown = ledger.update([result('banner', 'upToDate')], (dir) => dir !== dirOf('old-name'));
    assert.deepEqual(shown.get(yang('old-name')), []);
    assert.deepEqual(ledger.diagnosticsOf(yang('old-name')), []);
  });

  it("a file shows every package's diagnostics on it once; a closed workspace folder takes its packages' along", () => {
    const ledger = new BuildDiagnosticsLedger();
    const shared = yang('common-types');
    const own = diag(shared, 2, 'bad type');
    const viaImport = diag(shared, 9, 'unknown grouping');
    ledger.update(
      [result('common-types', 'failed', [own]), result('l3vpn', 'failed', [own, viaImport])],
      all,
    );
    assert.deepEqual(ledger.diagnosticsOf(shared), [own, viaImport]);

    const other = path.join(path.sep, 'ws-2', 'packages', 'x');
    ledger.update(
      [{ ...result('x', 'failed', [diag(path.join(other, 'src', 'x.yang'), 1, 'e')]), dir: other }],
      all,
    );
    assert.deepEqual(ledger.forgetUnder(path.join(path.sep, 'ws')).sort(), [shared]);
    assert.deepEqual(ledger.diagnosticsOf(shared), []);
    assert.equal(
      ledger.diagnosticsOf(path.join(other, 'src', 'x.yang')).length,
      1,
      '/ws-2 is not under /ws',
    );
  });
});
