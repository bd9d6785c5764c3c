import {
  SymbolKind,
  type DocumentSymbol,
  type DocumentSymbolParams,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { documentSymbols, type ConfSymbol } from '../ncsconf/outline';
import type { ConfDocuments } from './confDocuments';

const kinds: Record<ConfSymbol['kind'], SymbolKind> = {
  container: SymbolKind.Object,
  list: SymbolKind.Struct,
  leaf: SymbolKind.Property,
  'leaf-list': SymbolKind.Array,
  anydata: SymbolKind.Object,
  choice: SymbolKind.Enum,
  case: SymbolKind.EnumMember,
  element: SymbolKind.Field,
};

export function provideDocumentSymbols(
  documents: TextDocuments<TextDocument>,
  confDocs: ConfDocuments,
  params: DocumentSymbolParams,
): DocumentSymbol[] {
  const document = documents.get(params.textDocument.uri);
  if (!document) return [];
  const opts: Parameters<typeof documentSymbols>[1] = {
    fragment: confDocs.isFragment(document.uri),
  };
  const schema = confDocs.schema.current;
  if (schema) opts.schema = schema;
  const convert = (s: ConfSymbol, top: boolean): DocumentSymbol => {
    const sym: DocumentSymbol = {
      name: s.name,
      kind: top ? SymbolKind.Module : kinds[s.kind],
      range: {
        start: document.positionAt(s.offset),
        end: document.positionAt(s.offset + s.length),
      },
      selectionRange: {
        start: document.positionAt(s.nameOffset),
        end: document.positionAt(s.nameOffset + s.nameLength),
      },
      children: s.children.map((c) => convert(c, false)),
    };
    if (s.detail) sym.detail = s.detail;
    return sym;
  };
  return documentSymbols(confDocs.scan(document), opts).map((s) => convert(s, true));
}
