"""What one error of openapi-spec-validator says, node by node.

A check's error arrives with the place of the node it checked behind a marker in its path
(`validate._locating`), or, for the meta-schema check of the whole document, as a jsonschema-rs
error already made a `Failure`. Each becomes `Finding`s: the route to the deepest node that
broke a rule, and `Advice` on it. openapi-spec-validator's own checks (path templates,
duplicate ids, parameters and tags) are recognised by their messages and worded here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from sdkforge.read.advice import Advice, advise, name, show
from sdkforge.read.failures import Failure, from_python, leaves

MARK = "\x00sdkforge:"  # starts the token that carries a check's kind and the size of its place
NULLABLE_31 = "sdkforge: nullable in 3.1"  # the message of sdkforge's own finding


# Keywords whose value is a schema (1), a list of schemas (2), or a map of names to schemas (3).
_SUBSCHEMAS = {
    **dict.fromkeys(("items", "additionalProperties", "not", "if", "then", "else", "contains",
                     "propertyNames", "unevaluatedItems", "unevaluatedProperties",
                     "contentSchema"), 1),
    **dict.fromkeys(("allOf", "anyOf", "oneOf", "prefixItems"), 2),
    **dict.fromkeys(("properties", "patternProperties", "$defs", "definitions",
                     "dependentSchemas"), 3),
}


def nullable_paths(schema: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Where the schema and its subschemas (not those behind a `$ref`) say `nullable`."""
    if not isinstance(schema, dict):
        return
    if "nullable" in schema:
        yield path
    for key, value in schema.items():
        kind = _SUBSCHEMAS.get(key)
        if kind == 1:
            yield from nullable_paths(value, (*path, key))
        elif kind == 2 and isinstance(value, list):
            for index, item in enumerate(value):
                yield from nullable_paths(item, (*path, key, str(index)))
        elif kind == 3 and isinstance(value, dict):
            for name_, item in value.items():
                yield from nullable_paths(item, (*path, key, str(name_)))


class Finding(NamedTuple):
    path: tuple[str, ...]  # from the spec's root, as the validator reached the node
    advice: Advice
    distinct: str = ""  # tells apart two problems of one node (the rules' are one per node)


def reason(exc: Exception) -> str:
    """Why the validator stopped, without the dump of the document some exceptions carry."""
    ref = getattr(exc, "ref", None)
    if isinstance(ref, str):
        return f"{type(exc).__name__}: cannot follow `$ref` {show(ref)}"
    if isinstance(exc, KeyError) and exc.args:
        return f"a node lacks the key {show(exc.args[0])}"
    text = str(exc).split("\n", 1)[0]
    text = re.split(r"[{\[]", text, maxsplit=1)[0].strip()
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


def findings(error: Any, version: str) -> Iterator[Finding]:
    """What one validator error says, node by node (see `failures` and `advice`)."""
    failure = getattr(error, "rust", None)
    kind = ""
    if not isinstance(failure, Failure):
        kind, base = unmark(error)
        own = _own(error, kind, base)
        if own is not None:
            yield own
            return
        failure = from_python(error, (*base, "default") if kind == "default" else base)
    for leaf in leaves(failure):
        advice = advise(leaf, version)
        path = leaf.path
        if leaf.keyword in ("additionalProperties", "unevaluatedProperties") \
                and len(leaf.expected) == 1:
            path = (*path, str(leaf.expected[0]))  # the key itself: the deepest node
        if kind == "default":
            advice = Advice(True, advice.message, "the `default` does not fit its own schema, "
                            "so the generated code does not use it; an unset value is left to "
                            "the server")
        yield Finding(path, advice)


def fallback(error: Any) -> Finding:
    """An error, as an error, in the validator's first words with no dump of a node."""
    path = tuple(str(p) for p in getattr(error, "path", ()) if not str(p).startswith(MARK))
    text = str(getattr(error, "message", error)).split("\n", 1)[0]
    text = re.split(r"[{\[]", text, maxsplit=1)[0].strip()[:200]
    return Finding(path, Advice(False, text or "openapi-spec-validator found a problem here"))


def unmark(error: Any) -> tuple[str, tuple[str, ...]]:
    """The kind of check and the place of its node from the error's path marker (`_locating`);
    the error's path is left relative to that node."""
    path = getattr(error, "relative_path", None)
    parts = [str(p) for p in path] if path is not None else []
    marked = [i for i, p in enumerate(parts) if p.startswith(MARK)]
    if path is None or not marked:
        return "", ()
    kind, _, size = parts[marked[-1]][len(MARK):].partition(":")
    start = marked[-1] + 1
    base, inner = parts[start : start + int(size)], parts[start + int(size) :]
    path.clear()
    path.extend(inner)
    return kind, tuple(base)


_PATH_PARAMETER = re.compile(
    r"Path parameter '(.*)' for '(\w+)' operation in '(.*)' was not resolved$")
_OPERATION_ID = re.compile(r"Operation ID '(.*)' for '(\w+)' in '(.*)' is not unique$")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _own(error: Any, kind: str, base: tuple[str, ...]) -> Finding | None:
    """openapi-spec-validator's own checks (not meta-schema rules), by their messages."""
    text = str(getattr(error, "message", ""))
    cls = type(error).__name__
    if text == NULLABLE_31:
        inner = tuple(str(p) for p in getattr(error, "relative_path", ()))
        return Finding((*base, *inner, "nullable"), Advice(
            True, "`nullable` is OpenAPI 3.0, and this is a 3.1 document; read as nullable",
            "write `type: [..., 'null']`, or an `anyOf` with `type: 'null'`, instead"))
    if cls == "ExtraParametersError":
        names = _QUOTED.findall(text)
        return Finding((*base, "required"), Advice(
            True, f"`required` lists {', '.join(map(show, names)) or 'names'} that no "
            "`properties` define", "each is required only where an `allOf` part defines it"))
    if cls == "ParameterDuplicateError":
        names = _QUOTED.findall(text)
        return Finding(base, Advice(
            False, f"{name(base)} declares the parameter {show(names[0] if names else '')} "
            "twice in one place", "keep one; which one a client should send is ambiguous"))
    if text.startswith("Duplicate tag name"):
        names = _QUOTED.findall(text)
        return Finding(base, Advice(True, f"`tags` lists the tag {show(names[0] if names else '')}"
                                    " twice", "the first one's description is used"))
    found = _PATH_PARAMETER.match(text)
    if found:
        return Finding(("paths", found.group(3), found.group(2)),
                       _path_parameter(found.group(1), found.group(3)), found.group(1))
    found = _OPERATION_ID.match(text)
    if found:
        return Finding(("paths", found.group(3), found.group(2), "operationId"), Advice(
            False, f"`operationId` {show(found.group(1))} is used by another operation too",
            "make it unique: an operation's id names its method"))
    if kind == "schema" and text.startswith("Unknown JSON Schema dialect"):
        return Finding((*base, "$schema"), Advice(
            True, "`$schema` names a dialect the validator does not know",
            "the schema is not checked; the generator reads it as OpenAPI's dialect"))
    if text.endswith(" is not of type 'object', 'boolean'"):
        if text.startswith("None "):  # `schema: null` (Directus): no schema
            return Finding(base, Advice(True, f"{name(base)} must be an object, got null",
                                        "read as no schema: the value is typed Any"))
        return Finding(base, Advice(False, f"{name(base)} is not a schema: a schema is an "
                                    "object or a boolean"))
    if not getattr(error, "validator", None):  # another check of openapi-spec-validator's own
        return Finding(base, Advice(False, reason(ValueError(text)).split(": ", 1)[-1]))
    return None


def _path_parameter(parameter: str, path: str) -> Advice:
    if "{" + parameter + "}" in path.partition("?")[2]:
        return Advice(True, f"the path key {show(path)} carries a query string, and "
                      f"`{{{parameter}}}` in it is no path parameter: the client calls the "
                      "path before `?` and sends the query parameters the operation declares",
                      "move the query out of the path key")
    if "{" + parameter + "}" in path:
        return Advice(False, f"the path has `{{{parameter}}}`, but the operation declares no "
                      f"path parameter {show(parameter)}",
                      "declare it under `parameters` with `in: path` and `required: true`")
    return Advice(False, f"the path parameter {show(parameter)} does not appear in the path "
                  f"{show(path)}", f"add `{{{parameter}}}` to the path, or change its `in`")
