import { strict as assert } from 'node:assert';

import type { MountInfo } from '../../src/core/docker/client';
import { ncsConfSource } from '../../src/core/nso/ncsConfApply';

function bind(source: string, destination: string): MountInfo {
  return { type: 'bind', source, destination, readOnly: false };
}

const nsoVolume: MountInfo = {
  type: 'volume',
  name: 'nso-prod-x-nso',
  source: '/var/lib/docker/volumes/nso-prod-x-nso/_data',
  destination: '/nso',
  readOnly: false,
};

describe('where the ncs.conf NSO reads comes from', () => {
  it('is this file when the file itself is bind-mounted (Start NSO does so)', () => {
    const mounts = [nsoVolume, bind('/home/u/ws/ncs.conf', '/nso/etc/ncs.conf')];
    assert.deepEqual(ncsConfSource(mounts, '/nso/etc/ncs.conf', ['/home/u/ws/ncs.conf']), {
      kind: 'this-file',
      hostPath: '/home/u/ws/ncs.conf',
    });
  });

  it('is this file when its folder is bind-mounted over /nso/etc', () => {
    const mounts = [nsoVolume, bind('/home/u/ws/etc/', '/nso/etc/')];
    assert.deepEqual(ncsConfSource(mounts, '/nso/etc/ncs.conf', ['/home/u/ws/etc/ncs.conf']), {
      kind: 'this-file',
      hostPath: '/home/u/ws/etc/ncs.conf',
    });
  });

  it('matches the file under its resolved name too', () => {
    const mounts = [bind('/real/ws/ncs.conf', '/nso/etc/ncs.conf')];
    const source = ncsConfSource(mounts, '/nso/etc/ncs.conf', [
      '/home/u/link/ncs.conf',
      '/real/ws/ncs.conf',
    ]);
    assert.equal(source.kind, 'this-file');
  });

  it('is another file when a different host file is mounted', () => {
    const mounts = [nsoVolume, bind('/srv/nso/ncs.conf', '/nso/etc/ncs.conf')];
    assert.deepEqual(ncsConfSource(mounts, '/nso/etc/ncs.conf', ['/home/u/ws/ncs.conf']), {
      kind: 'other-file',
      hostPath: '/srv/nso/ncs.conf',
    });
    // Nothing to compare with (an untitled document): never taken for this file.
    assert.equal(ncsConfSource(mounts, '/nso/etc/ncs.conf', []).kind, 'other-file');
  });

  it('is the container when the file lives in a volume or the image', () => {
    assert.deepEqual(ncsConfSource([nsoVolume], '/nso/etc/ncs.conf', ['/home/u/ws/ncs.conf']), {
      kind: 'container',
    });
    assert.deepEqual(ncsConfSource([], '/etc/ncs/ncs.conf', ['/home/u/ws/ncs.conf']), {
      kind: 'container',
    });
  });

  it('takes the innermost mount, as Docker stacks them', () => {
    // A volume at /nso/etc over a bind of /nso: the volume holds the file.
    const mounts = [
      bind('/home/u/ws', '/nso'),
      { ...nsoVolume, destination: '/nso/etc', name: 'etc' },
    ];
    assert.equal(
      ncsConfSource(mounts, '/nso/etc/ncs.conf', ['/home/u/ws/etc/ncs.conf']).kind,
      'container',
    );
    // A bind of a folder next to the file's path does not cover it.
    assert.equal(
      ncsConfSource([bind('/x', '/nso/etc2')], '/nso/etc/ncs.conf', ['/x/ncs.conf']).kind,
      'container',
    );
  });
});
