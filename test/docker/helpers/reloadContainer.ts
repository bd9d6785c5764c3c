// The production container that the reload tests reload into: a workspace's
// packages folder mounted in the simulator production image, on a network of
// the suite's own, and everything it made removed by name at the end.
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { DockerClient } from '../../../src/core/docker';
import type { NcsCli } from '../../../src/core/nso/ncsCli';
import { startProdContainer } from '../../../src/core/nso/prodContainer';
import {
  reloadPackages,
  type LoadedStateStore,
  type ReloadReport,
  type ReloadRequest,
} from '../../../src/core/nso/reload';
import {
  compilePackages,
  createTestNetwork,
  prodImage,
  removeContainersAndVolumes,
  removeTestNetwork,
} from '../reloadSupport';

/** Starts `containerName` from the production image with `workspace`'s packages folder. */
export async function startWorkspaceContainer(
  docker: DockerClient,
  network: string,
  workspace: string,
  containerName: string,
): Promise<void> {
  await startProdContainer(docker, {
    network,
    workspaceFolder: workspace,
    packagesDir: path.join(workspace, 'packages'),
    image: prodImage,
    containerName,
    healthStartPeriodS: 240,
  });
}

/**
 * Compiles the workspace's packages with the build image, then starts the
 * production container on a new network of the suite's; returns the network.
 */
export async function startReloadContainer(
  docker: DockerClient,
  workspace: string,
  containerName: string,
): Promise<string> {
  await compilePackages(workspace);
  const network = await createTestNetwork();
  await startWorkspaceContainer(docker, network, workspace, containerName);
  return network;
}

/** Removes a production container and its two volumes; missing ones are fine. */
export async function removeProdTestContainer(containerName: string): Promise<void> {
  await removeContainersAndVolumes(
    [containerName],
    [`${containerName}-nso`, `${containerName}-log`],
  );
}

/** Undoes startReloadContainer and removes the workspace folder. */
export async function removeReloadContainer(
  containerName: string,
  network: string,
  workspace: string,
): Promise<void> {
  await removeProdTestContainer(containerName);
  if (network) await removeTestNetwork(network);
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
}

/** What every reload of these tests passes: admin reloads `workspace`'s packages into `container`. */
export interface ReloadTarget {
  docker: DockerClient;
  cli: NcsCli;
  container: string;
  workspace: string;
  store: LoadedStateStore;
}

/** One reload as the product runs it, with the test's strategy and options. */
export function reloadInto(
  target: ReloadTarget,
  request: Pick<ReloadRequest, 'strategy' | 'force' | 'redeploy' | 'observer'>,
): Promise<ReloadReport> {
  return reloadPackages({
    docker: target.docker,
    cli: target.cli,
    container: target.container,
    workspaceFolder: target.workspace,
    adminUser: 'admin',
    store: target.store,
    ...request,
  });
}
