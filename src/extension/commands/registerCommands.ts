import * as vscode from 'vscode';
import type { WorkbenchContext } from '../context';

/** Every command of the extension, one line each; handlers live in their own files. */
export function registerCommands(ctx: WorkbenchContext): void {
  const register = (id: string, handler: (...args: unknown[]) => unknown): void => {
    ctx.subscriptions.push(vscode.commands.registerCommand(id, handler));
  };
  register('nso.log.show', () => ctx.log.show());
}
