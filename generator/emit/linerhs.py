"""black's right-hand split, native: `linesplit`'s transform for a line outside brackets and
its last resort inside them.

black's `right_hand_split_with_omits` (the last bracket pair, or failing that an earlier one
with the trailers after it kept on the closing line, `generate_trailers_to_omit`), and
`_maybe_split_omitting_optional_parens` with `can_omit_invisible_parens` and
`_prefer_split_rhs_oop_over_rhs`: whether invisible parentheses black put in (around an
assignment's value, a return annotation...) are made visible or split past.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sdkforge.emit.blackline import (
    CLOSING,
    DOT_PRIORITY,
    OPENING,
    CannotSplit,
    Leaf,
    Line,
    build_line,
    lengths,
    make_visible,
    short_enough,
    succeeded_or_raise,
)
from sdkforge.emit.lineparse import one_tuple


@dataclass(slots=True)
class _RHS:
    head: Line
    body: Line
    tail: Line
    opening: Leaf
    closing: Leaf


def rhs(line: Line, limit: int, force_parens: bool) -> Iterator[Line]:
    """black's right_hand_split_with_omits."""
    first_lines: list[Line] | None = None
    prefix_lengths: dict[int, int] = {}
    length = 4 * line.depth
    for leaf in line.leaves:
        prefix_lengths[id(leaf)] = length
        length += len(leaf.prefix) + len(leaf.value)
    for omit in _trailers_to_omit(line, limit):
        if omit:
            target = next((leaf.opening for leaf in reversed(line.leaves)
                           if leaf.type in CLOSING and id(leaf) not in omit), None)
            if target is not None and target.value and prefix_lengths.get(id(target), 0) > limit:
                continue
        lines = list(_right_hand_split(line, limit, force_parens, omit))
        if first_lines is None and not omit:
            first_lines = lines
        if short_enough(lines[0], limit):
            yield from lines
            return
    if first_lines is not None:
        yield from first_lines
    else:
        yield from _right_hand_split(line, limit, force_parens, set())


def _right_hand_split(line: Line, limit: int, force_parens: bool,
                      omit: set[int]) -> Iterator[Line]:
    rhs = _first_right_hand_split(line, omit)
    yield from _maybe_split_omitting_optional_parens(rhs, line, limit, force_parens, omit)


def _first_right_hand_split(line: Line, omit: set[int]) -> _RHS:
    tail: list[Leaf] = []
    body: list[Leaf] = []
    head: list[Leaf] = []
    current = tail
    opening: Leaf | None = None
    closing: Leaf | None = None
    for leaf in reversed(line.leaves):
        if current is body and leaf is opening:
            current = head if body else tail
        current.append(leaf)
        if current is tail and leaf.type in CLOSING and id(leaf) not in omit:
            opening, closing = leaf.opening, leaf
            current = body
    if opening is None or closing is None or not head:
        raise CannotSplit("no brackets")
    tail.reverse()
    body.reverse()
    head.reverse()
    parts = (build_line(head, line, opening, "head"), build_line(body, line, opening, "body"),
             build_line(tail, line, opening, "tail"))
    succeeded_or_raise(*parts)
    return _RHS(*parts, opening, closing)


def _maybe_split_omitting_optional_parens(rhs: _RHS, line: Line, limit: int,
                                          force_parens: bool, omit: set[int]) -> Iterator[Line]:
    if (not force_parens and rhs.opening.type == "(" and not rhs.opening.value
            and rhs.closing.type == ")" and not rhs.closing.value
            and _can_omit_invisible_parens(rhs, limit)):
        omit = {id(rhs.closing), *omit}
        try:
            oop = _first_right_hand_split(line, omit)
            if _prefer_split_rhs_oop_over_rhs(oop, rhs, limit):
                yield from _maybe_split_omitting_optional_parens(oop, line, limit,
                                                                 force_parens, omit)
                return
        except CannotSplit as error:
            if sum(leaf.type == "=" for leaf in line.leaves) > 1:
                pass  # black's is_chained_assignment: the previous split stands
            elif not _can_be_split(rhs.body) and not short_enough(rhs.body, limit):
                raise CannotSplit("the body is still too long and cannot be split") from error
    make_visible(rhs.opening)
    make_visible(rhs.closing)
    yield from (part for part in (rhs.head, rhs.body, rhs.tail) if part.leaves)


def _prefer_split_rhs_oop_over_rhs(oop: _RHS, rhs: _RHS, limit: int) -> bool:
    head = rhs.head.leaves
    if not (len(head) >= 2 and head[-2].type == "="):
        return True
    if not any(leaf.type in OPENING or leaf.type in CLOSING for leaf in head[:-1]):
        return True
    if not short_enough(rhs.head, limit - 1):
        return True
    if rhs.head.magic:
        return True
    equals = sum(leaf.type == "=" for leaf in head)
    if equals > 1 and equals > sum(leaf.type == "=" for leaf in oop.head.leaves):
        return False
    closing_after_equals = False
    for leaf in reversed(oop.head.leaves):
        if leaf.type == "=":
            break
        if leaf.type in CLOSING:
            closing_after_equals = True
            break
    return closing_after_equals or (
        any(leaf.type == "=" for leaf in oop.head.leaves) and short_enough(oop.head, limit))


def _can_omit_invisible_parens(rhs: _RHS, limit: int) -> bool:
    """black's can_omit_invisible_parens (no comments, no multiline strings here)."""
    line = rhs.body
    if not line.delimiters:
        return True
    priority = line.max_priority()
    if line.count(priority) > 1:
        return False
    if priority == DOT_PRIORITY:
        return True
    first, second = line.leaves[0], line.leaves[1]
    if (first.type in OPENING and second.type not in CLOSING
            and _can_omit_opening_paren(line, first, limit)):
        return True
    penultimate, last = line.leaves[-2], line.leaves[-1]
    if last.type in (")", "}") or (
            last.type == "]" and not last.orphan and last.parent != "trailer"):
        if penultimate.type in OPENING:
            return False
        if _can_omit_closing_paren(line, last, limit):
            return True
    return False


def _can_omit_opening_paren(line: Line, first: Leaf, limit: int) -> bool:
    remainder = False
    length = 4 * line.depth
    for _, leaf, leaf_length in lengths(line):
        if leaf.type in CLOSING and leaf.opening is first:
            remainder = True
        if remainder:
            length += leaf_length
            if length > limit:
                return False
            if leaf.type in OPENING:
                remainder = False
    return True  # the whole line was checked and the length was not exceeded


def _can_omit_closing_paren(line: Line, last: Leaf, limit: int) -> bool:
    length = 4 * line.depth
    seen_other_brackets = False
    for _, leaf, leaf_length in lengths(line):
        length += leaf_length
        if leaf is last.opening:
            if seen_other_brackets or length <= limit:
                return True
        elif leaf.type in OPENING:
            seen_other_brackets = True
    return False


def _can_be_split(line: Line) -> bool:
    """black's can_be_split: False when the line certainly cannot be split."""
    leaves = line.leaves
    if len(leaves) < 2:
        return False
    if leaves[0].type == "string" and leaves[1].type == ".":
        calls = dots = 0
        following = leaves[-1]
        for leaf in leaves[-2::-1]:
            if leaf.type in OPENING:
                if following.type not in CLOSING:
                    return False
                calls += 1
            elif leaf.type == ".":
                dots += 1
            elif leaf.type == "name":
                if not (following.type == "." or following.type in OPENING):
                    return False
            elif leaf.type not in CLOSING:
                return False
            if dots > 1 and calls > 1:
                return False
            following = leaf
    return True


def _trailers_to_omit(line: Line, limit: int) -> Iterator[set[int]]:
    """black's generate_trailers_to_omit."""
    omit: set[int] = set()
    if not line.magic:
        yield omit
    length = 4 * line.depth
    opening: Leaf | None = None
    closing: Leaf | None = None
    inner: set[int] = set()
    for index, leaf, leaf_length in lengths(line, reverse=True):
        length += leaf_length
        if length > limit:
            break
        previous = line.leaves[index - 1] if index > 0 else None
        trailing_comma = (previous is not None and previous.type == ","
                          and not one_tuple(leaf, line.leaves, index))
        if opening is not None:
            if leaf is opening:
                opening = None
            elif leaf.type in CLOSING:
                if trailing_comma:
                    break  # never omit a bracket pair with a trailing comma
                inner.add(id(leaf))
        elif leaf.type in CLOSING:
            if previous is not None and previous.type in OPENING:
                inner.add(id(leaf))
                continue
            if closing is not None:
                omit.add(id(closing))
                omit.update(inner)
                inner.clear()
                yield omit
            if trailing_comma:
                break
            if leaf.value:
                opening, closing = leaf.opening, leaf
