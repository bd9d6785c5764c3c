import { strict as assert } from 'node:assert';
import {
  compareVersions,
  loadedImagesNote,
  nsoImageCandidates,
  splitRef,
  versionFromTag,
  versionsCompatible,
} from '../../src/core/nso/images';

describe('NSO image selection', () => {
  const images = [
    { id: 'a', repoTags: ['cisco-nso-build:6.2.5'], created: 300 },
    { id: 'b', repoTags: ['cisco-nso-dev:6.10'], created: 100 },
    { id: 'c', repoTags: ['localhost:5000/team/cisco-nso-build:6.4'], created: 200 },
    { id: 'd', repoTags: ['cisco-nso-prod:6.4', 'cisco-nso-prod:latest'], created: 50 },
    { id: 'e', repoTags: ['my-cisco-nso-build:9.9', '<none>:<none>'], created: 999 },
  ];

  it('prefers the highest NSO version among build/dev images, any prefix', () => {
    assert.deepEqual(
      nsoImageCandidates(images, 'build').map((c) => c.ref),
      ['cisco-nso-dev:6.10', 'localhost:5000/team/cisco-nso-build:6.4', 'cisco-nso-build:6.2.5'],
    );
  });

  it('puts version tags before other tags for production images', () => {
    const prod = nsoImageCandidates(images, 'prod');
    assert.deepEqual(
      prod.map((c) => [c.ref, c.version]),
      [
        ['cisco-nso-prod:6.4', '6.4'],
        ['cisco-nso-prod:latest', undefined],
      ],
    );
  });

  it('splits references with registry ports and reads versions', () => {
    assert.deepEqual(splitRef('reg:5000/x/cisco-nso-prod'), {
      repository: 'reg:5000/x/cisco-nso-prod',
      tag: 'latest',
    });
    assert.equal(versionFromTag('6.4.1-sim'), '6.4.1');
    assert.equal(versionFromTag('latest'), undefined);
    assert.ok(compareVersions('6.10', '6.9') > 0);
    assert.ok(versionsCompatible('6.4.1', '6.4'));
    assert.ok(!versionsCompatible('6.3', '6.4'));
  });

  it('says after a docker load which feature uses each image it loaded', () => {
    assert.equal(
      loadedImagesNote(['cisco-nso-prod:6.4.1']),
      'Start NSO runs the newest cisco-nso-prod image unless nso.prodImage names one.',
    );
    assert.match(loadedImagesNote(['reg:5000/nso/cisco-nso-dev:6.4']), /^Builds use the newest/);
    const both = loadedImagesNote(['cisco-nso-build:6.4', 'cisco-nso-prod:6.4']);
    assert.match(both, /Builds use .* Start NSO runs/);
    assert.match(loadedImagesNote(['my/nso:1']), /not named like an NSO image: name it in nso/);
  });
});
