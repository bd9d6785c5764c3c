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
  // A file with schema errors would only reach NSO to be refused (or, copied
  // into a container, be put back); say so before anything changes.
  const errors = vscode.languages
    .getDiagnostics(doc.uri)
    .filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
  if (errors > 0) {
    const message = `ncs.conf has ${errors} error${errors === 1 ? '' : 's'}: fix ${errors === 1 ? 'it' : 'them'} before applying it to NSO.`;
    ctx.log.error(`Applying ncs.conf refused: ${message}`);
    void vscode.window.showErrorMessage(message, 'Show Problems').then((choice) => {
      if (choice === 'Show Problems')
        void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return false;
  }
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'Applying ncs.conf',
      cancellable: true,
    },
    async (_progress, token) => {
      const abort = toAbortSignal(token);
      try {
        // The container reloads go to: the one Use Existing Container… attached, else ours.
        const container = await resolveProdContainer(
          ctx.docker,
          folder.uri.fsPath,
          ctx.extension.workspaceState.get<string>(`nso.prod.attached:${folder.uri.toString()}`),
          abort.signal,
        );
        if (!container?.state.running) {
          ctx.log.error(
            'Applying ncs.conf: no running NSO production container for this workspace.',
          );
          void vscode.window.showWarningMessage(
            'No running NSO production container for this workspace: start NSO first.',
          );
          return false;
        }
        const result = await applyNcsConf(ctx.docker, container.id, doc.getText(), {
          ...(doc.uri.scheme === 'file' ? { hostFile: doc.uri.fsPath } : {}),
          // save() answers false for a document that is not dirty: nothing to write then.
          save: async () => {
            if (doc.isDirty && !(await doc.save()))
              throw new Error(`${doc.uri.fsPath} could not be saved`);
          },
          signal: abort.signal,
        });
        const name = container.name.replace(/^\//, '');
        if (result.ok) {
          ctx.log.info(`ncs.conf applied to ${name}:${result.containerPath}: ${result.output}`);
          void vscode.window.showInformationMessage(
            result.how === 'in-place'
              ? `Saved; NSO in ${name} reloaded ${result.containerPath} (a bind mount of this file).`
              : `NSO in ${name} reloaded ${result.containerPath}.`,
          );
          return true;
        }
        let message: string;
        if (result.how === 'mounted-elsewhere') {
          message = `Nothing applied to ${name}: ${result.output}`;
        } else if (result.staleMount) {
          message = `Saved, but NSO in ${name} does not see it: ${result.output}`;
        } else if (result.how === 'in-place') {
          message = `NSO in ${name} did not take the saved ncs.conf; it keeps running its previous configuration, but the next start reads the saved file: ${result.output}`;
        } else {
          message = `NSO in ${name} refused the ncs.conf${result.restored ? ' (the previous file is back in place)' : ''}: ${result.output}`;
        }
        ctx.log.error(message);
        void vscode.window.showErrorMessage(message);
        return false;
      } catch (err) {
        const message = `Applying ncs.conf failed: ${err instanceof Error ? err.message : String(err)}`;
        ctx.log.error(message);
        void vscode.window.showErrorMessage(message);
        return false;
      } finally {
        abort.dispose();
      }
    },
  );
}
