// Hover over an ncs.conf element or value: where it sits in the schema, its
// type in words, default, allowed values and the schema's description; over
// `${VAR}`: what NSO expands it to in the production container.

import { nodeForElement } from './binding';
import type { RtNode, SchemaIndex } from './schemaIndex';
import { describeType, enumeratedValues } from './valueCheck';
import { findVariables, nsoVariables, redactedValue } from './variables';
import type { XmlDocument, XmlElement } from './xmlScanner';

export interface ConfHover {
  offset: number;
  length: number;
  /** Markdown. */
  markdown: string;
}

export interface HoverOptions {
  schema?: SchemaIndex;
  fragment?: boolean;
  /** Environment variables known to be set where NSO runs, with their values. */
  environment?: Record<string, string>;
}

const maxValuesShown = 24;

function code(s: string): string {
  const ticks = s.includes('`') ? '``' : '`';
  return `${ticks}${s}${ticks}`;
}

/** Markdown for a schema node: used by hover and by completion item documentation. */
export function describeNode(n: RtNode, schema: SchemaIndex, path = n.path): string {
  schema.withDescriptions();
  const head = `**${n.name}** · ${n.kind}${n.node.presence !== undefined ? ' (presence)' : ''} · ${code(path)}`;
  const lines: string[] = [head, ''];
  const t = n.type;
  if (t) {
    const name = t.info.name === t.info.base ? t.info.base : `${t.info.name} (${t.info.base})`;
    lines.push(`Type: ${code(name)}: ${describeType(t)}`);
  }
  const d = n.node.default;
  if (d) lines.push(`Default: ${d.map(code).join(', ')}${n.node.units ? ` ${n.node.units}` : ''}`);
  else if (n.node.units) lines.push(`Units: ${n.node.units}`);
  if (n.node.mandatory)
    lines.push(n.node.when ? `Mandatory when ${code(n.node.when)}` : 'Mandatory');
  else if (n.node.when) lines.push(`Only when ${code(n.node.when)}`);
  if (n.node.key) lines.push(`Key: ${n.node.key.map(code).join(' ')}`);
  if (n.node.minElements !== undefined || n.node.maxElements !== undefined) {
    lines.push(`Entries: ${n.node.minElements ?? 0} to ${n.node.maxElements ?? 'any number'}`);
  }
  const choice = n.choicePath[n.choicePath.length - 1];
  if (choice)
    lines.push(`Case ${code(choice.caseNode.name)} of choice ${code(choice.choice.name)}`);
  if (n.node.status) lines.push(`Status: **${n.node.status}**`);
  if (n.node.ifFeature) lines.push(`Needs feature ${n.node.ifFeature.map(code).join(', ')}`);
  if (n.node.presence) lines.push(`Presence: ${n.node.presence}`);

  const values = t ? enumeratedValues(t) : [];
  if (values.length > 0 && t?.info.base !== 'boolean') {
    lines.push('', 'Allowed values:');
    for (const v of values.slice(0, maxValuesShown)) {
      lines.push(`- ${code(v.name)}${v.description ? `: ${firstSentence(v.description)}` : ''}`);
    }
    if (values.length > maxValuesShown) lines.push(`- … ${values.length - maxValuesShown} more`);
  }
  const description = n.node.description ?? t?.info.description;
  if (description) lines.push('', '---', '', description.trim());
  if (n.namespace !== schema.namespace) lines.push('', `Namespace ${code(n.namespace)}`);
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}

function firstSentence(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  const m = /^(.{20,200}?\.)(\s|$)/.exec(flat);
  return m ? m[1]! : flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

/** The element's data path with list keys, e.g. `/ncs-config/.../stream[name='ncs-events']`. */
export function instancePath(el: XmlElement, schema: SchemaIndex, fragment: boolean): string {
  const steps: string[] = [];
  for (let e: XmlElement | undefined = el; e; e = e.parent) {
    const node = nodeForElement(e, schema, fragment);
    let step = e.localName;
    for (const k of node?.kind === 'list' ? (node.node.key ?? []) : []) {
      const v = e.children.find((c) => c.localName === k)?.text.trim();
      if (v !== undefined) step += `[${k}='${v}']`;
    }
    steps.push(step);
  }
  return `/${steps.reverse().join('/')}`;
}

function variableHover(
  name: string,
  env: Record<string, string> | undefined,
  fallback: string | undefined,
): string {
  const nso = nsoVariables[name];
  if (nso) {
    return `**\${${name}}** · NSO variable\n\n${nso.description}\n\nIn the production container: ${code(nso.containerValue)}`;
  }
  const value = env?.[name];
  const otherwise =
    fallback === undefined ? '' : `\n\nWhere it is not set, NSO reads ${code(fallback)}.`;
  if (value === redactedValue)
    return `**\${${name}}** · environment variable\n\nSet where NSO runs (a secret: its value is not shown).${otherwise}`;
  if (value !== undefined)
    return `**\${${name}}** · environment variable\n\nSet to ${code(value)} where NSO runs.${otherwise}`;
  return fallback === undefined
    ? `**\${${name}}** · not an NSO variable, and not known to be set where NSO runs.`
    : `**\${${name}}** · environment variable, not known to be set where NSO runs: NSO then reads ${code(fallback)}, the default written here.`;
}

/** Walks down to the deepest element whose span holds the offset. */
function elementAt(doc: XmlDocument, offset: number): XmlElement | undefined {
  let found: XmlElement | undefined;
  let level = doc.root ? [doc.root] : [];
  for (;;) {
    const next = level.find(
      (el) => el.start <= offset && offset < Math.max(el.end, el.startTagEnd),
    );
    if (!next) return found;
    found = next;
    level = next.children;
  }
}

export function hoverAt(
  text: string,
  doc: XmlDocument,
  offset: number,
  options: HoverOptions,
): ConfHover | undefined {
  const el = elementAt(doc, offset);
  if (!el) return undefined;

  // A variable in the element's text.
  const textEnd = (() => {
    const lt = text.indexOf('<', el.startTagEnd);
    return lt < 0 ? text.length : lt;
  })();
  if (offset >= el.startTagEnd && offset < textEnd) {
    for (const v of findVariables(text, el.startTagEnd, textEnd)) {
      if (offset >= v.offset && offset < v.offset + v.length) {
        return {
          offset: v.offset,
          length: v.length,
          markdown: variableHover(v.name, options.environment, v.fallback),
        };
      }
    }
  }

  const schema = options.schema?.withDescriptions();
  if (!schema) return undefined;
  const fragment = options.fragment ?? false;
  const node = nodeForElement(el, schema, fragment);
  if (!node) return undefined;

  const inStartName = offset >= el.nameOffset && offset <= el.nameOffset + el.name.length;
  const endName = el.endTagStart + 2;
  const inEndName = el.endTagStart >= 0 && offset >= endName && offset <= endName + el.name.length;
  const inValue =
    offset >= el.startTagEnd &&
    offset < textEnd &&
    (node.kind === 'leaf' || node.kind === 'leaf-list');
  if (!inStartName && !inEndName && !inValue) return undefined;

  let markdown = describeNode(node, schema, instancePath(el, schema, fragment));
  if (inValue) {
    const value = el.text.trim();
    const match = node.type ? enumeratedValues(node.type).find((v) => v.name === value) : undefined;
    if (match?.description)
      markdown = `${code(value)}: ${match.description.trim()}\n\n---\n\n${markdown}`;
    const start = text.slice(el.startTagEnd, textEnd).search(/\S/);
    const trimmed = text.slice(el.startTagEnd, textEnd).trim();
    if (start >= 0) return { offset: el.startTagEnd + start, length: trimmed.length, markdown };
  }
  return inEndName
    ? { offset: endName, length: el.name.length, markdown }
    : { offset: el.nameOffset, length: el.name.length, markdown };
}
