// When the features of dist/features.js (features.ts) are loaded: only when
// one is needed, never on a timer. Activation registers what VS Code must know
// from the start, and each of these loads the bundle on first use:
// - a command of those features runs (commands/registerCommands.ts);
// - the Packages or Backups view is shown, or VS Code asks for its items;
// - VS Code asks for `nso` tasks (Run Task, Run Build Task, tasks.json);
// - an editor shows a workspace file: the editor title's Build and Reload need
//   `nso.activeFileInPackage`, which needs the workspace's packages;
// - a file is about to be saved while `nso.build.onSave` is on: the build
//   feature then sees the save that follows.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkbenchContext } from './context';
import type { Features } from './features';
import type { NsoStatusFeature } from './health/setup';
import { LazyTrees } from './lazyTrees';

/** The task type build/buildTasks.ts provides (not imported: it would load the build code). */
const nsoTaskType = 'nso';

/** The features, loaded on the first call. */
export type FeatureLoader = () => Features;

export function setupFeatureTriggers(ctx: WorkbenchContext, nso: NsoStatusFeature): FeatureLoader {
  let features: Features | undefined;
  let loading = false;
  const load = (need: string): Features => {
    if (features) return features;
    if (loading) throw new Error('NSO Workbench features were asked for while they load');
    loading = true;
    try {
      const started = performance.now();
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime-chosen bundle, by design
      const module = require(path.join(__dirname, 'features.js')) as typeof import('./features');
      features = module.setupFeatures(ctx, nso);
      // bench/ reads this line: the cost of the first deferred load.
      ctx.log.info(
        `NSO Workbench features loaded in ${(performance.now() - started).toFixed(1)} ms (${need})`,
      );
      return features;
    } finally {
      loading = false;
    }
  };

  ctx.lazyTrees = new LazyTrees(
    [
      ['nso.packages', { showCollapseAll: true }],
      ['nso.backups', {}],
    ],
    () => void load('a view is shown'),
  );

  const inWorkspaceFile = (editor: vscode.TextEditor | undefined): boolean =>
    editor?.document.uri.scheme === 'file' &&
    vscode.workspace.getWorkspaceFolder(editor.document.uri) !== undefined;

  ctx.subscriptions.push(
    ctx.lazyTrees,
    vscode.tasks.registerTaskProvider(nsoTaskType, {
      provideTasks: (token) => load('tasks').tasks.provideTasks(token),
      resolveTask: (task, token) => load('tasks').tasks.resolveTask(task, token),
    }),
    // Once loaded, the reload feature follows the active editor itself.
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (!features && inWorkspaceFile(editor)) load('an editor shows a workspace file');
    }),
    vscode.workspace.onWillSaveTextDocument((e) => {
      if (
        !features &&
        e.document.uri.scheme === 'file' &&
        ctx.trusted &&
        vscode.workspace.getConfiguration('nso', e.document.uri).get<boolean>('build.onSave', false)
      ) {
        load('a save with nso.build.onSave');
      }
    }),
  );
  if (inWorkspaceFile(vscode.window.activeTextEditor)) load('an editor shows a workspace file');

  return () => load('a command');
}
