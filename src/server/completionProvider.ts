import {
  CompletionItemKind,
  CompletionItemTag,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionParams,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { completeAt, type ConfCompletion } from '../ncsconf/completion';
import type { ConfDocuments } from './confDocuments';

function kindOf(c: ConfCompletion): CompletionItemKind {
  switch (c.kind) {
    case 'value':
      return CompletionItemKind.EnumMember;
    case 'variable':
      return CompletionItemKind.Variable;
    case 'end-tag':
      return CompletionItemKind.Keyword;
    default:
      return c.nodeKind === 'leaf' || c.nodeKind === 'leaf-list'
        ? CompletionItemKind.Property
        : c.nodeKind === 'list'
          ? CompletionItemKind.Struct
          : CompletionItemKind.Module;
  }
}

export function provideCompletion(
  documents: TextDocuments<TextDocument>,
  confDocs: ConfDocuments,
  params: CompletionParams,
): CompletionItem[] {
  const document = documents.get(params.textDocument.uri);
  if (!document) return [];
  const offset = document.offsetAt(params.position);
  const opts: Parameters<typeof completeAt>[2] = {
    fragment: confDocs.isFragment(document.uri),
    environment: Object.keys(confDocs.environment),
    doc: confDocs.scan(document),
  };
  const schema = confDocs.schema.current;
  if (schema) opts.schema = schema;
  return completeAt(document.getText(), offset, opts).map((c) => {
    const item: CompletionItem = {
      label: c.label,
      kind: kindOf(c),
      textEdit: {
        range: {
          start: document.positionAt(c.replaceOffset),
          end: document.positionAt(c.replaceOffset + c.replaceLength),
        },
        newText: c.insertText,
      },
      insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      filterText: c.label,
    };
    if (c.detail !== undefined) item.detail = c.detail;
    if (c.documentation !== undefined)
      item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
    if (c.sortText !== undefined) item.sortText = c.sortText;
    if (c.deprecated) item.tags = [CompletionItemTag.Deprecated];
    return item;
  });
}
