// Entry point: builds the typed context and hands it to each feature's setup.
// Nothing here runs Docker or reads the workspace at import time. Activation
// sets up only what VS Code shows or must know from the start (commands, the
// status bar, the views); the rest loads on first need (featureTriggers.ts,
// ncsConfTrigger.ts, dockerModule.ts).
import * as vscode from 'vscode';
import { WorkbenchContext } from './context';
import { registerCommands } from './commands/registerCommands';
import { setupFeatureTriggers } from './featureTriggers';
import { setupNcsConfTrigger } from './ncsConfTrigger';
import { setupNsoStatus } from './health/setup';
import { setupWalkthrough } from './walkthrough';

let current: WorkbenchContext | undefined;

export function activate(extensionContext: vscode.ExtensionContext): void {
  const started = performance.now();
  const ctx = new WorkbenchContext(extensionContext);
  current = ctx;
  const nso = setupNsoStatus(ctx);
  const features = setupFeatureTriggers(ctx, nso);
  const ncsConf = setupNcsConfTrigger(ctx, nso.status.onDidChangeHealth);
  const walkthrough = setupWalkthrough(ctx, nso);
  registerCommands(ctx, { nso, features, ncsConf, walkthrough });
  ctx.log.info(`NSO Workbench activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export async function deactivate(): Promise<void> {
  await current?.dispose();
  current = undefined;
}
