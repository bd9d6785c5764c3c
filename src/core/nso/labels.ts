// Docker labels NSO Workbench puts on the containers it creates, so that any
// feature (and a later session) can find "the production container of this
// workspace" by asking the engine, without remembering names or ids.

import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { LabelFilter, Labels } from '../docker/client';

/** Which of the workspace's containers this is. */
export const roleLabel = 'org.nso-workbench.role';

/** The workspace folder (its file-system path on the host) the container belongs to. */
export const workspaceLabel = 'org.nso-workbench.workspace';

/**
 * On the never-started container that locks a production container while a
 * restore runs (restoreLock.ts): the production container's name.
 */
export const restoreLockLabel = 'org.nso-workbench.restore-lock-of';

/** Compose puts this on every container of a project; we group NSO containers by it. */
export const composeProjectLabel = 'com.docker.compose.project';

/** Compose's service name inside the project. */
export const composeServiceLabel = 'com.docker.compose.service';

/** `prod` runs NSO; `build` compiles packages and never runs NSO. */
export type ContainerRole = 'prod' | 'build';

export function isContainerRole(value: string | undefined): value is ContainerRole {
  return value === 'prod' || value === 'build';
}

/** The labels for a new container of the workspace at `workspacePath`. */
export function workbenchLabels(role: ContainerRole, workspacePath: string): Labels {
  return { [roleLabel]: role, [workspaceLabel]: workspacePath };
}

/** A filter for listContainers/events matching the workspace's container of that role. */
export function workbenchFilter(role: ContainerRole, workspacePath: string): LabelFilter {
  return { [roleLabel]: role, [workspaceLabel]: workspacePath };
}

/** The role label's value, when the labels are ours. */
export function roleOf(labels: Labels): ContainerRole | undefined {
  const role = labels[roleLabel];
  return isContainerRole(role) ? role : undefined;
}

/** The workspace label's value, when present. */
export function workspaceOf(labels: Labels): string | undefined {
  return labels[workspaceLabel];
}

/**
 * `<prefix><folder>-<hash of its path>`: a container name a user can read in
 * `docker ps`, unique per workspace folder (two folders of the same name get
 * different hashes).
 */
export function workspaceContainerName(workspaceFolder: string, prefix: string): string {
  const slug =
    path
      .basename(workspaceFolder)
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, 40) || 'workspace';
  const hash = createHash('sha256').update(workspaceFolder).digest('hex').slice(0, 8);
  return `${prefix}${slug}-${hash}`;
}
