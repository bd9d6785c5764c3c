import { strict as assert } from 'node:assert';

import {
  buildStatus,
  refusedBeforeBuild,
  summarize,
  type BuildReport,
  type PackageBuildResult,
} from '../../src/core/build/runBuild';
import { packageResult } from './buildFixtures';

/*
 * How a build's end is named: cancelled or failed, and whether it stands as
 * the last build. A malformed package-meta-data.xml elsewhere in the folder
 * must not turn a stop the user asked for into a failure.
 */
const pkg = (name: string, status: PackageBuildResult['status']): PackageBuildResult =>
  packageResult(name, status, true);
const brokenMeta = {
  file: '/w/packages/broken-meta/package-meta-data.xml',
  line: 3,
  column: 1,
  message: 'Unclosed element <name>.',
};

function report(packages: PackageBuildResult[], extra: Partial<BuildReport> = {}): BuildReport {
  return {
    workspaceFolder: '/w',
    packagesDir: '/w/packages',
    status: 'succeeded',
    warnings: [],
    packages,
    problems: [],
    durationMs: 2600,
    ...extra,
  };
}

describe('how a build ends', () => {
  const cancelledClean = [
    pkg('a', 'built'),
    pkg('b', 'built'),
    pkg('c', 'built'),
    pkg('d', 'built'),
    pkg('e', 'cancelled'),
  ];

  it('a cancelled build is cancelled, even beside a malformed package-meta-data.xml', () => {
    const r = report(cancelledClean, { problems: [brokenMeta] });
    assert.equal(buildStatus(r, true), 'cancelled');
    r.status = buildStatus(r, true);
    assert.match(
      summarize(r),
      /^5 packages: 4 built, 1 cancelled in 2\.6 s\. Skipped broken-meta\//,
    );
    // Packages not built because the one they require was stopped: still a cancel.
    const waiting = report([pkg('a', 'built'), pkg('b', 'cancelled'), pkg('c', 'skipped')]);
    assert.equal(buildStatus(waiting, true), 'cancelled');
  });

  it('a stop after a make failed, or after the build could not go on, is a failure', () => {
    assert.equal(buildStatus(report([pkg('a', 'failed'), pkg('b', 'cancelled')]), true), 'failed');
    const full = report([pkg('a', 'built')], {
      status: 'failed',
      failure: { kind: 'diskFull', message: 'The disk is full.' },
    });
    assert.equal(buildStatus(full, true), 'failed');
    assert.equal(buildStatus(report([], { status: 'cancelled' }), false), 'cancelled');
  });

  it('without a stop: a malformed package-meta-data.xml or a skipped package fails the build', () => {
    assert.equal(buildStatus(report(cancelledClean.slice(0, 4)), false), 'succeeded');
    assert.equal(
      buildStatus(report(cancelledClean.slice(0, 4), { problems: [brokenMeta] }), false),
      'failed',
    );
    assert.equal(buildStatus(report([pkg('a', 'failed'), pkg('b', 'skipped')]), false), 'failed');
    assert.equal(buildStatus(report([pkg('b', 'skipped')]), false), 'failed');
  });

  it('a request for a package that is not there is refused before any build: the last build stands', () => {
    const unknown = report([], {
      status: 'failed',
      failure: { kind: 'unknownPackage', message: 'No package named nosuchpkg in /w/packages.' },
    });
    assert.equal(refusedBeforeBuild(unknown), true);
    for (const kind of ['cycle', 'noImage', 'engine', 'noPackagesFolder'] as const) {
      const r = report([], { status: 'failed', failure: { kind, message: 'x' } });
      assert.equal(refusedBeforeBuild(r), false, kind);
    }
    assert.equal(refusedBeforeBuild(report([pkg('a', 'failed')], { status: 'failed' })), false);
  });
});
