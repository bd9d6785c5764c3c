import type { WorkbenchContext } from '../context';
import { BackupActions } from './backupActions';
import { BackupsView, type ProductionContainerSource } from './backupsView';

/** The Backups view and its commands, over whatever says which container is production. */
export function setupBackups(
  ctx: WorkbenchContext,
  source: ProductionContainerSource,
): BackupActions {
  const view = BackupsView.setup(ctx, source);
  return new BackupActions(ctx, view, source);
}
