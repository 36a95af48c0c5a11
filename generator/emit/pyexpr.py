"""Python source fragments computed from the IR: type expressions, literals, docstrings.

Nothing from a spec reaches generated code except through these functions (escaped
literals and docstrings) or through `naming` (sanitised identifiers).
"""

from __future__ import annotations

import datetime
import decimal
import functools
import math
import re
import textwrap
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import assert_never

from sdkforge.model import ir

_PRIMITIVES: dict[ir.PrimitiveKind, tuple[str, str | None]] = {
    "str": ("str", None),
    "int": ("int", None),
    "float": ("float", None),
    "bool": ("bool", None),
    "datetime": ("datetime.datetime", "datetime"),
    "date": ("datetime.date", "datetime"),
    "time": ("datetime.time", "datetime"),
    "timedelta": ("datetime.timedelta", "datetime"),
    "uuid": ("uuid.UUID", "uuid"),
    "bytes": ("bytes", None),
    "decimal": ("decimal.Decimal", "decimal"),
    "file": ("FileTypes", None),  # the runtime's upload type, imported by every resource module
}

# The builtin types a type expression may spell, which a method of that name would shadow.
SHADOWABLE_BUILTINS = frozenset({"str", "int", "float", "bool", "bytes", "list", "tuple", "dict"})
LONGEST_CHAIN = 128  # variants written as `A | B | ...`; more are `Union[...]`


@dataclass(slots=True)
class TypeWriter:
    """Writes type expressions, remembering what they need imported.

    `ref` turns a named key into the expression that names it where the code lives
    (a bare class in a model module, `_models.Name` in a resource module).
    """

    ref: Callable[[str], str]
    names: Mapping[str, str]
    lenient_enums: bool
    plain: bool = False  # no Annotated metadata: for annotations mypy reads and cast() targets
    # Value expressions (an Endpoint's `cast_to`), not annotations: pyright takes no `| None`
    # after an `Annotated[...]` there, so such a type is `Optional[...]`.
    values: bool = False
    # Builtin types a class body shadows with a method of the same name (`def list`): spelt
    # `builtins.list` so annotations after that method still name the type.
    shadowed: frozenset[str] = frozenset()
    # Types written by a name instead of spelt out (`_models.ChatModel` for a long enum),
    # by `repr` of the type: see `signatures.named_aliases`.
    named: Mapping[str, str] = field(default_factory=dict)
    # Input types (what a caller sends): a model is also taken as a plain dict, its `TypedDict`
    # by `param(key)` (None for a model without one: any mapping); `models_too` keeps the model
    # itself beside it (method arguments; inside a Param only dicts nest). Lists and maps of
    # them are `Sequence` and `Mapping`, which a list of dicts typed apart still fits.
    param: Callable[[str], str | None] | None = None
    models_too: bool = False
    modules: set[str] = field(default_factory=set)
    typing: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    abc: set[str] = field(default_factory=set)  # names from `collections.abc`
    params: set[str] = field(default_factory=set)  # keys of the models whose Param is spelt
    uses_named: bool = False  # a type was written by its name in `named` (a models alias)
    uses_lenient: bool = False
    uses_discriminator: bool = False
    uses_not_given: bool = False  # a field defaults to the runtime's NOT_GIVEN (model modules)

    @property
    def names_models(self) -> bool:
        """Whether what it wrote names the models package: a model or enum, or a models alias
        by its name (`named`)."""
        return bool(self.keys) or self.uses_named

    def _builtin(self, name: str) -> str:
        if name in self.shadowed:
            self.modules.add("builtins")
            return f"builtins.{name}"
        return name

    def expr(self, t: ir.TypeRef) -> str:
        if isinstance(t, ir.Primitive):
            text, module = _PRIMITIVES[t.kind]
            if module:
                self.modules.add(module)
            return self._builtin(text)
        if isinstance(t, ir.AnyValue):
            self.typing.add("Any")
            return "Any"
        if isinstance(t, ir.ListOf):
            if self._dicts_inside(t):
                self.abc.add("Sequence")
                return f"Sequence[{self.expr(t.item)}]"
            return f"{self._builtin('list')}[{self.expr(t.item)}]"
        if isinstance(t, ir.TupleOf):
            return f"{self._builtin('tuple')}[{', '.join(self.expr(i) for i in t.items)}]"
        if isinstance(t, ir.DictOf):
            if self._dicts_inside(t):
                self.abc.add("Mapping")
                return f"Mapping[{self._builtin('str')}, {self.expr(t.value)}]"
            return f"{self._builtin('dict')}[{self._builtin('str')}, {self.expr(t.value)}]"
        if isinstance(t, ir.Nullable):
            return self._nullable(self.expr(t.inner))
        if (self.named and isinstance(t, (ir.UnionOf, ir.LiteralOf))
                and not self._dicts_inside(t)):
            name = self.named.get(repr(t))
            if name is not None:
                self.uses_named = True
                return name
        if isinstance(t, ir.UnionOf) and t.discriminator is not None and not self.plain:
            return self._discriminated(t, t.discriminator)
        if isinstance(t, ir.UnionOf):
            return self._union(t)
        if isinstance(t, ir.ModelRef) and self.param is not None:
            return self._input(t.key)
        if isinstance(t, ir.ModelRef):
            self.keys.add(t.key)
            return self.ref(t.key)
        if isinstance(t, ir.EnumRef):
            self.keys.add(t.key)
            name = self.ref(t.key)
            if self.lenient_enums and not self.plain:
                self.typing.add("Annotated")
                self.uses_lenient = True
                return f"Annotated[{name}, LENIENT]"
            return name
        if isinstance(t, ir.LiteralOf):
            if t.values == (None,):
                return "None"
            self.typing.add("Literal")
            text = f"Literal[{', '.join(literal(v) for v in t.values)}]"
            if t.open and self.lenient_enums and not self.plain:
                self.typing.add("Annotated")
                self.uses_lenient = True
                return f"Annotated[{text}, LENIENT]"
            return text
        assert_never(t)

    def _dicts_inside(self, t: ir.TypeRef) -> bool:
        """Whether `t` holds a model that is also given as a dict (input types only)."""
        return self.param is not None and any(isinstance(i, ir.ModelRef) for i in ir.walk(t))

    def _input(self, key: str) -> str:
        """A model a caller sends: its Param (any mapping for a model without one: a
        free-form object, or one whose every field is read-only), after the
        model itself when `models_too`."""
        assert self.param is not None
        param = self.param(key)
        if param is None:
            self.abc.add("Mapping")
            self.typing.add("Any")
            param = f"Mapping[{self._builtin('str')}, Any]"
        else:
            self.params.add(key)
        if not self.models_too:
            return param
        self.keys.add(key)
        return f"{self.ref(key)} | {param}"

    def _union(self, t: ir.UnionOf) -> str:
        # The variants are written apart: when one is `Any` the union is `Any`, and what the
        # others would have imported must not be imported (it would go unused).
        variants = TypeWriter(self.ref, self.names, self.lenient_enums, self.plain, self.values,
                              shadowed=self.shadowed, named=self.named, param=self.param,
                              models_too=self.models_too)
        parts: list[str] = []
        for v in t.variants:
            text = variants.expr(v)
            if text not in parts:
                parts.append(text)
        if "Any" in parts:
            self.typing.add("Any")
            return "Any"
        self._record(variants)
        return self._chain(parts)

    def _nullable(self, inner: str) -> str:
        if inner.endswith("| None") or inner == "None" or inner == "Any":
            return inner
        if self.values and inner.startswith("Annotated["):
            self.typing.add("Optional")
            return f"Optional[{inner}]"
        return f"{inner} | None"

    def _chain(self, parts: list[str]) -> str:
        """`A | B | ...`, or `Union[A, B, ...]` for more variants than pyright parses as a chain
        of `|` (it stops at a nesting depth of about 256: GitHub's 261 webhook events)."""
        if len(parts) <= LONGEST_CHAIN:
            return " | ".join(parts)
        self.typing.add("Union")
        return f"Union[{', '.join(parts)}]"

    def _record(self, other: TypeWriter) -> None:
        """What `other` wrote needs importing here too."""
        self.modules |= other.modules
        self.typing |= other.typing
        self.keys |= other.keys
        self.abc |= other.abc
        self.params |= other.params
        self.uses_named = self.uses_named or other.uses_named
        self.uses_lenient = self.uses_lenient or other.uses_lenient
        self.uses_discriminator = self.uses_discriminator or other.uses_discriminator

    def _discriminated(self, t: ir.UnionOf, d: ir.Discriminator) -> str:
        """`Annotated[Annotated[A, _Tag("A")] | ..., discriminate("type", {"a": "A"})]`: typed as
        `A | ...`, parsed by looking at the discriminating property first."""
        self.typing.add("Annotated")
        self.uses_discriminator = True
        variants = [f"Annotated[{self.expr(v)}, _Tag({literal(self.names[v.key])})]"
                    for v in t.variants if isinstance(v, ir.ModelRef)]
        tags = "{" + ", ".join(f"{literal(value)}: {literal(self.names[key])}"
                               for value, key in d.tags) + "}"
        if d.default:  # a value no tag names is the base's own
            tags += f", {literal(self.names[d.default])}"
        return f"Annotated[{self._chain(variants)}, discriminate({literal(d.property)}, {tags})]"


def literal(value: object) -> str:
    """A Python literal for JSON data; raises ValueError for what has none."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError("no literal for a non-finite float")
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(str(k))}: {literal(v)}" for k, v in value.items()) + "}"
    raise ValueError(f"no literal for {type(value).__name__}")


def tuple_expr(items: list[str]) -> str:
    """A tuple display of expressions, written as black writes it (a trailing comma only for
    one)."""
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


@functools.lru_cache(maxsize=8192)
def _string(value: str) -> str:
    """`repr`, with the quotes black prefers, so generated code needs no reformatting for them:
    double quotes unless they need more escapes than single ones (black's
    `normalize_string_quotes` on `repr`'s output; a test compares the two)."""
    text = repr(value)
    if text[0] == '"' or value.count('"') > value.count("'"):
        # repr chose double quotes (the value has ' and no "), or they cost more escapes
        return text
    # every ' in repr's body is escaped
    return '"' + text[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'


def fits(t: ir.TypeRef, value: object, enums: Mapping[str, ir.Enum], coerce: bool = False) -> bool:
    """Whether a JSON default is a valid value of the Python type, so mypy accepts it as is.

    With `coerce`, strings that pydantic turns into dates, times, UUIDs, decimals or
    durations also fit (the field then validates its default).
    """
    if isinstance(t, ir.Nullable):
        return value is None or fits(t.inner, value, enums, coerce)
    if isinstance(t, ir.AnyValue):
        return True
    if isinstance(t, ir.Primitive):
        return _fits_primitive(t.kind, value, coerce)
    if isinstance(t, ir.LiteralOf):
        return any(type(v) is type(value) and v == value for v in t.values)
    if isinstance(t, ir.EnumRef):
        enum = enums.get(t.key)
        return enum is not None and any(type(v) is type(value) and v == value for v in enum.values)
    if isinstance(t, ir.ListOf):
        return isinstance(value, list) and all(fits(t.item, v, enums, coerce) for v in value)
    if isinstance(t, ir.DictOf):
        return (isinstance(value, dict)
                and all(fits(t.value, v, enums, coerce) for v in value.values()))
    if isinstance(t, ir.UnionOf):
        return any(fits(v, value, enums, coerce) for v in t.variants)
    return False


_ISO_DURATION = re.compile(r"-?P(?!$)(\d+(\.\d+)?[YMWD])*(T(?!$)(\d+(\.\d+)?[HMS])*)?")


def _fits_primitive(kind: ir.PrimitiveKind, value: object, coerce: bool) -> bool:
    if kind in ("str", "bool"):
        return isinstance(value, str if kind == "str" else bool)
    if isinstance(value, bool):
        return False
    if kind == "int":
        return isinstance(value, int)
    if kind == "float":
        return isinstance(value, (int, float))
    if not coerce:
        return False
    if kind == "decimal":
        return (isinstance(value, (int, float))
                or (isinstance(value, str) and _parses(decimal.Decimal, value)))
    if not isinstance(value, str):
        return False
    parsers: dict[str, Callable[[str], object]] = {
        "datetime": lambda v: datetime.datetime.fromisoformat(v.replace("Z", "+00:00")),
        "date": datetime.date.fromisoformat,
        "time": datetime.time.fromisoformat,
        "uuid": uuid.UUID,
        "timedelta": _duration,
    }
    return kind in parsers and _parses(parsers[kind], value)


def _duration(value: str) -> object:
    if not _ISO_DURATION.fullmatch(value):
        raise ValueError(f"not an ISO 8601 duration: {value!r}")
    return value


def _parses(parser: Callable[[str], object], value: str) -> bool:
    try:
        parser(value)
    except (ValueError, ArithmeticError):
        return False
    return True


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(text: str) -> str:
    """Drop control and bidi-override characters; keep newlines and tabs as spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if text.isascii():  # the common case, without a look at every character's category
        return _ASCII_CONTROL.sub("", text)
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        if ch == "\n":
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def doc_lines(text: str, width: int = 80) -> list[str]:
    """Spec prose as wrapped lines, paragraphs kept, safe inside a triple-quoted string."""
    return list(_doc_lines(text, width))


@functools.lru_cache(maxsize=4096)
def _doc_lines(text: str, width: int) -> tuple[str, ...]:
    text = _clean(text).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines: list[str] = []
    for paragraph in text.strip().split("\n\n"):
        body = " ".join(line.strip() for line in paragraph.splitlines() if line.strip())
        if lines:
            lines.append("")
        lines.extend(wrap(body, width))
    return tuple(lines)


_TEXTWRAP_ONLY = re.compile(r"[\t\n\r\x0b\x0c]")


def wrap(text: str, width: int) -> list[str]:
    """`textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)` for text
    without leading or trailing whitespace, in a fraction of the time: for ASCII text the
    greedy fill is a search for the last space that fits."""
    # textwrap itself for whitespace it rewrites first, and for long non-ASCII text (it drops
    # words made of non-ASCII spaces at line ends)
    if _TEXTWRAP_ONLY.search(text) is not None or (len(text) > width and not text.isascii()):
        return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    if len(text) <= width:
        return [text]
    lines, start, end = [], 0, len(text)
    while end - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        if cut <= start:  # the first word alone is too long: it gets a line of its own
            cut = text.find(" ", start)
            if cut < 0:
                break
        lines.append(text[start:cut].rstrip(" "))
        start = cut
        while start < end and text[start] == " ":
            start += 1
    if start < end:
        lines.append(text[start:])
    return lines


def docstring_lines(lines: list[str]) -> list[str]:
    """Docstring lines as black leaves them: a space keeps a quote at the start of the text (or
    at the end of a one-line docstring) away from the triple quotes."""
    if not lines:
        return lines
    first = (" " + lines[0]) if lines[0].startswith('"') else lines[0]
    if len(lines) == 1:
        return [first + " " if first.endswith('"') else first]
    return [first, *lines[1:]]


def docstring(text: str, indent: str, width: int = 80) -> str:
    """A complete docstring literal for the given prose ("" when there is none)."""
    lines = docstring_lines(doc_lines(text, width))
    if not lines or lines == [""]:
        return ""
    if len(lines) == 1:
        return f'"""{lines[0]}"""'
    body = "\n".join((indent + line) if line else "" for line in lines[1:])
    return f'"""{lines[0]}\n{body}\n{indent}"""'
