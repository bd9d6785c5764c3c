// While a restore runs, the workspace's NSO is neither started, reloaded nor
// backed up by anyone else (the extension, the command line, another window):
// the restore lock (src/core/nso/restoreLock.ts) on a real engine, with the
// NSO simulator image.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { backupCommand } from '../../src/cli/backupCommand';
import { addSubcommand } from '../../src/cli/main';
import { reloadCommand } from '../../src/cli/reloadCommand';
import { statusCommand } from '../../src/cli/statusCommand';
import { stopCommand } from '../../src/cli/stopCommand';
import type { DockerClient } from '../../src/core/docker';
import { isDockerError } from '../../src/core/docker/errors';
import { openBackupAccess, takeBackup } from '../../src/core/nso/backup';
import { executeRestore, planRestore } from '../../src/core/nso/backupRestore';
import { workbenchLabels } from '../../src/core/nso/labels';
import { NcsCli } from '../../src/core/nso/ncsCli';
import {
  removeProdContainer,
  resolveProdContainer,
  restartProdContainer,
  startProdContainer,
  stopProdContainer,
} from '../../src/core/nso/prodContainer';
import { MemoryLoadedStateStore, reloadPackages } from '../../src/core/nso/reload';
import {
  acquireRestoreLock,
  assertNotRestoring,
  isRestoringError,
  releaseRestoreLock,
  restoreLockName,
} from '../../src/core/nso/restoreLock';
import { runCaptured, type CapturedRun } from '../helpers/runCaptured';
import { cleanup, client, createVolume, prodImage, startWorkspaceNso } from './backupSupport';

addSubcommand(backupCommand);
addSubcommand(stopCommand);
addSubcommand(reloadCommand);
addSubcommand(statusCommand);
const cli = (args: string[]): Promise<CapturedRun> => runCaptured(['backup', ...args], process.env);

/** Resolves to the error `work` was refused with, which must be the restore lock's. */
async function refusedForRestore(work: Promise<unknown>, nso: string): Promise<Error> {
  const error = await work.then(
    () => assert.fail('expected a refusal while the restore holds the container'),
    (e: unknown) => e as Error,
  );
  assert.ok(isRestoringError(error), `not the restore lock's refusal: ${error.message}`);
  assert.match(error.message, new RegExp(`A restore of ${nso} is under way`));
  assert.match(error.message, new RegExp(`docker rm ${nso}-restore-lock`));
  return error;
}

async function lockExists(docker: DockerClient, nso: string): Promise<boolean> {
  try {
    await docker.inspectContainer(restoreLockName(nso));
    return true;
  } catch (error) {
    if (isDockerError(error, 'notFound')) return false;
    throw error;
  }
}

describe('The restore lock: nothing else touches NSO while a restore runs', function () {
  this.timeout(300_000);
  let docker: DockerClient;
  let hostDir: string;
  let workspace: string;
  let nso = '';

  before(async () => {
    docker = client();
    const volume = await createVolume('locknso');
    ({ hostDir, workspace, nso } = await startWorkspaceNso('lock', ['-v', `${volume}:/nso`]));
  });

  /** Start NSO, as the workspace's Start NSO would, on the container the test started. */
  const startNsoHere = (): Promise<unknown> =>
    startProdContainer(docker, {
      workspaceFolder: workspace,
      packagesDir: path.join(workspace, 'packages'),
      image: prodImage,
      containerName: nso,
    });

  after(async () => {
    await cleanup();
    fs.rmSync(hostDir, { recursive: true, force: true });
  });

  it('is taken once: a second restore of the same container is refused', async () => {
    const details = await docker.inspectContainer(nso);
    const lock = await acquireRestoreLock(docker, details);
    try {
      await refusedForRestore(acquireRestoreLock(docker, details), nso);
    } finally {
      await releaseRestoreLock(docker, lock);
    }
    assert.equal(await lockExists(docker, nso), false);
    // Given back, it can be taken again.
    await releaseRestoreLock(docker, await acquireRestoreLock(docker, details));
  });

  it('refuses Start NSO, a reload and backup access while held, and says how to clear it', async () => {
    const details = await docker.inspectContainer(nso);
    const lock = await acquireRestoreLock(docker, details);
    try {
      await refusedForRestore(startNsoHere(), nso);
      await refusedForRestore(
        reloadPackages({
          docker,
          cli: new NcsCli(docker),
          container: nso,
          workspaceFolder: workspace,
          adminUser: 'admin',
          strategy: 'full',
          store: new MemoryLoadedStateStore(),
        }),
        nso,
      );
      await refusedForRestore(openBackupAccess(docker, nso), nso);
      await refusedForRestore(stopProdContainer(docker, nso), nso);
      await refusedForRestore(restartProdContainer(docker, nso), nso);
      await refusedForRestore(removeProdContainer(docker, nso, true), nso);
      await refusedForRestore(resolveProdContainer(docker, workspace, undefined), nso);
      for (const command of [
        ['stop', '--dir', workspace],
        ['stop', '--dir', workspace, '--remove', '--delete-volumes', '--yes'],
        ['reload', '--dir', workspace],
      ]) {
        const refused = await runCaptured(command, process.env);
        assert.equal(refused.code, 1, `${command.join(' ')}: ${refused.out}`);
        assert.match(refused.err, new RegExp(`A restore of ${nso} is under way`));
      }
      assert.equal(
        (await docker.inspectContainer(nso)).state.running,
        true,
        'still running: nothing was stopped or removed',
      );
      const create = await cli(['create', '--container', nso]);
      assert.equal(create.code, 1, create.out);
      assert.match(create.err, new RegExp(`A restore of ${nso} is under way`));
    } finally {
      await releaseRestoreLock(docker, lock);
    }
    // Without the lock the same access works.
    const access = await openBackupAccess(docker, nso);
    await access.close();
  });

  it("names the restore on the command line when it has the workspace's container away", async () => {
    // A restore between removing the container and creating it again: only its lock is left.
    const elsewhere = path.join(hostDir, 'restoring');
    fs.mkdirSync(elsewhere);
    const away = `${nso}-away`;
    const details = await docker.inspectContainer(nso);
    const lock = await acquireRestoreLock(docker, {
      name: away,
      imageId: details.imageId,
      labels: workbenchLabels('prod', elsewhere),
    });
    try {
      const list = await cli(['list', '--dir', elsewhere]);
      assert.equal(list.code, 1, list.out);
      assert.match(list.err, new RegExp(`A restore of ${away} is under way`));
      const status = await runCaptured(['status', '--dir', elsewhere], process.env);
      assert.equal(status.code, 1, status.err);
      assert.match(status.out, new RegExp(`\\n  restore    A restore of ${away} is under way`));
      // Not "start NSO first": starting one now would race the restore.
      const reload = await runCaptured(['reload', '--dir', elsewhere], process.env);
      assert.equal(reload.code, 1, reload.out);
      assert.match(reload.err, new RegExp(`A restore of ${away} is under way`));
    } finally {
      await releaseRestoreLock(docker, lock);
    }
    const none = await cli(['list', '--dir', elsewhere]);
    assert.match(
      none.err,
      /No NSO production container for .*restoring: start one with nso-workbench start/,
    );
  });

  it('is held by a restore from its first step to NSO healthy again, then given back', async () => {
    const taken = await takeBackup(docker, nso);
    const plan = await planRestore(docker, nso, taken.entry.name);
    const stateDir = path.join(hostDir, 'state');
    const refusals: string[] = [];
    const tried: Promise<void>[] = [];
    const report = await executeRestore(docker, plan, {
      stateDir,
      safetyBackup: false,
      onProgress: (p) => {
        // Start NSO while ncs-backup --restore runs (seconds: a container starts
        // and unpacks): what broke restores before the lock.
        if (p.step === 'restore') {
          tried.push(
            refusedForRestore(startNsoHere(), nso).then(
              (e) => void refusals.push(`${p.step}: ${e.message.slice(0, 40)}`),
            ),
          );
        }
        // Still held while the recreated container becomes healthy.
        if (p.step === 'healthy') {
          tried.push(
            refusedForRestore(assertNotRestoring(docker, nso), nso).then(
              (e) => void refusals.push(`${p.step}: ${e.message.slice(0, 40)}`),
            ),
          );
        }
      },
    });
    await Promise.all(tried);
    assert.equal(refusals.length, 2, refusals.join('\n'));
    assert.equal(report.container, nso);
    assert.equal(await lockExists(docker, nso), false);
  });
});
