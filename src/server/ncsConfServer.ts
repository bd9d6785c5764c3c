// Wires the ncs.conf providers to a connection. Separate from server.ts so
// tests can run the server over an in-memory pair of streams.

import {
  CodeActionKind,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { provideCodeActions } from './codeActionProvider';
import { provideCompletion, resolveCompletion } from './completionProvider';
import { ConfDocuments } from './confDocuments';
import { DiagnosticsProvider } from './diagnosticsProvider';
import { provideFoldingRanges } from './foldingProvider';
import { guardNotification, makeGuard } from './guard';
import { provideHover } from './hoverProvider';
import {
  schemaStatusChangedMethod,
  schemaStatusMethod,
  setContainerContextMethod,
  setEnvironmentMethod,
  setSchemaMethod,
  type ContainerContext,
  type NcsConfInitializationOptions,
  type SchemaSource,
  type SchemaStatus,
} from '../shared/ncsConfProtocol';
import { SchemaHolder } from './schemaHolder';
import { provideDocumentSymbols } from './symbolProvider';

const defaultDiagnosticsDelayMs = 150;

export function startNcsConfServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const guard = makeGuard(connection);
  let confDocs: ConfDocuments | undefined;
  let diagnostics: DiagnosticsProvider | undefined;
  let pendingSchema: SchemaSource | undefined;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const options = (params.initializationOptions ?? {}) as NcsConfInitializationOptions;
    const schema = new SchemaHolder(connection.console, options.cacheDir);
    confDocs = new ConfDocuments(schema);
    confDocs.environment = options.environment ?? {};
    confDocs.container = options.container;
    diagnostics = new DiagnosticsProvider(
      connection,
      documents,
      confDocs,
      options.diagnosticsDelayMs ?? defaultDiagnosticsDelayMs,
    );
    const provider = diagnostics;
    schema.onDidChange(() => {
      provider.refreshAll();
      void connection.sendNotification(schemaStatusChangedMethod, schema.currentStatus);
    });
    pendingSchema = options.schema;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['<', '/', '{'], resolveProvider: true },
        hoverProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'nso-workbench ncs.conf server' },
    };
  });

  // The schema loads after the handshake, so the editor is never held up by it.
  connection.onInitialized(
    guardNotification(connection, 'initialized', async () => {
      if (pendingSchema) await confDocs?.schema.load(pendingSchema);
    }),
  );

  const ready = (): ConfDocuments => {
    if (!confDocs) throw new Error('the server is not initialised');
    return confDocs;
  };

  connection.onNotification(
    setSchemaMethod,
    guardNotification(connection, setSchemaMethod, async (source: SchemaSource | null) => {
      await ready().schema.load(source);
    }),
  );
  connection.onNotification(
    setContainerContextMethod,
    guardNotification(connection, setContainerContextMethod, (ctx: ContainerContext | null) => {
      ready().container = ctx ?? undefined;
      diagnostics?.refreshAll();
    }),
  );
  connection.onNotification(
    setEnvironmentMethod,
    guardNotification(connection, setEnvironmentMethod, (env: Record<string, string> | null) => {
      ready().environment = env ?? {};
      diagnostics?.refreshAll();
    }),
  );
  connection.onRequest(
    schemaStatusMethod,
    guard('schema status', (): SchemaStatus => ready().schema.currentStatus),
  );

  connection.onCompletion(guard('completion', (p) => provideCompletion(documents, ready(), p)));
  connection.onCompletionResolve(
    guard('completion resolve', (item) => resolveCompletion(ready(), item)),
  );
  connection.onHover(guard('hover', (p) => provideHover(documents, ready(), p)));
  connection.onDocumentSymbol(
    guard('document symbols', (p) => provideDocumentSymbols(documents, ready(), p)),
  );
  connection.onFoldingRanges(
    guard('folding ranges', (p) => provideFoldingRanges(documents, ready(), p)),
  );
  connection.onCodeAction(guard('code actions', (p) => provideCodeActions(documents, p)));
  connection.onShutdown(() => diagnostics?.dispose());

  documents.listen(connection);
}
