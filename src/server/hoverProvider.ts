import {
  MarkupKind,
  type Hover,
  type HoverParams,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { hoverAt } from '../ncsconf/hover';
import type { ConfDocuments } from './confDocuments';

export function provideHover(
  documents: TextDocuments<TextDocument>,
  confDocs: ConfDocuments,
  params: HoverParams,
): Hover | null {
  const document = documents.get(params.textDocument.uri);
  if (!document) return null;
  const opts: Parameters<typeof hoverAt>[3] = {
    fragment: confDocs.isFragment(document.uri),
    environment: confDocs.variables(),
  };
  const schema = confDocs.schema.current;
  if (schema) opts.schema = schema;
  const h = hoverAt(
    document.getText(),
    confDocs.scan(document),
    document.offsetAt(params.position),
    opts,
  );
  if (!h) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: h.markdown },
    range: { start: document.positionAt(h.offset), end: document.positionAt(h.offset + h.length) },
  };
}
