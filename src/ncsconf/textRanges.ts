// Offsets the checks point at and the edits quick fixes make.

import type { QuickFix, TextEdit } from './problems';
import type { XmlElement } from './xmlScanner';

export interface Range {
  offset: number;
  length: number;
}

export function nameRange(el: XmlElement): Range {
  return { offset: el.nameOffset, length: el.name.length };
}

/** The element's value as written (first text run, trimmed), or its name when it has none. */
export function valueRange(text: string, el: XmlElement): Range {
  if (el.selfClosing || el.text.trim() === '') return nameRange(el);
  const start = el.textOffset;
  let end = text.indexOf('<', start);
  if (end < 0) end = text.length;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end > start ? { offset: start, length: end - start } : nameRange(el);
}

/** Edits that rename an element in its start and end tags. */
export function renameEdits(el: XmlElement, newName: string): TextEdit[] {
  const prefix =
    el.name.length > el.localName.length
      ? el.name.slice(0, el.name.length - el.localName.length)
      : '';
  const edits: TextEdit[] = [
    { offset: el.nameOffset, length: el.name.length, newText: prefix + newName },
  ];
  if (el.endTagStart >= 0)
    edits.push({ offset: el.endTagStart + 2, length: el.name.length, newText: prefix + newName });
  return edits;
}

export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Leading whitespace of the line that holds `offset`. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[ \t]*/.exec(text.slice(lineStart, offset));
  return m ? m[0] : '';
}

/** A fix that adds `xml` as the last child of `el`, indented one step deeper. */
export function insertChildFix(
  text: string,
  el: XmlElement,
  xml: string,
  title: string,
): QuickFix | undefined {
  if (el.endTagStart < 0) return undefined;
  const indent = indentAt(text, el.start);
  const lineStart = text.lastIndexOf('\n', el.endTagStart - 1) + 1;
  if (lineStart > el.startTagEnd && text.slice(lineStart, el.endTagStart).trim() === '') {
    return { title, edits: [{ offset: lineStart, length: 0, newText: `${indent}  ${xml}\n` }] };
  }
  return { title, edits: [{ offset: el.endTagStart, length: 0, newText: xml }] };
}

/** A fix that adds `xml` as the first child of `el`. */
export function insertFirstChildFix(
  text: string,
  el: XmlElement,
  xml: string,
  title: string,
): QuickFix | undefined {
  if (el.selfClosing) return undefined;
  const indent = indentAt(text, el.start);
  return { title, edits: [{ offset: el.startTagEnd, length: 0, newText: `\n${indent}  ${xml}` }] };
}

/**
 * A fix that deletes `el`: its whole lines when nothing else is on them, so no
 * blank line is left behind. None for an element that is not closed (where it
 * ends is a guess).
 */
export function removeElementFix(
  text: string,
  el: XmlElement,
  title: string,
): QuickFix | undefined {
  if (!el.closed) return undefined;
  const lineStart = text.lastIndexOf('\n', el.start - 1) + 1;
  const newline = text.indexOf('\n', el.end);
  const lineEnd = newline < 0 ? text.length : newline + 1;
  const alone =
    text.slice(lineStart, el.start).trim() === '' && text.slice(el.end, lineEnd).trim() === '';
  const [offset, end] = alone ? [lineStart, lineEnd] : [el.start, el.end];
  return { title, edits: [{ offset, length: end - offset, newText: '' }] };
}
