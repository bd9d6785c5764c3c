// While a restore has the production container stopped, removed or not yet
// healthy again, nothing else may start, reload or back up that NSO: a Start
// NSO in that window creates a second container on the volume ncs-backup is
// unpacking into, and the restore can then not put its recorded container back.
//
// The lock is a container that is created and never started, named after the
// production container. Creating it is atomic in the engine (a second create
// of the same name fails), every process that talks to the engine sees it
// (the extension, the command line, another window), and `docker ps -a` shows
// a user what holds NSO. A lock left by a process that was killed stays until
// it is removed by hand; every refusal says how.

import type { DockerClient, Labels } from '../docker/client';
import { isDockerError } from '../docker/errors';
import { restoreLockLabel, workspaceLabel } from './labels';

/** The lock of the production container named `production`. */
export function restoreLockName(production: string): string {
  return `${production}-restore-lock`;
}

/** What a restore needs to know to take the lock. */
export interface LockedContainer {
  /** The production container's name. */
  readonly name: string;
  /** Its image id: the lock is created from it, so that no other image is needed. */
  readonly imageId: string;
  readonly labels: Labels;
}

/**
 * Takes the lock for a restore of `production`; throws a RestoringError when another restore holds it. Resolves to the lock's id.
 */
export async function acquireRestoreLock(
  docker: DockerClient,
  production: LockedContainer,
): Promise<string> {
  const workspace = production.labels[workspaceLabel];
  try {
    return await docker.createContainer({
      image: production.imageId,
      name: restoreLockName(production.name),
      labels: {
        [restoreLockLabel]: production.name,
        ...(workspace !== undefined ? { [workspaceLabel]: workspace } : {}),
      },
      // Never started: the command only has to exist in the image.
      entrypoint: ['true'],
      cmd: [],
      networkMode: 'none',
    });
  } catch (error) {
    if (isDockerError(error, 'conflict')) throw restoringError(production.name);
    throw error;
  }
}

/** Gives the lock back; a lock already gone is not an error. */
export async function releaseRestoreLock(docker: DockerClient, lock: string): Promise<void> {
  try {
    await docker.removeContainer(lock, { force: true });
  } catch (error) {
    if (!isDockerError(error, 'notFound')) throw error;
  }
}

/**
 * Throws a RestoringError when a restore holds the production
 * container named `production`: for start, reload and backup, before they
 * change anything.
 */
export async function assertNotRestoring(docker: DockerClient, production: string): Promise<void> {
  try {
    await docker.inspectContainer(restoreLockName(production));
  } catch (error) {
    if (isDockerError(error, 'notFound')) return;
    throw error;
  }
  throw restoringError(production);
}

/**
 * The production container a restore holds for a workspace, when its
 * container is away: the name the lock carries.
 */
export async function restoringFor(
  docker: DockerClient,
  workspace: string,
): Promise<string | undefined> {
  const [lock] = await docker.listContainers({
    labels: { [workspaceLabel]: workspace, [restoreLockLabel]: true },
  });
  return lock === undefined ? undefined : (lock.labels[restoreLockLabel] ?? lock.name);
}

/** A restore holds the production container: nothing else may change it now. */
export class RestoringError extends Error {
  constructor(
    /** The production container's name. */
    readonly container: string,
    message: string,
  ) {
    super(message);
    this.name = 'RestoringError';
  }
}

export function isRestoringError(error: unknown): error is RestoringError {
  return error instanceof RestoringError;
}

export function restoringError(production: string): RestoringError {
  const lock = restoreLockName(production);
  return new RestoringError(
    production,
    `A restore of ${production} is under way: NSO is not started, reloaded or backed up until it ` +
      `ends, and the production container comes back then. If no restore is running any more ` +
      `(the window or command that ran it was closed), remove its lock with \`docker rm ${lock}\`; ` +
      `a restore that stopped half-way can be resumed from its journal.`,
  );
}
