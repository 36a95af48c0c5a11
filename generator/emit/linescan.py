"""The brackets and strings of generated Python, line by line, for spot formatting.

A line's brackets are followed on a stack of the ones open before it (what a too-long line is
inside decides how black splits it) in two steps: `line_effect` scans the line apart from any
stack, and `apply_effect` puts that on a stack. A line that repeats (four lines in five do,
across a big package's files) is scanned once and applied to each stack it meets.
"""

from __future__ import annotations

import re

# A one-line string literal, any prefix, escapes included.
STRING = r"""[rRbBuUfF]{0,2}(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
TOKENS = re.compile(
    r"""(?P<triple>[rRbBuUfF]{0,2}(?:\"\"\"|'''))"""
    rf"|(?P<string>{STRING})"
    r"""|(?P<comment>\#)"""
    r"""|(?P<open>[(\[{])|(?P<close>[)\]}])"""
)


class Unsure(Exception):
    """A line spot formatting does not handle: the whole file goes to black."""


def triple_end(line: str, start: int, quote: str) -> int:
    """The index just past the closing `quote` in `line` from `start`, or -1."""
    index = start
    while True:
        found = line.find(quote, index)
        if found < 0:
            return -1
        backslashes = 0
        while found - 1 - backslashes >= start and line[found - 1 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return found + len(quote)
        index = found + 1


# What following a line's brackets does to the stack of open brackets, whatever the stack was:
# the brackets it closes that it did not open (`pops`), where the ones it leaves open are,
# whether a comment ends it, and the quote of a string it leaves open.
Effect = tuple[int, tuple[int, ...], bool, str | None]


def line_effect(line: str, position: int = 0) -> Effect:
    """The effect of `line`'s brackets from `position` on (`apply_effect` puts it on a stack)."""
    opened: list[int] = []
    pops = 0
    for match in TOKENS.finditer(line, position):
        start = match.start()
        if start < position:
            continue
        group = match.lastgroup
        if group == "open":
            opened.append(start)
        elif group == "close":
            if opened:
                opened.pop()
            else:
                pops += 1
        elif group == "triple":
            quote = match.group()[-3:]
            position = triple_end(line, match.end(), quote)
            if position < 0:
                return pops, tuple(opened), False, quote
        elif group == "comment":
            return pops, tuple(opened), True, None
    return pops, tuple(opened), False, None


def apply_effect(line: str, effect: Effect,
                 stack: list[tuple[str, int]]) -> tuple[int, bool, str | None]:
    """Put a line's effect on `stack`: the lowest depth the line reaches, whether a comment
    ends it, and the quote of a string it leaves open."""
    pops, opened, comment, triple = effect
    if pops > len(stack):  # a bracket closed that nothing opened
        raise Unsure
    if pops:
        del stack[len(stack) - pops:]
    lowest = len(stack)  # a line's lowest depth is where its unmatched closes leave it
    stack.extend((line, index) for index in opened)
    return lowest, comment, triple
