// What activation keeps of the ncs.conf language client: its two commands and
// the watch for ncs.conf documents. The client itself (vscode-languageclient,
// about half of what the extension would otherwise load at activation) is the
// separate bundle dist/ncsconf.js, loaded the first time an ncs.conf document
// is open or one of these commands runs: a workspace that never opens one
// never pays for it, nor for the server process.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkbenchContext } from './context';
import type { NsoHealth } from '../core/nso/health';
import type { NcsConfFeature } from './ncsConfClient';

export const loadSchemaCommand = 'nso.ncsConf.loadSchema';
export const applyToRunningNsoCommand = 'nso.ncsConf.applyToRunningNso';

/** The ncs.conf commands; each loads the client first (registered in registerCommands.ts). */
export interface NcsConfCommands {
  applyToRunningNso(uri?: vscode.Uri): Promise<boolean>;
  loadSchema(): Promise<void>;
}

/** The globs of `nso.ncsConf.files`: more files to treat as ncs.conf. */
export function extraGlobs(): string[] {
  return vscode.workspace
    .getConfiguration('nso')
    .get<string[]>('ncsConf.files', [])
    .filter((g) => typeof g === 'string' && g.trim() !== '');
}

/**
 * The globs of `nso.ncsConf.files` as VS Code patterns. VS Code matches a
 * plain glob against the absolute path, where `config/*.xml` matches nothing:
 * a glob that starts with neither `/` nor `**` is taken relative to each
 * workspace folder, as the user means it.
 */
function extraPatterns(): vscode.GlobPattern[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return extraGlobs().flatMap((glob): vscode.GlobPattern[] =>
    /^(\/|\*\*|[A-Za-z]:[\\/])/.test(glob)
      ? [glob]
      : folders.map((f) => new vscode.RelativePattern(f, glob)),
  );
}

/** Files matching `nso.ncsConf.files` become ncs-conf documents, so the server sees them. */
function matchesExtraGlob(doc: vscode.TextDocument): boolean {
  if (doc.languageId === 'ncs-conf') return false;
  return extraPatterns().some((pattern) => vscode.languages.match({ pattern }, doc) > 0);
}

/**
 * @param followed the followed container's health (NsoStatus.onDidChangeHealth): the
 * client reads the container context again when that container changes.
 */
export function setupNcsConfTrigger(
  ctx: WorkbenchContext,
  followed?: vscode.Event<NsoHealth>,
): NcsConfCommands {
  let feature: NcsConfFeature | undefined;
  const load = (): NcsConfFeature => {
    if (!feature) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime-chosen bundle, by design
      const module = require(
        path.join(__dirname, 'ncsconf.js'),
      ) as typeof import('./ncsConfClient');
      feature = module.setupNcsConfClient(ctx, followed);
    }
    return feature;
  };

  const isNcsConf = (doc: vscode.TextDocument): boolean => doc.languageId === 'ncs-conf';
  const associate = (doc: vscode.TextDocument): void => {
    if (matchesExtraGlob(doc)) void vscode.languages.setTextDocumentLanguage(doc, 'ncs-conf');
  };
  vscode.workspace.textDocuments.forEach(associate);
  if (vscode.workspace.textDocuments.some(isNcsConf)) load().start();
  ctx.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((doc) => {
      associate(doc);
      if (isNcsConf(doc)) load().start();
    }),
    // New globs apply to the files already open.
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('nso.ncsConf.files'))
        vscode.workspace.textDocuments.forEach(associate);
    }),
  );
  return {
    applyToRunningNso: (uri) => load().applyToRunningNso(uri),
    loadSchema: () => load().loadSchema(),
  };
}
