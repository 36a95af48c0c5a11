"""What failed, and where: validator errors down to the one rule at the deepest node.

openapi-spec-validator reports a bad Parameter Object of a 3.0 spec as "is not valid under any
of the schemas listed in the 'oneOf' keyword" at the parameter, because the meta-schema says
"a Parameter or a Reference", and a Parameter is one of four locations. The rule that failed
is inside: `in` is none of path, query, header, cookie. Here every error, from jsonschema
(Python) or jsonschema-rs (the meta-schema check of the whole document), becomes a `Failure`,
and a failed `oneOf`/`anyOf` is replaced by the failures of the alternative the node was most
likely meant to be (`leaves`): the one that did not fail on a tag (an `enum` or `const` of one
of its keys, the node's type, a missing `$ref`), then the one that got deepest into the node,
then the one with the fewest failures. When every alternative fails on the same tag, the
failure is that tag with every value it could have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from sdkforge.diagnostics import join_pointer, unescape_pointer_token
from sdkforge.read.resolve import ABSENT, Location, Resolved, child

# The keyword of an error that holds every failure of one check in its `context`.
EVERY = "sdkforge:every"
_ALTERNATIVES = ("oneOf", "anyOf")
_TAGS = ("enum", "const")
_UNEXPECTED = re.compile(r"""\((.*) (?:was|were) unexpected\)""")
_QUOTED = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""")


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed rule: where (tokens from the checked document's root), which keyword, the
    value found, what the rule expected (types, values, missing or unexpected keys, a format,
    a limit), the keys the meta-schema allows there, the validator's own words, and for a
    failed `oneOf`/`anyOf` the failures of each alternative."""

    path: tuple[str, ...]
    keyword: str
    instance: Any = None
    expected: tuple[Any, ...] = ()
    allowed: tuple[str, ...] = ()
    text: str = ""
    branches: tuple[tuple[Failure, ...], ...] = field(default=())
    types: tuple[str, ...] = ()  # for an `enum` merged from alternatives: the types they allow


def leaves(failure: Failure) -> list[Failure]:
    """The failures a person should read for `failure`: itself, or those of the alternative
    it was meant to be (see the module's docstring)."""
    if failure.keyword == EVERY:
        return [leaf for branch in failure.branches for f in branch for leaf in leaves(f)]
    if failure.keyword not in _ALTERNATIVES or not failure.branches:
        return [failure]
    branches = [[leaf for f in branch for leaf in leaves(f)] for branch in failure.branches]
    branches = [b for b in branches if b] or [[failure]]
    merged = _common_tag(branches)
    if merged is not None:
        return [merged]
    base = len(failure.path)
    return max(branches, key=lambda b: (-_tag_count(b, base), max(len(f.path) for f in b),
                                        -len(b)))


def _is_tag(failure: Failure, base: int) -> bool:
    if failure.keyword in _TAGS:
        return len(failure.path) <= base + 1
    if failure.keyword == "type":
        return len(failure.path) == base
    return failure.keyword == "required" and "$ref" in failure.expected


def _tag_count(branch: list[Failure], base: int) -> int:
    return sum(1 for f in branch if _is_tag(f, base))


def _common_tag(branches: list[list[Failure]]) -> Failure | None:
    """When every alternative fails an `enum`, `const` or `type` at one place: that place,
    with everything any of them allowed."""
    tags = [[f for f in b if f.keyword in (*_TAGS, "type")] for b in branches]
    if len(branches) < 2 or not all(tags):
        return None
    path = next((f.path for f in tags[0] if all(any(g.path == f.path for g in t) for t in tags)),
                None)
    if path is None:
        return None
    values: list[Any] = []
    types: list[Any] = []
    for t in tags:
        for f in t:
            if f.path != path:
                continue
            target = types if f.keyword == "type" else values
            target.extend(v for v in f.expected if not any(_same(v, seen) for seen in target))
    first = next(f for f in tags[0] if f.path == path)
    if not values:
        return Failure(path, "type", first.instance, tuple(types))
    return Failure(path, "enum", first.instance, tuple(values), types=tuple(map(str, types)))


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


# ---------------------------------------------------------------- from jsonschema (Python)
def from_python(error: Any, base: tuple[str, ...] = ()) -> Failure:
    """A jsonschema ValidationError, its path taken relative to `base`."""
    path = base + tuple(str(p) for p in getattr(error, "relative_path", ()))
    keyword = str(getattr(error, "validator", "") or "")
    value = getattr(error, "validator_value", None)
    instance = getattr(error, "instance", None)
    schema = getattr(error, "schema", None)
    schema = schema if isinstance(schema, Mapping) else {}
    properties = schema.get("properties")
    allowed = tuple(properties) if isinstance(properties, Mapping) else ()
    expected: tuple[Any, ...] = ()
    if keyword == "type":
        expected = tuple(value) if isinstance(value, list) else (value,)
    elif keyword == "enum" and isinstance(value, list):
        expected = tuple(value)
    elif keyword == "required" and isinstance(value, list) and isinstance(instance, Mapping):
        expected = tuple(p for p in value if p not in instance)
    elif keyword in ("additionalProperties", "unevaluatedProperties"):
        expected = tuple(_unexpected(str(getattr(error, "message", ""))))
    elif keyword not in _ALTERNATIVES and keyword not in ("not", "if", "then", "else"):
        expected = (value,)
    branches: dict[Any, list[Failure]] = {}
    for inner in getattr(error, "context", None) or ():
        where = list(getattr(inner, "relative_schema_path", ()))
        branches.setdefault(where[0] if where else 0, []).append(from_python(inner, path))
    return Failure(path, keyword, instance, expected, allowed,
                   str(getattr(error, "message", "")),
                   tuple(tuple(b) for b in branches.values()))


def _unexpected(message: str) -> list[str]:
    found = _UNEXPECTED.search(message)
    if not found:
        return []
    return [a or b for a, b in _QUOTED.findall(found.group(1))]


# ---------------------------------------------------------------- from jsonschema-rs
def from_rust(error: Any, meta_schema: Mapping[str, Any] | None = None) -> Failure:
    """A jsonschema-rs ValidationError of the whole document against `meta_schema`."""
    kind = error.kind
    keyword = str(kind.name)
    expected: tuple[Any, ...] = ()
    for attribute in ("types", "options", "unexpected"):
        if isinstance(getattr(kind, attribute, None), list):
            expected = tuple(getattr(kind, attribute))
    for attribute in ("expected_value", "property", "format", "limit", "pattern", "schema"):
        if hasattr(kind, attribute) and not expected:
            expected = (getattr(kind, attribute),)
    if keyword == "propertyNames":  # the key that broke the rule
        expected = (getattr(getattr(kind, "error", None), "instance", None),)
    context = getattr(kind, "context", None) or []
    branches = tuple(tuple(from_rust(e, meta_schema) for e in branch) for branch in context)
    return Failure(
        tuple(str(p) for p in error.instance_path), keyword, error.instance, expected,
        _allowed(meta_schema, getattr(error, "absolute_keyword_location", None)),
        str(getattr(error, "message", "")), branches,
    )


def _allowed(meta_schema: Mapping[str, Any] | None, location: str | None) -> tuple[str, ...]:
    """The `properties` of the meta-schema object that holds the failed keyword."""
    if meta_schema is None or not location or "#" not in location:
        return ()
    node: Any = meta_schema
    fragment = location.split("#", 1)[1]
    for token in [unescape_pointer_token(unquote(t)) for t in fragment.split("/")[1:-1]]:
        node = child(node, token)
        if node is ABSENT:
            return ()
    properties = node.get("properties") if isinstance(node, Mapping) else None
    return tuple(properties) if isinstance(properties, Mapping) else ()


# ---------------------------------------------------------------- where it is written
def written_at(resolved: Resolved, tokens: Iterable[str]) -> Location:
    """Where the node the validator reached by `tokens` from the spec's root is written.

    openapi-spec-validator walks through `$ref`s, so a schema used by ten operations is
    reported where the first of them reached it; a person edits it where it is defined."""
    route = list(tokens)
    loc, node = Location("", ""), resolved.root.data
    for token in route:
        for _ in range(64):  # a chain of references
            if not (isinstance(node, Mapping) and token not in node
                    and isinstance(node.get("$ref"), str)):
                break
            try:
                loc = resolved.target(node["$ref"], loc)
                node = resolved.get(loc)
            except (KeyError, ValueError):  # a reference `resolve` reports
                return Location("", join_pointer("", *route))
        found = child(node, token)
        node = None if found is ABSENT else found
        loc = loc.at(token)
    return loc
