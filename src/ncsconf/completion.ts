// Completion inside ncs.conf, also while the document is half typed: child
// elements valid at the cursor (mandatory children filled in as snippet
// fields), enumeration and boolean values, `${...}` names and end tags.

import { nodeForElement } from './binding';
import { describeNode } from './hover';
import { ncsConfigNamespace } from './problems';
import type { RtNode, SchemaIndex } from './schemaIndex';
import { enumeratedValues, isFullyEnumerated } from './valueCheck';
import { nsoVariables } from './variables';
import { scanXml, type XmlDocument, type XmlElement } from './xmlScanner';

export type ConfCompletionKind = 'element' | 'value' | 'variable' | 'end-tag';

export interface ConfCompletion {
  label: string;
  kind: ConfCompletionKind;
  /** Replaces text[replaceOffset, replaceOffset + replaceLength). */
  insertText: string;
  /** insertText uses snippet syntax ($1, ${1|a,b|}, $0). */
  snippet: boolean;
  replaceOffset: number;
  replaceLength: number;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  sortText?: string;
  /** For elements: the schema node kind. */
  nodeKind?: RtNode['kind'];
  /** For elements: the schema path, to fetch the documentation later (completionItem/resolve). */
  nodePath?: string;
  deprecated?: boolean;
}

export interface CompletionOptions {
  schema?: SchemaIndex;
  fragment?: boolean;
  /** Environment variables known to be set where NSO runs. */
  environment?: Iterable<string>;
  /** The document already scanned from the same text, to save a scan. */
  doc?: XmlDocument;
  /** Build element documentation now (default); false leaves it to a later resolve step. */
  withDocumentation?: boolean;
}

const nameChar = /[A-Za-z0-9_.:-]/;

/** The innermost element whose content (between its tags) holds `pos`. */
export function elementContaining(doc: XmlDocument, pos: number): XmlElement | undefined {
  let found: XmlElement | undefined;
  let level = doc.root ? [doc.root] : [];
  for (;;) {
    let next: XmlElement | undefined;
    for (const el of level) {
      if (el.selfClosing || el.start >= pos) continue;
      const contentEnd = el.endTagStart >= 0 ? el.endTagStart : el.end;
      if (el.startTagEnd <= pos && pos <= contentEnd) {
        next = el;
        break;
      }
    }
    if (!next) return found;
    found = next;
    level = next.children;
  }
}

function escapeSnippet(s: string): string {
  return s.replace(/[$}\\]/g, '\\$&');
}

function escapeChoice(s: string): string {
  return s.replace(/[$}\\,|]/g, '\\$&');
}

export function completeAt(
  text: string,
  offset: number,
  options: CompletionOptions,
): ConfCompletion[] {
  // Enumeration values carry their descriptions, read from the cache on first use.
  options.schema?.withDescriptions();
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;

  // `${NA|`: variable names.
  const dollar = text.lastIndexOf('${', offset);
  if (dollar >= lineStart && /^[A-Za-z0-9_]*$/.test(text.slice(dollar + 2, offset))) {
    return variableItems(text, dollar + 2, offset, options);
  }

  // `<na|` or `</na|`: element names or the end tag.
  let nameStart = offset;
  while (nameStart > 0 && nameChar.test(text[nameStart - 1]!)) nameStart--;
  let nameEnd = offset;
  while (nameEnd < text.length && nameChar.test(text[nameEnd]!)) nameEnd++;
  const doc = options.doc ?? scanXml(text);
  if (text[nameStart - 1] === '/' && text[nameStart - 2] === '<') {
    return endTagItems(text, doc, nameStart - 2, nameStart, nameEnd);
  }
  if (text[nameStart - 1] === '<') {
    const lt = nameStart - 1;
    return elementItems(
      doc,
      lt,
      { offset: nameStart, length: nameEnd - nameStart },
      false,
      options,
    );
  }

  // Inside a tag (attributes): nothing to offer.
  if (text.lastIndexOf('<', offset - 1) > text.lastIndexOf('>', offset - 1)) return [];

  // In content: values of a leaf, or child elements of a container.
  const el = elementContaining(doc, offset);
  const node =
    el && options.schema
      ? nodeForElement(el, options.schema, options.fragment ?? false)
      : undefined;
  if (el && node && (node.kind === 'leaf' || node.kind === 'leaf-list')) {
    return valueItems(text, el, node, offset);
  }
  let wordStart = offset;
  while (wordStart > lineStart && /[A-Za-z0-9_-]/.test(text[wordStart - 1]!)) wordStart--;
  return elementItems(
    doc,
    offset,
    { offset: wordStart, length: offset - wordStart },
    true,
    options,
  );
}

function variableItems(
  text: string,
  nameOffset: number,
  offset: number,
  options: CompletionOptions,
): ConfCompletion[] {
  let end = offset;
  while (end < text.length && /[A-Za-z0-9_]/.test(text[end]!)) end++;
  const closed = text[end] === '}';
  const items: ConfCompletion[] = Object.entries(nsoVariables).map(([name, v]) => ({
    label: name,
    kind: 'variable',
    insertText: closed ? name : `${name}}`,
    snippet: false,
    replaceOffset: nameOffset,
    replaceLength: end - nameOffset,
    detail: `NSO variable (production container: ${v.containerValue})`,
    documentation: v.description,
    sortText: `0${name}`,
  }));
  for (const name of options.environment ?? []) {
    if (name in nsoVariables) continue;
    items.push({
      label: name,
      kind: 'variable',
      insertText: closed ? name : `${name}}`,
      snippet: false,
      replaceOffset: nameOffset,
      replaceLength: end - nameOffset,
      detail: 'environment variable',
      sortText: `1${name}`,
    });
  }
  return items;
}

function endTagItems(
  text: string,
  doc: XmlDocument,
  lt: number,
  nameStart: number,
  nameEnd: number,
): ConfCompletion[] {
  const open = elementContaining(doc, lt);
  if (!open) return [];
  const hasGt = text[nameEnd] === '>';
  return [
    {
      label: `/${open.name}`,
      kind: 'end-tag',
      insertText: hasGt ? open.name : `${open.name}>`,
      snippet: false,
      replaceOffset: nameStart,
      replaceLength: nameEnd - nameStart,
      detail: `closes <${open.name}>`,
      sortText: '0',
    },
  ];
}

/** Children to offer under `parent`: everything the schema allows minus what may not repeat. */
function candidates(parent: RtNode, present: XmlElement[]): RtNode[] {
  const here = new Set(present.map((p) => p.localName));
  const chosenCases = new Set<RtNode>();
  for (const p of present) {
    for (const step of parent.children.get(p.localName)?.choicePath ?? [])
      chosenCases.add(step.caseNode);
  }
  const out: RtNode[] = [];
  for (const c of parent.children.values()) {
    if (here.has(c.name) && c.kind !== 'list' && c.kind !== 'leaf-list') continue;
    // Another case of a choice already in use is not an option.
    const excluded = c.choicePath.some(
      (s) => !chosenCases.has(s.caseNode) && s.choice.cases.some((cs) => chosenCases.has(cs)),
    );
    if (!excluded) out.push(c);
  }
  return out;
}

function elementItems(
  doc: XmlDocument,
  pos: number,
  replace: { offset: number; length: number },
  withLt: boolean,
  options: CompletionOptions,
): ConfCompletion[] {
  const schema = options.schema;
  const parent = elementContaining(doc, pos);
  const lt = withLt ? '<' : '';

  if (!parent) {
    // The root element of a new file.
    const ns = schema?.namespace || ncsConfigNamespace;
    const roots: ConfCompletion[] = [
      {
        label: 'ncs-config',
        kind: 'element',
        insertText: `${lt}ncs-config xmlns="${ns}">\n\t$0\n</ncs-config>`,
        snippet: true,
        replaceOffset: replace.offset,
        replaceLength: replace.length,
        detail: 'the root of ncs.conf',
        sortText: '0',
        nodeKind: 'container',
      },
    ];
    if (options.fragment && schema) {
      for (const top of schema.top.values()) {
        for (const c of top.children.values())
          roots.push(elementItem(c, replace, withLt, schema, options));
      }
    }
    return roots;
  }
  if (!schema) return [];
  const node = nodeForElement(parent, schema, options.fragment ?? false);
  if (!node || node.kind === 'leaf' || node.kind === 'leaf-list') return [];
  const present = parent.children.filter((c) => c.start !== pos);
  return candidates(node, present).map((c) => elementItem(c, replace, withLt, schema, options));
}

function elementItem(
  c: RtNode,
  replace: { offset: number; length: number },
  withLt: boolean,
  schema: SchemaIndex,
  options: CompletionOptions,
): ConfCompletion {
  const mandatory = c.node.mandatory === true || (c.node.minElements ?? 0) > 0;
  const deprecated = c.node.status !== undefined;
  const item: ConfCompletion = {
    label: c.name,
    kind: 'element',
    insertText: (withLt ? '<' : '') + elementSnippet(c),
    snippet: true,
    replaceOffset: replace.offset,
    replaceLength: replace.length,
    detail: shortDetail(c),
    sortText: `${deprecated ? 2 : mandatory ? 0 : 1}${c.name}`,
    nodeKind: c.kind,
    nodePath: c.path,
  };
  if (options.withDocumentation !== false) item.documentation = describeNode(c, schema);
  if (deprecated) item.deprecated = true;
  return item;
}

function shortDetail(c: RtNode): string {
  const parts: string[] = [c.kind];
  if (c.type) parts.push(c.type.info.name);
  if (c.node.key) parts.push(`key ${c.node.key.join(' ')}`);
  if (c.node.default) parts.push(`default ${c.node.default.join(' ')}`);
  if (c.node.mandatory) parts.push('mandatory');
  if (c.node.status) parts.push(c.node.status);
  return parts.join(' · ');
}

/** The element with its mandatory children (and list keys) as snippet fields. */
function elementSnippet(c: RtNode): string {
  let field = 1;
  const leafBody = (n: RtNode): string => {
    const values =
      n.type && isFullyEnumerated(n.type) ? enumeratedValues(n.type).map((v) => v.name) : [];
    if (values.length > 0) return `\${${field++}|${values.map(escapeChoice).join(',')}|}`;
    const dflt = n.node.default?.[0];
    return dflt !== undefined ? `\${${field++}:${escapeSnippet(dflt)}}` : `$${field++}`;
  };
  if (c.kind === 'leaf' || c.kind === 'leaf-list') {
    if (c.type?.info.base === 'empty') return `${c.name}/>`;
    return `${c.name}>${leafBody(c)}</${c.name}>`;
  }
  const keys = new Set(c.node.key ?? []);
  const required = [...c.children.values()].filter(
    (k) =>
      k.kind === 'leaf' &&
      (keys.has(k.name) || (k.node.mandatory && k.node.when === undefined)) &&
      k.choicePath.length === 0,
  );
  if (required.length === 0) return `${c.name}>\n\t$0\n</${c.name}>`;
  const lines = required.map((k) => `\t<${k.name}>${leafBody(k)}</${k.name}>`);
  return `${c.name}>\n${lines.join('\n')}\n\t$0\n</${c.name}>`;
}

function valueItems(text: string, el: XmlElement, node: RtNode, offset: number): ConfCompletion[] {
  // The value run around the cursor, trimmed.
  let start = offset;
  while (start > el.startTagEnd && !/[\s>]/.test(text[start - 1]!)) start--;
  let end = offset;
  while (end < text.length && !/[\s<]/.test(text[end]!)) end++;
  // In the default of `${NCS_CLI_SSH:-|}`: the value replaces the default, not the reference.
  const open = text.lastIndexOf('${', offset);
  const sep = open >= start ? text.indexOf(':-', open) : -1;
  const close = open >= start ? text.indexOf('}', open) : -1;
  const inFallback = sep >= 0 && sep + 2 <= offset && (close < 0 || close >= offset);
  if (inFallback) {
    start = sep + 2;
    end = offset;
    while (end < text.length && !/[\s<}]/.test(text[end]!)) end++;
  }
  const items: ConfCompletion[] = [];
  const t = node.type;
  const dflt = node.node.default?.[0];
  for (const v of t ? enumeratedValues(t) : []) {
    const item: ConfCompletion = {
      label: v.name,
      kind: 'value',
      insertText: v.name,
      snippet: false,
      replaceOffset: start,
      replaceLength: end - start,
      detail: v.name === dflt ? `${t!.info.name} (default)` : t!.info.name,
      sortText: `${v.name === dflt ? 0 : 1}${v.name}`,
    };
    if (v.description) item.documentation = v.description;
    items.push(item);
  }
  // Paths are strings: offer the NSO directories as variables (not inside another's default).
  if (t && t.info.base === 'string' && !t.info.patterns && !inFallback) {
    for (const [name, v] of Object.entries(nsoVariables)) {
      items.push({
        label: `\${${name}}`,
        kind: 'variable',
        insertText: `\${${name}}`,
        snippet: false,
        replaceOffset: start,
        replaceLength: end - start,
        detail: `production container: ${v.containerValue}`,
        documentation: v.description,
        sortText: `2${name}`,
      });
    }
  }
  return items;
}
