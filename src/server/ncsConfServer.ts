import {
  type Connection,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { validateNcsConf } from '../ncsconf/validate';

const severityCode = { error: 1, warning: 2, information: 3 } as const;

/** Wires the providers to a connection; separate from server.ts so tests can run it in memory. */
export function startNcsConfServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);

  connection.onInitialize((): InitializeResult => ({
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
    serverInfo: { name: 'nso-workbench ncs.conf server' },
  }));

  const validate = (doc: TextDocument): void => {
    const diagnostics = validateNcsConf(doc.getText()).problems.map((p) => ({
      range: { start: doc.positionAt(p.offset), end: doc.positionAt(p.offset + p.length) },
      severity: severityCode[p.severity],
      source: 'ncs.conf',
      message: p.message,
    }));
    void connection.sendDiagnostics({ uri: doc.uri, diagnostics });
  };
  documents.onDidChangeContent((e) => validate(e.document));
  documents.onDidClose(
    (e) => void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }),
  );
  documents.listen(connection);
}
