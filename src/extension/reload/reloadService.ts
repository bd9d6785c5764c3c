// Reload Packages and Build and Reload: the face of src/core/nso/reload.ts.
// Failures go to the Problems panel on the files that caused them, each
// package's oper-status to the Packages view, the raw ncs_cli transcript to
// the log, and a refused reload that would delete data to a modal that lists
// exactly what would be deleted: force is sent only after that consent.
import * as vscode from 'vscode';

import { isDockerError } from '../../core/docker/errors';
import { isNcsCliError, NcsCli } from '../../core/nso/ncsCli';
import {
  deletionListComplete,
  FileLoadedStateStore,
  reloadPackages,
  type ReloadReport,
} from '../../core/nso/reload';
import type { OperStatus } from '../../core/nso/reloadOutput';
import { FileHashCache, type ReloadStrategy } from '../../core/nso/reloadPlan';
import { toAbortSignal, type WorkbenchContext } from '../context';
import type { ProdService } from '../prod/prodService';

/** What a build reports to `nso.reload.afterBuild` (the build feature's BuildReport fits). */
export interface FinishedBuild {
  workspaceFolder: string;
  status: 'succeeded' | 'failed' | 'cancelled';
}

/** Where the Packages view learns each package's state in the running NSO. */
export interface RuntimeStateSink {
  setRuntimeStates(workspaceFolder: string, states: Map<string, OperStatus | undefined>): void;
  /** The packages found, for knowing whether a file belongs to one. */
  packages(): Promise<{ pkg: { dir: string; name: string; dirName: string } }[]>;
}

/** Where the status bar and Health view learn that a reload runs and how it ended. */
export interface ReloadStatusSink {
  beginActivity(kind: 'reloading', detail?: string): { end(): void };
  publishResult(result: {
    kind: 'reload';
    ok: boolean;
    summary: string;
    at: number;
    durationMs?: number;
    packages?: { name: string; ok: boolean; message?: string }[];
  }): void;
}

/** Lets tests answer the deletion modal; the modal itself is always shown. */
export const forceReloadButton = 'Force Reload';

export class ReloadService {
  private readonly diagnostics: vscode.DiagnosticCollection;
  private readonly store: FileLoadedStateStore;
  private readonly hashCache = new FileHashCache();
  private cli: NcsCli | undefined;
  /** The reload under way: one at a time per window. */
  private running: Promise<unknown> | undefined;
  /** Folders whose Build and Reload reloads by itself: the after-build hook leaves them. */
  private readonly pendingBuildAndReload = new Set<string>();
  private status: ReloadStatusSink | undefined;

  static setup(ctx: WorkbenchContext, prod: ProdService, view: RuntimeStateSink): ReloadService {
    const service = new ReloadService(ctx, prod, view);
    ctx.subscriptions.push(
      service.diagnostics,
      ctx.onDidChangeDocker(() => {
        service.cli = undefined;
      }),
      vscode.window.onDidChangeActiveTextEditor((e) => void service.updateEditorContext(e)),
    );
    void service.updateEditorContext(vscode.window.activeTextEditor);
    return service;
  }

  private constructor(
    private readonly ctx: WorkbenchContext,
    private readonly prod: ProdService,
    private readonly view: RuntimeStateSink,
  ) {
    this.diagnostics = vscode.languages.createDiagnosticCollection('nso-reload');
    this.store = new FileLoadedStateStore(
      vscode.Uri.joinPath(ctx.extension.globalStorageUri, 'loaded-packages').fsPath,
    );
  }

  /** Shows `reloading` and the last result in the status bar and Health view. */
  useStatus(sink: ReloadStatusSink): void {
    this.status = sink;
  }

  /** `nso.activeFileInPackage`: shows Build and Reload on the title of a package's files. */
  private async updateEditorContext(editor: vscode.TextEditor | undefined): Promise<void> {
    const file = editor?.document.uri.scheme === 'file' ? editor.document.uri.fsPath : undefined;
    const dirs = file ? (await this.view.packages()).map((n) => n.pkg.dir) : [];
    const inPackage = file !== undefined && dirs.some((d) => file.startsWith(`${d}/`));
    await vscode.commands.executeCommand('setContext', 'nso.activeFileInPackage', inPackage);
  }

  /** `NSO: Reload Packages`: the strategy from settings, unless one is given. */
  async reload(folderHint?: unknown, strategy?: ReloadStrategy): Promise<ReloadReport | undefined> {
    if (!this.ctx.trusted) {
      void vscode.window.showWarningMessage(
        'NSO Workbench reloads nothing in an untrusted workspace: trust the workspace first.',
      );
      return undefined;
    }
    const folder = await this.prod.pickFolder(uriOf(folderHint));
    if (!folder) return undefined;
    return this.exclusive(false, () => this.reloadFolder(folder, strategy, false));
  }

  /**
   * Runs one reload at a time. Asked for by the user while one runs, it says
   * so and does nothing; after a build (queue), it waits for the running one
   * and then reloads, so the build's change still reaches NSO.
   */
  private async exclusive<T>(queue: boolean, work: () => Promise<T>): Promise<T | undefined> {
    if (this.running && !queue) {
      void vscode.window.showInformationMessage('NSO: a reload is already running; wait for it.');
      return undefined;
    }
    while (this.running) await this.running.catch(() => undefined);
    const run = work();
    this.running = run;
    try {
      return await run;
    } finally {
      if (this.running === run) this.running = undefined;
    }
  }

  /** The reload after a successful build: queued behind a running one. */
  private reloadAfterBuild(folder: vscode.WorkspaceFolder): Promise<ReloadReport | undefined> {
    if (!this.ctx.trusted) return Promise.resolve(undefined);
    return this.exclusive(true, () => this.reloadFolder(folder, undefined, false));
  }

  /**
   * `NSO: Redeploy Package…`: `packages package <name> redeploy` for one
   * package (from the Packages view, or picked), whatever changed; refused
   * when its YANG or other files a redeploy does not load changed.
   */
  async redeployPackage(arg?: unknown): Promise<ReloadReport | undefined> {
    if (!this.ctx.trusted) {
      void vscode.window.showWarningMessage(
        'NSO Workbench redeploys nothing in an untrusted workspace: trust the workspace first.',
      );
      return undefined;
    }
    let name = packageNameOf(arg);
    const folder = await this.prod.pickFolder(uriOf(arg));
    if (!folder) return undefined;
    if (name === undefined) {
      const nodes = (await this.view.packages()).filter(
        (n) =>
          vscode.workspace.getWorkspaceFolder(vscode.Uri.file(n.pkg.dir))?.uri.fsPath ===
          folder.uri.fsPath,
      );
      const picked = await vscode.window.showQuickPick(
        nodes.map((n) => ({ label: n.pkg.name, description: n.pkg.dirName, name: n.pkg.name })),
        { placeHolder: `Package of ${folder.name} to redeploy in NSO` },
      );
      if (!picked) return undefined;
      name = picked.name;
    }
    return this.exclusive(false, () => this.reloadFolder(folder, undefined, false, name));
  }

  /**
   * `NSO: Build and Reload`: builds with the build feature's `nso.build.all`
   * command, then reloads when the build succeeded.
   */
  async buildAndReload(folderHint?: unknown): Promise<ReloadReport | undefined> {
    const folder = await this.prod.pickFolder(uriOf(folderHint));
    if (!folder) return undefined;
    const commands = await vscode.commands.getCommands(true);
    if (!commands.includes('nso.build.all')) {
      void vscode.window.showErrorMessage(
        'NSO: building is not available in this version of NSO Workbench: build the packages, then run NSO: Reload Packages.',
      );
      return undefined;
    }
    this.pendingBuildAndReload.add(folder.uri.fsPath);
    let build: unknown;
    try {
      build = await vscode.commands.executeCommand('nso.build.all', folder.uri);
    } finally {
      this.pendingBuildAndReload.delete(folder.uri.fsPath);
    }
    const status = buildStatus(build, folder);
    if (status !== 'succeeded') {
      this.ctx.log.info(`Build and Reload: the build ${status ?? 'reported nothing'}; no reload.`);
      return undefined;
    }
    return this.reloadAfterBuild(folder);
  }

  /**
   * `nso.reload.afterBuild` (internal): the build feature calls it after each
   * build; a successful one reloads unless the setting is off.
   */
  async afterBuild(build: FinishedBuild | undefined): Promise<ReloadReport | undefined> {
    if (!build || build.status !== 'succeeded') return undefined;
    if (this.pendingBuildAndReload.delete(build.workspaceFolder)) return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(build.workspaceFolder));
    if (!folder) return undefined;
    if (
      !vscode.workspace.getConfiguration('nso', folder.uri).get<boolean>('reload.afterBuild', true)
    ) {
      return undefined;
    }
    const target = await this.prod.target(folder).catch(() => undefined);
    if (!target?.state.running) {
      this.ctx.log.info('Build succeeded; no running NSO container to reload into.');
      return undefined;
    }
    return this.reloadAfterBuild(folder);
  }

  private async reloadFolder(
    folder: vscode.WorkspaceFolder,
    strategy: ReloadStrategy | undefined,
    force: boolean,
    redeploy?: string,
  ): Promise<ReloadReport | undefined> {
    const config = vscode.workspace.getConfiguration('nso', folder.uri);
    const chosen = strategy ?? config.get<ReloadStrategy>('reload.strategy', 'auto');
    let target;
    try {
      target = await this.prod.target(folder);
    } catch (error) {
      this.prod.showFailure('Reload Packages', error);
      return undefined;
    }
    if (!target) {
      const start = 'Start NSO';
      const attach = 'Use Existing Container…';
      const b = await vscode.window.showWarningMessage(
        `NSO: no production container for ${folder.name} to reload into.`,
        start,
        attach,
      );
      if (b === start) await vscode.commands.executeCommand('nso.prod.start', folder.uri);
      if (b === attach) await vscode.commands.executeCommand('nso.prod.useExisting', folder.uri);
      return undefined;
    }

    let report: ReloadReport;
    const activity = this.status?.beginActivity(
      'reloading',
      force ? 'packages reload force' : redeploy ? `redeploy ${redeploy}` : chosen,
    );
    try {
      report = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: force
            ? 'NSO: reloading packages with force'
            : redeploy
              ? `NSO: redeploying ${redeploy}`
              : 'NSO: reloading packages',
          cancellable: true,
        },
        async (progress, token) => {
          const abort = toAbortSignal(token);
          const signal = abort.signal;
          try {
            this.cli ??= new NcsCli(this.ctx.docker);
            return await reloadPackages({
              docker: this.ctx.docker,
              cli: this.cli,
              container: target.id,
              workspaceFolder: folder.uri.fsPath,
              packagesPath: config.get<string>('packagesPath', 'packages'),
              adminUser: this.prod.adminUser(folder),
              strategy: chosen,
              force,
              ...(redeploy !== undefined ? { redeploy } : {}),
              store: this.store,
              hashCache: this.hashCache,
              signal,
              observer: {
                info: (m) => {
                  this.ctx.log.info(m);
                  progress.report({ message: m.replace(/^Reload plan \(\w+\): /, '') });
                },
                transcript: (t) => this.ctx.log.info(`ncs_cli in ${target.name}:\n${t.trimEnd()}`),
              },
            });
          } finally {
            abort.dispose();
          }
        },
      );
    } catch (error) {
      this.showError(error);
      this.status?.publishResult({
        kind: 'reload',
        ok: false,
        summary: error instanceof Error ? error.message : String(error),
        at: Date.now(),
      });
      return undefined;
    } finally {
      activity?.end();
    }

    if (report.status !== 'deletionRefused') {
      this.status?.publishResult({
        kind: 'reload',
        ok: ['ok', 'nothing', 'off'].includes(report.status),
        summary: report.message,
        at: Date.now(),
        durationMs: report.durationMs,
        packages: report.packages
          .filter((p) => p.result !== undefined || p.operStatus !== undefined)
          .map((p) => ({
            name: p.name,
            ok: p.result !== false && (p.operStatus?.status ?? 'up') === 'up',
            ...(p.info || p.operStatus?.errorInfo
              ? { message: p.info ?? p.operStatus?.errorInfo }
              : {}),
          })),
      });
    }
    this.apply(folder, report);
    this.ctx.log.info(
      `Reload (${report.action}, ${report.status}) in ${(report.durationMs / 1000).toFixed(1)} s: ${report.message}`,
    );

    if (report.status === 'deletionRefused') {
      if (await this.confirmDeletion(report, target.name)) {
        return this.reloadFolder(folder, 'full', true);
      }
      this.ctx.log.info('Force reload declined: nothing was deleted.');
      return report;
    }
    this.announce(report);
    return report;
  }

  /**
   * The modal: exactly what would be deleted, one `package: module` per line.
   * When NSO's list could not be read, its own lines instead, and no Force
   * Reload: consent to delete needs to know what.
   */
  private async confirmDeletion(report: ReloadReport, container: string): Promise<boolean> {
    const deletions = report.deletions;
    if (!deletionListComplete(report)) {
      const message = `NSO refused the reload because YANG modules and the data stored under them would be deleted (${container}), but the list of them could not be read.`;
      const detail = [
        'NSO said:',
        '',
        ...(report.refusal?.said ?? []),
        '',
        'Nothing was changed. Force Reload is not offered because what it would delete is not known; see the log (NSO Workbench) for the whole answer.',
      ].join('\n');
      await vscode.window.showWarningMessage(message, { modal: true, detail });
      return false;
    }
    const message = `Reloading would delete ${deletions.length === 1 ? 'a YANG module' : `${deletions.length} YANG modules`} and all data stored under ${deletions.length === 1 ? 'it' : 'them'} in NSO (${container}).`;
    const detail = [
      'NSO refused the reload because these would be deleted:',
      '',
      ...deletions.map((d) => `package ${d.package}: module ${d.module}`),
      '',
      'Force Reload deletes them and their configuration from CDB. Cancel leaves NSO as it is.',
    ].join('\n');
    const choice = await vscode.window.showWarningMessage(
      message,
      { modal: true, detail },
      forceReloadButton,
    );
    return choice === forceReloadButton;
  }

  /** Problems entries and the Packages view's states from one report. */
  private apply(folder: vscode.WorkspaceFolder, report: ReloadReport): void {
    const byPackageDir = new Map(report.packages.map((p) => [p.name, p.dir]));
    // A reloaded package's earlier reload problems are replaced by this reload's.
    for (const name of report.touched) {
      const dir = byPackageDir.get(name);
      if (!dir) continue;
      this.diagnostics.forEach((uri) => {
        if (uri.fsPath === dir || uri.fsPath.startsWith(`${dir}/`)) this.diagnostics.delete(uri);
      });
    }
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const d of report.diagnostics) {
      const line = Math.max(0, d.line - 1);
      const diagnostic = new vscode.Diagnostic(
        new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER),
        d.message,
        vscode.DiagnosticSeverity.Error,
      );
      diagnostic.source = 'NSO reload';
      byFile.set(d.file, [...(byFile.get(d.file) ?? []), diagnostic]);
    }
    for (const [file, ds] of byFile) {
      const uri = vscode.Uri.file(file);
      this.diagnostics.set(uri, [...(this.diagnostics.get(uri) ?? []), ...ds]);
    }
    const states = new Map(report.packages.map((p) => [p.name, p.operStatus]));
    if ([...states.values()].some((s) => s !== undefined)) {
      this.view.setRuntimeStates(folder.uri.fsPath, states);
    }
  }

  private announce(report: ReloadReport): void {
    switch (report.status) {
      case 'ok':
      case 'nothing':
      case 'off':
        if (report.unbuilt?.length) {
          // Sources that need a build: a status-bar message would pass unread.
          const build = 'Build and Reload';
          void vscode.window.showWarningMessage(`NSO: ${report.message}`, build).then((b) => {
            if (b === build) void vscode.commands.executeCommand('nso.reload.buildAndReload');
          });
          return;
        }
        vscode.window.setStatusBarMessage(`$(check) NSO: ${report.message}`, 8000);
        return;
      case 'needsFullReload': {
        const reload = 'Reload Packages';
        void vscode.window.showWarningMessage(`NSO: ${report.message}`, reload).then((b) => {
          if (b === reload) void vscode.commands.executeCommand('nso.reload.packages');
        });
        return;
      }
      default: {
        const buttons =
          report.diagnostics.length > 0 ? ['Show Problems', 'Show Log'] : ['Show Log'];
        void vscode.window.showErrorMessage(`NSO: ${report.message}`, ...buttons).then((b) => {
          if (b === 'Show Problems')
            void vscode.commands.executeCommand('workbench.actions.view.problems');
          if (b === 'Show Log') this.ctx.log.show();
        });
      }
    }
  }

  private showError(error: unknown): void {
    if (
      isDockerError(error, 'cancelled') ||
      (error instanceof Error && error.name === 'AbortedError')
    ) {
      this.ctx.log.info(
        'Reload cancelled: what NSO finished before is kept; the next reload is a full one.',
      );
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.ctx.log.error(`Reload Packages: ${message}`);
    if (isNcsCliError(error) && error.output) this.ctx.log.error(error.output);
    void vscode.window.showErrorMessage(`NSO: ${message}`, 'Show Log').then((b) => {
      if (b) this.ctx.log.show();
    });
  }
}

/** Commands get a Uri from editor menus and a tree node from views. */
function uriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'object' && arg !== null) {
    const node = arg as { pkg?: { dir?: string }; folder?: vscode.WorkspaceFolder };
    if (node.folder) return node.folder.uri;
    if (node.pkg?.dir) return vscode.Uri.file(node.pkg.dir);
  }
  return undefined;
}

/** The package a Packages view node stands for. */
function packageNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'object' && arg !== null) {
    const name = (arg as { pkg?: { name?: unknown } }).pkg?.name;
    if (typeof name === 'string') return name;
  }
  return undefined;
}

/** The status of what `nso.build.all` returned: one report, or one per folder. */
function buildStatus(result: unknown, folder: vscode.WorkspaceFolder): string | undefined {
  const reports = Array.isArray(result) ? (result as unknown[]) : [result];
  for (const r of reports) {
    if (typeof r !== 'object' || r === null) continue;
    const b = r as Partial<FinishedBuild>;
    if (b.workspaceFolder === undefined || b.workspaceFolder === folder.uri.fsPath) return b.status;
  }
  return undefined;
}
