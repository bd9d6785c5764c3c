import * as path from 'node:path';
import * as vscode from 'vscode';
import { nsoImageCandidates, type LocalImage } from '../../core/nso/images';
import { resolveProdContainer } from '../../core/nso/prodContainer';
import {
  copySchemaFromContainer,
  copySchemaFromImage,
  SchemaNotInImageError,
  type ImageSchema,
} from '../../core/nso/schemaSource';
import type { SchemaSource } from '../../shared/ncsConfProtocol';
import { quantity } from '../../shared/quantity';
import type { WorkbenchContext } from '../context';
import { toAbortSignal } from '../context';
import { followedContainer } from './containerContext';

/** globalState key of the schema read from an image (kept across sessions). */
export const storedSchemaKey = 'nso.ncsConf.schemaSource';

/** The YANG folders named in `nso.ncsConf.schemaPath`, resolved against the first workspace folder. */
export function configuredYangDirs(): string[] {
  const raw = vscode.workspace.getConfiguration('nso').get<string | string[]>('ncsConf.schemaPath');
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : []).map((s) => s.trim()).filter(Boolean);
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return list.map((p) => (path.isAbsolute(p) || !base ? p : path.join(base, p)));
}

/** The schema to use: the setting wins; else what was read from an image before. */
export function currentSchemaSource(ctx: WorkbenchContext): SchemaSource | null {
  const dirs = configuredYangDirs();
  if (dirs.length > 0) return { yangDirs: dirs, origin: 'nso.ncsConf.schemaPath' };
  return ctx.extension.globalState.get<SchemaSource>(storedSchemaKey) ?? null;
}

/** The production image, else the build image: the settings first, then Cisco's names. */
async function chooseImage(ctx: WorkbenchContext): Promise<string | undefined> {
  const cfg = vscode.workspace.getConfiguration('nso');
  const named = cfg.get<string>('prodImage', '').trim() || cfg.get<string>('buildImage', '').trim();
  if (named) return named;
  const images: LocalImage[] = (await ctx.docker.listImages()).map((i) => ({
    id: i.id,
    repoTags: [...i.repoTags],
    created: Math.floor(i.createdAt.getTime() / 1000),
  }));
  return (nsoImageCandidates(images, 'prod')[0] ?? nsoImageCandidates(images, 'build')[0])?.ref;
}

/** Copies the schema out of the user's NSO image and remembers it; undefined when none was found. */
export async function loadSchemaFromImage(
  ctx: WorkbenchContext,
): Promise<SchemaSource | undefined> {
  const image = await chooseImage(ctx);
  if (!image) {
    void vscode.window.showWarningMessage(
      'No NSO image found (cisco-nso-prod or cisco-nso-build): set nso.prodImage or nso.ncsConf.schemaPath.',
    );
    return undefined;
  }
  return copyAndRemember(ctx, image, (storageDir, signal) =>
    copySchemaFromImage(ctx.docker, {
      image,
      storageDir,
      signal,
      labels: { 'nso-workbench.role': 'schema-copy' },
    }),
  );
}

/**
 * Copies the schema out of the workspace's production container (the one the
 * Health view follows, else the workspace's own), running or not, and
 * remembers it; undefined when there is none.
 */
export async function loadSchemaFromContainer(
  ctx: WorkbenchContext,
): Promise<SchemaSource | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let container: string | undefined;
  try {
    const details = folder
      ? await resolveProdContainer(ctx.docker, folder, followedContainer(ctx))
      : undefined;
    container = details?.name.replace(/^\//, '');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.log.warn(`ncs.conf schema: ${message}`);
    void vscode.window.showWarningMessage(message);
    return undefined;
  }
  if (!container) {
    void vscode.window.showWarningMessage(
      'No NSO production container for this workspace: start NSO, or read the schema from the NSO image.',
    );
    return undefined;
  }
  const name = container;
  return copyAndRemember(ctx, name, (storageDir, signal) =>
    copySchemaFromContainer(ctx.docker, { container: name, storageDir, signal }),
  );
}

/** Runs the copy with progress, remembers the schema for later sessions, or says what failed. */
async function copyAndRemember(
  ctx: WorkbenchContext,
  from: string,
  copy: (storageDir: string, signal: AbortSignal) => Promise<ImageSchema>,
): Promise<SchemaSource | undefined> {
  const storageDir = path.join(ctx.extension.globalStorageUri.fsPath, 'ncs-conf-yang');
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Reading the ncs.conf schema from ${from}`,
        cancellable: true,
      },
      async (_progress, token) => {
        const abort = toAbortSignal(token);
        try {
          return await copy(storageDir, abort.signal);
        } finally {
          abort.dispose();
        }
      },
    );
    const source: SchemaSource = {
      yangDirs: [result.dir],
      nsoVersion: result.nsoVersion,
      origin: result.origin,
    };
    await ctx.extension.globalState.update(storedSchemaKey, source);
    ctx.log.info(
      `ncs.conf schema: ${quantity(result.files.length, 'YANG file')} from ${from} in ${result.dir}`,
    );
    return source;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.log.warn(`ncs.conf schema: ${message}`);
    const pick = err instanceof SchemaNotInImageError ? 'Choose Folder…' : undefined;
    const answer = await vscode.window.showWarningMessage(message, ...(pick ? [pick] : []));
    if (answer === pick && pick) return chooseSchemaFolder();
    return undefined;
  }
}

/** Lets the user name the YANG folder; writes it to nso.ncsConf.schemaPath. */
export async function chooseSchemaFolder(): Promise<SchemaSource | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: 'Use for ncs.conf',
    title: 'Folder holding tailf-ncs-config.yang and the modules it imports',
  });
  const dir = picked?.[0]?.fsPath;
  if (!dir) return undefined;
  await vscode.workspace
    .getConfiguration('nso')
    .update('ncsConf.schemaPath', [dir], vscode.ConfigurationTarget.Workspace);
  return { yangDirs: [dir], origin: 'nso.ncsConf.schemaPath' };
}
