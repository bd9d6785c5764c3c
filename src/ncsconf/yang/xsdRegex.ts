// YANG patterns are XML Schema regular expressions (XSD part 2, appendix F):
// implicitly anchored, `^` and `$` are ordinary characters, `\d`, `\w`, `\i`
// and `\c` have Unicode meanings, and `\p{IsBlock}` names Unicode blocks. This
// translates the common subset into a JavaScript `u` regular expression and
// gives up (undefined) on what JavaScript cannot express, such as character
// class subtraction or block names, so a pattern we cannot read never turns a
// valid value into an error.

const multiCharEscapes: Record<string, string> = {
  d: '\\p{Nd}',
  D: '\\P{Nd}',
  s: '[ \\t\\n\\r]',
  S: '[^ \\t\\n\\r]',
  w: '[^\\p{P}\\p{Z}\\p{C}]',
  W: '[\\p{P}\\p{Z}\\p{C}]',
  i: '[\\p{L}_:]',
  I: '[^\\p{L}_:]',
  c: '[\\p{L}\\p{Nd}\\p{Mn}._:\\-]',
  C: '[^\\p{L}\\p{Nd}\\p{Mn}._:\\-]',
};

/** The same classes without their brackets, for use inside a character class. */
const inClassEscapes: Record<string, string | undefined> = {
  d: '\\p{Nd}',
  s: ' \\t\\n\\r',
  i: '\\p{L}_:',
  c: '\\p{L}\\p{Nd}\\p{Mn}._:\\-',
};

const singleCharEscapes = new Set([...'nrt\\|.-^?*+{}()[]$']);

export function xsdToJsRegex(xsd: string): string | undefined {
  let out = '';
  let inClass = false;
  let classStart = false;
  for (let i = 0; i < xsd.length; i++) {
    const c = xsd[i]!;
    if (c === '\\') {
      const e = xsd[i + 1];
      if (e === undefined) return undefined;
      i++;
      if (e === 'p' || e === 'P') {
        const close = xsd.indexOf('}', i);
        if (xsd[i + 1] !== '{' || close < 0) return undefined;
        const name = xsd.slice(i + 2, close);
        // Block names (IsBasicLatin) have no JavaScript counterpart.
        if (!/^[A-Z][a-z]?$/.test(name)) return undefined;
        out += `\\${e}{${name}}`;
        i = close;
      } else if (e in multiCharEscapes) {
        if (inClass) {
          const inner = inClassEscapes[e];
          if (inner === undefined) return undefined;
          out += inner;
        } else out += multiCharEscapes[e];
      } else if (singleCharEscapes.has(e)) {
        if (e === 'n' || e === 'r' || e === 't') out += `\\${e}`;
        else if (e === '-') out += inClass ? '\\-' : '-';
        else out += `\\${e}`;
      } else {
        return undefined;
      }
      classStart = false;
      continue;
    }
    if (inClass) {
      if (c === '^' && classStart) out += '^';
      else if (c === ']') {
        inClass = false;
        out += ']';
      } else if (c === '-' && xsd[i + 1] === '[') {
        return undefined; // class subtraction
      } else if (c === '[') out += '\\[';
      else if (c === '^') out += '\\^';
      else if (c === '/') out += '\\/';
      else out += c;
      classStart = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      classStart = true;
      out += '[';
    } else if (c === '^' || c === '$' || c === '/') {
      out += `\\${c}`;
    } else if (c === '(' && xsd[i + 1] === '?') {
      return undefined; // not XML Schema syntax
    } else {
      out += c;
    }
  }
  if (inClass) return undefined;
  const js = `^(?:${out})$`;
  try {
    new RegExp(js, 'u');
  } catch {
    return undefined;
  }
  return js;
}
