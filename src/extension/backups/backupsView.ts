import * as vscode from 'vscode';

import type { ContainerDetails, DockerEvent } from '../../core/docker/client';
import { isDockerError } from '../../core/docker/errors';
import {
  formatBytes,
  isBackupError,
  listBackups,
  openBackupAccess,
  type BackupEntry,
} from '../../core/nso/backup';
import { quantity } from '../../shared/quantity';
import type { WorkbenchContext } from '../context';
import { isRestoringError } from '../../core/nso/restoreLock';

/**
 * Which container is a folder's production container. The extension's
 * production-container feature answers (its own labelled container, or one
 * the user attached, e.g. from Compose); this view only asks.
 */
export interface ProductionContainerSource {
  target(
    folder: vscode.WorkspaceFolder,
    signal?: AbortSignal,
  ): Promise<ContainerDetails | undefined>;
  readonly onDidChange: vscode.Event<unknown>;
}

export interface FolderNode {
  readonly kind: 'folder';
  readonly folder: vscode.WorkspaceFolder;
}

export interface BackupNode {
  readonly kind: 'backup';
  readonly folder: vscode.WorkspaceFolder;
  readonly container: { readonly id: string; readonly name: string };
  readonly entry: BackupEntry;
}

/** The production container the backups are in: their parent row, with its state. */
interface ContainerNode {
  readonly kind: 'container';
  readonly folder: vscode.WorkspaceFolder;
  readonly container: ContainerDetails;
  /** NSO is stopped: the backups were read through a helper container. */
  readonly viaHelper: boolean;
}

interface InfoNode {
  readonly kind: 'info';
  readonly folder: vscode.WorkspaceFolder;
  readonly label: string;
  readonly detail?: string;
  readonly icon: string;
  readonly command?: vscode.Command;
}

type Node = FolderNode | ContainerNode | BackupNode | InfoNode;

/** What one folder's production container holds, as last read. */
interface FolderState {
  readonly container?: ContainerDetails;
  readonly entries: readonly BackupEntry[];
  /** Listed through a helper because NSO was stopped. */
  readonly viaHelper: boolean;
  readonly error?: string;
  /** The engine could not be reached: the view's welcome content says so, with Retry. */
  readonly noDocker?: boolean;
}

const refreshDebounceMs = 300;

/**
 * The Backups view: every file in /nso/run/backups of each folder's
 * production container, newest first, with the NSO version and time the
 * name carries. Nothing is read from Docker until the view is visible.
 */
export class BackupsView implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly states = new Map<string, Promise<FolderState>>();
  private tree: vscode.TreeView<Node> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The containers shown while the view is visible, whose events refresh it. */
  private watchedIds = new Set<string>();
  private holds = 0;
  private refreshWhenReleased = false;

  /**
   * @param containerEvents the events of the one container watcher
   *   (NsoStatus.onContainerEvent): the view opens no event stream of its own.
   */
  static setup(
    ctx: WorkbenchContext,
    source: ProductionContainerSource,
    containerEvents: vscode.Event<DockerEvent>,
  ): BackupsView {
    const view = new BackupsView(ctx, source);
    const tree = ctx.treeView('nso.backups', view);
    view.tree = tree;
    ctx.subscriptions.push(
      tree,
      view.changed,
      tree.onDidChangeVisibility((e) => {
        if (e.visible) view.refresh();
        else view.stopWatching();
      }),
      source.onDidChange(() => view.scheduleRefresh()),
      containerEvents((e) => view.containerEvent(e)),
      ctx.onDidChangeDocker(() => view.refresh()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => view.refresh()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => view.refresh()),
      { dispose: () => view.stopWatching() },
      { dispose: () => clearTimeout(view.timer) },
    );
    return view;
  }

  private constructor(
    private readonly ctx: WorkbenchContext,
    private readonly source: ProductionContainerSource,
  ) {}

  /** Reads everything again (after an action, or when asked). */
  refresh(): void {
    if (this.holds > 0) {
      this.refreshWhenReleased = true;
      return;
    }
    this.states.clear();
    this.changed.fire(undefined);
  }

  /**
   * Keeps the view as it is while a restore runs: reading it would start a
   * helper container beside the restore's for a container that is about to
   * change anyway. Refreshes once released.
   */
  hold(): vscode.Disposable {
    this.holds++;
    let released = false;
    return new vscode.Disposable(() => {
      if (released) return;
      released = true;
      this.holds--;
      if (this.holds === 0 && this.refreshWhenReleased) {
        this.refreshWhenReleased = false;
        this.refresh();
      }
    });
  }

  scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), refreshDebounceMs);
  }

  /** The folder's production container and its backups, read now if not yet. */
  async state(folder: vscode.WorkspaceFolder): Promise<FolderState> {
    const key = folder.uri.toString();
    let state = this.states.get(key);
    if (state === undefined) {
      state = this.read(folder);
      this.states.set(key, state);
    }
    return state;
  }

  private async read(folder: vscode.WorkspaceFolder): Promise<FolderState> {
    let container: ContainerDetails | undefined;
    try {
      container = await this.source.target(folder);
      if (container === undefined) return { entries: [], viaHelper: false };
      const access = await openBackupAccess(this.ctx.docker, container.id);
      try {
        const entries = await listBackups(this.ctx.docker, access.container);
        return { container, entries, viaHelper: access.viaHelper };
      } finally {
        await access.close();
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!isDockerError(error) && !isBackupError(error) && !isRestoringError(error)) {
        this.ctx.log.error(error as Error);
      } else this.ctx.log.warn(`Backups of ${folder.name}: ${message}`);
      const noDocker = container === undefined && isDockerError(error, 'unreachable');
      return {
        ...(container ? { container } : {}),
        entries: [],
        viaHelper: false,
        error: message,
        ...(noDocker ? { noDocker } : {}),
      };
    }
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node?.kind === 'backup' || node?.kind === 'info') return [];
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!this.ctx.trusted) {
      await setState('untrusted');
      return [];
    }
    if (folders.length === 0) {
      await setState('noFolder');
      return [];
    }
    if (node === undefined && folders.length > 1) {
      await setState('ready');
      return folders.map((folder) => ({ kind: 'folder', folder }));
    }
    const folder = node?.folder ?? folders[0]!;
    const state = await this.state(folder);
    if (node?.kind === 'container') return this.children(folder, state);
    // A backup exists: the walkthrough's backup step is done.
    if (state.entries.length > 0) await setFound();
    this.watch([state.container?.id]);
    if (folders.length === 1) {
      const noContainer = state.container === undefined && state.error === undefined;
      await setState(noContainer ? 'noContainer' : state.noDocker ? 'noDocker' : 'ready');
      this.describe(state);
      // VS Code shows a view's welcome content only while its tree is empty: that
      // content says it, with the actions that help (Start NSO, Use Existing
      // Container, a missing production image; or Retry when Docker is away).
      if (noContainer || state.noDocker) return [];
    }
    // The container is a row of its own, with an icon and its state, the
    // backups under it (a message above the tree had neither and wrapped).
    if (state.container) {
      return [
        { kind: 'container', folder, container: state.container, viaHelper: state.viaHelper },
      ];
    }
    return this.children(folder, state);
  }

  private children(folder: vscode.WorkspaceFolder, state: FolderState): Node[] {
    if (state.error !== undefined) {
      return [
        {
          kind: 'info',
          folder,
          label: 'The backups could not be read',
          detail: state.error,
          icon: 'error',
          command: { command: 'nso.log.show', title: 'Show Log' },
        },
      ];
    }
    if (state.container === undefined) {
      return [
        {
          kind: 'info',
          folder,
          label: 'No production container',
          detail: 'Start NSO, or use an existing container (e.g. from Compose).',
          icon: 'info',
          command: { command: 'nso.prod.useExisting', title: 'Use Existing Container…' },
        },
      ];
    }
    const container = { id: state.container.id, name: state.container.name };
    if (state.entries.length === 0) {
      return [
        {
          kind: 'info',
          folder,
          label: 'No backups yet',
          detail: 'Take Backup runs ncs-backup in the production container.',
          icon: 'info',
          command: {
            command: 'nso.backups.take',
            title: 'Take Backup',
            arguments: [{ kind: 'folder', folder }],
          },
        },
      ];
    }
    return state.entries.map((entry) => ({ kind: 'backup', folder, container, entry }));
  }

  /** The view's title says how many backups; the container row says the rest. */
  private describe(state: FolderState): void {
    if (!this.tree) return;
    const c = state.container;
    // Every listed row is counted: files not named as ncs-backup names them too.
    const count = (kind: string): number => state.entries.filter((e) => e.kind === kind).length;
    const others = count('other');
    this.tree.description = c
      ? `${quantity(count('backup'), 'backup')}${others > 0 ? `, ${quantity(others, 'other file')}` : ''}`
      : '';
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.Folder;
      item.contextValue = 'nso.backups.folder';
      return item;
    }
    if (node.kind === 'container') return containerItem(node);
    if (node.kind === 'info') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      if (node.detail !== undefined) {
        item.description = node.detail;
        item.tooltip = node.detail;
      }
      if (node.command) item.command = node.command;
      return item;
    }
    const { entry } = node;
    const item = new vscode.TreeItem(
      entry.kind === 'backup' && entry.time ? entry.time.replace('T', ' ') : entry.name,
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = `${node.container.id}:${entry.name}`;
    item.description = [
      entry.kind === 'backup' ? `NSO ${entry.version}` : undefined,
      entry.kind === 'partial' ? 'unfinished' : undefined,
      formatBytes(entry.sizeBytes),
    ]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = new vscode.ThemeIcon(
      entry.kind === 'backup' ? 'archive' : entry.kind === 'partial' ? 'warning' : 'file',
    );
    item.contextValue = `nso.backup.${entry.kind}`;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${escapeMarkdown(entry.name)}**\n\n`);
    if (entry.kind === 'backup') {
      md.appendMarkdown(
        `NSO ${escapeMarkdown(entry.version ?? '')}, taken ${entry.time?.replace('T', ' ')}${entry.local ? ' (local install)' : ''}\n\n`,
      );
    } else if (entry.kind === 'partial') {
      md.appendMarkdown(
        'An unfinished file (a backup or import that did not complete); not a backup.\n\n',
      );
    } else {
      md.appendMarkdown('Not named the way ncs-backup names backups.\n\n');
    }
    md.appendMarkdown(
      `${formatBytes(entry.sizeBytes)} (${entry.sizeBytes} bytes), changed ${entry.modifiedAt.toLocaleString()}\n\n`,
    );
    md.appendMarkdown(
      `\`${escapeMarkdown(entry.path)}\` in ${escapeMarkdown(node.container.name)}`,
    );
    item.tooltip = md;
    item.accessibilityInformation = {
      label: `${entry.name}, ${formatBytes(entry.sizeBytes)}`,
    };
    return item;
  }

  /**
   * Follows the shown containers while the view is visible, so a container
   * stopping, starting or going away shows without a click. The events come
   * from the container watcher's stream, which runs anyway.
   * FIXME(#5): a production container the watcher does not keep (see
   * isWatchedContainer) sends no events here; the view then refreshes on
   * demand only.
   */
  private watch(ids: readonly (string | undefined)[]): void {
    if (!this.tree?.visible) return;
    this.watchedIds = new Set(ids.filter((id): id is string => id !== undefined));
  }

  private containerEvent(event: DockerEvent): void {
    if (!this.tree?.visible || !this.watchedIds.has(event.id)) return;
    if (['start', 'die', 'destroy', 'rename'].includes(event.action)) this.scheduleRefresh();
  }

  private stopWatching(): void {
    this.watchedIds = new Set();
  }

  /** The backups of a folder, for a quick pick when a command comes from the palette. */
  async nodes(folder: vscode.WorkspaceFolder): Promise<BackupNode[]> {
    const state = await this.state(folder);
    return this.children(folder, state).filter((n): n is BackupNode => n.kind === 'backup');
  }
}

function containerItem(node: ContainerNode): vscode.TreeItem {
  const c = node.container;
  const running = c.state.running;
  const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `container:${node.folder.uri.toString()}:${c.id}`;
  item.description = running ? 'running' : 'stopped';
  item.iconPath = new vscode.ThemeIcon(running ? 'vm-running' : 'vm-outline');
  // The Take Backup and Import actions of a folder row apply to its container's row too.
  item.contextValue = 'nso.backups.container';
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMarkdown(c.name)}**, the production container\n\n`);
  md.appendMarkdown(`Image ${escapeMarkdown(c.image)}\n\n`);
  md.appendMarkdown(
    running
      ? 'NSO is running: the backups are read and taken in this container.'
      : 'NSO is stopped: the backups were read through a helper container that mounts ' +
          "this container's volumes.",
  );
  item.tooltip = md;
  item.accessibilityInformation = {
    label: `Production container ${c.name}, ${running ? 'running' : 'stopped'}`,
  };
  return item;
}

type ViewState = 'untrusted' | 'noFolder' | 'noContainer' | 'noDocker' | 'ready';

async function setState(state: ViewState): Promise<void> {
  await vscode.commands.executeCommand('setContext', 'nso.backups.state', state);
}

async function setFound(): Promise<void> {
  await vscode.commands.executeCommand('setContext', 'nso.backups.found', true);
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
