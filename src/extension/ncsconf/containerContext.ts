import * as vscode from 'vscode';
import type { ContainerDetails } from '../../core/docker/client';
import { resolveProdContainer } from '../../core/nso/prodContainer';
import type { ContainerContext } from '../../shared/ncsConfProtocol';
import type { WorkbenchContext } from '../context';

/** What the container-aware checks need from the production container's inspect. */
export function containerContextOf(details: ContainerDetails): ContainerContext {
  return {
    container: {
      name: details.name.replace(/^\//, ''),
      env: { ...details.env },
      publishedPorts: details.ports
        .filter((p) => p.protocol !== 'sctp')
        .map((p) => ({
          containerPort: p.containerPort,
          protocol: p.protocol as 'tcp' | 'udp',
          ...(p.hostPort !== undefined ? { hostPort: p.hostPort } : {}),
        })),
    },
    // Bind mounts of files from the workspace: where each document appears inside the container.
    mounts: details.mounts
      .filter((m) => m.type === 'bind')
      .map((m) => ({ uri: vscode.Uri.file(m.source).toString(), containerPath: m.destination })),
  };
}

/** The first workspace folder's production container as a context, or null when there is none. */
export async function findContainerContext(
  ctx: WorkbenchContext,
): Promise<ContainerContext | null> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder || !ctx.trusted) return null;
  try {
    const details = await resolveProdContainer(ctx.docker, folder, undefined);
    return details ? containerContextOf(details) : null;
  } catch (err) {
    // No engine is no reason to stop validating: the container checks just stay off.
    ctx.log.info(`ncs.conf: no production container context (${String(err)})`);
    return null;
  }
}
