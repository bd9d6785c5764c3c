// Which schema node an XML element stands for. A whole ncs.conf starts at a
// top node (`ncs-config`); an ncs.conf.d/ fragment may also start at one of
// its sections (`<compaction>` alone).

import type { RtNode, SchemaIndex } from './schemaIndex';
import type { XmlElement } from './xmlScanner';

export function rootBinding(
  root: XmlElement,
  schema: SchemaIndex,
  fragment: boolean,
): RtNode | undefined {
  const top = schema.top.get(root.localName);
  if (top) return top;
  if (fragment) {
    for (const t of schema.top.values()) {
      const section = t.children.get(root.localName);
      if (section) return section;
    }
  }
  return undefined;
}

export function nodeForElement(
  el: XmlElement,
  schema: SchemaIndex,
  fragment: boolean,
): RtNode | undefined {
  const chain: XmlElement[] = [];
  for (let e: XmlElement | undefined = el; e; e = e.parent) chain.push(e);
  chain.reverse();
  let node = rootBinding(chain[0]!, schema, fragment);
  for (let i = 1; node && i < chain.length; i++) node = node.children.get(chain[i]!.localName);
  return node;
}

/** The element path as names, e.g. `/ncs-config/cli/ssh`. */
export function elementPath(el: XmlElement): string {
  const names: string[] = [];
  for (let e: XmlElement | undefined = el; e; e = e.parent) names.push(e.localName);
  return `/${names.reverse().join('/')}`;
}

/** True for files NSO reads as ncs.conf.d/ fragments. */
export function isFragmentPath(fsPath: string): boolean {
  return /(^|[\\/])ncs\.conf\.d[\\/][^\\/]+\.conf$/.test(fsPath);
}
