// The "Get started with NSO Workbench" walkthrough and the welcome content of
// the views: context keys that say what the user has already done (images
// loaded, NSO healthy, packages reloaded, CLI opened, ncs.conf opened) and what
// is missing (no build or production image). Each key is set from state the
// features already publish; the one Docker lookup here (the local images)
// runs only when the Containers view is shown, when asked, or when Docker
// reports an image loaded, tagged or deleted — never at activation or idle.
// Those image events come from the container watcher's one event stream.

import * as path from 'node:path';
import * as vscode from 'vscode';

import type { DockerClient } from '../core/docker/client';
import { chooseNsoImage, type ImageChoice } from '../core/nso/buildContainer';
import { versionsCompatible } from '../core/nso/images';
import type { NsoHealth } from '../core/nso/health';
import type { WorkbenchContext } from './context';
import type { NsoStatusFeature } from './health/setup';

/** `<publisher>.<name>#<walkthrough id>`, as `workbench.action.openWalkthrough` takes it. */
export const walkthroughId = 'nso-workbench.nso-workbench#nso.getStarted';

const lookupDebounceMs = 500;

/** The terminal the Open NSO CLI command creates is named `NSO CLI: <container>`. */
const isCliTerminal = (t: vscode.Terminal): boolean => t.name.startsWith('NSO CLI: ');

const isNcsConf = (doc: vscode.TextDocument): boolean =>
  doc.languageId === 'ncs-conf' || path.basename(doc.uri.path) === 'ncs.conf';

/** The walkthrough's own commands (registered in registerCommands.ts). */
export interface WalkthroughCommands {
  findImages(): Promise<void>;
  openNcsConf(): Promise<void>;
}

export function setupWalkthrough(
  ctx: WorkbenchContext,
  nso: NsoStatusFeature,
): WalkthroughCommands {
  const progress = new WalkthroughProgress(ctx, nso);
  ctx.subscriptions.push(progress);
  return { findImages: () => progress.findImages(), openNcsConf };
}

/** What the image lookup found, per role. */
export interface ImagesFound {
  readonly build: ImageChoice;
  readonly prod: ImageChoice;
}

class WalkthroughProgress implements vscode.Disposable {
  private readonly keys = new Map<string, boolean>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** True once the images were looked up: from then on, image events and settings look again. */
  private lookedUp = false;
  private lookup: Promise<ImagesFound | undefined> | undefined;
  private again = false;
  private debounce: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: WorkbenchContext,
    nso: NsoStatusFeature,
  ) {
    this.subscriptions.push(
      nso.status.onDidChangeHealth((h) => this.healthChanged(h)),
      nso.containers.onDidShow(() => {
        if (!this.lookedUp) void this.lookUpImages();
      }),
      vscode.window.onDidOpenTerminal((t) => {
        if (isCliTerminal(t)) this.set('nso.walkthrough.cliOpened', true);
      }),
      vscode.window.onDidChangeVisibleTextEditors((editors) => this.editorsShown(editors)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!this.lookedUp) return;
        if (e.affectsConfiguration('nso.buildImage') || e.affectsConfiguration('nso.prodImage')) {
          this.lookUpSoon();
        }
      }),
      // After the first lookup, an image loaded, tagged or deleted looks again.
      nso.status.onImageEvent(() => {
        if (this.lookedUp) this.lookUpSoon();
      }),
      // Images loaded while the stream was down sent no event: look again once it is back.
      nso.status.onDidChangeConnection((c) => {
        if (this.lookedUp && c?.phase === 'live') this.lookUpSoon();
      }),
      ctx.onDidChangeDocker(() => {
        if (this.lookedUp) this.lookUpSoon();
      }),
    );
    // What is already there when the extension starts (no Docker involved).
    this.healthChanged(nso.status.health);
    if (vscode.window.terminals.some(isCliTerminal)) this.set('nso.walkthrough.cliOpened', true);
    this.editorsShown(vscode.window.visibleTextEditors);
  }

  /** `NSO: Look for NSO Images`: looks now and says what was found. */
  async findImages(): Promise<void> {
    const found = await this.lookUpImages();
    if (!found) return;
    // FIXME(#8): a fresh-user tryout once saw the images steps stay unticked
    // after this command said both images were found; not reproduced. What
    // VS Code does with `onContext:` completion events: a key that already
    // holds when the walkthrough registers ticks the step then, and a change
    // that makes it hold ticks it later; each event counts once per window,
    // so setting a key false and true again ticks nothing more (this command
    // used to do that). A step done in VS Code's records but not redrawn on
    // an open walkthrough page was seen by the first-session UI test (the CLI
    // step): reopening the walkthrough shows it ticked.
    const line = (what: string, choice: ImageChoice): string =>
      choice.ok ? `${what} ${choice.image.ref}` : choice.message;
    if (found.build.ok && found.prod.ok) {
      const mismatch =
        found.build.image.version &&
        found.prod.image.version &&
        !versionsCompatible(found.build.image.version, found.prod.image.version);
      const text = `NSO images: ${line('build', found.build)}, ${line('production', found.prod)}.`;
      if (mismatch) {
        void vscode.window.showWarningMessage(
          `${text} They run different NSO versions: packages built with one do not load in the other. Set nso.buildImage or nso.prodImage.`,
        );
      } else {
        void vscode.window.showInformationMessage(text);
      }
      return;
    }
    const missing = [found.build, found.prod].filter((c) => !c.ok).map((c) => line('', c));
    const load = 'Load NSO Image from File…';
    const choice = await vscode.window.showWarningMessage(missing.join(' '), load);
    if (choice === load) await vscode.commands.executeCommand('nso.build.loadImage');
  }

  dispose(): void {
    clearTimeout(this.debounce);
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }

  private healthChanged(health: NsoHealth): void {
    this.set('nso.walkthrough.nsoHealthy', health.container?.health === 'healthy');
    if (health.lastReload?.ok) this.set('nso.walkthrough.reloaded', true);
  }

  private editorsShown(editors: readonly vscode.TextEditor[]): void {
    if (editors.some((e) => isNcsConf(e.document))) this.set('nso.walkthrough.ncsConfOpened', true);
  }

  private lookUpSoon(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.lookUpImages(), lookupDebounceMs);
  }

  /** One lookup at a time; a request during one runs once more after it. */
  private lookUpImages(): Promise<ImagesFound | undefined> {
    if (this.lookup) {
      this.again = true;
      return this.lookup;
    }
    this.lookup = this.readImages().finally(() => {
      this.lookup = undefined;
      if (this.again) {
        this.again = false;
        void this.lookUpImages();
      }
    });
    return this.lookup;
  }

  private async readImages(): Promise<ImagesFound | undefined> {
    this.lookedUp = true;
    let docker: DockerClient;
    try {
      docker = this.ctx.docker;
    } catch (error) {
      this.ctx.log.warn(`Looking for NSO images: ${String(error)}`);
      return undefined;
    }
    const config = vscode.workspace.getConfiguration('nso');
    try {
      const [build, prod] = await Promise.all([
        chooseNsoImage(docker, 'build', config.get<string>('buildImage', '')),
        chooseNsoImage(docker, 'prod', config.get<string>('prodImage', '')),
      ]);
      this.set('nso.images.buildFound', build.ok);
      this.set('nso.images.prodFound', prod.ok);
      this.set('nso.walkthrough.imagesFound', build.ok && prod.ok);
      // Unknown versions (a tag like `latest`) cannot be compared: they count as a match.
      const match =
        build.ok &&
        prod.ok &&
        (!build.image.version ||
          !prod.image.version ||
          versionsCompatible(build.image.version, prod.image.version));
      this.set('nso.walkthrough.imagesMatch', match);
      return { build, prod };
    } catch (error) {
      // The engine is down: the views say so already; the keys stay as they were.
      this.ctx.log.warn(`Looking for NSO images: ${String(error)}`);
      return undefined;
    }
  }

  private set(key: string, value: boolean): void {
    if (this.keys.get(key) === value) return;
    this.keys.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}

/** `NSO: Open ncs.conf`: the workspace's ncs.conf, picked when there are several. */
async function openNcsConf(): Promise<void> {
  const files = await vscode.workspace.findFiles('**/ncs.conf', '**/node_modules/**', 50);
  if (files.length === 0) {
    void vscode.window.showInformationMessage(
      'No ncs.conf in this workspace. The production container keeps its own in /nso/etc/ncs.conf; put a copy next to your packages to edit it with checks and completion.',
    );
    return;
  }
  const sorted = [...files].sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  let file = sorted[0]!;
  if (sorted.length > 1) {
    const picked = await vscode.window.showQuickPick(
      sorted.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
      { title: 'Open which ncs.conf?' },
    );
    if (!picked) return;
    file = picked.uri;
  }
  await vscode.window.showTextDocument(file);
}
