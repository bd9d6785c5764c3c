"""Diagnostics in ncsc's format: `<file>:<line>: error: <text>` on stderr."""

from __future__ import annotations

import sys
from dataclasses import dataclass


class CompileError(Exception):
    """A fault that stops the current phase (syntax errors)."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    severity: str  # "error" | "warning"
    message: str

    def render(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


class Reporter:
    """Collects diagnostics once each: the same fault reached through two
    routes (a grouping used twice, a typedef shared by two leaves) is one
    diagnostic, not two."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self._seen: set[tuple[str, int, str, str]] = set()

    def _add(self, path: str, line: int, severity: str, message: str) -> None:
        key = (path, line, severity, message)
        if key in self._seen:
            return
        self._seen.add(key)
        self.items.append(Diagnostic(path, line, severity, message))

    def error(self, path: str, line: int, message: str) -> None:
        self._add(path, line, "error", message)

    def warning(self, path: str, line: int, message: str) -> None:
        self._add(path, line, "warning", message)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def error_count(self) -> int:
        return len(self.errors)

    def flush(self) -> None:
        for d in self.items:
            print(d.render(), file=sys.stderr)
        self.items = []
