"""Lines and columns of JSON pointers, found only for the diagnostics a run prints.

Specs reach 30 MB, so nothing here runs unless a diagnostic is shown, and then once for all of
them. JSON is scanned: the members on the way to a wanted node are read, every other value is
skipped by the C JSON scanner, and the scan stops when every place is found. YAML (and JSON
the scan cannot read) is composed into PyYAML's nodes, which carry their positions. A place
is where the member's key starts (an array item's own start), as a reader looks for it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from sdkforge.diagnostics import escape_pointer_token, unescape_pointer_token

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_Trie = dict[str, "_Trie"]


def locate_many(text: str, pointers: list[str]) -> dict[str, tuple[int, int]]:
    """1-based (line, column) of the nodes at `pointers` that exist."""
    if not pointers:
        return {}
    if text.lstrip()[:1] in ("{", "["):
        offsets = _json_offsets(text, pointers)
        if offsets is not None:
            return {pointer: _line_column(text, offset) for pointer, offset in offsets.items()}
    return _yaml_places(text, pointers)


def _tokens(pointer: str) -> list[str]:
    return [unescape_pointer_token(t) for t in pointer.split("/")[1:]] if pointer else []


def _trie(pointers: list[str]) -> _Trie:
    root: _Trie = {}
    for pointer in pointers:
        node = root
        for token in _tokens(pointer):
            node = node.setdefault(token, {})
    return root


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


class _Done(Exception):
    """Every wanted place is found: the scan stops."""


class _JsonScan:
    def __init__(self, text: str, pointers: list[str]) -> None:
        self.text = text
        self.wanted = set(pointers)
        self.found: dict[str, int] = {}

    def note(self, pointer: str, offset: int) -> None:
        if pointer in self.wanted and pointer not in self.found:
            self.found[pointer] = offset
            if len(self.found) == len(self.wanted):
                raise _Done

    def skip_space(self, pos: int) -> int:
        found = _SPACE.match(self.text, pos)
        return found.end() if found else pos

    def value(self, pos: int, trie: _Trie, pointer: str) -> int:
        """Scan the value at `pos` (no leading space), descending into `trie`; its end."""
        opening = self.text[pos : pos + 1]
        if not trie or opening not in ("{", "["):
            return _DECODER.raw_decode(self.text, pos)[1]
        if opening == "{":
            return self.members(pos, trie, pointer)
        return self.items(pos, trie, pointer)

    def members(self, pos: int, trie: _Trie, pointer: str) -> int:
        text = self.text
        pos = self.skip_space(pos + 1)
        if text[pos] == "}":
            return pos + 1
        while True:
            key_start = pos
            key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
            pos = self.skip_space(pos)
            if text[pos] != ":":
                raise ValueError("expected ':'")
            pos = self.skip_space(pos + 1)
            token = escape_pointer_token(key)
            self.note(f"{pointer}/{token}", key_start)
            pos = self.skip_space(self.value(pos, trie.get(key, {}), f"{pointer}/{token}"))
            if text[pos] == "}":
                return pos + 1
            if text[pos] != ",":
                raise ValueError("expected ',' or '}'")
            pos = self.skip_space(pos + 1)

    def items(self, pos: int, trie: _Trie, pointer: str) -> int:
        text = self.text
        pos = self.skip_space(pos + 1)
        if text[pos] == "]":
            return pos + 1
        index = 0
        while True:
            self.note(f"{pointer}/{index}", pos)
            pos = self.skip_space(self.value(pos, trie.get(str(index), {}), f"{pointer}/{index}"))
            if text[pos] == "]":
                return pos + 1
            if text[pos] != ",":
                raise ValueError("expected ',' or ']'")
            pos = self.skip_space(pos + 1)
            index += 1


def _json_offsets(text: str, pointers: list[str]) -> dict[str, int] | None:
    """Character offsets of the pointers' nodes in JSON text; None when it is not JSON."""
    scan = _JsonScan(text, pointers)
    try:
        start = scan.skip_space(0)
        scan.note("", start)
        scan.value(start, _trie(pointers), "")
    except _Done:
        pass
    except (ValueError, IndexError, RecursionError):
        return None
    return scan.found


def _yaml_places(text: str, pointers: list[str]) -> dict[str, tuple[int, int]]:
    """From YAML nodes composed once (JSON is YAML too)."""
    try:
        root: yaml.Node | None = yaml.compose(text, Loader=_SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return {}
    found = {}
    for pointer in pointers:
        place = _yaml_place(root, pointer)
        if place is not None:
            found[pointer] = place
    return found


def _yaml_place(node: yaml.Node | None, pointer: str) -> tuple[int, int] | None:
    mark = node.start_mark if node is not None else None
    for token in _tokens(pointer):
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == token), None)
            node, mark = (pair[1], pair[0].start_mark) if pair else (None, None)
        elif (isinstance(node, yaml.SequenceNode) and token.isdigit()
              and int(token) < len(node.value)):
            node = node.value[int(token)]
            mark = node.start_mark
        else:
            node = None
        if node is None or mark is None:
            return None
    if mark is None:
        return None
    return mark.line + 1, mark.column + 1
