"""The width black gives a line: wide characters (CJK, most emoji) count two, combining and
control characters none.

black's own `black.strings.str_width` is the rule, but importing it imports all of black
(0.3-0.6 s, a tenth of a small spec's whole run) for any spec with a non-ASCII description.
Its width table is read here from black's installed `_width_table.py` alone, so the widths are
black's to the character, whichever black is installed.
"""

from __future__ import annotations

import importlib.util
from bisect import bisect_right
from functools import cache
from pathlib import Path


def width(text: str) -> int:
    """black's `str_width(text)`."""
    if text.isascii():
        return len(text)
    starts, table = _table()
    total = 0
    for char in text:
        point = ord(char)
        index = bisect_right(starts, point) - 1
        if index >= 0 and point <= table[index][1]:
            total += max(table[index][2], 0)
        else:
            total += 1
    return total


@cache
def _table() -> tuple[list[int], list[tuple[int, int, int]]]:
    """black's WIDTH_TABLE, (first code point, last, width) sorted, and its first points."""
    table = _black_table()
    return [start for start, _, _ in table], table


def _black_table() -> list[tuple[int, int, int]]:
    found = importlib.util.find_spec("black")  # finds, does not import, a top-level package
    folders = found.submodule_search_locations if found is not None else None
    source = Path(next(iter(folders or [""]), "")) / "_width_table.py"
    if source.is_file():
        namespace: dict[str, object] = {}
        exec(compile(source.read_text(encoding="utf-8"), str(source), "exec"), namespace)
        table = namespace.get("WIDTH_TABLE")
        if isinstance(table, list):
            return sorted(table)
    from black._width_table import WIDTH_TABLE  # a black laid out otherwise: import it

    return sorted(WIDTH_TABLE)
