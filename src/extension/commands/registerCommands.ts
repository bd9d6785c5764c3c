import * as vscode from 'vscode';
import type { WorkbenchContext } from '../context';
import type { PackageNode, PackagesView } from '../views/packagesView';

export interface Views {
  packages: PackagesView;
}

/** Every command of the extension, one line each; handlers live with their feature. */
export function registerCommands(ctx: WorkbenchContext, views: Views): void {
  const register = (id: string, handler: (...args: never[]) => unknown): void => {
    ctx.subscriptions.push(vscode.commands.registerCommand(id, handler));
  };
  register('nso.log.show', () => ctx.log.show());
  register('nso.packages.refresh', () => views.packages.refresh());
  register('nso.packages.openMetaData', (node: PackageNode) =>
    vscode.window.showTextDocument(vscode.Uri.file(node.pkg.metaDataPath)),
  );
}
