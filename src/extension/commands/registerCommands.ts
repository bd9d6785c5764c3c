import * as vscode from 'vscode';
import type { BackupNode, FolderNode } from '../backups/backupsView';
import type { WorkbenchContext } from '../context';
import type { ContainerTarget } from '../containers/containerActions';
import type { FeatureLoader } from '../featureTriggers';
import {
  applyToRunningNsoCommand,
  loadSchemaCommand,
  type NcsConfCommands,
} from '../ncsConfTrigger';
import type { NsoStatusFeature } from '../health/setup';
import type { FinishedBuild } from '../reload/reloadService';
import type { PackageNode } from '../views/packagesView';
import type { WalkthroughCommands } from '../walkthrough';

/** Where the commands' handlers live. */
export interface CommandHandlers {
  readonly nso: NsoStatusFeature;
  readonly features: FeatureLoader;
  readonly ncsConf: NcsConfCommands;
  readonly walkthrough: WalkthroughCommands;
}

/**
 * Every command of the extension, one line each; handlers live with their
 * feature. All are registered at activation; `features()` loads the features
 * of dist/features.js the first time a command needs them.
 */
export function registerCommands(ctx: WorkbenchContext, handlers: CommandHandlers): void {
  const { nso, features, ncsConf, walkthrough } = handlers;
  const register = (id: string, handler: (...args: never[]) => unknown): void => {
    ctx.subscriptions.push(vscode.commands.registerCommand(id, handler));
  };
  register('nso.log.show', () => ctx.log.show());
  register('nso.packages.refresh', () => features().packages.refresh());
  register('nso.packages.openMetaData', (node: PackageNode) =>
    vscode.window.showTextDocument(vscode.Uri.file(node.pkg.metaDataPath)),
  );
  register('nso.build.all', (arg?: unknown) => features().build.buildAll(arg));
  register('nso.build.package', (arg?: unknown) => features().build.buildPackage(arg));
  register('nso.build.clean', (arg?: unknown) => features().build.cleanBuild(arg));
  register('nso.build.cancel', () => features().build.cancel());
  register('nso.build.removeContainer', (arg?: unknown) => features().build.removeContainer(arg));
  register('nso.build.loadImage', () => features().build.loadImage());
  register('nso.build.showOutput', () => features().build.showOutput());
  register('nso.prod.start', (uri?: vscode.Uri) => features().prod.start(uri));
  register('nso.prod.useExisting', (arg?: vscode.Uri | string) => features().prod.useExisting(arg));
  register('nso.prod.stop', (uri?: vscode.Uri) => features().prod.stop(uri));
  register('nso.prod.restart', (uri?: vscode.Uri) => features().prod.restart(uri));
  register('nso.prod.remove', (uri?: vscode.Uri) => features().prod.remove(uri));
  register('nso.prod.setAdminPassword', (v?: unknown) => features().prod.setAdminPassword(v));
  register('nso.reload.packages', (arg?: unknown) => features().reload.reload(arg));
  register('nso.reload.redeployPackage', (arg?: unknown) => features().reload.redeployPackage(arg));
  register('nso.reload.buildAndReload', (arg?: unknown) => features().reload.buildAndReload(arg));
  register('nso.reload.afterBuild', (b?: FinishedBuild) => features().reload.afterBuild(b));
  register('nso.containers.refresh', () => nso.containers.reload());
  register('nso.containers.start', (t: ContainerTarget) => features().actions.start(t));
  register('nso.containers.stop', (t: ContainerTarget) => features().actions.stop(t));
  register('nso.containers.restart', (t: ContainerTarget) => features().actions.restart(t));
  register('nso.containers.remove', (t: ContainerTarget) => features().actions.remove(t));
  register('nso.containers.openCli', (t: ContainerTarget) => features().actions.openCli(t));
  register('nso.containers.openShell', (t: ContainerTarget) => features().actions.openShell(t));
  register('nso.containers.followLogs', (t: ContainerTarget) => features().actions.followLogs(t));
  register('nso.containers.openNsoLog', (t: ContainerTarget, file?: string) =>
    features().actions.openNsoLog(t, file),
  );
  register('nso.containers.inspect', (t: ContainerTarget) => features().actions.inspect(t));
  register('nso.containers.copyId', (t: ContainerTarget) => features().actions.copyId(t));
  register('nso.containers.copyName', (t: ContainerTarget) => features().actions.copyName(t));
  register('nso.health.show', () => nso.show());
  register('nso.health.refresh', () => nso.health.refresh());
  register('nso.health.snapshot', () => nso.snapshot());
  register('nso.docker.retry', () => nso.status.retryNow());
  register('nso.nsoLog.follow', (uri?: vscode.Uri) => nso.logs.toggleFollow(uri));
  register('nso.nsoLog.unfollow', (uri?: vscode.Uri) => nso.logs.toggleFollow(uri));
  register('nso.backups.refresh', () => features().backups.refresh());
  register('nso.backups.take', (t?: FolderNode) => features().backups.take(t));
  register('nso.backups.import', (t?: FolderNode) => features().backups.import(t));
  register('nso.backups.restore', (n?: BackupNode) => features().backups.restore(n));
  register('nso.backups.download', (n?: BackupNode) => features().backups.download(n));
  register('nso.backups.delete', (n?: BackupNode) => features().backups.delete(n));
  register('nso.backups.resume', (file?: string) => features().backups.resume(file));
  register('nso.backups.startContainer', (file?: string) =>
    features().backups.startContainer(file),
  );
  register('nso.backups.openJournal', (file?: string) => features().backups.openJournal(file));
  register(applyToRunningNsoCommand, (uri?: vscode.Uri) => ncsConf.applyToRunningNso(uri));
  register(loadSchemaCommand, () => ncsConf.loadSchema());
  register('nso.images.find', () => walkthrough.findImages());
  register('nso.ncsConf.open', () => walkthrough.openNcsConf());
}
