// The extension's face of package builds (src/core/build): commands, the
// "NSO Build" output, progress with Cancel, Problems, the Packages view's
// build column, build on save, and one build queue per workspace folder.
import * as path from 'node:path';
import * as vscode from 'vscode';

import { buildLockFile, describeHolder, liveBuildLockHolder } from '../../core/build/buildLock';
import { BuildQueue, type BuildRequest } from '../../core/build/buildQueue';
import type { BuildStateRecords, BuildStateStore } from '../../core/build/buildState';
import {
  cancelledReport,
  formatDiagnostic,
  refusedBeforeBuild,
  runBuild,
  summarize,
  type BuildObserver,
  type BuildReport,
  type PackageBuildResult,
  type VersionCheckCache,
} from '../../core/build/runBuild';
import { removeBuildContainers } from '../../core/nso/buildContainer';
import { isBuildInput } from '../../core/packages/inputHash';
import { toAbortSignal, type WorkbenchContext } from '../context';
import type { PackageBuildState, PackageNode, PackagesView } from '../views/packagesView';
import { loadImageFromFile, offerBuildImage } from './buildImageActions';
import { BuildProblems } from './buildProblems';

/** Who asked for a build: decides how loudly it reports. */
export type BuildSource = 'command' | 'task' | 'save';

const loudness: Record<BuildSource, number> = { save: 0, task: 1, command: 2 };

/** Where the status bar and Health view learn that a build runs and how it ended. */
export interface BuildStatusSink {
  beginActivity(kind: 'building', detail?: string): { end(): void };
  publishResult(result: {
    kind: 'build';
    ok: boolean;
    summary: string;
    at: number;
    durationMs?: number;
    packages?: { name: string; ok: boolean; message?: string }[];
  }): void;
}
const saveDebounceMs = 300;

/** Build state kept in VS Code's workspace state, one entry per workspace folder. */
class MementoBuildStateStore implements BuildStateStore {
  constructor(
    private readonly memento: vscode.Memento,
    private readonly key: string,
    private readonly onSave: (records: BuildStateRecords) => void,
  ) {}
  load(): Promise<BuildStateRecords> {
    return Promise.resolve(structuredClone(this.memento.get<BuildStateRecords>(this.key) ?? {}));
  }
  async save(records: BuildStateRecords): Promise<void> {
    await this.memento.update(this.key, records);
    this.onSave(records);
  }
  peek(): BuildStateRecords {
    return this.memento.get<BuildStateRecords>(this.key) ?? {};
  }
}

export class BuildFeature {
  readonly output: vscode.OutputChannel;
  readonly problems = new BuildProblems();
  private readonly queues = new Map<string, BuildQueue<BuildReport>>();
  private readonly stores = new Map<string, MementoBuildStateStore>();
  /** The loudest source among the requests waiting in a folder's queue. */
  private readonly nextSource = new Map<string, BuildSource>();
  /** Folder path -> names of the packages building now. */
  private readonly building = new Map<string, Set<string>>();
  private readonly outputEvents = new vscode.EventEmitter<{ folder: string; text: string }>();
  /** Every line written to the NSO Build output, with the folder it is about. */
  readonly onOutput = this.outputEvents.event;
  private readonly shownWarnings = new Set<string>();
  private readonly versionChecks: VersionCheckCache = new Map();
  private readonly pendingSaves = new Map<string, { names: Set<string>; timer: NodeJS.Timeout }>();
  private status: BuildStatusSink | undefined;

  static setup(ctx: WorkbenchContext, packages: PackagesView): BuildFeature {
    const feature = new BuildFeature(ctx, packages);
    ctx.subscriptions.push(
      feature.output,
      feature.problems,
      feature.outputEvents,
      vscode.workspace.onDidSaveTextDocument((doc) => void feature.onSaved(doc)),
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const f of e.removed) feature.problems.clearUnder(f.uri.fsPath);
      }),
      {
        dispose: () => {
          for (const q of feature.queues.values()) q.cancel();
          for (const p of feature.pendingSaves.values()) clearTimeout(p.timer);
        },
      },
    );
    for (const folder of vscode.workspace.workspaceFolders ?? []) feature.showStates(folder);
    return feature;
  }

  private constructor(
    private readonly ctx: WorkbenchContext,
    private readonly packages: PackagesView,
  ) {
    this.output = vscode.window.createOutputChannel('NSO Build');
  }

  /** Shows `building` and the last build's result in the status bar and Health view. */
  useStatus(sink: BuildStatusSink): void {
    this.status = sink;
  }

  // ------------------------------------------------------------------ commands

  /** `NSO: Build All Packages`: every folder, or the folder of the given URI. */
  async buildAll(arg?: unknown): Promise<BuildReport[]> {
    if (!this.mayRun()) return [];
    const folders = this.foldersOf(arg);
    return Promise.all(folders.map((f) => this.build(f, {}, 'command')));
  }

  /** `NSO: Build Package…`: from the Packages view, an editor's title, or a quick pick. */
  async buildPackage(arg?: unknown): Promise<BuildReport | undefined> {
    if (!this.mayRun()) return undefined;
    const node = (await this.packageOf(arg)) ?? (await this.pickPackage('Build which package?'));
    if (!node) return undefined;
    return this.build(node.folder, { packages: [node.pkg.name] }, 'command');
  }

  /** `NSO: Clean Build`: `make clean` then `make all`, for one package or all of them. */
  async cleanBuild(arg?: unknown): Promise<BuildReport[]> {
    if (!this.mayRun()) return [];
    const node = await this.packageOf(arg);
    if (node)
      return [await this.build(node.folder, { packages: [node.pkg.name], clean: true }, 'command')];
    if (arg instanceof vscode.Uri) {
      return Promise.all(this.foldersOf(arg).map((f) => this.build(f, { clean: true }, 'command')));
    }
    const all = { label: '$(tools) All packages', description: 'make clean, then make all' };
    const nodes = await this.packages.packages();
    const picked = await vscode.window.showQuickPick(
      [all, ...nodes.map((n) => ({ ...this.pickItem(n), node: n }))],
      { title: 'NSO: Clean Build', placeHolder: 'Clean and rebuild which package?' },
    );
    if (!picked) return [];
    if ('node' in picked) {
      return [
        await this.build(
          picked.node.folder,
          { packages: [picked.node.pkg.name], clean: true },
          'command',
        ),
      ];
    }
    return Promise.all(
      this.foldersOf(undefined).map((f) => this.build(f, { clean: true }, 'command')),
    );
  }

  /** `NSO: Cancel Build`: stops what builds and drops what waits, in every folder. */
  cancel(folders?: readonly string[]): number {
    let stopped = 0;
    for (const [key, queue] of this.queues) {
      if (!folders || folders.includes(key)) stopped += queue.cancel();
    }
    if (!folders && stopped === 0) {
      void vscode.window.setStatusBarMessage('NSO: no build is running.', 3000);
    }
    return stopped;
  }

  /** `NSO: Remove Build Container`: frees the container; the next build makes a new one. */
  async removeContainer(arg?: unknown): Promise<number> {
    if (!this.mayRun()) return 0;
    let removed = 0;
    for (const folder of this.foldersOf(arg)) {
      if (this.queues.get(folder.uri.fsPath)?.busy) {
        void vscode.window.showWarningMessage(
          `NSO: a build is running in ${folder.name}: cancel it first (NSO: Cancel Build).`,
        );
        continue;
      }
      // A build another window or the command line runs in the container.
      const packagesDir = path.resolve(folder.uri.fsPath, this.packagesPath(folder));
      const holder = await liveBuildLockHolder(await buildLockFile(packagesDir));
      if (holder) {
        void vscode.window.showWarningMessage(
          `NSO: a build is running in ${folder.name} (${describeHolder(holder)}): remove the build container once it ends.`,
        );
        continue;
      }
      try {
        removed += await removeBuildContainers(this.ctx.docker, folder.uri.fsPath);
      } catch (err) {
        void vscode.window.showErrorMessage(
          `NSO: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    void vscode.window.setStatusBarMessage(
      `NSO: removed ${removed} build container${removed === 1 ? '' : 's'}.`,
      4000,
    );
    return removed;
  }

  loadImage(): Promise<string[] | undefined> {
    return loadImageFromFile(this.ctx, this.output);
  }

  showOutput(): void {
    this.output.show(true);
  }

  // ------------------------------------------------------------------ building

  /**
   * Builds in one folder, after the build running there (if any): requests
   * waiting together are merged into one build, which answers them all.
   */
  build(
    folder: vscode.WorkspaceFolder,
    request: BuildRequest,
    source: BuildSource,
  ): Promise<BuildReport> {
    const key = folder.uri.fsPath;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new BuildQueue<BuildReport>(
        (req, signal) => this.execute(folder, req, signal),
        () => cancelledReport(key, this.packagesPath(folder)),
      );
      this.queues.set(key, queue);
    }
    const previous = this.nextSource.get(key);
    if (!previous || loudness[source] > loudness[previous]) this.nextSource.set(key, source);
    const submitted = queue.submit(request);
    if (submitted.queued) {
      void vscode.window.setStatusBarMessage(
        `NSO: build queued; it starts when the build running in ${folder.name} ends.`,
        4000,
      );
      this.ctx.log.info(`Build in ${folder.name} queued behind the running one.`);
    }
    return submitted.done;
  }

  private async execute(
    folder: vscode.WorkspaceFolder,
    request: BuildRequest,
    queueSignal: AbortSignal,
  ): Promise<BuildReport> {
    const key = folder.uri.fsPath;
    const source = this.nextSource.get(key) ?? 'command';
    this.nextSource.delete(key);
    await this.setRunningContext();
    const what = request.packages ? request.packages.join(', ') : 'all packages';
    const title = `NSO: ${request.clean ? 'Clean build' : 'Building'} ${what} (${folder.name})`;
    const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const activity = this.status?.beginActivity(
      'building',
      multi ? `${what} (${folder.name})` : what,
    );
    try {
      return await vscode.window.withProgress(
        {
          location:
            source === 'command'
              ? vscode.ProgressLocation.Notification
              : vscode.ProgressLocation.Window,
          title,
          cancellable: true,
        },
        async (progress, token) => {
          const cancel = toAbortSignal(token);
          const controller = new AbortController();
          const abort = (): void => controller.abort();
          cancel.signal.addEventListener('abort', abort);
          queueSignal.addEventListener('abort', abort);
          if (queueSignal.aborted || cancel.signal.aborted) abort();
          try {
            const report = await this.runIn(folder, request, progress, controller.signal);
            this.afterBuild(folder, report, source);
            return report;
          } finally {
            cancel.dispose();
            this.building.delete(key);
            this.showStates(folder);
          }
        },
      );
    } finally {
      activity?.end();
      await this.setRunningContext();
    }
  }

  private async runIn(
    folder: vscode.WorkspaceFolder,
    request: BuildRequest,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    signal: AbortSignal,
  ): Promise<BuildReport> {
    const key = folder.uri.fsPath;
    const config = vscode.workspace.getConfiguration('nso', folder.uri);
    const write = (text: string): void => {
      this.output.appendLine(text);
      this.outputEvents.fire({ folder: key, text });
    };
    write('');
    write(
      `=== ${new Date().toLocaleTimeString()} ${request.clean ? 'clean build' : 'build'} of ${request.packages?.join(', ') ?? 'all packages'} in ${key}`,
    );

    let toBuild = 0;
    const running = new Set<string>();
    this.building.set(key, running);
    const observer: BuildObserver = {
      line: (pkg, line) => write(`[${pkg}] ${line}`),
      info: (m) => write(m),
      warn: (m) => write(`warning: ${m}`),
      waiting: () => progress.report({ message: 'waiting for another build of these packages' }),
      packageStarted: (pkg, n, total) => {
        toBuild = total;
        running.add(pkg);
        progress.report({ message: `${pkg} (${n} of ${total})` });
        this.showStates(folder);
      },
      packageFinished: (r) => {
        if (running.delete(r.name) && toBuild > 0) progress.report({ increment: 100 / toBuild });
        write(`[${r.name}] ${describeResult(r)}`);
        this.showStates(folder);
      },
    };

    let docker;
    try {
      docker = this.ctx.docker;
    } catch (err) {
      // A malformed nso.docker.host or DOCKER_HOST: nothing could be asked.
      return {
        ...cancelledReport(key, this.packagesPath(folder)),
        status: 'failed',
        failure: { kind: 'engine', message: err instanceof Error ? err.message : String(err) },
      };
    }
    const parallelism = config.get<number>('build.parallelism', 0);
    return runBuild(
      {
        docker,
        workspaceFolder: key,
        packagesPath: this.packagesPath(folder),
        buildImage: config.get<string>('buildImage', ''),
        prodImage: config.get<string>('prodImage', ''),
        ...(parallelism > 0 ? { parallelism } : {}),
        store: this.storeFor(folder),
        versionChecks: this.versionChecks,
        lockOwner: `${vscode.env.appName} window`,
      },
      request,
      observer,
      signal,
    );
  }

  private afterBuild(
    folder: vscode.WorkspaceFolder,
    report: BuildReport,
    source: BuildSource,
  ): void {
    this.problems.update(report.packages);
    void this.packages.refresh(); // malformed package-meta-data.xml files show in Problems there
    const write = (text: string): void => {
      this.output.appendLine(text);
      this.outputEvents.fire({ folder: folder.uri.fsPath, text });
    };
    const diagnostics = report.packages.flatMap((p) => p.diagnostics);
    // Indented: a `$nso-build` problem matcher someone adds to an nso task
    // must not repeat what the Problems panel already shows.
    for (const d of diagnostics) write(`  ${formatDiagnostic(d)}`);
    for (const p of report.problems) {
      write(`  ${p.file}:${p.line}:${p.column}: error: ${p.message} This package is skipped.`);
    }
    const summary = summarize(report);
    this.publish(report, summary);
    write(`=== ${report.status}: ${summary}`);
    this.ctx.log.info(`Build in ${folder.name} ${report.status}: ${summary}`);

    for (const w of report.warnings) {
      if (this.shownWarnings.has(w)) continue;
      this.shownWarnings.add(w);
      void vscode.window.showWarningMessage(`NSO: ${w}`);
    }
    vscode.commands.executeCommand('nso.reload.afterBuild', report).then(undefined, () => {
      // The reload feature is optional: without it a build is just a build.
    });

    if (report.status === 'succeeded') {
      void vscode.window.setStatusBarMessage(`$(check) NSO: ${summary}`, 5000);
      return;
    }
    if (report.status === 'cancelled') {
      // Stopped by the user: say so with what got done, never as a failure.
      const text =
        report.packages.length > 0
          ? `NSO: the build in ${folder.name} was cancelled: ${summary}`
          : 'NSO: build cancelled.';
      void vscode.window.setStatusBarMessage(text, 6000);
      return;
    }
    if (source === 'save' && !report.failure) {
      void vscode.window.setStatusBarMessage(`$(error) NSO: ${summary}`, 8000);
      return;
    }
    if (report.failure?.kind === 'noImage') {
      void offerBuildImage(this.ctx, report.failure.message, this.output);
      return;
    }
    const problemsAction = 'Show Problems';
    const outputAction = 'Show Output';
    const message = report.failure
      ? `NSO: ${report.failure.message}`
      : `NSO: the build in ${folder.name} failed: ${summary}`;
    const actions = report.failure ? [outputAction] : [problemsAction, outputAction];
    void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
      if (choice === outputAction) this.output.show(true);
      if (choice === problemsAction) {
        void vscode.commands.executeCommand('workbench.actions.view.problems');
      }
    });
  }

  /** The last build's result for the Health view; a build dropped before it ran says nothing. */
  private publish(report: BuildReport, summary: string): void {
    if (report.status === 'cancelled' && report.packages.length === 0 && !report.failure) return;
    // A request refused before anything was built (a package name that is not
    // there) says nothing about the packages: the last build still stands.
    if (refusedBeforeBuild(report)) return;
    const packages = report.packages
      .filter((p) => p.status === 'built' || p.status === 'failed' || p.status === 'upToDate')
      .map((p) => ({
        name: p.name,
        ok: p.status !== 'failed',
        ...(p.status === 'failed' ? { message: p.message ?? failureLine(p) } : {}),
      }));
    this.status?.publishResult({
      kind: 'build',
      ok: report.status === 'succeeded',
      summary: report.status === 'cancelled' ? `Cancelled: ${summary}` : summary,
      at: Date.now(),
      durationMs: report.durationMs,
      ...(packages.length > 0 ? { packages } : {}),
    });
  }

  // ------------------------------------------------------------------ build on save

  private async onSaved(doc: vscode.TextDocument): Promise<void> {
    if (doc.uri.scheme !== 'file' || !this.ctx.trusted) return;
    if (!vscode.workspace.getConfiguration('nso', doc.uri).get<boolean>('build.onSave', false))
      return;
    const node = await this.packageOf(doc.uri);
    if (!node) return;
    const rel = path.relative(node.pkg.dir, doc.uri.fsPath).split(path.sep).join('/');
    if (!isBuildInput(rel)) return;
    const key = node.folder.uri.fsPath;
    const names = this.pendingSaves.get(key)?.names ?? new Set<string>();
    clearTimeout(this.pendingSaves.get(key)?.timer);
    names.add(node.pkg.name);
    // Saving several files at once ("Save All") makes one build.
    const timer = setTimeout(() => {
      this.pendingSaves.delete(key);
      void this.build(node.folder, { packages: [...names].sort() }, 'save');
    }, saveDebounceMs);
    this.pendingSaves.set(key, { names, timer });
  }

  // ------------------------------------------------------------------ helpers

  private mayRun(): boolean {
    if (this.ctx.trusted) return true;
    const manage = 'Manage Workspace Trust';
    void vscode.window
      .showWarningMessage(
        'NSO Workbench runs no build in an untrusted workspace: a build runs the packages’ Makefiles.',
        manage,
      )
      .then((c) => c === manage && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
  }

  private packagesPath(folder: vscode.WorkspaceFolder): string {
    return vscode.workspace
      .getConfiguration('nso', folder.uri)
      .get<string>('packagesPath', 'packages');
  }

  private storeFor(folder: vscode.WorkspaceFolder): MementoBuildStateStore {
    const key = folder.uri.fsPath;
    let store = this.stores.get(key);
    if (!store) {
      store = new MementoBuildStateStore(
        this.ctx.extension.workspaceState,
        `nso.build.state:${folder.uri.toString()}`,
        () => this.showStates(folder),
      );
      this.stores.set(key, store);
    }
    return store;
  }

  /** Tells the Packages view each package's last build and what builds now. */
  private showStates(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.fsPath;
    const records = this.storeFor(folder).peek();
    const running = this.building.get(key) ?? new Set<string>();
    const states = new Map<string, PackageBuildState>();
    for (const [name, r] of Object.entries(records)) {
      states.set(name, {
        running: running.has(name),
        lastResult: r.lastResult,
        lastBuiltAt: r.lastBuiltAt,
        lastDurationMs: r.lastDurationMs,
        errors: r.errors,
        warnings: r.warnings,
      });
    }
    for (const name of running) if (!states.has(name)) states.set(name, { running: true });
    this.packages.setBuildStates(key, states);
  }

  private async setRunningContext(): Promise<void> {
    const busy = [...this.queues.values()].some((q) => q.busy);
    await vscode.commands.executeCommand('setContext', 'nso.build.running', busy);
  }

  private foldersOf(arg: unknown): vscode.WorkspaceFolder[] {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (arg instanceof vscode.Uri) {
      const f = vscode.workspace.getWorkspaceFolder(arg);
      return f ? [f] : [];
    }
    if (isPackageNode(arg)) return [arg.folder];
    return [...folders];
  }

  /** The package a view node or a file URI is about. */
  private async packageOf(arg: unknown): Promise<PackageNode | undefined> {
    if (isPackageNode(arg)) return arg;
    if (!(arg instanceof vscode.Uri) || arg.scheme !== 'file') return undefined;
    const file = arg.fsPath;
    const owners = (await this.packages.packages()).filter(
      (n) => file === n.pkg.dir || file.startsWith(`${n.pkg.dir}${path.sep}`),
    );
    return owners.sort((a, b) => b.pkg.dir.length - a.pkg.dir.length)[0];
  }

  private async pickPackage(placeHolder: string): Promise<PackageNode | undefined> {
    const nodes = await this.packages.packages();
    if (nodes.length === 0) {
      void vscode.window.showInformationMessage(
        'NSO: no packages found (packages/*/package-meta-data.xml; setting nso.packagesPath).',
      );
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      nodes.map((n) => ({ ...this.pickItem(n), node: n })),
      { title: 'NSO: Build Package', placeHolder, matchOnDescription: true },
    );
    return picked?.node;
  }

  private pickItem(n: PackageNode): vscode.QuickPickItem {
    const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    return {
      label: n.pkg.name,
      description: [multi ? n.folder.name : undefined, n.pkg.metaData.version]
        .filter(Boolean)
        .join(' · '),
    };
  }
}

function isPackageNode(arg: unknown): arg is PackageNode {
  return (
    typeof arg === 'object' &&
    arg !== null &&
    (arg as Partial<PackageNode>).kind === 'package' &&
    (arg as Partial<PackageNode>).pkg !== undefined
  );
}

/** The first error of a failed package, in one line, when it gave no reason of its own. */
function failureLine(r: PackageBuildResult): string {
  const first = r.diagnostics.find((d) => d.severity === 'error') ?? r.diagnostics[0];
  if (!first) return `make exited with ${r.exitCode ?? 'an error'}`;
  // Relative to the packages folder: the Health view has one line for it.
  const file = path.relative(path.dirname(r.dir), first.file);
  return formatDiagnostic({ ...first, file: file.startsWith('..') ? first.file : file });
}

function describeResult(r: PackageBuildResult): string {
  const seconds = `${(r.durationMs / 1000).toFixed(1)} s`;
  switch (r.status) {
    case 'built':
      return `built in ${seconds}`;
    case 'failed':
      return `FAILED after ${seconds}${r.message ? `: ${r.message}` : ''}`;
    default:
      return r.message ?? r.status;
  }
}
