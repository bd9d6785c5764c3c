// Tasks of type `nso` ({"task": "build", "package"?: …, "clean"?: …}), so
// "Run Build Task" and tasks.json build packages the way the commands do:
// the same queue, the same output (in the task's terminal), the same
// Problems. The build publishes its diagnostics itself, so these tasks carry
// no problem matcher (one would only repeat them); the `$nso-build` matcher is
// for tasks that run the `nso-workbench build` CLI.
import * as vscode from 'vscode';

import type { BuildRequest } from '../../core/build/buildQueue';
import { summarize, type BuildReport } from '../../core/build/runBuild';
import type { BuildFeature } from './buildFeature';

export const taskType = 'nso';

export interface NsoTaskDefinition extends vscode.TaskDefinition {
  task: 'build';
  package?: string;
  clean?: boolean;
}

function isBuildDefinition(d: vscode.TaskDefinition): d is NsoTaskDefinition {
  return d.type === taskType && d.task === 'build';
}

/**
 * The provider of `nso` tasks. Registered at activation by
 * src/extension/featureTriggers.ts, which loads the build feature when VS Code
 * first asks for tasks.
 */
export function buildTaskProvider(feature: BuildFeature): vscode.TaskProvider {
  return {
    provideTasks: () => {
      const tasks: vscode.Task[] = [];
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        tasks.push(buildTask(feature, folder, { type: taskType, task: 'build' }));
        tasks.push(buildTask(feature, folder, { type: taskType, task: 'build', clean: true }));
      }
      return tasks;
    },
    resolveTask: (task) => {
      if (!isBuildDefinition(task.definition)) return undefined;
      return buildTask(feature, task.scope, task.definition);
    },
  };
}

function buildTask(
  feature: BuildFeature,
  scope: vscode.Task['scope'],
  definition: NsoTaskDefinition,
): vscode.Task {
  const name = `${definition.clean ? 'clean build' : 'build'}${definition.package ? ` ${definition.package}` : ''}`;
  const task = new vscode.Task(
    definition,
    scope ?? vscode.TaskScope.Workspace,
    name,
    taskType,
    new vscode.CustomExecution((resolved) =>
      Promise.resolve(new BuildTerminal(feature, foldersOf(scope), resolved as NsoTaskDefinition)),
    ),
    [],
  );
  task.group = vscode.TaskGroup.Build;
  task.detail = definition.package
    ? `make${definition.clean ? ' clean' : ''} all for ${definition.package} (and what it requires) in the NSO build container`
    : `make${definition.clean ? ' clean' : ''} all for every package in the NSO build container`;
  return task;
}

function foldersOf(scope: vscode.Task['scope']): vscode.WorkspaceFolder[] {
  if (scope && typeof scope === 'object') return [scope];
  return [...(vscode.workspace.workspaceFolders ?? [])];
}

/** The task's terminal: shows the build's output and ends with its exit code. */
class BuildTerminal implements vscode.Pseudoterminal {
  private readonly writes = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writes.event;
  private readonly closes = new vscode.EventEmitter<number>();
  readonly onDidClose = this.closes.event;
  private done = false;

  constructor(
    private readonly feature: BuildFeature,
    private readonly folders: vscode.WorkspaceFolder[],
    private readonly definition: NsoTaskDefinition,
  ) {}

  open(): void {
    void this.run();
  }

  /** The terminal was closed or the task terminated: stop the build. */
  close(): void {
    if (!this.done) this.feature.cancel(this.folders.map((f) => f.uri.fsPath));
  }

  handleInput(data: string): void {
    if (data === '\x03') this.close(); // Ctrl+C
  }

  private write(text: string): void {
    this.writes.fire(`${text.replace(/\r?\n/g, '\r\n')}\r\n`);
  }

  private async run(): Promise<void> {
    const keys = new Set(this.folders.map((f) => f.uri.fsPath));
    const sub = this.feature.onOutput((e) => {
      if (keys.has(e.folder)) this.write(e.text);
    });
    let code = 1;
    try {
      if (this.folders.length === 0) {
        this.write('NSO: no workspace folder to build.');
      } else {
        const request: BuildRequest = {
          ...(this.definition.package ? { packages: [this.definition.package] } : {}),
          ...(this.definition.clean ? { clean: true } : {}),
        };
        const reports: BuildReport[] = await Promise.all(
          this.folders.map((f) => this.feature.build(f, request, 'task')),
        );
        for (const r of reports) if (r.packages.length === 0) this.write(summarize(r));
        code = reports.every((r) => r.status === 'succeeded') ? 0 : 1;
      }
    } catch (err) {
      this.write(
        `NSO: the build could not run: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      sub.dispose();
      this.done = true;
      this.closes.fire(code);
    }
  }
}
