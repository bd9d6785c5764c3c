"""YANG 1.1 text -> statement tree (RFC 7950 section 6: lexical structure).

Only the lexical level lives here: tokens (comments, quoted strings with
escapes, '+' concatenation, unquoted strings, braces, semicolons) and the
generic statement grammar `keyword [argument] (";" | "{" *statement "}")`.
What a statement may contain is checked later by the compiler.

A syntax error stops the parse: everything after it would only be noise, and
a user fixes one syntax error at a time.
"""

from __future__ import annotations

import re
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

    _lines: Optional[list[str]] = None

    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def indent_of(self, line: int) -> int:
        lines = self.lines()
        if line - 1 >= len(lines):
            return 0
        s = lines[line - 1].expandtabs(8)
        return len(s) - len(s.lstrip(" "))

    def first_token_col(self, line: int, col: int) -> bool:
        """True when column `col` (0-based, raw) holds the line's first token."""
        lines = self.lines()
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

    def _move_to(self, newpos: int) -> None:
        t = self.text
        nl = t.count("\n", self.pos, newpos)
        if nl:
            self.line += nl
            self.line_start = t.rfind("\n", self.pos, newpos) + 1
        self.pos = newpos

    def _skip_space_and_comments(self) -> None:
        m = _SPACE_RE.match(self.text, self.pos)
        if m is not None and m.end() > self.pos:
            self._move_to(m.end())
        if self.text.startswith("/*", self.pos):
            raise self.error(self.line, "syntax error: unterminated comment")

    def _quoted(self) -> str:
        """One quoted string starting at self.pos (the quote)."""
        t = self.text
        quote = t[self.pos]
        start_line = self.line
        start_col = self.pos - self.line_start
        if quote == "'":
            end = t.find("'", self.pos + 1)
            if end < 0:
                raise self.error(start_line, "syntax error: unterminated quoted string")
            value = t[self.pos + 1 : end]
            self._move_to(end + 1)
            return value
        m = _DQUOTE_RE.match(t, self.pos)
        if m is None:
            raise self.error(start_line, "syntax error: unterminated quoted string")
        body = m.group(1)
        if "\\" in body:
            # \n \t \" \\ are the escapes; any other backslash stays as
            # written (YANG 1.0 modules often hold patterns like "\d+").
            body = _ESCAPE_RE.sub(lambda e: _ESCAPES.get(e.group(1), e.group(0)), body)
        self._move_to(m.end())
        return _trim_double_quoted(body, start_col)

    def next(self) -> Token:
        self._skip_space_and_comments()
        t = self.text
        if self.pos >= len(t):
            return Token(T_EOF, "", self.line, 0)
        c = t[self.pos]
        line, col = self.line, self.pos - self.line_start
        if c in "{};":
            self.pos += 1
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
                    self.pos += 1
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
        m = _WORD_RE.match(t, self.pos)
        if m is None:
            # Only a lone '*/' or a quote can get here.
            raise self.error(line, f"syntax error: unexpected '{t[self.pos:self.pos + 2]}'")
        self.pos = m.end()
        if self.pos < len(t) and t[self.pos] in "\"'":
            raise self.error(self.line, "syntax error: a quote character inside an unquoted string")
        return Token(T_WORD, m.group(0), line, col)


_SPACE_RE = re.compile(r"(?:[ \t\r\n\f\v]+|//[^\n]*|/\*.*?\*/)*", re.S)
_DQUOTE_RE = re.compile(r'"((?:[^"\\]|\\.)*)"', re.S)
_ESCAPE_RE = re.compile(r"\\(.)", re.S)
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
# RFC 7950 6.1.3: no whitespace, quotes, ';', braces or comment sequences.
_WORD_RE = re.compile(r"(?:[^\s;{}\"'/*]|/(?![/*])|\*(?!/))+")


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


_IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")
_KEYWORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?\Z")


def _is_keyword(word: str) -> bool:
    return _KEYWORD_RE.match(word) is not None


def _is_identifier(s: str) -> bool:
    return _IDENTIFIER_RE.match(s) is not None


def is_identifier(s: str) -> bool:
    return _is_identifier(s)


def parse_source(source: Source) -> Stmt:
    return Parser(source).parse()
