"""Black's line splitting, native, for the lines the built-in templates write.

A port of black's `linegen.transform_line` (black 26, preview features off, magic trailing
comma on, target py311) over a flat token list instead of a syntax tree: `transform_line`,
`run_transformer` with its second opinion, `right_hand_split_with_omits` and the trailers it
omits, `_maybe_split_omitting_optional_parens` with `can_omit_invisible_parens` and
`_prefer_split_rhs_oop_over_rhs`, `left_hand_split` for `def`s, `delimiter_split`, trailing
commas added, and `should_split_line`. Function names follow black's, so the two can be read
side by side.

`split` takes one logical line (a statement, a `def`/`class` header, or an item of a
bracket, whose brackets close on it) and returns its lines, or None for anything it does not
model: comments, a keyword or operator other than those of annotations, calls, displays and
assignments (`|`, `=`, `->`, `*`/`**` unpacking, unary `-`), a trailing comma before a closing
bracket (magic, or a one-tuple), strings black would normalise. The caller then asks black.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

from sdkforge.emit.blackline import (
    CLOSING,
    COMMA,
    DOT_PRIORITY,
    CannotSplit,
    Leaf,
    Line,
    build_line,
    inside_matching_brackets,
    make_visible,
    short_enough,
    succeeded_or_raise,
)
from sdkforge.emit.lineparse import Unmodelled, parse, parse_def_tail
from sdkforge.emit.linerhs import rhs


# A spec repeats its long lines (a field and its aliases in every model that has it: half the
# lines of AWS EC2's package): each is split once.
@lru_cache(maxsize=1 << 14)
def split(body: str, indent: int, kind: str, limit: int) -> str | None:
    """`body` (a line without its `indent` spaces) as black writes it, over as many lines as
    it takes; None when it holds something this port does not model. `kind`: what the bracket
    it is an item of opens (see `spotformat`), "" for a statement or a `def`/`class` header."""
    if indent % 4:
        return None
    try:
        line = parse(body, indent // 4, kind)
    except Unmodelled:
        return None
    first = transform_line(line, limit)
    if len(first) == 1:
        return str(first[0])
    # black formats twice, the second time its own output: the trailing commas it added are
    # then magic, and may make it split otherwise.
    second = transform_line(_second_pass(line, first), limit)
    return "\n".join(str(piece) for piece in second)


def _second_pass(line: Line, pieces: list[Line]) -> Line:
    """The line black reads back from its first pass: the leaves of `pieces` anew, the
    trailing commas it added among them, the parentheses it had put in invisible again."""
    again = Line(line.depth, line.inside)
    for piece in pieces:
        for leaf in piece.leaves:
            again.append(Leaf(leaf.type, "" if leaf.optional else leaf.value,
                              leaf.space if again.leaves else "", leaf.parent, unary=leaf.unary,
                              annotation=leaf.annotation, returns=leaf.returns, space=leaf.space,
                              optional=leaf.optional), True)
    return again


@lru_cache(maxsize=1 << 12)
def split_def_tail(body: str, indent: int, limit: int) -> str | None:
    """The last line of a `def` header over lines, `) -> ReturnType:` (without its `indent`),
    as black writes it; None when not modelled."""
    if indent % 4:
        return None
    try:
        line = parse_def_tail(body, indent // 4)
    except Unmodelled:
        return None
    pieces = transform_line(line, limit)
    if any(leaf.orphan for piece in pieces for leaf in piece.leaves):
        return None  # a comma black added: magic on its second pass, in the whole header
    return "\n".join(str(piece) for piece in pieces)


def transform_line(line: Line, limit: int, force_parens: bool = False) -> list[Line]:
    """black's transform_line: the line as it is when it fits, else the first transform that
    applies, each resulting line transformed again."""
    text = str(line)
    if not line.should_split_rhs and not line.magic and short_enough(line, limit, text):
        return [line]
    if line.is_def and not _should_split_funcdef_with_rhs(line):
        transforms = [_left_hand_split]
    else:
        transforms = [_delimiter_split, rhs] if line.inside else [rhs]
    for transform in transforms:
        try:
            return _run_transformer(line, transform, limit, force_parens, text)
        except CannotSplit:
            continue
    return [line]


def _run_transformer(line: Line, transform: Transform, limit: int, force_parens: bool,
                     text: str) -> list[Line]:
    optional = [bracket for bracket in line.invisible if bracket.depth == 0]
    result: list[Line] = []
    for transformed in transform(line, limit, force_parens):
        if str(transformed) == text:
            raise CannotSplit("unchanged")
        result.extend(transform_line(transformed, limit, force_parens))
    if (force_parens or transform is not rhs or not line.invisible
            or any(bracket.value for bracket in optional) or short_enough(result[0], limit)
            or any(leaf.orphan for leaf in line.leaves)):
        return result
    copy = _clone(line)
    second = _run_transformer(copy, transform, limit, True, text)
    if all(short_enough(piece, limit) for piece in second):
        return second
    return result


Transform = Callable[[Line, int, bool], Iterator[Line]]


def _clone(line: Line) -> Line:
    """black's line.clone() + append_leaves: fresh leaves in the old ones' places in the tree
    (which leaves the old ones without a parent), their whitespace worked out again."""
    copy = Line(line.depth, line.inside)
    copy.should_split_rhs = line.should_split_rhs
    for index, leaf in enumerate(line.leaves):
        fresh = Leaf(leaf.type, leaf.value, leaf.space if index else "", leaf.parent,
                     unary=leaf.unary, annotation=leaf.annotation, returns=leaf.returns,
                     orphan=leaf.orphan, space=leaf.space, optional=leaf.optional)
        leaf.orphan = True
        copy.append(fresh, True)
    return copy


def _should_split_funcdef_with_rhs(line: Line) -> bool:
    """black's should_split_funcdef_with_rhs: a magic trailing comma in the return annotation
    (one that starts with a string is not modelled)."""
    leaves: list[Leaf] = []
    inside = False
    for leaf in line.leaves:
        if leaf.type == ":":
            inside = False  # black's own way: any colon ends the annotation it collects
        if inside:
            leaves.append(leaf)
        if leaf.type == "->":
            inside = True
    annotation = Line(line.depth)
    track = inside_matching_brackets(leaves)
    for leaf in leaves:
        annotation.append(leaf, id(leaf) in track)
    return annotation.magic


def _left_hand_split(line: Line, limit: int, force_parens: bool) -> Iterator[Line]:
    """black's left_hand_split: a `def` split at its parameters' bracket."""
    head: list[Leaf] = []
    body: list[Leaf] = []
    tail: list[Leaf] = []
    current = head
    matching: Leaf | None = None
    for leaf in line.leaves:
        if current is body and leaf.type in CLOSING and leaf.opening is matching:
            current = tail if body else head
        current.append(leaf)
        if current is head and leaf.type == "(":
            matching = leaf
            current = body
    if matching is None or not tail:
        raise CannotSplit("no brackets")
    make_visible(matching)
    make_visible(tail[0])
    parts = [build_line(head, line, matching, "head"), build_line(body, line, matching, "body"),
             build_line(tail, line, matching, "tail")]
    succeeded_or_raise(*parts)
    yield from (part for part in parts if part.leaves)


def _delimiter_split(line: Line, limit: int, force_parens: bool) -> Iterator[Line]:
    """black's delimiter_split: at every delimiter of the highest priority, a trailing comma
    added after the last item when the delimiter is a comma."""
    if not line.leaves:
        raise CannotSplit("empty")
    last = line.leaves[-1]
    priority = line.max_priority(exclude=last)
    if not priority:
        raise CannotSplit("no delimiters")
    if priority == DOT_PRIORITY and line.count(priority) == 1:
        raise CannotSplit("a single attribute")
    current = Line(line.depth, line.inside)
    for leaf in line.leaves:
        if not current.leaves:
            leaf.prefix = ""  # black's dont_increase_indentation
        current.append(leaf)
        if line.delimiters.get(id(leaf)) == priority:
            yield current
            current = Line(line.depth, line.inside)
    if current.leaves:
        if priority == COMMA and current.leaves[-1].type != ",":
            current.append(Leaf(",", ",", "", orphan=True))
        yield current


