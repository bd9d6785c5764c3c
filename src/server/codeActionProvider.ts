import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FixData } from './diagnosticsProvider';

function isFixData(x: unknown): x is FixData {
  const d = x as Partial<FixData> | null;
  return (
    !!d && typeof d.version === 'number' && typeof d.title === 'string' && Array.isArray(d.edits)
  );
}

/** The quick fixes the diagnostics carry, when the document is still the version they were made for. */
export function provideCodeActions(
  documents: TextDocuments<TextDocument>,
  params: CodeActionParams,
): CodeAction[] {
  const document = documents.get(params.textDocument.uri);
  if (!document) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    const data: unknown = diagnostic.data;
    if (!isFixData(data) || data.version !== document.version) continue;
    actions.push({
      title: data.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: true,
      edit: { changes: { [document.uri]: data.edits } },
    });
  }
  return actions;
}
