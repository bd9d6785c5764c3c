// When no NSO build image is loaded: say so, offer to load Cisco's image
// archive with `docker load` (with progress), and explain the .signed.bin
// files Cisco delivers, which we never run for the user.
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

import { signedBinInstructions } from '../../core/nso/buildContainer';
import { loadedImagesNote } from '../../core/nso/images';
import { isDockerError } from '../../core/docker/errors';
import { toAbortSignal, type WorkbenchContext } from '../context';

const loadAction = 'Load Image from File…';
const howAction = 'How to Get the Image';
const settingAction = 'Open Setting';

/** The message for a build that found no build image, with what the user can do. */
export async function offerBuildImage(
  ctx: WorkbenchContext,
  message: string,
  output: vscode.OutputChannel,
): Promise<void> {
  const choice = await vscode.window.showErrorMessage(
    message,
    loadAction,
    howAction,
    settingAction,
  );
  if (choice === loadAction) await loadImageFromFile(ctx, output);
  else if (choice === howAction) showImageInstructions(output);
  else if (choice === settingAction) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'nso.buildImage');
  }
}

export function showImageInstructions(output: vscode.OutputChannel): void {
  output.appendLine('');
  output.appendLine('How to get the NSO images');
  output.appendLine('-------------------------');
  output.appendLine(signedBinInstructions);
  output.show(true);
}

/** `NSO: Load NSO Image from File…`: `docker load` of an image archive, with progress. */
export async function loadImageFromFile(
  ctx: WorkbenchContext,
  output: vscode.OutputChannel,
): Promise<string[] | undefined> {
  if (!ctx.trusted) {
    void vscode.window.showWarningMessage(
      'NSO Workbench loads no image in an untrusted workspace: trust the workspace first.',
    );
    return undefined;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Load into Docker',
    title: 'NSO image archive (.tar.gz) to load with docker load',
    filters: { 'Docker image archives': ['gz', 'tgz', 'tar', 'xz'], 'All files': ['*'] },
  });
  const file = picked?.[0]?.fsPath;
  if (!file) return undefined;

  if (/\.bin$/i.test(file)) {
    // A self-extracting signed file: running it is the user's decision, in their terminal.
    const copy = 'Copy Command';
    const choice = await vscode.window.showWarningMessage(
      `${path.basename(file)} is Cisco's signed self-extracting file: NSO Workbench does not run it. Run it yourself (sh ${path.basename(file)}) in its folder; it checks the signature and extracts a .tar.gz to load here.`,
      copy,
      howAction,
    );
    if (choice === copy) {
      await vscode.env.clipboard.writeText(
        `cd ${shellQuote(path.dirname(file))} && sh ${shellQuote(path.basename(file))}`,
      );
    } else if (choice === howAction) {
      showImageInstructions(output);
    }
    return undefined;
  }

  let size = 0;
  try {
    size = (await fs.stat(file)).size;
  } catch (err) {
    void vscode.window.showErrorMessage(`Cannot read ${file}: ${String(err)}`);
    return undefined;
  }
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `NSO: Loading ${path.basename(file)} into Docker`,
      cancellable: true,
    },
    async (progress, token) => {
      const cancel = toAbortSignal(token);
      let reported = 0;
      try {
        const result = await ctx.docker.loadImage(createReadStream(file), {
          signal: cancel.signal,
          onProgress: (p) => {
            const percent = size > 0 ? Math.min(100, (p.bytesSent / size) * 100) : 0;
            progress.report({
              message: p.status
                ? `${p.status}${p.layer ? ` ${p.layer}` : ''}`
                : `${mb(p.bytesSent)} of ${mb(size)} MB sent`,
              increment: percent - reported,
            });
            reported = percent;
          },
        });
        const names = result.loaded.join(', ') || 'the image';
        ctx.log.info(`Loaded ${names} from ${file}`);
        void vscode.window.showInformationMessage(
          `NSO: loaded ${names}. ${loadedImagesNote(result.loaded)}`,
        );
        return [...result.loaded];
      } catch (err) {
        if (isDockerError(err, 'cancelled')) return undefined;
        const message = err instanceof Error ? err.message : String(err);
        ctx.log.error(`docker load of ${file} failed: ${message}`);
        void vscode.window.showErrorMessage(`NSO: ${message}`);
        return undefined;
      } finally {
        cancel.dispose();
      }
    },
  );
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
