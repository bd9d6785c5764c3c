// Open NSO Log…: NSO's files in /log as read-only editors (scheme nso-log).
// The file is read through an archive read (a stopped container too), and
// while the container runs the editor follows new lines through one
// long-lived `tail -F` exec, cancelled when the editor closes or following is
// switched off. Also the read-only JSON of Inspect (scheme nso-inspect).

import * as vscode from 'vscode';

import type { DockerClient } from '../../core/docker/client';
import { followNsoLog, readNsoLog } from '../../core/nso/nsoLogs';
import type { WorkbenchContext } from '../context';
import type { NsoStatus } from '../health/nsoStatus';

export const nsoLogScheme = 'nso-log';
export const inspectScheme = 'nso-inspect';

/** Kept per document: beyond this the oldest lines are dropped. */
const maxDocumentChars = 16 * 1024 * 1024;
const changeDebounceMs = 150;

interface LogEntry {
  containerId: string;
  containerName: string;
  path: string;
  text: string;
  sizeBytes: number;
  following: AbortController | undefined;
  /** The user wants new lines (the default); cleared by switching following off. */
  wantFollow: boolean;
  changeTimer: NodeJS.Timeout | undefined;
  note: string | undefined;
}

/** `nso-log:/<container name>/<file>?<container id>`: the tab shows the file name. */
export function nsoLogUri(container: { id: string; name: string }, file: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: nsoLogScheme,
    path: `/${container.name}/${file}`,
    query: container.id,
  });
}

export class NsoLogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly entries = new Map<string, LogEntry>();

  static setup(ctx: WorkbenchContext, status: NsoStatus): NsoLogDocuments {
    const docs = new NsoLogDocuments(ctx, status);
    ctx.subscriptions.push(
      docs,
      vscode.workspace.registerTextDocumentContentProvider(nsoLogScheme, docs),
      vscode.workspace.registerTextDocumentContentProvider(
        inspectScheme,
        new InspectDocuments(status),
      ),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === nsoLogScheme) docs.forget(doc.uri);
      }),
      vscode.window.onDidChangeActiveTextEditor(() => void docs.updateContext()),
      // A container that starts again: follow its logs again where they were open.
      status.onDidChangeContainers(() => docs.resumeFollowing()),
    );
    return docs;
  }

  private constructor(
    private readonly ctx: WorkbenchContext,
    private readonly status: NsoStatus,
  ) {}

  async open(container: { id: string; name: string }, file: string): Promise<void> {
    const uri = nsoLogUri(container, file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'nso-log');
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const end = doc.lineAt(Math.max(0, doc.lineCount - 1)).range.end;
    editor.revealRange(new vscode.Range(end, end), vscode.TextEditorRevealType.Default);
    editor.selection = new vscode.Selection(end, end);
    await this.updateContext();
  }

  /** Switches following of the active (or given) NSO log on or off. */
  async toggleFollow(uri?: vscode.Uri): Promise<void> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    const entry = target && this.entries.get(target.toString());
    if (!target || !entry) return;
    entry.wantFollow = !entry.wantFollow;
    if (!entry.wantFollow) {
      entry.following?.abort();
      entry.following = undefined;
    } else {
      this.startFollowing(target, entry);
    }
    await this.updateContext();
  }

  isFollowing(uri: vscode.Uri): boolean {
    return this.entries.get(uri.toString())?.following !== undefined;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const key = uri.toString();
    let entry = this.entries.get(key);
    if (!entry) {
      entry = await this.load(uri);
      this.entries.set(key, entry);
      const running = this.status.container(entry.containerId)?.state === 'running';
      if (running) this.startFollowing(uri, entry);
    }
    return entry.note ? `${entry.note}\n${entry.text}` : entry.text;
  }

  dispose(): void {
    for (const e of this.entries.values()) {
      e.following?.abort();
      clearTimeout(e.changeTimer);
    }
    this.entries.clear();
    this.changed.dispose();
  }

  private async load(uri: vscode.Uri): Promise<LogEntry> {
    const containerId = uri.query;
    const [, containerName = '', ...rest] = uri.path.split('/');
    const path = `/log/${rest.join('/')}`;
    const base = {
      containerId,
      containerName,
      path,
      following: undefined,
      wantFollow: true,
      changeTimer: undefined,
    };
    const client = this.status.docker;
    if (!client) {
      return {
        ...base,
        text: '',
        sizeBytes: 0,
        note: 'Docker is not reachable: reopen the log once it is.',
      };
    }
    const running = this.status.container(containerId)?.state === 'running';
    try {
      const content = await readNsoLog(client, containerId, path, { running });
      return {
        ...base,
        text: content.text,
        sizeBytes: content.sizeBytes,
        note: content.truncated
          ? `[the first ${content.sizeBytes - Buffer.byteLength(content.text)} bytes are not shown]`
          : undefined,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.ctx.log.warn(`Reading ${path} from ${containerName}: ${message}`);
      return { ...base, text: '', sizeBytes: 0, note: `Could not read ${path}: ${message}` };
    }
  }

  private startFollowing(uri: vscode.Uri, entry: LogEntry): void {
    const client: DockerClient | undefined = this.status.docker;
    if (!client || entry.following || !entry.wantFollow) return;
    const abort = new AbortController();
    entry.following = abort;
    void followNsoLog(
      client,
      entry.containerId,
      entry.path,
      entry.sizeBytes,
      (text) => this.append(uri, entry, text),
      abort.signal,
    )
      .catch((error: unknown) => {
        if (!abort.signal.aborted) {
          this.ctx.log.debug(
            `Stopped following ${entry.path} of ${entry.containerName}: ${String(error)}`,
          );
        }
      })
      .finally(() => {
        // The container stopped (or following was switched off): it resumes on the next start.
        if (entry.following === abort) entry.following = undefined;
        void this.updateContext();
      });
  }

  private resumeFollowing(): void {
    for (const [key, entry] of this.entries) {
      if (entry.following || !entry.wantFollow) continue;
      if (this.status.container(entry.containerId)?.state === 'running') {
        this.startFollowing(vscode.Uri.parse(key), entry);
      }
    }
  }

  private append(uri: vscode.Uri, entry: LogEntry, text: string): void {
    entry.sizeBytes += Buffer.byteLength(text);
    entry.text += text;
    if (entry.text.length > maxDocumentChars) {
      const cut = entry.text.indexOf('\n', entry.text.length - maxDocumentChars);
      entry.text = entry.text.slice(cut + 1);
      entry.note = '[older lines dropped while following]';
    }
    if (entry.changeTimer) return;
    entry.changeTimer = setTimeout(() => {
      entry.changeTimer = undefined;
      this.changed.fire(uri);
      this.revealEndSoon(uri);
    }, changeDebounceMs);
  }

  /** Editors scrolled to the end stay at the end, as a terminal would. */
  private revealEndSoon(uri: vscode.Uri): void {
    const editors = vscode.window.visibleTextEditors.filter(
      (e) => e.document.uri.toString() === uri.toString(),
    );
    const atEnd = editors.filter((e) => {
      const last = e.visibleRanges[e.visibleRanges.length - 1];
      return last !== undefined && last.end.line >= e.document.lineCount - 3;
    });
    if (atEnd.length === 0) return;
    const sub = vscode.workspace.onDidChangeTextDocument((ev) => {
      if (ev.document.uri.toString() !== uri.toString()) return;
      sub.dispose();
      for (const e of atEnd) {
        const end = e.document.lineAt(e.document.lineCount - 1).range.end;
        e.revealRange(new vscode.Range(end, end));
      }
    });
    setTimeout(() => {
      sub.dispose();
    }, 2000);
  }

  private forget(uri: vscode.Uri): void {
    const entry = this.entries.get(uri.toString());
    if (!entry) return;
    entry.following?.abort();
    clearTimeout(entry.changeTimer);
    this.entries.delete(uri.toString());
  }

  private async updateContext(): Promise<void> {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const entry = uri?.scheme === nsoLogScheme ? this.entries.get(uri.toString()) : undefined;
    const following = entry?.wantFollow ?? false;
    await vscode.commands.executeCommand('setContext', 'nso.nsoLog.following', following);
  }
}

/**
 * `nso-inspect:/<name>.json?<id>`: the container as `docker inspect` shows it,
 * read when opened: the engine's own document, with what our model leaves out
 * (the container's addresses on its networks, the full host configuration).
 */
class InspectDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly status: NsoStatus) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const client = this.status.docker;
    if (!client) return '// Docker is not reachable';
    try {
      const inspected = await client.inspectContainerJson(uri.query);
      return `${JSON.stringify(inspected, null, 2)}\n`;
    } catch (error) {
      return `// ${error instanceof Error ? error.message : String(error)}\n`;
    }
  }
}
