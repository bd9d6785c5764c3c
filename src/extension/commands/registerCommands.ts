import * as vscode from 'vscode';
import type { BuildFeature } from '../build/buildFeature';
import type { BackupActions } from '../backups/backupActions';
import type { BackupNode, FolderNode } from '../backups/backupsView';
import type { WorkbenchContext } from '../context';
import type { ContainerTarget } from '../containers/containerActions';
import type { NsoStatusFeature } from '../health/setup';
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
  nso: NsoStatusFeature;
  build: BuildFeature;
  backups: BackupActions;
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
  register('nso.build.all', (arg?: unknown) => services.build.buildAll(arg));
  register('nso.build.package', (arg?: unknown) => services.build.buildPackage(arg));
  register('nso.build.clean', (arg?: unknown) => services.build.cleanBuild(arg));
  register('nso.build.cancel', () => services.build.cancel());
  register('nso.build.removeContainer', (arg?: unknown) => services.build.removeContainer(arg));
  register('nso.build.loadImage', () => services.build.loadImage());
  register('nso.build.showOutput', () => services.build.showOutput());
  register('nso.prod.start', (uri?: vscode.Uri) => services.prod.start(uri));
  register('nso.prod.useExisting', (uri?: vscode.Uri) => services.prod.useExisting(uri));
  register('nso.prod.stop', (uri?: vscode.Uri) => services.prod.stop(uri));
  register('nso.prod.restart', (uri?: vscode.Uri) => services.prod.restart(uri));
  register('nso.prod.remove', (uri?: vscode.Uri) => services.prod.remove(uri));
  register('nso.prod.setAdminPassword', (v?: unknown) => services.prod.setAdminPassword(v));
  register('nso.reload.packages', (arg?: unknown) => services.reload.reload(arg));
  register('nso.reload.buildAndReload', (arg?: unknown) => services.reload.buildAndReload(arg));
  register('nso.reload.afterBuild', (b?: FinishedBuild) => services.reload.afterBuild(b));
  register('nso.reload.testHooks', () => services.reload.testHooks);
  register('nso.containers.refresh', () => services.nso.containers.reload());
  register('nso.containers.start', (t: ContainerTarget) => services.nso.actions.start(t));
  register('nso.containers.stop', (t: ContainerTarget) => services.nso.actions.stop(t));
  register('nso.containers.restart', (t: ContainerTarget) => services.nso.actions.restart(t));
  register('nso.containers.remove', (t: ContainerTarget) => services.nso.actions.remove(t));
  register('nso.containers.openCli', (t: ContainerTarget) => services.nso.actions.openCli(t));
  register('nso.containers.openShell', (t: ContainerTarget) => services.nso.actions.openShell(t));
  register('nso.containers.followLogs', (t: ContainerTarget) => services.nso.actions.followLogs(t));
  register('nso.containers.openNsoLog', (t: ContainerTarget, file?: string) =>
    services.nso.actions.openNsoLog(t, file),
  );
  register('nso.containers.inspect', (t: ContainerTarget) => services.nso.actions.inspect(t));
  register('nso.containers.copyId', (t: ContainerTarget) => services.nso.actions.copyId(t));
  register('nso.containers.copyName', (t: ContainerTarget) => services.nso.actions.copyName(t));
  register('nso.health.show', () => services.nso.show());
  register('nso.health.refresh', () => services.nso.health.refresh());
  register('nso.health.snapshot', () => services.nso.snapshot());
  register('nso.docker.retry', () => services.nso.status.retryNow());
  register('nso.nsoLog.follow', (uri?: vscode.Uri) => services.nso.logs.toggleFollow(uri));
  register('nso.nsoLog.unfollow', (uri?: vscode.Uri) => services.nso.logs.toggleFollow(uri));
  register('nso.backups.refresh', () => services.backups.refresh());
  register('nso.backups.take', (t?: FolderNode) => services.backups.take(t));
  register('nso.backups.import', (t?: FolderNode) => services.backups.import(t));
  register('nso.backups.restore', (n?: BackupNode) => services.backups.restore(n));
  register('nso.backups.download', (n?: BackupNode) => services.backups.download(n));
  register('nso.backups.delete', (n?: BackupNode) => services.backups.delete(n));
  register('nso.backups.resume', (file?: string) => services.backups.resume(file));
  register('nso.backups.startContainer', (file?: string) => services.backups.startContainer(file));
  register('nso.backups.openJournal', (file?: string) => services.backups.openJournal(file));
}
