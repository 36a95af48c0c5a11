"""Black's output for generated files without black reading whole files.

The templates write code the way black does. What they cannot know in advance is which
lines the spec's names make too long, so black would change only those lines. `spot_format`
finds them and splits each one as black would: natively (`linesplit`, a port of black's line
splitting, for the forms generated code has: assignments, annotated fields, calls, `def` and
`class` headers, the last line of a `def` header over lines, items of a bracket), else by
handing it to black as a small snippet in the same bracket context and at the same width
(black measures every line with its indentation, so a line at depth d formats as it would at
depth 1 with the width reduced by the difference), and splices the result back. A long
`def`/`class`/`if`/`for`/`while`/`with` header black gets with a `pass` body, the whole header
when it spans lines and its last line is the long one. It returns None for anything it is not
sure of, and the caller runs black on the whole file: a long line with a comment, in a
docstring, a decorator, a line whose brackets are not balanced on it (other than a header's
last), an item of a bracket whose kind it does not know. Tests hold its output byte-identical
to black's for every file of the real specs, and the lines of the built-in templates on them
to no black at all (`black_lines` counts the snippets).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from sdkforge.emit.linescan import (
    STRING,
    Effect,
    Unsure,
    apply_effect,
    line_effect,
    triple_end,
)
from sdkforge.emit.linesplit import split, split_def_tail
from sdkforge.emit.textwidth import width as text_width

if TYPE_CHECKING:
    import black

# Snippets that put one item line at depth 1 inside a bracket of each kind. A second item
# after it keeps the bracket multi-element, so its trailing comma stays magic, as in the file.
_WRAPPERS = {
    "call": ("_(\n", "    _,\n)\n"),
    "def": ("def _(\n", "    _,\n):\n    pass\n"),
    "subscript": ("_[\n", "    _,\n]\n"),
    "list": ("_ = [\n", "    _,\n]\n"),
    "tuple": ("_ = (\n", "    _,\n)\n"),
    "dict": ("_ = {\n", "    _: _,\n}\n"),
    "set": ("_ = {\n", "    _,\n}\n"),
}
_KEYWORDS = frozenset(
    "and as assert async await del elif else except for from if import in is lambda not or "
    "raise return while with yield".split()
)
# Statements black formats differently at the head of a block, or that open one.
_COMPOUND = re.compile(
    r"(?:async\s+)?(?:def|class|if|elif|else|for|while|with|try|except|finally|match|case)\b|@"
)
_LONE_STRING = re.compile(rf"{STRING},?")
# Compound statements whose header black formats alone, given a body: the header is handed to
# black as a snippet with `pass` for a body, and its lines are spliced back.
_HEADER = re.compile(r"(?:async\s+)?(?:def|class|if|for|while|with)\b")
_BODY = "    pass\n"
_DEF = re.compile(r"(?:async\s+)?def\b")
_UNSURE_MARKS = ("#", '"' * 3, "'" * 3)  # in a header over lines: left to black


def _too_wide(line: str, width: int) -> bool:
    """Whether black counts the line as longer than `width`."""
    return len(line) > width if line.isascii() else text_width(line) > width


def _opener_kind(before: str, bracket: str) -> str:
    """What a bracket opens, from the text before it on its line (looking back a word or two,
    never scanning the whole line: lines can be long and hold many brackets)."""
    if bracket == "{":
        return "dict"
    stripped = before.rstrip()
    word, start = _trailing_word(stripped)
    if bracket == "(" and word and start < len(stripped):
        keyword = stripped[:start]
        if keyword != keyword.rstrip():
            keyword = keyword.rstrip()
            if keyword.endswith(("def", "class")):
                name = "def" if keyword.endswith("def") else "class"
                if _trailing_word(keyword)[0] == name:
                    return name
    if word == "import":
        return "import"
    adjacent = before[-1:] if before else ""
    trailer = adjacent != "" and (adjacent in ")]" or adjacent.isalnum() or adjacent == "_"
                                  or ord(adjacent) > 127)
    if trailer and word not in _KEYWORDS:
        return "call" if bracket == "(" else "subscript"
    return "tuple" if bracket == "(" else "list"


def _kind_at(opener: tuple[str, int] | None) -> str:
    """What the bracket at `opener` (line, index) opens; "" outside brackets (a statement)."""
    if opener is None:
        return ""
    line, index = opener
    return _opener_kind(line[:index], line[index])


def _trailing_word(text: str) -> tuple[str, int]:
    """The run of identifier characters `text` ends with, and where it starts."""
    start = len(text)
    while start and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return text[start:], start


class SpotFormatter:
    """Formats the files of one run; black's answers for snippets are kept for the run, as names
    repeat from file to file."""

    def __init__(self, mode: black.Mode | Callable[[], black.Mode], width: int = 0):
        """`mode`, or a function making it when a line needs black, with `width` its width."""
        self._make = mode if callable(mode) else None
        self._mode: black.Mode | None = None if callable(mode) else mode
        self.width = width or (self._mode.line_length if self._mode is not None else 0)
        assert self.width, "a mode made on demand needs its width"
        self._snippets: dict[tuple[str, int], str | None] = {}  # None: black refused the snippet
        self._effects: dict[str, Effect] = {}  # each line's `line_effect`, for the run
        # The snippets to format, when collecting.
        self._wanted: dict[tuple[str, int], tuple[str, str]] | None = None
        self._deferred = False
        self.black_lines = 0  # lines handed to black as snippets (the same snippet counts once)

    @property
    def mode(self) -> black.Mode:
        if self._mode is None:
            assert self._make is not None
            self._mode = self._make()
        return self._mode

    def format(self, text: str) -> str | None:
        """The text black would produce, or None when unsure."""
        try:
            return self._format(text)
        except Unsure:
            return None

    def format_all(self, texts: dict[str, str], workers: int = 1) -> dict[str, str | None]:
        """`format` for many files, black's snippets formatted on `workers` processes at once:
        a first pass collects the snippets, a second formats the files that wanted them."""
        self._wanted = {}
        results: dict[str, str | None] = {}
        waiting = []
        try:
            for path, text in texts.items():
                self._deferred = False
                result = self.format(text)
                if self._deferred:
                    waiting.append(path)
                else:
                    results[path] = result
            wanted = self._wanted
        finally:
            self._wanted = None
        keys = list(wanted)
        jobs = [(snippet, self.width - shift, *wanted[snippet, shift])
                for snippet, shift in keys]
        if workers > 1 and len(jobs) >= _POOL_FROM:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                inner = list(pool.map(_snippet, [self.mode] * len(jobs), jobs, chunksize=8))
        else:
            inner = [_snippet(self.mode, job) for job in jobs]
        self._snippets.update(zip(keys, inner, strict=True))
        for path in waiting:
            results[path] = self.format(texts[path])
        return results

    def _format(self, text: str) -> str:
        width = self.width
        lines = text.split("\n")
        short = text.isascii() and max(map(len, lines)) <= width
        if short or not any(_too_wide(line, width) for line in lines):
            return text  # black splits only too-long lines (the templates see to the rest)
        # The brackets open at this point, as (line, index): what one opens is worked out only
        # when a long line inside it needs to know.
        stack: list[tuple[str, int]] = []
        effects = self._effects
        triple: str | None = None  # the quote of a string that spans lines
        changed = False
        statement = last_changed = -1  # where the statement at hand starts; the last line changed
        dropped: set[int] = set()  # lines merged into the one before them
        for number, line in enumerate(lines):
            in_string = triple is not None
            depth = len(stack)
            if not depth and not in_string:
                statement = number
            opener = stack[-1] if stack else None
            position = 0
            if triple is not None:
                position = triple_end(line, 0, triple)
                if position < 0:
                    continue
            effect: Effect | None
            if position:  # the rest of a line after a string it closes
                effect = line_effect(line, position)
            else:  # lines repeat from file to file (4 in 5 on EC2): each is scanned once
                effect = effects.get(line)
                if effect is None:
                    effect = effects[line] = line_effect(line)
            lowest, comment, triple = apply_effect(line, effect, stack)
            if (len(line) <= width and line.isascii()) or not _too_wide(line, width):
                continue
            if in_string or triple is not None or '"""' in line or "'''" in line:
                if _docstring_text(line, in_string, triple is not None):
                    continue  # black leaves long lines of docstrings as they are
                raise Unsure
            if comment or len(stack) > depth or (lowest < depth and stack):
                raise Unsure
            if lowest < depth:  # the last line of a header that spans lines
                tail = self._def_tail(lines[statement : number + 1])
                if tail is not None:
                    lines[number] = tail
                elif statement <= last_changed:
                    raise Unsure
                else:
                    lines[statement] = self._long_header(lines[statement : number + 1])
                    dropped.update(range(statement + 1, number + 1))
            elif depth and _LONE_STRING.fullmatch(line.strip()):
                continue  # an item that is one string: black cannot split it either
            else:
                lines[number] = self._spot(line, _kind_at(opener))
            changed, last_changed = True, number
        if triple is not None or stack:
            raise Unsure
        if dropped:
            lines = [line for number, line in enumerate(lines) if number not in dropped]
        return "\n".join(lines) if changed else text

    def _def_tail(self, lines: list[str]) -> str | None:
        """The last line of a `def` header over lines, `) -> ReturnType:`, as black writes it
        (natively), or None. Black splits such a header at its parameters' brackets first, so
        the lines before come out as they are, each parameter split on its own."""
        first = lines[0].lstrip(" ")
        indent = len(lines[0]) - len(first)
        last = lines[-1]
        if (not _DEF.match(first) or last[:indent].strip() or not last[indent:].startswith(")")
                or any(mark in line for line in lines[:-1] for mark in _UNSURE_MARKS)):
            return None
        return split_def_tail(last[indent:], indent, self.width)

    def _long_header(self, lines: list[str]) -> str:
        """A compound statement's header over several lines, the last too long, as black writes
        it (given whole to black as a snippet)."""
        first = lines[0].lstrip(" ")
        indent = len(lines[0]) - len(first)
        stub = _DEF.match(first) is not None and lines[-1].endswith(": ...")  # an overload
        if (not _HEADER.match(first) or (not lines[-1].endswith(":") and not stub)
                or any(not line.startswith(" " * indent) for line in lines)
                or any(mark in line for line in lines[:-1] for mark in _UNSURE_MARKS)):
            raise Unsure
        header = "\n".join(line[indent:] for line in lines)
        body = "" if stub else _BODY  # black keeps a stub's `...` on the header's last line
        return self._black(header + "\n" + body, indent, indent, "", body)

    def _spot(self, line: str, kind: str) -> str:
        """A too-long line whose brackets close on it, as black splits it."""
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        native = _native(body, " " * indent, kind, self.width)
        if native is None and (not kind or (kind in _WRAPPERS and body.endswith(","))):
            native = split(body, indent, kind, self.width)
        if native is not None:
            return native
        if not kind:  # a statement
            if _HEADER.match(body) and body.endswith(":"):
                return self._black(body + "\n" + _BODY, indent, indent, "", _BODY)
            if _COMPOUND.match(body) or body.rstrip().endswith(":"):
                raise Unsure
            return self._black(body + "\n", indent, indent, "", "")
        if kind not in _WRAPPERS or not body.rstrip().endswith(",") or indent < 4:
            raise Unsure
        if kind == "dict" and not _is_dict_item(body):
            kind = "set"
        head, tail = _WRAPPERS[kind]
        return self._black(head + "    " + body + "\n" + tail, indent - 4, indent - 4, head, tail)

    def _black(self, snippet: str, shift: int, indent: int, head: str, tail: str) -> str:
        key = (snippet, shift)
        if key not in self._snippets and (self._wanted is None or key not in self._wanted):
            self.black_lines += 1
        if key not in self._snippets:
            if self._wanted is not None:  # collecting: format it later, with the others
                self._wanted[key] = (head, tail)
                self._deferred = True
                return ""
            job = (snippet, self.width - shift, head, tail)
            self._snippets[key] = _snippet(self.mode, job)
        found = self._snippets[key]
        if found is None:
            raise Unsure
        pad = " " * indent
        return "\n".join(pad + piece if piece else piece for piece in found.split("\n"))


_POOL_FROM = 48  # snippets; fewer are formatted faster than a second process starts


def _snippet(mode: black.Mode, job: tuple[str, int, str, str]) -> str | None:
    """Black's lines for the item between `head` and `tail` of a snippet, or None."""
    import black

    snippet, width, head, tail = job
    try:
        formatted = black.format_str(snippet, mode=replace(mode, line_length=width))
    except Exception:  # black.InvalidInput: the whole file's error is clearer
        return None
    if not (formatted.startswith(head) and formatted.endswith(tail)):
        return None
    inner = formatted[len(head) : len(formatted) - len(tail)]
    return inner[:-1] if inner.endswith("\n") else inner


# The commonest long lines of generated code, split here the way black splits them (tests
# compare with black on whole real specs); anything else goes to black as a snippet.
_IMPORT = re.compile(r"from (\.*[\w.]*) import ([\w, ]+)")
_IMPORTED = re.compile(r"\w+(?: as \w+)?")
# `x: T = f(...)` (a field's `Field(...)`, a client's `resource(...)`, `x = f(a.b)`): the head,
# up to the call's bracket (an annotation holds no string, `=` or comment), and the arguments.
_ASSIGN_CALL = re.compile(r"((?:\w+\.)*\w+(?:: [^=#\"']+)? = (?:\w+\.)*\w+\()(.*)\)")
_DICT_ARG = re.compile(r"(\w+)=\{(.*)\},")
_ENTRY = re.compile(rf"(?:{STRING}|[\w.]+): (?:{STRING}|[\w.]+)")
_STRING_PAIR = re.compile(rf"{STRING}: {STRING},")


def _native(body: str, pad: str, kind: str, width: int) -> str | None:
    """`body` (a line without its indentation `pad`) split as black splits it, or None."""
    if not kind:
        found = _IMPORT.fullmatch(body)
        if found is not None:  # black always explodes a long `from ... import`
            names = [name.strip() for name in found.group(2).split(",")]
            if all(_IMPORTED.fullmatch(name) for name in names):
                inner = "".join(f"{pad}    {name},\n" for name in names)
                return f"{pad}from {found.group(1)} import (\n{inner}{pad})"
            return None
        found = _ASSIGN_CALL.fullmatch(body)
        if found is not None:
            return _assigned_call(pad + found.group(1), found.group(2), pad, width)
        return None
    if kind == "call":
        found = _DICT_ARG.fullmatch(body)
        if found is not None:  # `name={...},`: black explodes a dict display one entry a line
            entries = _split_entries(found.group(2))
            if entries is None or not all(_ENTRY.fullmatch(e) for e in entries):
                return None
            lines = [f"{pad}    {e}," if len(entries) > 1 else f"{pad}    {e}" for e in entries]
            if not all(text_width(item) <= width for item in lines):
                return None
            return f"{pad}{found.group(1)}={{\n" + "\n".join(lines) + f"\n{pad}}},"
    if kind == "dict" and _STRING_PAIR.fullmatch(body):
        return pad + body  # two strings: nothing black can split
    return None


def _assigned_call(head: str, arguments: str, pad: str, width: int) -> str | None:
    """`x: T = f(a, b)` whose head (up to the call's bracket) fits: its arguments on one line
    of their own when they fit there (black hugs a lone argument so too), else one a line with
    a trailing comma, as black splits it; None for anything else (arguments with brackets, a
    trailing comma, a line too long)."""
    entries = _split_entries(arguments)
    if entries is None or text_width(head) > width:
        return None
    inner = f"{pad}    {arguments}"
    if text_width(inner) <= width:
        return f"{head}\n{inner}\n{pad})"
    lines = [f"{pad}    {entry}," for entry in entries]
    if len(entries) < 2 or not all(text_width(line) <= width for line in lines):
        return None  # black would split an argument further, or wrap the call in parentheses
    return f"{head}\n" + "\n".join(lines) + f"\n{pad})"


def _split_entries(text: str) -> list[str] | None:
    """`text` split at its commas outside strings; None when it holds brackets."""
    entries, start = [], 0
    for token, position, _ in _outside_strings(text):
        if token == ",":
            entries.append(text[start:position].strip())
            start = position + 1
        elif token in "()[]{}":
            return None
    entries.append(text[start:].strip())
    return entries if all(entries) else None


def _docstring_text(line: str, starts_inside: bool, ends_inside: bool) -> bool:
    """Whether a line holds only text of a triple-quoted string, its quotes included."""
    text = line.strip()
    quotes = ('"""', "'''")
    if not starts_inside and not text.startswith(quotes):
        return False
    return ends_inside or text.endswith(quotes)


def _is_dict_item(body: str) -> bool:
    """Whether an item of a `{...}` is a `key: value` pair (a `:` outside brackets and strings)."""
    return (body.startswith("**")
            or any(token == ":" and depth == 0 for token, _, depth in _outside_strings(body)))


_PUNCTUATION = re.compile(rf"{STRING}|[()\[\]{{}},:]")


def _outside_strings(text: str) -> Iterator[tuple[str, int, int]]:
    """Brackets, commas and colons outside string literals: each with its position and the
    bracket depth before it."""
    depth = 0
    for match in _PUNCTUATION.finditer(text):
        token = match.group()
        if len(token) != 1:
            continue  # a string literal
        if token in ")]}":
            depth -= 1
        yield token, match.start(), depth
        if token in "([{":
            depth += 1
