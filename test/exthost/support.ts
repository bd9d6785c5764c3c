// Helpers for tests that run inside the extension host.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NsoStatusSnapshot } from '../../src/extension/health/setup';

import { docker } from '../helpers/dockerCli';

export const extensionId = 'nso-workbench.nso-workbench';

/** The extension under test; fails the test when VS Code does not know it. */
export function workbenchExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(extensionId);
  if (!extension) throw new Error(`extension ${extensionId} is not installed in this VS Code`);
  return extension;
}

const pollMs = 50;

/**
 * Waits until `condition` holds, for at most `timeoutMs`. For states the API
 * announces no event for (another extension's activation, for one).
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The NSO simulator's build image, which the build tests name in the workspace settings. */
export const simBuildImage = 'nso-sim/cisco-nso-build:6.4.1';

/** The workspace folder the harness opened: a copy of sample/. */
export function sampleFolder(): vscode.WorkspaceFolder {
  return vscode.workspace.workspaceFolders![0]!;
}

/** The sample's banner.yang, which the build tests break and mend. */
export function bannerYang(): string {
  return path.join(sampleFolder().uri.fsPath, 'packages', 'banner', 'src', 'yang', 'banner.yang');
}

/**
 * Before a build test: the build image must be there and the extension
 * active; the workspace folder then names the image, so that no other local
 * image can be picked.
 */
export async function useBuildImage(image: string): Promise<void> {
  const present = await docker(['image', 'inspect', image, '--format', '{{.Id}}']);
  assert.equal(present.code, 0, `${image} is missing: run bash images/build.sh (${present.out})`);
  await waitFor('activation', () => workbenchExtension().isActive, 20_000);
  await vscode.workspace
    .getConfiguration('nso', sampleFolder().uri)
    .update('buildImage', image, vscode.ConfigurationTarget.WorkspaceFolder);
}

/**
 * banner.yang's text with its servicepoint's prefix made one that is not
 * imported (a compiler error), and the 0-based line that now has it.
 */
export function withUnknownPrefix(original: string): { text: string; line: number } {
  const lines = original.split('\n');
  const line = lines.findIndex((l) => /^\s*ncs:servicepoint\b/.test(l));
  assert.ok(line >= 0, 'banner.yang has an ncs:servicepoint statement');
  lines[line] = lines[line]!.replace('ncs:servicepoint', 'nosuchprefix:servicepoint');
  return { text: lines.join('\n'), line };
}

/** The parts of the extension's package.json the tests read. */
export interface Manifest {
  activationEvents?: string[];
  contributes?: {
    commands?: { command: string; title: string; category?: string }[];
    viewsContainers?: { activitybar?: { id: string; title: string }[] };
    views?: Record<string, { id: string; name: string }[]>;
  };
}

export function manifest(): Manifest {
  return workbenchExtension().packageJSON as Manifest;
}

/** What the status bar and Health view show, as the extension's snapshot command returns it. */
export function healthSnapshot(): Promise<NsoStatusSnapshot> {
  return vscode.commands.executeCommand<NsoStatusSnapshot>(
    'nso.health.snapshot',
  ) as Promise<NsoStatusSnapshot>;
}

/** Waits until the status-bar text matches, and returns the snapshot that did. */
export async function statusBarShows(
  pattern: RegExp,
  timeoutMs = 60_000,
): Promise<NsoStatusSnapshot> {
  let last: NsoStatusSnapshot | undefined;
  try {
    await waitFor(
      `the status bar to show ${pattern}`,
      async () => {
        last = await healthSnapshot();
        return pattern.test(last.statusBar.text);
      },
      timeoutMs,
    );
  } catch (error) {
    const seen = last ? `${last.statusBar.text} (${last.health.summary})` : 'nothing';
    throw new Error(`${String(error)}; it shows ${seen}`);
  }
  return last!;
}
