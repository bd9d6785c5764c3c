import {
  FoldingRangeKind,
  type FoldingRange,
  type FoldingRangeParams,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { foldingRanges } from '../ncsconf/outline';
import type { ConfDocuments } from './confDocuments';

export function provideFoldingRanges(
  documents: TextDocuments<TextDocument>,
  confDocs: ConfDocuments,
  params: FoldingRangeParams,
): FoldingRange[] {
  const document = documents.get(params.textDocument.uri);
  if (!document) return [];
  const out: FoldingRange[] = [];
  for (const f of foldingRanges(document.getText(), confDocs.scan(document))) {
    const startLine = document.positionAt(f.start).line;
    const end = document.positionAt(f.end);
    // An element folds up to the line before its end tag, so the end tag stays visible.
    const endLine =
      f.kind === 'region' && end.character <= lineIndent(document, end.line)
        ? end.line - 1
        : end.line;
    if (endLine <= startLine) continue;
    const r: FoldingRange = { startLine, endLine };
    if (f.kind === 'comment') r.kind = FoldingRangeKind.Comment;
    out.push(r);
  }
  return out;
}

function lineIndent(document: TextDocument, line: number): number {
  const text = document.getText({
    start: { line, character: 0 },
    end: { line: line + 1, character: 0 },
  });
  return text.length - text.trimStart().length;
}
