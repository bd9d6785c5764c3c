// The YANG statement grammar (RFC 7950 section 6): comments, quoted and
// unquoted arguments, `+` concatenation, and the whitespace rules of
// double-quoted strings. The result is a plain statement tree; meaning
// (typedefs, groupings, data nodes) is given to it by compile.ts.

export interface YangStatement {
  /** Keyword as written, with its prefix for extensions (`tailf:info`). */
  keyword: string;
  /** The argument after string concatenation and unescaping, or undefined when none. */
  arg: string | undefined;
  /** 1-based line of the keyword. */
  line: number;
  children: YangStatement[];
  parent: YangStatement | undefined;
}

export class YangSyntaxError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'YangSyntaxError';
  }
}

const enum Tok {
  Word,
  Quoted,
  Open,
  Close,
  Semi,
  Plus,
  End,
}

interface Token {
  kind: Tok;
  text: string;
  line: number;
}

class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(
    private readonly src: string,
    private readonly file: string,
  ) {}

  next(): Token {
    this.skipBlank();
    const { src } = this;
    const line = this.line;
    if (this.pos >= src.length) return { kind: Tok.End, text: '', line };
    const c = src[this.pos]!;
    switch (c) {
      case '{':
        this.pos++;
        return { kind: Tok.Open, text: c, line };
      case '}':
        this.pos++;
        return { kind: Tok.Close, text: c, line };
      case ';':
        this.pos++;
        return { kind: Tok.Semi, text: c, line };
      case '"':
        return { kind: Tok.Quoted, text: this.doubleQuoted(), line };
      case "'":
        return { kind: Tok.Quoted, text: this.singleQuoted(), line };
      case '+': {
        // Concatenation, also when written without a space before the next string: +"abc".
        const n = src[this.pos + 1];
        if (n === undefined || n === '"' || n === "'" || /\s/.test(n)) {
          this.pos++;
          return { kind: Tok.Plus, text: c, line };
        }
        break;
      }
      default:
        break;
    }
    const start = this.pos;
    while (this.pos < src.length) {
      const ch = src.charCodeAt(this.pos);
      // space, tab, CR, LF, ; { }
      if (
        ch === 32 ||
        ch === 9 ||
        ch === 10 ||
        ch === 13 ||
        ch === 59 ||
        ch === 123 ||
        ch === 125
      ) {
        break;
      }
      if (ch === 47 && (src[this.pos + 1] === '/' || src[this.pos + 1] === '*')) break;
      this.pos++;
    }
    return { kind: Tok.Word, text: src.slice(start, this.pos), line };
  }

  private skipBlank(): void {
    const { src } = this;
    while (this.pos < src.length) {
      const ch = src.charCodeAt(this.pos);
      if (ch === 10) {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (ch === 32 || ch === 9 || ch === 13) {
        this.pos++;
      } else if (ch === 47 && src[this.pos + 1] === '/') {
        const nl = src.indexOf('\n', this.pos);
        this.pos = nl < 0 ? src.length : nl;
      } else if (ch === 47 && src[this.pos + 1] === '*') {
        const close = src.indexOf('*/', this.pos + 2);
        if (close < 0) throw new YangSyntaxError('comment is never closed', this.file, this.line);
        this.countLines(this.pos, close + 2);
        this.pos = close + 2;
      } else break;
    }
  }

  private countLines(from: number, to: number): void {
    for (let i = from; i < to; i++) {
      if (this.src.charCodeAt(i) === 10) {
        this.line++;
        this.lineStart = i + 1;
      }
    }
  }

  private singleQuoted(): string {
    const close = this.src.indexOf("'", this.pos + 1);
    if (close < 0)
      throw new YangSyntaxError('single-quoted string is never closed', this.file, this.line);
    const text = this.src.slice(this.pos + 1, close);
    this.countLines(this.pos, close);
    this.pos = close + 1;
    return text;
  }

  /**
   * RFC 7950 6.1.3: escapes \n \t \" \\; on continuation lines the indentation
   * up to the column after the opening quote is dropped, and whitespace before
   * a line break is dropped. Unknown escapes are kept as written (YANG 1.0
   * modules use `\d` in patterns inside double quotes).
   */
  private doubleQuoted(): string {
    const { src } = this;
    const quoteColumn = this.columnOf(this.pos);
    let out = '';
    let i = this.pos + 1;
    for (;;) {
      if (i >= src.length) {
        throw new YangSyntaxError('double-quoted string is never closed', this.file, this.line);
      }
      const c = src[i]!;
      if (c === '"') break;
      if (c === '\\') {
        const e = src[i + 1];
        if (e === 'n') out += '\n';
        else if (e === 't') out += '\t';
        else if (e === '"') out += '"';
        else if (e === '\\') out += '\\';
        else out += `\\${e ?? ''}`;
        i += 2;
        continue;
      }
      if (c === '\n') {
        out = out.replace(/[ \t]+$/, '') + '\n';
        this.line++;
        this.lineStart = i + 1;
        i++;
        // Drop the layout indentation of the continuation line.
        let col = 0;
        while (i < src.length && col <= quoteColumn) {
          const w = src[i];
          if (w === ' ') col++;
          else if (w === '\t') col += 8;
          else break;
          i++;
        }
        if (col > quoteColumn + 1) out += ' '.repeat(col - quoteColumn - 1);
        continue;
      }
      if (c === '\r' && src[i + 1] === '\n') {
        i++;
        continue;
      }
      out += c;
      i++;
    }
    this.pos = i + 1;
    return out;
  }

  private columnOf(pos: number): number {
    let col = 0;
    for (let i = this.lineStart; i < pos; i++) col += this.src[i] === '\t' ? 8 - (col % 8) : 1;
    return col;
  }
}

/** Parses one YANG file into its top statement (`module` or `submodule`). */
export function parseYang(text: string, file: string): YangStatement {
  const lexer = new Lexer(text, file);
  let tok = lexer.next();

  const statement = (parent: YangStatement | undefined): YangStatement => {
    if (tok.kind !== Tok.Word) {
      throw new YangSyntaxError(
        `expected a keyword, found '${tok.text || 'end of file'}'`,
        file,
        tok.line,
      );
    }
    const stmt: YangStatement = {
      keyword: tok.text,
      arg: undefined,
      line: tok.line,
      children: [],
      parent,
    };
    tok = lexer.next();
    if (tok.kind === Tok.Word) {
      stmt.arg = tok.text;
      tok = lexer.next();
    } else if (tok.kind === Tok.Quoted) {
      let arg = tok.text;
      tok = lexer.next();
      while (tok.kind === Tok.Plus) {
        tok = lexer.next();
        if (tok.kind !== Tok.Quoted) {
          throw new YangSyntaxError(`'+' must be followed by a quoted string`, file, tok.line);
        }
        arg += tok.text;
        tok = lexer.next();
      }
      stmt.arg = arg;
    }
    if (tok.kind === Tok.Semi) {
      tok = lexer.next();
      return stmt;
    }
    if (tok.kind !== Tok.Open) {
      throw new YangSyntaxError(
        `expected ';' or '{' after ${stmt.keyword}, found '${tok.text || 'end of file'}'`,
        file,
        tok.line,
      );
    }
    tok = lexer.next();
    while (tok.kind !== Tok.Close) {
      if (tok.kind === Tok.End) {
        throw new YangSyntaxError(
          `'${stmt.keyword}' on line ${stmt.line} is never closed`,
          file,
          tok.line,
        );
      }
      stmt.children.push(statement(stmt));
    }
    tok = lexer.next();
    return stmt;
  };

  const top = statement(undefined);
  if (top.keyword !== 'module' && top.keyword !== 'submodule') {
    throw new YangSyntaxError(
      `a YANG file starts with module or submodule, not ${top.keyword}`,
      file,
      top.line,
    );
  }
  if (tok.kind !== Tok.End)
    throw new YangSyntaxError(`text after the end of ${top.keyword}`, file, tok.line);
  return top;
}

/** The first substatement with this keyword. */
export function sub(stmt: YangStatement, keyword: string): YangStatement | undefined {
  for (const c of stmt.children) if (c.keyword === keyword) return c;
  return undefined;
}

/** The argument of the first substatement with this keyword. */
export function subArg(stmt: YangStatement, keyword: string): string | undefined {
  return sub(stmt, keyword)?.arg;
}
