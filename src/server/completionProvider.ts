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
import { describeNode } from '../ncsconf/hover';
import type { ConfDocuments } from './confDocuments';

/** Carried in CompletionItem.data: the element's schema path, for its documentation on resolve. */
interface ResolveData {
  nodePath: string;
}

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
    environment: Object.keys(confDocs.variables()),
    doc: confDocs.scan(document),
    // Documentation of ~50 elements per keystroke is wasted work: VS Code asks for the one it shows.
    withDocumentation: false,
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
    if (c.nodePath !== undefined) item.data = { nodePath: c.nodePath } satisfies ResolveData;
    return item;
  });
}

/** Adds the element's documentation when the editor shows the item. */
export function resolveCompletion(confDocs: ConfDocuments, item: CompletionItem): CompletionItem {
  const data = item.data as Partial<ResolveData> | undefined;
  const schema = confDocs.schema.current;
  if (!schema || typeof data?.nodePath !== 'string' || item.documentation) return item;
  const node = schema.lookup(data.nodePath.split('/').slice(1));
  if (node) item.documentation = { kind: MarkupKind.Markdown, value: describeNode(node, schema) };
  return item;
}
