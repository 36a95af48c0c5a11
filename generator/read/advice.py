"""A failed rule in words a spec's author can act on, and whether it stops generation.

Each `Failure` (see `failures`) becomes one sentence naming the node, the rule and the value
found (described, never dumped: an object is "an object"), a hint saying what to do, and a
level. Only what leaves a client impossible or ambiguous is an error. What leaves the meaning
plain is a warning, handled the obvious way: a key the OpenAPI version does not define (read
as OpenAPI 3.1 reads it, or ignored), a `pattern` the validator's regex engine cannot read
(the generated client does not check patterns), a malformed keyword the generator does not
read (`minimum`, `format`, ...), an empty or repeated `enum`, a response without
`description`, OpenAPI 3.2's `in: querystring` (the parameter is skipped, the operation kept).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sdkforge.read.failures import Failure

# Schema keywords the generator does not read: a malformed one changes no Python type.
_UNREAD = {
    "exclusiveMinimum", "exclusiveMaximum", "minimum", "maximum", "multipleOf", "pattern",
    "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
    "$recursiveAnchor", "$recursiveRef", "$dynamicAnchor", "$comment", "example", "examples",
    "externalDocs", "xml", "contentMediaType", "contentEncoding", "$schema", "$id",
    "description", "summary", "termsOfService", "contact", "license",
}
# Names under which a key is data, not a keyword (a property named `minimum`).
_NAMED = {"properties", "patternProperties", "schemas", "$defs", "definitions"}
# JSON Schema keywords a 3.0 schema may not have that sdkforge reads as OpenAPI 3.1 does.
_READ_AS_31 = {"const", "prefixItems", "$defs"}
_WORDS = {
    "object": "an object", "array": "an array", "string": "a string", "boolean": "a boolean",
    "integer": "an integer", "number": "a number", "null": "null",
}
# `type` values people write for a format, and what OpenAPI spells them.
_FORMAT_TYPES = {
    "date": ("string", "date"), "date-time": ("string", "date-time"),
    "datetime": ("string", "date-time"), "time": ("string", "time"),
    "uuid": ("string", "uuid"), "email": ("string", "email"), "uri": ("string", "uri"),
    "url": ("string", "uri"), "binary": ("string", "binary"), "file": ("string", "binary"),
    "byte": ("string", "byte"), "int": ("integer", ""), "int32": ("integer", "int32"),
    "int64": ("integer", "int64"), "long": ("integer", "int64"), "float": ("number", "float"),
    "double": ("number", "double"), "decimal": ("number", ""), "bool": ("boolean", ""),
    "str": ("string", ""), "text": ("string", ""), "dict": ("object", ""),
    "map": ("object", ""), "list": ("array", ""),
}
MAX_VALUE = 40  # characters of a value or key from the spec shown in a message


@dataclass(frozen=True, slots=True)
class Advice:
    warning: bool
    message: str
    hint: str = ""


def advise(failure: Failure, version: str) -> Advice:
    """What to tell the spec's author about `failure` in an OpenAPI `version` document."""
    if failure.keyword in ("additionalProperties", "unevaluatedProperties"):
        return _unexpected(failure, version)
    if failure.path[-1:] == ("in",) and failure.instance == "querystring":
        return Advice(True, f"`in: querystring` is OpenAPI 3.2, and this is an OpenAPI {version} "
                      "document: the parameter is skipped (the operation is kept)",
                      "send that query with `extra_query=`, or declare its parameters one by one")
    if version == "3.0" and _types_of_31(failure):
        return Advice(True, f"`type: {_type_text(failure.instance)}` is OpenAPI 3.1, not 3.0; it "
                      "is read as OpenAPI 3.1 reads it", "in 3.0, write one type, and "
                      "`nullable: true` for null")
    message, hint = _DESCRIBE.get(failure.keyword, _other)(failure)
    return Advice(_plain(failure), message, hint)


def _types_of_31(failure: Failure) -> bool:
    """A 3.0 schema's `type` written as 3.1 has it: `null`, or a list of types."""
    value = failure.instance
    if failure.path[-1:] != ("type",) or failure.keyword not in ("type", "enum"):
        return False
    return value == "null" or (isinstance(value, list) and bool(value)
                               and all(isinstance(t, str) and t in _WORDS for t in value))


def _type_text(value: Any) -> str:
    return f"[{', '.join(map(str, value))}]" if isinstance(value, list) else str(value)


def _plain(failure: Failure) -> bool:
    """Whether the meaning stays plain: see the module's docstring."""
    path, keyword = failure.path, failure.keyword
    last = path[-1] if path else ""
    parent = path[-2] if len(path) > 1 else ""
    if keyword == "format":
        return last != "$ref"
    if keyword == "uniqueItems" or (keyword == "minItems" and last in ("enum", "required")):
        return True
    if keyword == "type" and last == "schema" and failure.instance is None:
        return True  # `schema: null`: no schema
    if keyword == "required" and failure.expected and set(failure.expected) <= {"description"}:
        return True
    if keyword == "propertyNames" and parent == "components":
        return True
    return last in _UNREAD and parent not in _NAMED


# ---------------------------------------------------------------- words
def name(path: Sequence[str]) -> str:
    if not path:
        return "the document"
    if path[-1].isdigit() and len(path) > 1:  # an item, or a key such as a status code
        return f"`{_cut(path[-2])}/{path[-1]}`"
    return f"`{_cut(path[-1])}`"


def show(value: Any) -> str:
    """A value from the spec, as a reader would recognise it; never a dump of a node."""
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "an empty array" if not value else "an array"
    if isinstance(value, str):
        return json.dumps(_cut(value), ensure_ascii=False)
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    return f"a {type(value).__name__}"


def _cut(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _either(words: Sequence[str]) -> str:
    words = list(dict.fromkeys(words))
    if len(words) > 8:
        words = [*words[:7], f"{len(words) - 7} more"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _keys(keys: Sequence[Any]) -> str:
    shown = [f"`{_cut(str(k))}`" for k in keys[:3]]
    if len(keys) > 3:
        shown.append(f"{len(keys) - 3} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _type_words(types: Sequence[Any]) -> list[str]:
    return [_WORDS.get(str(t), f"`{t}`") for t in types]


# ---------------------------------------------------------------- one keyword each
def _type(failure: Failure) -> tuple[str, str]:
    hint = ("read as no schema: the value is typed Any"
            if failure.path[-1:] == ("schema",) and failure.instance is None
            else _type_hint(failure))
    return (f"{name(failure.path)} must be {_either(_type_words(failure.expected))}, "
            f"got {show(failure.instance)}", hint)


def _enum(failure: Failure) -> tuple[str, str]:
    options = [show(v) for v in failure.expected]
    also = _type_words(failure.types)
    allowed = _either(options + also)
    rule = f"must be {allowed}" if len(options) + len(also) == 1 else f"must be one of {allowed}"
    message = f"{name(failure.path)} {rule}; got {show(failure.instance)}"
    last = failure.path[-1] if failure.path else ""
    if last == "in" and failure.instance == "body":
        return message, "OpenAPI 3 has no body parameters: describe the body in `requestBody`"
    if last == "in" and failure.instance == "formData":
        return message, "OpenAPI 3 has no form parameters: describe the form in `requestBody`"
    return message, _type_hint(failure)


def _type_hint(failure: Failure) -> str:
    if failure.path[-1:] != ("type",):
        return ""
    if isinstance(failure.instance, Mapping) and len(failure.path) > 1 and (
            "type" in failure.instance or "properties" in failure.instance):
        return f"it holds a schema: write that schema's keys directly under `{failure.path[-2]}`"
    if not isinstance(failure.instance, str):
        return ""
    meant = _FORMAT_TYPES.get(failure.instance.lower())
    if meant is None:
        return ""
    kind, fmt = meant
    return f"write `type: {kind}`" + (f" with `format: {fmt}`" if fmt else "")


def _const(failure: Failure) -> tuple[str, str]:
    expected = failure.expected[0] if failure.expected else None
    message = f"{name(failure.path)} must be {show(expected)}, got {show(failure.instance)}"
    if failure.path[-1:] == ("required",) and expected is True:
        return message, "a path parameter is always required: write `required: true`"
    return message, ""


def _required(failure: Failure) -> tuple[str, str]:
    missing = list(failure.expected)
    message = f"{name(failure.path)} has no {_keys(missing)}"
    if set(missing) <= {"description"}:
        return message, "add one; it is read as an empty description"
    if "responses" in missing:
        return message, "list at least one response, e.g. `'200': {description: OK}`"
    return message, f"add {_keys(missing)}"


def _unexpected(failure: Failure, version: str) -> Advice:
    keys = [str(k) for k in failure.expected]
    if failure.path == ("paths",):  # the generator would call them: not a key it ignores
        return Advice(False, f"`paths` has {_keys(keys) or 'a key'}, which does not start with "
                      "`/`", "a path starts with `/`; it is read relative to the server's URL")
    if failure.path[-1:] == ("responses",) and failure.path[-2:-1] != ("properties",):
        return Advice(False, f"`responses` has {_keys(keys) or 'a key'}, which is not a status "
                      "code", "write a code such as `200` or `4XX`, or `default`")
    message = (f"{name(failure.path)} has an unexpected key {_keys(keys)}" if len(keys) == 1
               else f"{name(failure.path)} has unexpected keys {_keys(keys)}" if keys
               else f"{name(failure.path)} has a key its object does not define")
    key = keys[0] if keys else ""
    schema = "discriminator" in failure.allowed
    if schema and version == "3.0" and key in _READ_AS_31:
        hint = f"`{key}` is OpenAPI 3.1, not 3.0; it is read as OpenAPI 3.1 reads it"
    elif schema and version == "3.0" and key == "examples":
        hint = "`examples` in a schema is OpenAPI 3.1, and is ignored here: 3.0 has `example`"
    else:
        close = difflib.get_close_matches(key, failure.allowed, n=1, cutoff=0.75)
        if key == "title" and "summary" in failure.allowed:
            close = ["summary"]
        hint = (f"did you mean `{close[0]}`? As written, it is ignored" if close else
                "it is ignored; remove it, or start it with `x-` to keep it as an extension")
    return Advice(True, message, hint)


def _format(failure: Failure) -> tuple[str, str]:
    fmt = str(failure.expected[0]) if failure.expected else "format"
    if fmt == "regex" or failure.path[-1:] == ("pattern",):
        return (f"{name(failure.path)} {show(failure.instance)} is not a regular expression "
                "the validator can read",
                "the generated client does not check patterns, so it is ignored; "
                "write it in ECMA-262 syntax")
    return f"{name(failure.path)} {show(failure.instance)} is not a valid {fmt}", ""


def _size(failure: Failure) -> tuple[str, str]:
    limit = failure.expected[0] if failure.expected else 1
    unit = {"minLength": "characters", "maxLength": "characters", "minItems": "items",
            "maxItems": "items"}.get(failure.keyword, "entries")
    at_most = failure.keyword.startswith("max")
    if limit == 1 and not at_most:
        rule = "must not be empty"
    else:
        rule = f"must have at {'most' if at_most else 'least'} {limit} {unit}"
    hint = {"enum": "an empty `enum` allows no value; it is ignored, the type is `type`'s",
            "required": "an empty `required` requires nothing; it is read so"}.get(
                failure.path[-1] if failure.path else "", "")
    if failure.path[-1:] == ("responses",) and not at_most:
        hint = "list at least one response, e.g. `'200': {description: OK}`"
    return f"{name(failure.path)} {rule}", hint


def _unique(failure: Failure) -> tuple[str, str]:
    items = failure.instance if isinstance(failure.instance, list) else []
    repeated = next((item for i, item in enumerate(items) if item in items[:i]), None)
    return (f"{name(failure.path)} lists {show(repeated)} more than once",
            "each value is kept once")


def _not(failure: Failure) -> tuple[str, str]:
    schema = failure.expected[0] if failure.expected else None
    both = schema.get("required") if isinstance(schema, Mapping) else None
    if isinstance(both, list) and both:
        return (f"{name(failure.path)} may not have {_keys(both)} together", "keep one")
    return f"{name(failure.path)} has a form its `not` rule forbids", ""


def _one_of(failure: Failure) -> tuple[str, str]:
    return (f"{name(failure.path)} matches none of the forms `{failure.keyword}` allows, "
            "or more than one", "")


def _pattern(failure: Failure) -> tuple[str, str]:
    pattern = str(failure.expected[0]) if failure.expected else ""
    return f"{name(failure.path)} {show(failure.instance)} does not match `{_cut(pattern)}`", ""


def _names(failure: Failure) -> tuple[str, str]:
    key = failure.expected[0] if failure.expected else ""
    return (f"{name(failure.path)} has a key {show(key)} with characters its names may not have",
            "it is used as written; OpenAPI allows letters, digits, `.`, `-` and `_`")


def _other(failure: Failure) -> tuple[str, str]:
    text = failure.text.split("\n", 1)[0]
    said = f": {text}" if text and len(text) <= 120 and not any(c in text for c in "{[") else ""
    return f"{name(failure.path)} breaks the `{failure.keyword}` rule{said}", ""


_DESCRIBE = {
    "type": _type, "enum": _enum, "const": _const, "required": _required, "format": _format,
    "minItems": _size, "maxItems": _size, "minLength": _size, "maxLength": _size,
    "minProperties": _size, "maxProperties": _size, "uniqueItems": _unique, "not": _not,
    "oneOf": _one_of, "anyOf": _one_of, "pattern": _pattern, "propertyNames": _names,
}
