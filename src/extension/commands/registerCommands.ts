import * as vscode from 'vscode';
import type { WorkbenchContext } from '../context';
import type { ProdService } from '../prod/prodService';
import type { FinishedBuild, ReloadService } from '../reload/reloadService';
import type { PackageNode, PackagesView } from '../views/packagesView';

export interface Views {
  packages: PackagesView;
}

/** The features whose commands are registered here. */
export interface Services {
  prod: ProdService;
  reload: ReloadService;
}

/** Every command of the extension, one line each; handlers live with their feature. */
export function registerCommands(ctx: WorkbenchContext, views: Views, services: Services): void {
  const register = (id: string, handler: (...args: never[]) => unknown): void => {
    ctx.subscriptions.push(vscode.commands.registerCommand(id, handler));
  };
  register('nso.log.show', () => ctx.log.show());
  register('nso.packages.refresh', () => views.packages.refresh());
  register('nso.packages.openMetaData', (node: PackageNode) =>
    vscode.window.showTextDocument(vscode.Uri.file(node.pkg.metaDataPath)),
  );
  register('nso.prod.start', (uri?: vscode.Uri) => services.prod.start(uri));
  register('nso.prod.useExisting', (uri?: vscode.Uri) => services.prod.useExisting(uri));
  register('nso.prod.stop', (uri?: vscode.Uri) => services.prod.stop(uri));
  register('nso.prod.restart', (uri?: vscode.Uri) => services.prod.restart(uri));
  register('nso.prod.remove', (uri?: vscode.Uri) => services.prod.remove(uri));
  register('nso.reload.packages', (arg?: unknown) => services.reload.reload(arg));
  register('nso.reload.buildAndReload', (arg?: unknown) => services.reload.buildAndReload(arg));
  register('nso.reload.afterBuild', (b?: FinishedBuild) => services.reload.afterBuild(b));
  register('nso.reload.testHooks', () => services.reload.testHooks);
}
