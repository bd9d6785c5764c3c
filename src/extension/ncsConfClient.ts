import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { WorkbenchContext } from './context';

/**
 * Starts the ncs.conf language server the first time an ncs.conf document is
 * open, so a workspace that never opens one never pays for the server process.
 */
export function setupNcsConfClient(ctx: WorkbenchContext): void {
  let client: LanguageClient | undefined;

  const start = (): void => {
    if (client) return;
    const module = ctx.extension.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: 'ncs-conf' }],
      outputChannel: ctx.log,
    };
    client = new LanguageClient('nso.ncsConf', 'ncs.conf', serverOptions, clientOptions);
    ctx.subscriptions.push({ dispose: () => void client?.stop() });
    client.start().catch((err: unknown) => {
      ctx.log.error(`The ncs.conf language server did not start: ${String(err)}`);
    });
  };

  const isNcsConf = (doc: vscode.TextDocument): boolean => doc.languageId === 'ncs-conf';
  if (vscode.workspace.textDocuments.some(isNcsConf)) start();
  else {
    const sub = vscode.workspace.onDidOpenTextDocument((doc) => {
      if (!isNcsConf(doc)) return;
      sub.dispose();
      start();
    });
    ctx.subscriptions.push(sub);
  }
}
