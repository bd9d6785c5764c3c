"""YANG 1.1 text -> statement tree (RFC 7950 section 6: lexical structure).

Only the lexical level lives here: tokens (comments, quoted strings with
escapes, '+' concatenation, unquoted strings, braces, semicolons) and the
generic statement grammar `keyword [argument] (";" | "{" *statement "}")`.
What a statement may contain is checked later by the compiler.

A syntax error stops the parse: everything after it would only be noise, and
a user fixes one syntax error at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .diagnostics import CompileError


@dataclass
class Stmt:
    keyword: str
    arg: Optional[str]
    line: int
    source: "Source"
    subs: list["Stmt"] = field(default_factory=list)
    parent: Optional["Stmt"] = None

    @property
    def prefix(self) -> Optional[str]:
        return self.keyword.split(":", 1)[0] if ":" in self.keyword else None

    @property
    def local(self) -> str:
        return self.keyword.split(":", 1)[1] if ":" in self.keyword else self.keyword

    def find(self, keyword: str) -> Optional["Stmt"]:
        for s in self.subs:
            if s.keyword == keyword:
                return s
        return None

    def find_all(self, keyword: str) -> list["Stmt"]:
        return [s for s in self.subs if s.keyword == keyword]

    def find_arg(self, keyword: str) -> Optional[str]:
        s = self.find(keyword)
        return s.arg if s is not None else None

    def describe(self) -> str:
        return f"{self.keyword} {self.arg}" if self.arg is not None else self.keyword


@dataclass
class Source:
    """One YANG file; `display` is the path diagnostics print."""

    display: str
    text: str
    builtin: bool = False
    # Filled by the compiler: the (sub)module this file defines.
    module: object = None

    def indent_of(self, line: int) -> int:
        lines = self.text.split("\n")
        if line - 1 >= len(lines):
            return 0
        s = lines[line - 1].expandtabs(8)
        return len(s) - len(s.lstrip(" "))

    def first_token_col(self, line: int, col: int) -> bool:
        """True when column `col` (0-based, raw) holds the line's first token."""
        lines = self.text.split("\n")
        if line - 1 >= len(lines):
            return False
        return lines[line - 1][:col].strip() == ""


# Token kinds
T_WORD = "word"  # unquoted string / keyword
T_STR = "str"  # quoted string (already concatenated)
T_LBRACE = "{"
T_RBRACE = "}"
T_SEMI = ";"
T_EOF = "eof"


@dataclass
class Token:
    kind: str
    value: str
    line: int
    col: int


class Lexer:
    def __init__(self, source: Source):
        self.src = source
        self.text = source.text
        self.pos = 0
        self.line = 1
        self.line_start = 0
        # (start line, end line, text) of quoted strings that span lines: a
        # forgotten closing quote shows up as one of these swallowing code.
        self.multiline: list[tuple[int, int, str]] = []

    def error(self, line: int, msg: str) -> CompileError:
        return CompileError(self.src.display, line, msg)

    def _advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.pos < len(self.text) and self.text[self.pos] == "\n":
                self.line += 1
                self.line_start = self.pos + 1
            self.pos += 1

    def _skip_space_and_comments(self) -> None:
        t = self.text
        while self.pos < len(t):
            c = t[self.pos]
            if c in " \t\r\n\f\v":
                self._advance()
            elif t.startswith("//", self.pos):
                while self.pos < len(t) and t[self.pos] != "\n":
                    self.pos += 1
            elif t.startswith("/*", self.pos):
                start_line = self.line
                end = t.find("*/", self.pos + 2)
                if end < 0:
                    raise self.error(start_line, "syntax error: unterminated comment")
                self._advance(end + 2 - self.pos)
            else:
                return

    def _quoted(self) -> str:
        """One quoted string starting at self.pos (the quote)."""
        t = self.text
        quote = t[self.pos]
        start_line = self.line
        start_col = self.pos - self.line_start
        self._advance()
        if quote == "'":
            end = t.find("'", self.pos)
            if end < 0:
                raise self.error(start_line, "syntax error: unterminated quoted string")
            value = t[self.pos : end]
            self._advance(end + 1 - self.pos)
            return value
        out: list[str] = []
        while True:
            if self.pos >= len(t):
                raise self.error(start_line, "syntax error: unterminated quoted string")
            c = t[self.pos]
            if c == '"':
                self._advance()
                break
            if c == "\\":
                nxt = t[self.pos + 1 : self.pos + 2]
                mapping = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
                if nxt not in mapping:
                    raise self.error(
                        self.line,
                        f"syntax error: illegal escape sequence '\\{nxt}' in quoted string",
                    )
                out.append(mapping[nxt])
                self._advance(2)
                continue
            out.append(c)
            self._advance()
        return _trim_double_quoted("".join(out), start_col)

    def next(self) -> Token:
        self._skip_space_and_comments()
        t = self.text
        if self.pos >= len(t):
            return Token(T_EOF, "", self.line, 0)
        c = t[self.pos]
        line, col = self.line, self.pos - self.line_start
        if c in "{};":
            self._advance()
            return Token(c, c, line, col)
        if c in "\"'":
            parts = [self._quoted()]
            if self.line > line:
                self.multiline.append((line, self.line, parts[0]))
            # '+' joins quoted strings: "a" + "b"
            while True:
                save = (self.pos, self.line, self.line_start)
                self._skip_space_and_comments()
                if self.pos < len(t) and t[self.pos] == "+":
                    self._advance()
                    self._skip_space_and_comments()
                    if self.pos < len(t) and t[self.pos] in "\"'":
                        parts.append(self._quoted())
                        continue
                    raise self.error(
                        self.line, "syntax error: expected a quoted string after '+'"
                    )
                self.pos, self.line, self.line_start = save
                break
            return Token(T_STR, "".join(parts), line, col)
        start = self.pos
        while self.pos < len(t):
            ch = t[self.pos]
            if ch in " \t\r\n\f\v;{}":
                break
            if ch in "\"'":
                raise self.error(
                    self.line, "syntax error: a quote character inside an unquoted string"
                )
            if t.startswith("//", self.pos) or t.startswith("/*", self.pos):
                break
            self.pos += 1
        return Token(T_WORD, t[start : self.pos], line, col)


def _trim_double_quoted(s: str, quote_col: int) -> str:
    """RFC 7950 6.1.3: trailing whitespace before a line break is removed and
    continuation lines lose leading whitespace up to the column after the
    opening quote."""
    if "\n" not in s:
        return s
    lines = s.split("\n")
    out = [lines[0].rstrip(" \t")]
    for i, ln in enumerate(lines[1:], start=1):
        expanded = ln.expandtabs(8)
        n = 0
        while n < len(expanded) and n <= quote_col and expanded[n] in " \t":
            n += 1
        rest = expanded[n:]
        out.append(rest if i == len(lines) - 1 else rest.rstrip(" \t"))
    return "\n".join(out)


@dataclass
class _Open:
    stmt: Stmt
    line: int
    indent: int


@dataclass
class _Close:
    opener: _Open
    line: int
    indent: int
    first_on_line: bool


class Parser:
    def __init__(self, source: Source):
        self.src = source
        self.lex = Lexer(source)
        self.tok = self.lex.next()
        self.closes: list[_Close] = []

    def _take(self) -> Token:
        t = self.tok
        self.tok = self.lex.next()
        return t

    def error(self, line: int, msg: str) -> CompileError:
        return CompileError(self.src.display, line, msg)

    def parse(self) -> Stmt:
        try:
            return self._parse()
        except CompileError as e:
            raise self._blame_unterminated_string(e)

    def _blame_unterminated_string(self, e: CompileError) -> CompileError:
        """A string whose closing quote is missing ends at the next quote,
        further down, and the parse fails there. When the failure is on the
        line where such a string ended and the string holds what looks like
        YANG statements, the missing quote is at the string's start."""
        for start, end, text in reversed(self.lex.multiline):
            if end != e.line and not (start < e.line <= end):
                continue
            code_like = any(
                ln.rstrip().endswith((";", "{", "}")) for ln in text.split("\n")[:-1]
            )
            if code_like:
                return self.error(start, "syntax error: unterminated quoted string")
            break
        return e

    def _parse(self) -> Stmt:
        if self.tok.kind == T_EOF:
            raise self.error(1, "syntax error: empty file, expected 'module' or 'submodule'")
        top = self._statement(None, [])
        if self.tok.kind != T_EOF:
            raise self._unbalanced(self.tok, after_end=True)
        return top

    def _statement(self, parent: Optional[Stmt], stack: list[_Open]) -> Stmt:
        kw = self._take()
        if kw.kind != T_WORD:
            if kw.kind == T_RBRACE:
                raise self._unbalanced(kw, after_end=False)
            what = "a quoted string" if kw.kind == T_STR else f"'{kw.value}'"
            raise self.error(kw.line, f"syntax error: expected a keyword, found {what}")
        if not _is_keyword(kw.value):
            raise self.error(kw.line, f"syntax error: '{kw.value}' is not a valid keyword")
        arg: Optional[str] = None
        if self.tok.kind in (T_WORD, T_STR):
            arg = self._take().value
        stmt = Stmt(kw.value, arg, kw.line, self.src, parent=parent)
        if self.tok.kind == T_SEMI:
            self._take()
            return stmt
        if self.tok.kind == T_LBRACE:
            brace = self._take()
            opener = _Open(stmt, kw.line, self.src.indent_of(kw.line))
            stack.append(opener)
            while True:
                if self.tok.kind == T_RBRACE:
                    close = self._take()
                    self.closes.append(
                        _Close(
                            opener,
                            close.line,
                            self.src.indent_of(close.line),
                            self.src.first_token_col(close.line, close.col),
                        )
                    )
                    stack.pop()
                    return stmt
                if self.tok.kind == T_EOF:
                    raise self._premature_eof(stack, brace.line)
                stmt.subs.append(self._statement(stmt, stack))
        shown = stmt.describe()
        if len(shown) > 60:
            shown = shown[:57] + "..."
        raise self.error(kw.line, f"syntax error: expected ';' or '{{' after '{shown}'")

    def _premature_eof(self, stack: list[_Open], _brace_line: int) -> CompileError:
        culprit = self._indent_mismatch()
        if culprit is not None:
            return culprit
        # No hint from indentation: blame the innermost block still open.
        opener = stack[-1]
        return self.error(
            opener.line, f"syntax error: missing '}}' to close '{opener.stmt.describe()}'"
        )

    def _unbalanced(self, tok: Token, after_end: bool) -> CompileError:
        culprit = self._indent_mismatch()
        if culprit is not None:
            return culprit
        if after_end:
            return self.error(tok.line, "syntax error: unexpected text after the end of the module")
        return self.error(tok.line, "syntax error: unexpected '}'")

    def _indent_mismatch(self) -> Optional[CompileError]:
        """The braces no longer balance: the first block whose closing brace is
        not indented like its opening line is where the brace went missing (or
        the extra one is)."""
        for c in self.closes:
            if not c.first_on_line or c.line == c.opener.line:
                continue
            if c.indent < c.opener.indent:
                return self.error(
                    c.opener.line,
                    f"syntax error: missing '}}' to close '{c.opener.stmt.describe()}'",
                )
            if c.indent > c.opener.indent:
                return self.error(c.line, "syntax error: unexpected '}'")
        return None


def _is_keyword(word: str) -> bool:
    parts = word.split(":")
    if len(parts) > 2:
        return False
    return all(_is_identifier(p) for p in parts)


def _is_identifier(s: str) -> bool:
    if not s or not (s[0].isascii() and (s[0].isalpha() or s[0] == "_")):
        return False
    return all(ch.isascii() and (ch.isalnum() or ch in "_-.") for ch in s)


def is_identifier(s: str) -> bool:
    return _is_identifier(s)


def parse_source(source: Source) -> Stmt:
    return Parser(source).parse()
