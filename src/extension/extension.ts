// Entry point: builds the typed context and hands it to each feature's setup.
// Nothing here runs Docker or reads the workspace at import time.
import * as vscode from 'vscode';
import { WorkbenchContext } from './context';
import { registerCommands } from './commands/registerCommands';
import { BuildFeature } from './build/buildFeature';
import { PackagesView } from './views/packagesView';
import { ProdService } from './prod/prodService';
import { ReloadService } from './reload/reloadService';
import { setupNcsConfClient } from './ncsConfClient';
import { setupBackups } from './backups/setup';
import { setupNsoStatus } from './health/setup';
import { setupWalkthrough } from './walkthrough';

let current: WorkbenchContext | undefined;

export function activate(extensionContext: vscode.ExtensionContext): void {
  const started = performance.now();
  const ctx = new WorkbenchContext(extensionContext);
  current = ctx;
  const packages = PackagesView.setup(ctx);
  const prod = ProdService.setup(ctx);
  const reload = ReloadService.setup(ctx, prod, packages);
  const nso = setupNsoStatus(ctx);
  reload.useStatus(nso.status);
  ctx.subscriptions.push(prod.onDidChange(() => nso.status.selectionChanged()));
  const build = BuildFeature.setup(ctx, packages);
  build.useStatus(nso.status);
  const backups = setupBackups(ctx, prod);
  registerCommands(ctx, { packages }, { prod, reload, nso, build, backups });
  setupNcsConfClient(ctx);
  setupWalkthrough(ctx, nso);
  ctx.log.info(`NSO Workbench activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export async function deactivate(): Promise<void> {
  await current?.dispose();
  current = undefined;
}
