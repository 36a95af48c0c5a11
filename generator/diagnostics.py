"""Located problems in a spec: collected as values, reported together."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    level: Level
    file: str
    pointer: str
    message: str
    hint: str = ""
    line: int | None = None
    column: int | None = None

    def place(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.pointer:
            where += f" at #{self.pointer}"
        return where

    def render(self) -> str:
        """One report for a terminal: control and bidi characters from the spec are shown escaped,
        so a hostile name cannot recolour, rewrite or forge lines of the output."""
        place = _printable(self.place(), keep_newlines=False)
        text = f"{self.level}: {place}: {_printable(self.message)}"
        if self.hint:
            text += f" ({_printable(self.hint)})"
        return text


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _printable(text: str, keep_newlines: bool = True) -> str:
    def escape(found: re.Match[str]) -> str:
        char = found.group()
        if keep_newlines and char == "\n":
            return char
        return f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}"

    return _UNPRINTABLE.sub(escape, text)


MAX_SHOWN = 40  # diagnostics printed for one run; the rest are counted


def rendered(items: list[Diagnostic], limit: int = MAX_SHOWN) -> list[str]:
    """The report lines of `items`: errors one by one; warnings and notes of one kind (the same
    message but for the names and numbers in it) once, with a count and where the others are;
    the first `limit` entries, then a count of the rest."""
    groups: dict[tuple[str, str], list[Diagnostic]] = {}
    for item in items:
        key = (item.level, _kind(item.message)) if item.level != "error" else ("", str(id(item)))
        groups.setdefault(key, []).append(item)
    entries = list(groups.values())
    lines: list[str] = []
    for group in entries[:limit]:
        lines.append(group[0].render())
        if len(group) > 1:
            lines.append(f"  and {len(group) - 1} more like it: {_printable(_places(group[1:]))}")
    rest = sum(len(group) for group in entries[limit:])
    if rest:
        lines.append(f"... and {rest} more")
    return lines


def _places(items: list[Diagnostic], width: int = 160) -> str:
    """Where the next few of a group are, as many as fit in about `width` characters."""
    shown: list[str] = []
    for item in items[:3]:
        place = f"#{item.pointer}" if item.pointer else item.file
        if shown and sum(len(p) + 2 for p in shown) + len(place) > width:
            break
        shown.append(place)
    return ", ".join(shown) + (", ..." if len(shown) < len(items) else "")


# What differs between two findings of one kind: quoted text, lists, numbers.
_SPECIFIC = re.compile(
    r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\{[^}]*\}|(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])"
)


def _kind(message: str) -> str:
    return _SPECIFIC.sub("…", message)


@dataclass(slots=True)
class Diagnostics:
    """A collector passed down the pipeline; stages add to it and carry on."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(
        self, level: Level, file: str, pointer: str, message: str, hint: str = ""
    ) -> None:
        self.items.append(Diagnostic(level, file, pointer, message, hint))

    def error(self, file: str, pointer: str, message: str, hint: str = "") -> None:
        self.add("error", file, pointer, message, hint)

    def warning(self, file: str, pointer: str, message: str, hint: str = "") -> None:
        self.add("warning", file, pointer, message, hint)

    def info(self, file: str, pointer: str, message: str, hint: str = "") -> None:
        self.add("info", file, pointer, message, hint)

    def failing(self, strict: bool) -> list[Diagnostic]:
        """The diagnostics that stop generation: errors, and warnings when strict."""
        levels = {"error", "warning"} if strict else {"error"}
        return [d for d in self.items if d.level in levels]



def escape_pointer_token(token: str) -> str:
    if "~" not in token and "/" not in token:  # nearly every key: a walk over a spec escapes all
        return token
    return token.replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(pointer: str, *tokens: str | int) -> str:
    for token in tokens:  # one or two, nearly always: a loop, not a generator's overhead
        pointer += "/" + escape_pointer_token(str(token))
    return pointer
