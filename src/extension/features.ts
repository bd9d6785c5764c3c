// The features that activation does not need, built as their own bundle
// (dist/features.js) and loaded the first time one of them is needed (see
// featureTriggers.ts for when): the Packages and Backups views, the
// production container, reload, build and backups, and the container actions.
// What activation shows at once (the status bar, the Containers and Health
// views) lives in health/setup.ts and stays in dist/extension.js.
import type * as vscode from 'vscode';
import type { BackupActions } from './backups/backupActions';
import { setupBackups } from './backups/setup';
import { BuildFeature } from './build/buildFeature';
import { buildTaskProvider } from './build/buildTasks';
import { ContainerActions } from './containers/containerActions';
import type { WorkbenchContext } from './context';
import type { NsoStatusFeature } from './health/setup';
import { ProdService } from './prod/prodService';
import { ReloadService } from './reload/reloadService';
import { PackagesView } from './views/packagesView';

export interface Features {
  readonly packages: PackagesView;
  readonly prod: ProdService;
  readonly reload: ReloadService;
  readonly build: BuildFeature;
  readonly backups: BackupActions;
  readonly actions: ContainerActions;
  /** The `nso` tasks (registered at activation, answered from here). */
  readonly tasks: vscode.TaskProvider;
}

export function setupFeatures(ctx: WorkbenchContext, nso: NsoStatusFeature): Features {
  const packages = PackagesView.setup(ctx);
  packages.followHealth(nso.status);
  const prod = ProdService.setup(ctx);
  const reload = ReloadService.setup(ctx, prod, packages);
  reload.useStatus(nso.status);
  ctx.subscriptions.push(prod.onDidChange(() => nso.status.selectionChanged()));
  const build = BuildFeature.setup(ctx, packages);
  build.useStatus(nso.status);
  const backups = setupBackups(ctx, prod, nso.status.onContainerEvent);
  // The Backups view read nothing while Docker was away: it reads again once the engine answers.
  ctx.subscriptions.push(
    nso.status.onDidChangeConnection((c) => {
      if (c?.phase === 'live') backups.refresh();
    }),
  );
  const actions = new ContainerActions(ctx, nso.status, nso.logs);
  return { packages, prod, reload, build, backups, actions, tasks: buildTaskProvider(build) };
}
