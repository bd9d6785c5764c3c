// A paused production container (`docker pause`): Docker accepts an exec into
// it that never answers, refuses to start or remove it, and its NSO is frozen
// rather than stopped. Start NSO, a reload and ncs_cli each say so at once,
// by its name, instead of waiting for ever or naming a stopped container.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { DockerClient } from '../../src/core/docker';
import { NcsCli } from '../../src/core/nso/ncsCli';
import { startProdContainer } from '../../src/core/nso/prodContainer';
import { MemoryLoadedStateStore, reloadPackages } from '../../src/core/nso/reload';
import { cleanup, client, dockerOk, prodImage, startWorkspaceNso } from './backupSupport';
import { openBackupAccess } from '../../src/core/nso/backup';
import { planRestore } from '../../src/core/nso/backupRestore';

async function refused(work: Promise<unknown>): Promise<Error> {
  return work.then(
    () => assert.fail('expected a refusal for the paused container'),
    (e: unknown) => e as Error,
  );
}

describe('A paused NSO container', function () {
  this.timeout(180_000);
  let docker: DockerClient;
  let hostDir: string;
  let workspace: string;
  let nso = '';

  before(async () => {
    docker = client();
    ({ hostDir, workspace, nso } = await startWorkspaceNso('paused'));
    await dockerOk(['pause', nso]);
  });

  after(async () => {
    await dockerOk(['unpause', nso]).catch(() => undefined);
    await cleanup();
    fs.rmSync(hostDir, { recursive: true, force: true });
  });

  it('is named as paused by a reload, which sends nothing', async () => {
    const started = performance.now();
    const error = await refused(
      reloadPackages({
        docker,
        cli: new NcsCli(docker),
        container: (await docker.inspectContainer(nso)).id,
        workspaceFolder: workspace,
        adminUser: 'admin',
        strategy: 'full',
        store: new MemoryLoadedStateStore(),
      }),
    );
    assert.equal(
      error.message,
      `Container ${nso} is paused, so NSO cannot answer: unpause it (docker unpause ${nso}) and try again. Nothing was sent to NSO.`,
    );
    assert.ok(performance.now() - started < 10_000, 'refused at once, not after a wait');
  });

  it('is named as paused by ncs_cli, given the container id', async () => {
    const id = (await docker.inspectContainer(nso)).id;
    const error = await refused(
      new NcsCli(docker).run(id, ['show packages package'], { user: 'admin' }),
    );
    assert.match(error.message, new RegExp(`^Container ${nso} is paused`));
    assert.doesNotMatch(error.message, new RegExp(id));
  });

  it('is neither backed up nor restored: a helper would copy a frozen, live CDB', async () => {
    const backup = await refused(openBackupAccess(docker, nso));
    assert.match(backup.message, new RegExp(`^Container ${nso} is paused: unpause it`));
    const restore = await refused(
      planRestore(docker, nso, 'ncs-6.4.1@2026-01-01T00:00:00.backup.gz'),
    );
    assert.match(restore.message, new RegExp(`^Container ${nso} is paused: unpause it`));
  });

  it('is not started, stopped or replaced by Start NSO, which says how to go on', async () => {
    const error = await refused(
      startProdContainer(docker, {
        workspaceFolder: workspace,
        packagesDir: path.join(workspace, 'packages'),
        image: prodImage,
        containerName: nso,
      }),
    );
    assert.match(
      error.message,
      new RegExp(`^${nso} is paused: unpause it \\(docker unpause ${nso}\\)`),
    );
    const state = await dockerOk(['inspect', '-f', '{{.State.Status}}', nso]);
    assert.equal(state.trim(), 'paused');
  });
});
