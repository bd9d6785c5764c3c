import type * as vscode from 'vscode';

import type { DockerEvent } from '../../core/docker/client';
import type { WorkbenchContext } from '../context';
import { BackupActions } from './backupActions';
import { BackupsView, type ProductionContainerSource } from './backupsView';

/** The Backups view and its commands, over whatever says which container is production. */
export function setupBackups(
  ctx: WorkbenchContext,
  source: ProductionContainerSource,
  containerEvents: vscode.Event<DockerEvent>,
): BackupActions {
  const view = BackupsView.setup(ctx, source, containerEvents);
  return new BackupActions(ctx, view, source);
}
