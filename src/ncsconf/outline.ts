// The outline (document symbols) and folding ranges of an ncs.conf.

import { nodeForElement } from './binding';
import type { RtNode, SchemaIndex } from './schemaIndex';
import type { XmlDocument, XmlElement } from './xmlScanner';

export interface ConfSymbol {
  name: string;
  /** Key values of a list entry, or a leaf's value. */
  detail: string;
  /** The schema kind, or 'element' when the schema does not know the element. */
  kind: RtNode['kind'] | 'element';
  /** The whole element. */
  offset: number;
  length: number;
  /** The name in the start tag. */
  nameOffset: number;
  nameLength: number;
  children: ConfSymbol[];
}

export interface ConfFold {
  /** Offsets of the first and last character of the folded region. */
  start: number;
  end: number;
  kind: 'region' | 'comment';
}

const maxDetail = 60;

export function documentSymbols(
  doc: XmlDocument,
  options: { schema?: SchemaIndex; fragment?: boolean } = {},
): ConfSymbol[] {
  const { schema } = options;
  const fragment = options.fragment ?? false;
  const symbol = (el: XmlElement, node: RtNode | undefined): ConfSymbol => {
    let detail = '';
    if (node?.kind === 'list') {
      detail = (node.node.key ?? [])
        .map((k) => el.children.find((c) => c.localName === k)?.text.trim() ?? '')
        .filter((v) => v !== '')
        .join(' ');
    } else if (el.children.length === 0) {
      const v = el.text.trim().replace(/\s+/g, ' ');
      detail = v.length > maxDetail ? `${v.slice(0, maxDetail - 1)}…` : v;
    }
    const children = el.children.map((c) => symbol(c, node?.children.get(c.localName)));
    return {
      name: el.localName,
      detail,
      kind: node?.kind ?? (el.children.length > 0 ? 'container' : 'element'),
      offset: el.start,
      length: Math.max(el.end, el.startTagEnd) - el.start,
      nameOffset: el.nameOffset,
      nameLength: el.name.length,
      children,
    };
  };
  const root = doc.root;
  if (!root) return [];
  return [symbol(root, schema ? nodeForElement(root, schema, fragment) : undefined)];
}

/** Elements and comments that span more than one line. */
export function foldingRanges(text: string, doc: XmlDocument): ConfFold[] {
  const folds: ConfFold[] = [];
  for (const el of doc.elements) {
    const end = el.endTagStart >= 0 ? el.endTagStart : el.end;
    if (
      end > el.startTagEnd &&
      text.indexOf('\n', el.start) < end &&
      text.indexOf('\n', el.start) >= 0
    ) {
      folds.push({ start: el.start, end, kind: 'region' });
    }
  }
  const comment = /<!--[\s\S]*?-->/g;
  for (let m = comment.exec(text); m; m = comment.exec(text)) {
    if (m[0].includes('\n'))
      folds.push({ start: m.index, end: m.index + m[0].length - 1, kind: 'comment' });
  }
  return folds.sort((a, b) => a.start - b.start);
}
