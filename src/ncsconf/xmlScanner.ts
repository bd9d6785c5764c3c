// A tolerant XML scanner for ncs.conf editing: it never throws, keeps going
// after errors (the document is usually half-typed), and records the offsets
// every later feature (diagnostics, completion, hover, outline) needs.

export interface XmlProblem {
  offset: number;
  length: number;
  message: string;
}

export interface XmlAttribute {
  name: string;
  value: string;
  nameOffset: number;
  valueOffset: number;
}

export interface XmlElement {
  /** Qualified name as written, e.g. `ncs-config` or `x:foo`. */
  name: string;
  /** Local part of the name (after any prefix). */
  localName: string;
  /** Namespace URI in scope for the element, or '' when none is declared. */
  namespace: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  parent: XmlElement | undefined;
  /** Offset of `<`. */
  start: number;
  /** Offset just past the closing `>` of the end tag (or of the start tag when self-closing or unclosed). */
  end: number;
  /** Offset of the name in the start tag. */
  nameOffset: number;
  /** Offset just past the `>` of the start tag. */
  startTagEnd: number;
  /** Offset of `</` of the end tag, or -1 when the element is self-closing or never closed. */
  endTagStart: number;
  /** Text directly inside the element (children's text excluded), entity references decoded. */
  text: string;
  /** Offset of the first non-blank character of `text`, or startTagEnd when empty. */
  textOffset: number;
  selfClosing: boolean;
  closed: boolean;
}

export interface XmlDocument {
  root: XmlElement | undefined;
  /** Every element, in document order. */
  elements: XmlElement[];
  problems: XmlProblem[];
}

// Character tests by code, not regular expression: the scanner runs on every keystroke.
function isNameStartCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c >= 0xc0;
}
function isNameCode(c: number): boolean {
  return isNameStartCode(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 0xb7;
}
function isSpaceCode(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}
const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isSpaceCode(s.charCodeAt(i))) return false;
  return true;
}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return entities[e] ?? m;
  });
}

const reference = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);/y;

/**
 * Offsets (from `base`) of each `&` that starts no character or predefined
 * entity reference: an XML parser, NSO's included, refuses the file there.
 */
function badAmpersands(
  s: string,
  base: number,
  report: (offset: number, message: string) => void,
): void {
  for (let k = s.indexOf('&'); k >= 0; k = s.indexOf('&', k + 1)) {
    reference.lastIndex = k;
    const m = reference.exec(s);
    if (!m) report(base + k, 'A `&` that starts no entity: write `&amp;` for a literal `&`.');
    else if (!m[1]!.startsWith('#') && !(m[1]! in entities))
      report(
        base + k,
        `Unknown entity &${m[1]};: only &lt; &gt; &amp; &quot; &apos; and character references are defined.`,
      );
  }
}

function localPart(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
}

function prefixOf(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? '' : qname.slice(0, i);
}

export function scanXml(text: string): XmlDocument {
  const problems: XmlProblem[] = [];
  const elements: XmlElement[] = [];
  const stack: XmlElement[] = [];
  const nsStack: Map<string, string>[] = [
    new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]),
  ];
  let root: XmlElement | undefined;
  // A UTF-8 byte order mark (some Windows editors write one) is not content.
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let i = start;
  const n = text.length;

  const problem = (offset: number, length: number, message: string): void => {
    problems.push({ offset, length: Math.max(1, length), message });
  };
  const lookupNs = (prefix: string): string | undefined => {
    for (let k = nsStack.length - 1; k >= 0; k--) {
      const v = nsStack[k]!.get(prefix);
      if (v !== undefined) return v;
    }
    return undefined;
  };

  let textStart = start;
  const withText = new Set<XmlElement>();
  const flushText = (end: number): void => {
    const top = stack[stack.length - 1];
    if (end <= textStart) return;
    const raw = text.slice(textStart, end);
    const blank = isBlank(raw);
    if (top) {
      if (!blank && !withText.has(top)) {
        withText.add(top);
        top.textOffset = textStart + (raw.length - raw.trimStart().length);
      }
      if (raw.includes('&')) badAmpersands(raw, textStart, (o, m) => problem(o, 1, m));
      top.text += decodeEntities(raw);
    } else if (!blank) {
      const lead = raw.length - raw.trimStart().length;
      problem(textStart + lead, raw.trim().length, 'Text outside the root element.');
    }
  };

  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      flushText(n);
      break;
    }
    flushText(lt);
    i = lt;

    if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      if (close < 0) {
        problem(i, 4, 'Comment is not closed: add `-->`.');
        i = n;
      } else i = close + 3;
      textStart = i;
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) {
      const close = text.indexOf(']]>', i + 9);
      const end = close < 0 ? n : close;
      const top = stack[stack.length - 1];
      if (top) top.text += text.slice(i + 9, end);
      if (close < 0) problem(i, 9, 'CDATA section is not closed: add `]]>`.');
      i = close < 0 ? n : close + 3;
      textStart = i;
      continue;
    }
    if (text.startsWith('<?', i)) {
      const close = text.indexOf('?>', i + 2);
      if (close < 0) {
        problem(i, 2, 'Processing instruction is not closed: add `?>`.');
        i = n;
      } else {
        if (text.startsWith('<?xml', i) && i !== start && /\s/.test(text[i + 5] ?? '')) {
          problem(i, 5, 'The XML declaration must be the very first thing in the file.');
        }
        i = close + 2;
      }
      textStart = i;
      continue;
    }
    if (text.startsWith('<!', i)) {
      const close = text.indexOf('>', i + 2);
      i = close < 0 ? n : close + 1;
      textStart = i;
      continue;
    }

    // End tag.
    if (text[i + 1] === '/') {
      let j = i + 2;
      while (j < n && isNameCode(text.charCodeAt(j))) j++;
      const name = text.slice(i + 2, j);
      while (j < n && isSpaceCode(text.charCodeAt(j))) j++;
      const close = text[j] === '>' ? j + 1 : j;
      if (text[j] !== '>') problem(i, j - i, `End tag </${name}> is missing its \`>\`.`);
      const idx = findOpen(stack, name);
      if (idx < 0) {
        problem(i, close - i, `End tag </${name}> has no matching start tag.`);
      } else {
        // Everything opened above the match was never closed.
        while (stack.length - 1 > idx) {
          const unclosed = stack.pop()!;
          nsStack.pop();
          // Its content runs up to the end tag that closed its ancestor.
          unclosed.end = i;
          problem(unclosed.nameOffset, unclosed.name.length, `<${unclosed.name}> is never closed.`);
        }
        const el = stack.pop()!;
        nsStack.pop();
        el.endTagStart = i;
        el.end = close;
        el.closed = true;
      }
      i = close;
      textStart = i;
      continue;
    }

    // Start tag.
    if (!isNameStartCode(text.charCodeAt(i + 1))) {
      problem(i, 1, 'A `<` that starts no tag: write `&lt;` for a literal `<`.');
      i++;
      textStart = i;
      continue;
    }
    let j = i + 1;
    while (j < n && isNameCode(text.charCodeAt(j))) j++;
    const name = text.slice(i + 1, j);
    const attributes: XmlAttribute[] = [];
    let selfClosing = false;
    let tagEnd = -1;
    while (j < n) {
      while (j < n && isSpaceCode(text.charCodeAt(j))) j++;
      if (text[j] === '>') {
        tagEnd = j + 1;
        break;
      }
      if (text.startsWith('/>', j)) {
        selfClosing = true;
        tagEnd = j + 2;
        break;
      }
      if (text[j] === '<' || j >= n) break;
      if (!isNameStartCode(text.charCodeAt(j))) {
        problem(j, 1, `Unexpected \`${text[j]}\` in the tag <${name}>.`);
        j++;
        continue;
      }
      const an = j;
      while (j < n && isNameCode(text.charCodeAt(j))) j++;
      const attrName = text.slice(an, j);
      while (j < n && isSpaceCode(text.charCodeAt(j))) j++;
      if (text[j] !== '=') {
        problem(an, attrName.length, `Attribute ${attrName} has no value.`);
        continue;
      }
      j++;
      while (j < n && isSpaceCode(text.charCodeAt(j))) j++;
      const q = text[j];
      if (q !== '"' && q !== "'") {
        problem(an, attrName.length, `The value of ${attrName} must be quoted.`);
        while (j < n && !/[\s>]/.test(text[j]!) && !text.startsWith('/>', j)) j++;
        continue;
      }
      const vq = text.indexOf(q, j + 1);
      const lineEnd = text.indexOf('>', j + 1);
      if (vq < 0 || (lineEnd >= 0 && lineEnd < vq && text.slice(j + 1, lineEnd).includes('<'))) {
        problem(j, 1, `The value of ${attrName} has no closing ${q}.`);
        j = lineEnd < 0 ? n : lineEnd;
        continue;
      }
      if (attributes.some((a) => a.name === attrName)) {
        problem(an, attrName.length, `Attribute ${attrName} is given twice.`);
      }
      const rawValue = text.slice(j + 1, vq);
      if (rawValue.includes('&')) badAmpersands(rawValue, j + 1, (o, m) => problem(o, 1, m));
      attributes.push({
        name: attrName,
        value: decodeEntities(rawValue),
        nameOffset: an,
        valueOffset: j + 1,
      });
      j = vq + 1;
    }
    if (tagEnd < 0) {
      problem(i, j - i, `Start tag <${name}> is missing its \`>\`.`);
      tagEnd = j;
    }

    const scope = new Map<string, string>();
    for (const a of attributes) {
      if (a.name === 'xmlns') scope.set('', a.value);
      else if (a.name.startsWith('xmlns:')) scope.set(a.name.slice(6), a.value);
    }
    nsStack.push(scope);
    const prefix = prefixOf(name);
    let namespace = lookupNs(prefix);
    if (namespace === undefined) {
      if (prefix !== '') problem(i + 1, name.length, `Namespace prefix ${prefix} is not declared.`);
      namespace = '';
    }

    const parent = stack[stack.length - 1];
    const el: XmlElement = {
      name,
      localName: localPart(name),
      namespace,
      attributes,
      children: [],
      parent,
      start: i,
      end: tagEnd,
      nameOffset: i + 1,
      startTagEnd: tagEnd,
      endTagStart: -1,
      text: '',
      textOffset: tagEnd,
      selfClosing,
      closed: selfClosing,
    };
    elements.push(el);
    if (parent) parent.children.push(el);
    else if (root)
      problem(i + 1, name.length, `A second root element <${name}>: a document has exactly one.`);
    else root = el;

    if (selfClosing) nsStack.pop();
    else stack.push(el);
    i = tagEnd;
    textStart = i;
  }

  while (stack.length > 0) {
    const unclosed = stack.pop()!;
    unclosed.end = n;
    problem(unclosed.nameOffset, unclosed.name.length, `<${unclosed.name}> is never closed.`);
  }
  if (!root) problem(0, Math.min(n, 1), 'The document has no root element.');
  return { root, elements, problems };
}

function findOpen(stack: XmlElement[], name: string): number {
  for (let k = stack.length - 1; k >= 0; k--) if (stack[k]!.name === name) return k;
  return -1;
}
