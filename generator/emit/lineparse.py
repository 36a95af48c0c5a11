"""One logical line of generated code as black's leaves, for `linesplit`.

black builds its lines from a syntax tree; the facts its line splitting reads from the tree
are few, and for the lines the built-in templates write they show on the tokens: what a
bracket belongs to (a display, a call or subscript, a `def`'s parameters, a class's bases),
whether a `*`/`**`/`-` is unary, whether a comma is inside an annotation, and where black puts
invisible parentheses (after `=` and an annotation's `:` in an assignment, after `return`,
around a return annotation). `parse` gives the line, or raises `Unmodelled` for anything
outside that set, and black formats the line instead.
"""

from __future__ import annotations

import re

from sdkforge.emit.blackline import Leaf, Line, top_commas

_TOKEN = re.compile(
    r"""(?P<space> *)(?:(?P<string>[rRbBuUfF]{0,2}(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))"""
    r"""|(?P<name>[^\W\d]\w*)|(?P<number>\d[\d_]*(?:\.\d[\d_]*)?(?![\w.]))"""
    r"""|(?P<op>->|\*\*|\.\.\.|[()\[\]{},.:=|*-]))"""
)
_KEYWORDS = frozenset(
    "and as assert async await break class continue def del elif else except finally for from "
    "global if import in is lambda nonlocal not or pass raise return try while with yield".split()
)  # soft keywords (`type`, `match`, `case`) are names here: a statement they begin is refused
# by the rule that two names never follow each other
# Escapes black leaves as they are in a double-quoted string.
_STATEMENTS = frozenset({"def", "class", "return", "raise", "async"})
_PLAIN_STRING = re.compile(r'"(?:[^"\\]|\\[\\ntr\'])*"')
_OPENING = {"(": ")", "[": "]", "{": "}"}
_CLOSING = frozenset(")]}")
_UNARY_STAR = frozenset("([{,")  # what `*` and `**` follow when they unpack
_UNARY_MINUS = frozenset("([{,=:")  # what `-` follows when it is a number's sign
_AFTER_VALUE = frozenset({"name", "number", "string", ")", "]", "}"})


class Unmodelled(Exception):
    """A line `linesplit` does not model: black must format it."""


def parse(body: str, depth: int, kind: str) -> Line:
    """`body` (a line without its indentation, `depth` levels deep) as black's line: an item of
    a bracket of `kind` ("call", "def", ...: see `spotformat`), or with no kind a statement or
    a `def`/`class` header."""
    inside = bool(kind)
    leaves = _tokens(body)
    _check(leaves, inside)
    _link(leaves)
    if not inside:
        leaves = _statement(leaves)
    if kind == "def" or (not inside and leaves[0].value in ("def", "async")):
        leaves = _parameter_annotations(leaves, 0 if inside else 1)
    line = Line(depth, inside)
    for leaf in leaves:
        leaf.space = leaf.prefix
        line.append(leaf, True)
    return line


def parse_def_tail(body: str, depth: int) -> Line:
    """The last line of a `def` header over lines, `) -> ReturnType:`, as black's tail line
    of its left-hand split (its leaves untracked, as black builds it); `) -> ReturnType: ...`
    for a stub (an overload), whose `...` black keeps on the header's line."""
    leaves = _tokens(body)
    end = -2 if leaves[-1].type == "..." else -1
    if len(leaves) < 4 - end or leaves[0].type != ")" or leaves[1].type != "->" or (
            leaves[end].type != ":" or leaves[2].type == "string"):
        raise Unmodelled("not a return annotation")
    _check(leaves, False)
    _link(leaves[1:])
    line = Line(depth)
    for leaf in leaves[:2] + _wrapped(leaves[2:end]) + leaves[end:]:
        leaf.space = leaf.prefix
        line.append(leaf)
    return line


def _tokens(body: str) -> list[Leaf]:
    leaves: list[Leaf] = []
    position = 0
    while position < len(body):
        found = _TOKEN.match(body, position)
        if found is None or found.end() == position or found.lastgroup == "space":
            raise Unmodelled(body[position:])
        kind = found.lastgroup or ""
        value = found.group(kind)
        if kind == "op":
            kind = value
        elif kind == "string" and not _PLAIN_STRING.fullmatch(value):
            raise Unmodelled(value)  # a prefix, single quotes or escapes black may rewrite
        leaves.append(Leaf(kind, value, found.group("space")))
        position = found.end()
    if not leaves:
        raise Unmodelled("empty")
    return leaves


def _check(leaves: list[Leaf], inside: bool) -> None:
    """Unary operators, and nothing black would rewrite or treat apart: keywords only as a
    statement's first (`async def`: first two), no two values side by side but strings."""
    for index, leaf in enumerate(leaves):
        keyword = leaf.type == "name" and leaf.value in _KEYWORDS
        if keyword and (inside or not (
                (index == 0 and leaf.value in _STATEMENTS)
                or (index == 1 and leaf.value == "def" and leaves[0].value == "async"))):
            raise Unmodelled(leaf.value)
        if not index:
            leaf.unary = leaf.type in ("*", "**")
            if leaf.type in (".", "-"):
                raise Unmodelled(leaf.type)
            continue
        previous = leaves[index - 1]
        if leaf.type == "..." and _ellipsis_item(leaves, index):
            leaf.type = "name"  # `Callable[..., R]`: black's three dots split and space as a name
        elif leaf.type == "..." and not (index == len(leaves) - 1 and previous.type == ":"
                                         and leaves[0].type == ")"):
            raise Unmodelled("an ellipsis but a stub's body after a def's last line or an item")
        after_value = previous.type in _AFTER_VALUE
        if leaf.type in ("*", "**", "-"):
            number = leaves[index + 1].type == "number" if index + 1 < len(leaves) else False
            if previous.type not in (_UNARY_STAR if leaf.type != "-" else _UNARY_MINUS) or (
                    leaf.type == "-" and not number):
                raise Unmodelled("an operator")
            leaf.unary = True
        elif leaf.type == "." and previous.type in (".", "number"):
            raise Unmodelled("dots")
        elif leaf.type in ("name", "number", "string") and after_value and not (
                (leaf.type == previous.type == "string" and leaf.prefix)
                or (previous.value in _STATEMENTS and index <= 2)):
            raise Unmodelled("adjacent tokens")


def _ellipsis_item(leaves: list[Leaf], index: int) -> bool:
    """Whether the `...` at `index` is an item of brackets (`Callable[..., R]`): black reads it
    as three dots, none of which is a delimiter (a dot is one only after a closing bracket),
    printed together, spaced as any value."""
    after = leaves[index + 1].type if index + 1 < len(leaves) else ""
    return leaves[index - 1].type in ("[", "(", ",") and after in (",", "]", ")")


def _link(leaves: list[Leaf]) -> None:
    """Pair the brackets, say what each belongs to, mark commas inside annotations."""
    stack: list[Leaf] = []
    annotation = False  # in a parameter's annotation
    for index, leaf in enumerate(leaves):
        if leaf.type in _OPENING:
            leaf.parent = _owner(leaves, index)
            stack.append(leaf)
        elif leaf.type in _CLOSING:
            if not stack or _OPENING[stack[-1].type] != leaf.type:
                raise Unmodelled("brackets")
            leaf.opening = stack.pop()
            leaf.parent = leaf.opening.parent
            if leaves[index - 1].type == "," and not one_tuple(leaf, leaves, index):
                raise Unmodelled("a magic trailing comma")
        depth = len(stack)
        leaf.depth = depth - (leaf.type in _OPENING)  # outside its own bracket
        if annotation and (depth < 1 or (depth == 1 and leaf.type in ",=")):
            annotation = False
        if leaf.type == ":" and depth == 1 and stack[-1].parent == "parameters":
            annotation = True
        elif annotation:
            leaf.annotation = True
    if stack:
        raise Unmodelled("brackets")


def _owner(leaves: list[Leaf], index: int) -> str:
    """What the bracket at `index` belongs to, in black's tree: "atom" for a display or
    parentheses, "trailer" for a call or subscript, "parameters", "class"."""
    bracket = leaves[index].type
    previous = leaves[index - 1] if index else None
    if bracket == "{" or previous is None or previous.type not in _AFTER_VALUE or (
            previous.type == "name" and previous.value in _KEYWORDS):
        return "atom"
    if bracket == "(" and index == 2 and previous.type == "name":
        keyword = leaves[0].value
        if keyword in ("def", "class"):
            return "parameters" if keyword == "def" else "class"
    if bracket == "(" and index == 3 and leaves[1].value == "def":
        return "parameters"
    return "trailer"


def _statement(leaves: list[Leaf]) -> list[Leaf]:
    """The statement with black's invisible parentheses put in."""
    first = leaves[0].value
    if first in ("def", "async"):
        return _def(leaves)
    if first == "class":
        if len(leaves) > 3 and leaves[2].type == "(" and leaves[3].type == ")":
            raise Unmodelled("empty class parentheses")
        return leaves
    if first == "raise":
        return leaves
    if first == "return":
        return leaves[:1] + _wrapped(leaves[1:]) if len(leaves) > 1 else leaves
    if first in _KEYWORDS:
        raise Unmodelled(first)
    return _assignment(leaves)


def _def(leaves: list[Leaf]) -> list[Leaf]:
    start = 2 if leaves[0].value == "def" else 3
    if len(leaves) <= start or leaves[start].type != "(" or leaves[-1].type != ":":
        raise Unmodelled("a def header")
    arrow = next((i for i, leaf in enumerate(leaves) if leaf.type == "->" and _top(leaves, i)),
                 None)
    if arrow is None:
        return leaves
    annotation = leaves[arrow + 1 : -1]
    if not annotation or annotation[0].type == "string":
        raise Unmodelled("a return annotation")
    for leaf in annotation:
        leaf.returns = True
    return leaves[: arrow + 1] + _wrapped(annotation) + leaves[-1:]


def _assignment(leaves: list[Leaf]) -> list[Leaf]:
    top = [i for i, leaf in enumerate(leaves) if leaf.type in "=:" and _top(leaves, i)]
    equals = [i for i in top if leaves[i].type == "="]
    colons = [i for i in top if leaves[i].type == ":"]
    if not top:
        return leaves  # an expression: a call
    if len(equals) > 1 or len(colons) > 1 or (colons and equals and colons[0] > equals[0]):
        raise Unmodelled("an assignment black sees apart")
    target = leaves[: top[0]]
    if not target or target[0].type in _OPENING or any(
            leaf.type == "," and _top(leaves, i) for i, leaf in enumerate(target)):
        raise Unmodelled("an assignment target")
    result = leaves[: top[0] + 1]
    if colons:
        end = equals[0] if equals else len(leaves)
        result += _wrapped(leaves[colons[0] + 1 : end])
        if equals:
            result.append(leaves[equals[0]])
    if equals:
        result += _wrapped(leaves[equals[0] + 1 :])
    return result


def _parameter_annotations(leaves: list[Leaf], depth: int) -> list[Leaf]:
    """black's visit_tname: a parameter's annotation in invisible parentheses when it is a
    union (`A | B`, an `expr`) or a display (an `atom`); a name, subscript or call is not."""
    result: list[Leaf] = []
    index = 0
    while index < len(leaves):
        leaf = leaves[index]
        result.append(leaf)
        index += 1
        if not (leaf.type == ":" and leaf.depth == depth and index >= 2
                and leaves[index - 2].type == "name" and (depth == 0 or leaf.annotation is False)
                and (index < 3 or leaves[index - 3].type not in ("*", "**"))):
            continue
        end = index
        while end < len(leaves) and not (
                leaves[end].depth < depth
                or (leaves[end].depth == depth and leaves[end].type in (",", "="))):
            end += 1
        annotation = leaves[index:end]
        bracketed = bool(annotation) and annotation[-1].opening is annotation[0]
        strings = len(annotation) > 1 and all(item.type == "string" for item in annotation)
        if strings or any(item.type == "|" and item.depth == depth for item in annotation) or (
                bracketed and annotation[0].type in "[{"):
            result += _wrapped(annotation)
        elif bracketed:
            raise Unmodelled("parentheses around an annotation")
        else:
            result += annotation
        index = end
    return result


def _wrapped(child: list[Leaf]) -> list[Leaf]:
    """`child` in invisible parentheses, as black's normalize_invisible_parens puts them."""
    if not child:
        raise Unmodelled("nothing after")
    if child[0].type == "(" and child[-1].opening is child[0]:
        commas = top_commas(child, 1, len(child) - 1)
        if commas == 1 and child[-2].type == ",":
            raise Unmodelled("a one-tuple")
        if commas:
            return child  # a tuple keeps its parentheses, and gets no invisible ones
        raise Unmodelled("parentheses black may keep or hide")
    opening = Leaf("(", "", child[0].prefix, "atom", optional=True)
    child[0].prefix = ""
    closing = Leaf(")", "", "", "atom", opening=opening, optional=True)
    return [opening, *child, closing]


def one_tuple(closing: Leaf, leaves: list[Leaf], index: int) -> bool:
    """Whether the `)` at `index` closes a tuple of one item (black's is_one_sequence_between
    for a display's parentheses: a call's or def's trailing comma always counts two)."""
    opening = closing.opening
    if closing.type != ")" or opening is None or opening.parent != "atom":
        return False
    start = next((i for i in range(index, -1, -1) if leaves[i] is opening), None)
    return start is not None and top_commas(leaves, start + 1, index) == 1


def _top(leaves: list[Leaf], index: int) -> bool:
    """Whether the leaf at `index` is outside every bracket (as `_link` found)."""
    return leaves[index].depth == 0
