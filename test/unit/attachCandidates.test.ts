import { strict as assert } from 'node:assert';

import type { ContainerSummary } from '../../src/core/docker/client';
import { attachCandidates } from '../../src/core/nso/attachCandidates';

function summary(
  name: string,
  image: string,
  state: ContainerSummary['state'],
  created: number,
  labels: Record<string, string> = {},
): ContainerSummary {
  return {
    id: `id-${name}`,
    name,
    image,
    imageId: `sha256:${name}`,
    state,
    status: state === 'running' ? 'Up 2 minutes (healthy)' : 'Exited (0) 1 hour ago',
    labels,
    createdAt: new Date(created),
    ports: [],
  };
}

describe('Use Existing Container candidates', () => {
  it('offers every container: running before stopped, NSO production images first, newest first', () => {
    const list = attachCandidates([
      summary('web', 'nginx:1.27', 'running', 5),
      summary('old-nso', 'cisco-nso-prod:6.2.5', 'exited', 9),
      summary('nso-b', 'registry.example:5000/cisco-nso-prod:6.4.1', 'running', 3),
      summary('nso-a', 'cisco-nso-prod:6.4.1', 'running', 4),
      summary('builder', 'cisco-nso-build:6.4.1', 'running', 8),
      summary('db', 'postgres:16', 'exited', 1),
    ]);
    assert.deepEqual(
      list.map((c) => c.name),
      ['nso-a', 'nso-b', 'builder', 'web', 'old-nso', 'db'],
    );
    assert.deepEqual(
      list.map((c) => c.running),
      [true, true, true, true, false, false],
    );
    assert.equal(list.find((c) => c.name === 'old-nso')?.detail, 'Exited (0) 1 hour ago');
  });

  it('names the Compose project and service of a Compose container', () => {
    const [c] = attachCandidates([
      summary('lab-nso-1', 'my/nso:latest', 'running', 1, {
        'com.docker.compose.project': 'lab',
        'com.docker.compose.service': 'nso',
      }),
    ]);
    assert.equal(c?.description, 'my/nso:latest · Compose lab/nso');
    assert.equal(c?.likelyProd, false);
  });
});
