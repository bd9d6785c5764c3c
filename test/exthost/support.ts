// Helpers for tests that run inside the extension host.
import * as vscode from 'vscode';

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
