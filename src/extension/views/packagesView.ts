import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  describeKinds,
  discoverPackages,
  type DiscoveryProblem,
  type DiscoveryResult,
  type WorkspacePackage,
} from '../../core/packages/discovery';
import type { LastBuildResult } from '../../core/build/buildState';
import type { NsoHealth } from '../../core/nso/health';
import type { OperStatus } from '../../core/nso/reloadOutput';
import { PackageRuntimeStates } from '../../core/packages/runtimeStates';
import { quantity } from '../../shared/quantity';
import type { WorkbenchContext } from '../context';

type Node = FolderNode | PackageNode | SkippedNode;

/** A package folder whose package-meta-data.xml could not be read: listed, not built. */
interface SkippedNode {
  kind: 'skipped';
  folder: vscode.WorkspaceFolder;
  problem: DiscoveryProblem;
}

interface FolderNode {
  kind: 'folder';
  folder: vscode.WorkspaceFolder;
  result: DiscoveryResult;
}

export interface PackageNode {
  kind: 'package';
  folder: vscode.WorkspaceFolder;
  pkg: WorkspacePackage;
}

const refreshDebounceMs = 200;

/** A package's last build and whether it builds now, as the build feature reports them. */
export interface PackageBuildState {
  running: boolean;
  lastResult?: LastBuildResult;
  /** Milliseconds since the epoch. */
  lastBuiltAt?: number;
  lastDurationMs?: number;
  errors?: number;
  warnings?: number;
}

/**
 * The Packages view: every package of every workspace folder. Malformed
 * package-meta-data.xml files become Problems entries on the file itself, so
 * the package is visibly skipped rather than silently missing.
 */
export class PackagesView implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private results = new Map<string, { folder: vscode.WorkspaceFolder; result: DiscoveryResult }>();
  private readonly diagnostics: vscode.DiagnosticCollection;
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;
  /** Each package's oper-status in the running NSO: live from the health, or from a reload. */
  private readonly runtime = new PackageRuntimeStates();
  /** Per workspace folder: a watcher on its packages folder's entries. */
  private packageDirWatchers: vscode.Disposable[] = [];
  /** Per workspace folder path: each package's last build. */
  private readonly builds = new Map<string, Map<string, PackageBuildState>>();

  static setup(ctx: WorkbenchContext): PackagesView {
    const view = new PackagesView(ctx);
    const tree = ctx.treeView('nso.packages', view);
    const watcher = vscode.workspace.createFileSystemWatcher('**/package-meta-data.xml');
    const later = (): void => view.scheduleRefresh();
    ctx.subscriptions.push(
      tree,
      watcher,
      view.changed,
      view.diagnostics,
      watcher.onDidCreate(later),
      watcher.onDidChange(later),
      watcher.onDidDelete(later),
      vscode.workspace.onDidChangeWorkspaceFolders(later),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('nso.packagesPath')) later();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => view.watchPackageDirs()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('nso.packagesPath')) view.watchPackageDirs();
      }),
      { dispose: () => clearTimeout(view.timer) },
      {
        dispose: () => {
          for (const w of view.packageDirWatchers.splice(0)) w.dispose();
        },
      },
    );
    view.watchPackageDirs();
    return view;
  }

  /**
   * A package folder created or deleted as a whole (rm -r, git checkout) raises
   * no event for the package-meta-data.xml inside it: each folder's packages
   * directory is watched one level deep (not recursively, so it stays cheap).
   */
  private watchPackageDirs(): void {
    for (const w of this.packageDirWatchers.splice(0)) w.dispose();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const packagesPath = vscode.workspace
        .getConfiguration('nso', folder.uri)
        .get<string>('packagesPath', 'packages');
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(
          vscode.Uri.file(path.resolve(folder.uri.fsPath, packagesPath)),
          '*',
        ),
        false,
        true,
        false,
      );
      const later = (): void => this.scheduleRefresh();
      this.packageDirWatchers.push(watcher, watcher.onDidCreate(later), watcher.onDidDelete(later));
    }
  }

  /**
   * Follows NSO's health: packages show NSO's live oper-status when NSO gave
   * it, and no state once the container stopped, died or was removed.
   */
  followHealth(status: {
    readonly health: NsoHealth;
    readonly onDidChangeHealth: vscode.Event<NsoHealth>;
  }): void {
    const take = (health: NsoHealth): void => {
      if (this.runtime.setHealth(health)) this.changed.fire(undefined);
    };
    take(status.health);
    this.ctx.subscriptions.push(status.onDidChangeHealth(take));
  }

  private constructor(private readonly ctx: WorkbenchContext) {
    this.diagnostics = vscode.languages.createDiagnosticCollection('nso-packages');
  }

  /** All packages found, across workspace folders. */
  async packages(): Promise<PackageNode[]> {
    await this.ensureLoaded();
    return [...this.results.values()].flatMap(({ folder, result }) =>
      result.packages.map((pkg) => ({ kind: 'package' as const, folder, pkg })),
    );
  }

  /** Each package's state in the running NSO, as the last reload confirmed it. */
  setRuntimeStates(workspaceFolder: string, states: Map<string, OperStatus | undefined>): void {
    this.runtime.setReloaded(workspaceFolder, states);
    this.changed.fire(undefined);
  }

  /** Each package's last build result and time, and which ones build now. */
  setBuildStates(workspaceFolder: string, states: Map<string, PackageBuildState>): void {
    this.builds.set(workspaceFolder, states);
    this.changed.fire(undefined);
  }

  scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), refreshDebounceMs);
  }

  async refresh(): Promise<void> {
    this.loading = this.load();
    await this.loading;
    this.changed.fire(undefined);
  }

  private ensureLoaded(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const next = new Map<string, { folder: vscode.WorkspaceFolder; result: DiscoveryResult }>();
    await Promise.all(
      folders.map(async (folder) => {
        const packagesPath = vscode.workspace
          .getConfiguration('nso', folder.uri)
          .get<string>('packagesPath', 'packages');
        const result = await discoverPackages(folder.uri.fsPath, packagesPath);
        next.set(folder.uri.toString(), { folder, result });
      }),
    );
    this.results = next;

    this.diagnostics.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    let count = 0;
    for (const { result } of next.values()) {
      count += result.packages.length;
      for (const p of result.problems) {
        const pos = new vscode.Position(Math.max(0, p.line - 1), Math.max(0, p.column - 1));
        const d = new vscode.Diagnostic(
          new vscode.Range(pos, pos.translate(0, 1)),
          `${p.message} This package is skipped.`,
          vscode.DiagnosticSeverity.Error,
        );
        d.source = 'NSO';
        byFile.set(p.file, [...(byFile.get(p.file) ?? []), d]);
        this.ctx.log.warn(`${p.file}:${p.line}:${p.column}: ${p.message}`);
      }
    }
    for (const [file, ds] of byFile) this.diagnostics.set(vscode.Uri.file(file), ds);
    await vscode.commands.executeCommand('setContext', 'nso.packages.count', count);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node?.kind === 'package' || node?.kind === 'skipped') return [];
    if (node?.kind === 'folder') return folderChildren(node.folder, node.result);
    await this.ensureLoaded();
    const entries = [...this.results.values()];
    // One folder: list its packages directly, as most workspaces have one.
    if (entries.length === 1) {
      const { folder, result } = entries[0]!;
      return folderChildren(folder, result);
    }
    return entries
      .filter(({ result }) => result.exists)
      .map(({ folder, result }) => ({ kind: 'folder', folder, result }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.description = quantity(node.result.packages.length, 'package');
      item.iconPath = vscode.ThemeIcon.Folder;
      return item;
    }
    if (node.kind === 'skipped') return skippedItem(node);
    const { pkg } = node;
    const item = new vscode.TreeItem(pkg.name, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.folder.uri.toString()}#${pkg.dirName}`;
    const inNso = this.runtime.stateOf(node.folder.uri.fsPath, pkg.name);
    const build = this.builds.get(node.folder.uri.fsPath)?.get(pkg.name);
    item.description = [
      pkg.metaData.version,
      describeKinds(pkg.kinds),
      build && buildText(build),
      inNso && `NSO: ${inNso.status}`,
    ]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = build?.running
      ? new vscode.ThemeIcon('sync~spin')
      : new vscode.ThemeIcon(pkg.kinds.ned ? 'plug' : 'package');
    item.resourceUri = vscode.Uri.file(pkg.dir);
    item.contextValue = `nso.package${pkg.kinds.python ? '.python' : ''}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${pkg.name}** ${pkg.metaData.version ?? ''}\n\n`);
    if (pkg.metaData.description) md.appendText(`${pkg.metaData.description}\n\n`);
    md.appendMarkdown(`Contains: ${describeKinds(pkg.kinds)}\n\n`);
    if (pkg.metaData.ncsMinVersion.length > 0) {
      md.appendMarkdown(`NSO ≥ ${pkg.metaData.ncsMinVersion.join(', ')}\n\n`);
    }
    if (pkg.metaData.requiredPackages.length > 0) {
      md.appendMarkdown(
        `Requires: ${pkg.metaData.requiredPackages.map((r) => r.name + (r.minVersion ? ` ≥ ${r.minVersion}` : '')).join(', ')}\n\n`,
      );
    }
    if (build?.lastResult && build.lastBuiltAt !== undefined) {
      const when = new Date(build.lastBuiltAt).toLocaleString();
      const seconds = ((build.lastDurationMs ?? 0) / 1000).toFixed(1);
      const counts = `${quantity(build.errors ?? 0, 'error')}, ${quantity(build.warnings ?? 0, 'warning')}`;
      md.appendMarkdown(
        `Last build: **${build.lastResult}** ${when} (${seconds} s, ${counts})\n\n`,
      );
    }
    if (inNso) {
      md.appendMarkdown(`In NSO: **${inNso.status}**\n\n`);
      if (inNso.errorInfo) md.appendText(`${inNso.errorInfo}\n\n`);
    }
    md.appendText(path.join(path.basename(path.dirname(pkg.dir)), pkg.dirName));
    item.tooltip = md;
    item.command = {
      command: 'nso.packages.openMetaData',
      title: 'Open package-meta-data.xml',
      arguments: [node],
    };
    return item;
  }
}

/** The short build column: "building…", or the last result and when. */
function buildText(b: PackageBuildState): string | undefined {
  if (b.running) return 'building…';
  if (!b.lastResult || b.lastBuiltAt === undefined) return undefined;
  const mark = { succeeded: '✓ built', failed: '✗ failed', cancelled: 'cancelled' }[b.lastResult];
  const at = new Date(b.lastBuiltAt);
  const sameDay = at.toDateString() === new Date().toDateString();
  return `${mark} ${sameDay ? at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : at.toLocaleDateString()}`;
}

/** A folder's packages, then the package folders skipped for a broken package-meta-data.xml. */
function folderChildren(folder: vscode.WorkspaceFolder, result: DiscoveryResult): Node[] {
  return [
    ...result.packages.map((pkg): Node => ({ kind: 'package', folder, pkg })),
    ...result.problems.map((problem): Node => ({ kind: 'skipped', folder, problem })),
  ];
}

function skippedItem(node: SkippedNode): vscode.TreeItem {
  const { problem } = node;
  const dir = path.basename(path.dirname(problem.file));
  const item = new vscode.TreeItem(dir, vscode.TreeItemCollapsibleState.None);
  item.id = `${node.folder.uri.toString()}#skipped#${dir}`;
  item.description = 'skipped: broken package-meta-data.xml';
  item.tooltip = `${problem.file}:${problem.line}:${problem.column}\n${problem.message}\nThis package is not built or reloaded until the file is fixed.`;
  item.accessibilityInformation = {
    label: `${dir}, ${item.description}: ${problem.message}`,
  };
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  // Not nso.package…: the build, redeploy and open actions need a readable package.
  item.contextValue = 'nso.skippedPackage';
  const at = new vscode.Position(Math.max(0, problem.line - 1), Math.max(0, problem.column - 1));
  item.command = {
    command: 'vscode.open',
    title: 'Open package-meta-data.xml',
    arguments: [vscode.Uri.file(problem.file), { selection: new vscode.Range(at, at) }],
  };
  return item;
}
