import * as vscode from 'vscode';
import { readNcsConfContext } from '../../core/nso/ncsConfContext';
import { resolveProdContainer } from '../../core/nso/prodContainer';
import type { ContainerContext } from '../../shared/ncsConfProtocol';
import type { WorkbenchContext } from '../context';

/**
 * The container the Health view follows: the one picked there, else the one
 * attached with Use Existing Container… (the keys NsoStatus reads).
 */
export function followedContainer(ctx: WorkbenchContext): string | undefined {
  const state = ctx.extension.workspaceState;
  const chosen = state.get<string>('nso.health.preferredContainer');
  if (chosen) return chosen;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const attached = state.get<string>(`nso.prod.attached:${folder.uri.toString()}`);
    if (attached) return attached;
  }
  return undefined;
}

/**
 * The production container as a context, or null when there is none. One
 * inspect and a look for the ncs.conf it reads (/etc/ncs, /nso/etc, /defaults),
 * when the client starts, the engine changes, or the followed container (or
 * its run) changes: nothing while idle.
 */
export async function findContainerContext(
  ctx: WorkbenchContext,
): Promise<ContainerContext | null> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder || !ctx.trusted) return null;
  try {
    const details = await resolveProdContainer(ctx.docker, folder, followedContainer(ctx));
    if (!details) return null;
    return await readNcsConfContext(ctx.docker, details, (p) => vscode.Uri.file(p).toString(), {
      log: (m) => ctx.log.info(`ncs.conf: ${m}`),
    });
  } catch (err) {
    // No engine is no reason to stop validating: the container checks just stay off.
    ctx.log.info(`ncs.conf: no production container context (${String(err)})`);
    return null;
  }
}
