// Hand-made inputs of the unit tests: the details Docker gives of a running
// NSO production container (backup, restore and health tests), and the
// journal a failed restore leaves. Each test overrides what it is about.
import type { ContainerDetails } from '../../src/core/docker/client';
import type { RestoreJournal } from '../../src/core/nso/backupRestore';

/** A running container `nso-prod` of cisco-nso-prod:6.4, with no labels, env, mounts or ports. */
export function nsoProdDetails(overrides: Partial<ContainerDetails> = {}): ContainerDetails {
  return {
    id: 'abc123',
    name: 'nso-prod',
    image: 'cisco-nso-prod:6.4',
    imageId: 'sha256:1111',
    createdAt: new Date(0),
    state: {
      status: 'running',
      running: true,
      paused: false,
      restarting: false,
      oomKilled: false,
      exitCode: 0,
      error: '',
    },
    restartCount: 0,
    labels: {},
    env: {},
    cmd: [],
    entrypoint: ['/run-nso.sh'],
    user: '',
    workingDir: '/nso/run',
    tty: false,
    mounts: [],
    ports: [],
    networkMode: 'bridge',
    ...overrides,
  };
}

/** The journal of a restore that failed after stopping the container, of the backup `x`. */
export function failedRestoreJournal(
  fields: Pick<RestoreJournal, 'format' | 'file' | 'record'> & Partial<RestoreJournal>,
): RestoreJournal {
  return {
    startedAt: '2025-01-01T00:00:00Z',
    backup: {
      name: 'ncs-6.4@2024-11-03T11:31:07.backup.gz',
      path: '/nso/run/backups/x',
      sizeBytes: 1,
    },
    existingBackups: [],
    answerConfigDir: true,
    completed: [{ step: 'stop', at: '' }],
    status: 'failed',
    ...fields,
  };
}
