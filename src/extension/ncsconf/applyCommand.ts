import * as vscode from 'vscode';
import { applyNcsConf } from '../../core/nso/ncsConfApply';
import { resolveProdContainer } from '../../core/nso/prodContainer';
import type { WorkbenchContext } from '../context';
import { toAbortSignal } from '../context';

/** NSO: Apply ncs.conf to Running NSO — the editor's ncs.conf into the production container, then reload. */
export async function applyToRunningNso(ctx: WorkbenchContext, uri?: vscode.Uri): Promise<boolean> {
  const doc = uri
    ? await vscode.workspace.openTextDocument(uri)
    : vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'ncs-conf') {
    void vscode.window.showWarningMessage('Open the ncs.conf to apply first.');
    return false;
  }
  if (!ctx.trusted) {
    void vscode.window.showWarningMessage('Trust this workspace to apply ncs.conf to NSO.');
    return false;
  }
  const folder =
    vscode.workspace.getWorkspaceFolder(doc.uri) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) return false;
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'Applying ncs.conf',
      cancellable: true,
    },
    async (_progress, token) => {
      const abort = toAbortSignal(token);
      try {
        const container = await resolveProdContainer(
          ctx.docker,
          folder.uri.fsPath,
          undefined,
          abort.signal,
        );
        if (!container?.state.running) {
          void vscode.window.showWarningMessage(
            'No running NSO production container for this workspace: start NSO first.',
          );
          return false;
        }
        const result = await applyNcsConf(ctx.docker, container.id, doc.getText(), abort.signal);
        const name = container.name.replace(/^\//, '');
        ctx.log.info(`ncs.conf applied to ${name}:${result.containerPath}: ${result.output}`);
        if (result.ok) {
          void vscode.window.showInformationMessage(
            `NSO in ${name} reloaded ${result.containerPath}.`,
          );
        } else {
          void vscode.window.showErrorMessage(
            `NSO in ${name} refused the ncs.conf${result.restored ? ' (the previous file is back in place)' : ''}: ${result.output}`,
          );
        }
        return result.ok;
      } catch (err) {
        void vscode.window.showErrorMessage(
          `Applying ncs.conf failed: ${err instanceof Error ? err.message : String(err)}`,
        );
        return false;
      } finally {
        abort.dispose();
      }
    },
  );
}
