"""black's lines: leaves, their brackets and delimiters, for `lineparse` and `linesplit`.

black's `Line` and `BracketTracker` (black 26), cut down to what the lines of generated code
need: a leaf is a token with the few facts black reads from its syntax tree (see `lineparse`),
a line tracks its brackets and delimiters as black's does when a leaf is appended.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sdkforge.emit.textwidth import width

COMMA, STRING_PRIORITY, VBAR_PRIORITY, DOT_PRIORITY = 18, 12, 9, 1
OPENING = {"(": ")", "[": "]", "{": "}"}
CLOSING = frozenset(")]}")


class CannotSplit(Exception):
    """black's CannotTransform: this transform does not apply."""


@dataclass(eq=False, slots=True)
class Leaf:
    type: str  # "name", "number", "string", or the operator or bracket itself
    value: str  # "" for an invisible parenthesis
    prefix: str  # the whitespace before it on one line
    parent: str = ""  # a bracket's: "atom", "trailer" (call, subscript), "parameters", "class"
    opening: Leaf | None = None  # a closing bracket's partner
    depth: int = 0  # black's bracket_depth, as last tracked
    unary: bool = False  # `*`, `**` unpacking; `-` of a number
    annotation: bool = False  # inside a parameter's annotation
    returns: bool = False  # in a def's return annotation
    orphan: bool = False  # black's leaf.parent is None: a comma it added, a leaf it copied
    space: str = ""  # the whitespace black's `whitespace()` gives it (its prefix at first)
    optional: bool = False  # an invisible parenthesis black put in (made visible by a split)

    def __str__(self) -> str:
        return self.prefix + self.value


@dataclass(eq=False, slots=True)
class Line:
    depth: int
    inside: bool = False  # black's inside_brackets
    leaves: list[Leaf] = field(default_factory=list)
    delimiters: dict[int, int] = field(default_factory=dict)  # id(leaf) -> priority
    invisible: list[Leaf] = field(default_factory=list)
    should_split_rhs: bool = False
    magic: bool = False  # black's magic_trailing_comma: a comma before a closing bracket
    _stack: list[Leaf] = field(default_factory=list)
    _previous: Leaf | None = None

    def append(self, leaf: Leaf, track: bool = False) -> None:
        """black's Line.append(preformatted=True): the prefix is the leaf's own."""
        if self.inside or track:
            self._mark(leaf)
            if leaf.type in CLOSING and self.leaves and self.leaves[-1].type == ",":
                self.magic = self.magic or self._magic(leaf)
        self.leaves.append(leaf)

    def _magic(self, closing: Leaf) -> bool:
        """black's has_magic_trailing_comma, the comma before `closing` known: not a tuple's
        of one item, nor a subscript's of one (a call's or a def's counts: it is an arglist's)."""
        if closing.type == "}":
            return True
        if closing.type == "]" and closing.parent != "trailer":
            return True
        if closing.type == ")" and closing.parent != "atom":
            return True
        start = next((i for i in range(len(self.leaves) - 1, -1, -1)
                      if self.leaves[i] is closing.opening), None)
        return start is None or top_commas(self.leaves, start + 1, len(self.leaves)) >= 2

    def _mark(self, leaf: Leaf) -> None:
        """black's BracketTracker.mark."""
        if not self._stack and leaf.type in CLOSING:
            return
        if leaf.type in CLOSING:
            opening = self._stack.pop()
            leaf.opening = opening
            if not leaf.value:
                self.invisible.append(leaf)
        leaf.depth = len(self._stack)
        if not self._stack:
            priority = _split_before(leaf, self._previous)
            if priority and self._previous is not None:
                self.delimiters[id(self._previous)] = priority
            elif leaf.type == ",":
                self.delimiters[id(leaf)] = COMMA
        if leaf.type in OPENING:
            self._stack.append(leaf)
            if not leaf.value:
                self.invisible.append(leaf)
        self._previous = leaf

    @property
    def is_def(self) -> bool:
        first = self.leaves[0].value if self.leaves else ""
        second = self.leaves[1].value if len(self.leaves) > 1 else ""
        return first == "def" or (first == "async" and second == "def")

    def max_priority(self, exclude: Leaf | None = None) -> int:
        return max((p for k, p in self.delimiters.items() if exclude is None or k != id(exclude)),
                   default=0)

    def count(self, priority: int) -> int:
        return sum(1 for p in self.delimiters.values() if p == priority)

    def __str__(self) -> str:
        if not self.leaves:
            return ""
        first = self.leaves[0]
        return first.prefix + "    " * self.depth + first.value + "".join(
            str(leaf) for leaf in self.leaves[1:])


def top_commas(leaves: Sequence[Leaf], start: int, end: int) -> int:
    """The commas of `leaves[start:end]` outside brackets opened there."""
    depth = commas = 0
    for leaf in leaves[start:end]:
        depth += leaf.type in OPENING
        depth -= leaf.type in CLOSING
        commas += depth == 0 and leaf.type == ","
    return commas


def _split_before(leaf: Leaf, previous: Leaf | None) -> int:
    """black's is_split_before_delimiter, for the leaves modelled."""
    if leaf.orphan and leaf.type != "string":
        return 0
    if leaf.type == "." and (previous is None or previous.type in CLOSING):
        return DOT_PRIORITY
    if leaf.type == "|":
        return VBAR_PRIORITY
    if leaf.type == "string" and previous is not None and previous.type == "string":
        return STRING_PRIORITY
    return 0


def short_enough(line: Line, limit: int, text: str | None = None) -> bool:
    text = str(line) if text is None else text
    return width(text) <= limit and "\n" not in text


def lengths(line: Line, reverse: bool = False) -> Iterator[tuple[int, Leaf, int]]:
    indexed = list(enumerate(line.leaves))
    for index, leaf in reversed(indexed) if reverse else indexed:
        yield index, leaf, len(leaf.prefix) + len(leaf.value)


# -- black's bracket_split_build_line and what it needs -----------------------------------


def succeeded_or_raise(head: Line, body: Line, tail: Line) -> None:
    tail_length = len(str(tail).strip())
    if not body.leaves:
        if tail_length == 0:
            raise CannotSplit("the same line")
        if tail_length < 3:
            raise CannotSplit("not worth it")


def build_line(leaves: list[Leaf], original: Line, opening: Leaf, component: str) -> Line:
    """black's bracket_split_build_line."""
    result = Line(original.depth)
    if component == "body":
        result.inside = True
        result.depth += 1
        if (leaves and _ensure_trailing_comma(leaves, original, opening)
                and leaves[-1].type != ","):
            leaves.append(Leaf(",", ",", "", orphan=True))
    track = inside_matching_brackets(leaves) if component == "head" else set()
    for leaf in leaves:
        result.append(leaf, id(leaf) in track)
    if component == "body" and _should_split_line(result, opening):
        result.should_split_rhs = True
    return result


def _ensure_trailing_comma(leaves: list[Leaf], original: Line, opening: Leaf) -> bool:
    if not original.is_def or opening.value != "(" or leaves[0].returns:
        return False  # not after a return annotation split at its invisible parentheses
    return not any(leaf.type == "," and not leaf.annotation for leaf in leaves)


def _should_split_line(line: Line, opening: Leaf) -> bool:
    if opening.orphan or opening.value not in "[{(":
        return False
    trailing_comma = bool(line.leaves) and line.leaves[-1].type == ","
    exclude = line.leaves[-1] if trailing_comma else None
    if not line.leaves or line.max_priority(exclude) == 0:
        return False
    return line.max_priority(exclude) == COMMA and (trailing_comma or opening.parent == "atom")


def inside_matching_brackets(leaves: Sequence[Leaf]) -> set[int]:
    """black's get_leavesinside_matching_brackets."""
    start = next((i for i, leaf in enumerate(leaves) if leaf.type in OPENING), None)
    if start is None:
        return set()
    ids: set[int] = set()
    stack: list[tuple[str, list[int]]] = []
    for leaf in leaves[start:]:
        if leaf.type in OPENING:
            stack.append((OPENING[leaf.type], [id(leaf)]))
        elif leaf.type in CLOSING:
            if stack and leaf.type == stack[-1][0]:
                _, level = stack.pop()
                level.append(id(leaf))
                ids.update(level)
            else:
                break
        elif stack:
            stack[-1][1].append(id(leaf))
    return ids


def make_visible(leaf: Leaf) -> None:
    if not leaf.value:
        leaf.value = leaf.type
