"""How a request's values go on the wire, as the spec declares it: parameter styles with each
location's defaults (OpenAPI 3.1 §4.8.12.4), the `encoding` of form and multipart bodies
(§4.8.15), bodies whose schema admits only `{}`, and the headers the transport owns.

Everything here is decided once, at generation; the runtime reads the result from `Endpoint`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from sdkforge.model import ir

# The style a parameter has when it declares none, and the styles each location allows.
DEFAULT_STYLES: Mapping[ir.Location, str] = {
    "path": "simple", "query": "form", "header": "simple", "cookie": "form",
}
_STYLES: Mapping[ir.Location, frozenset[str]] = {
    "path": frozenset({"simple", "label", "matrix"}),
    "query": frozenset({"form", "spaceDelimited", "pipeDelimited", "deepObject"}),
    "header": frozenset({"simple"}),
    "cookie": frozenset({"form"}),
}
# A parameter declared with `content: {application/json: ...}`: the runtime sends its value as
# JSON text (`_encoding.JSON_STYLE`).
JSON_STYLE = "json"
# Headers the HTTP transport writes from the request itself (framing, target, hop-by-hop ones:
# RFC 9110 §7.2, §7.6.1, §8.6; RFC 9112 §6.1): a parameter could only make them lie.
TRANSPORT_HEADERS = frozenset({
    "content-length", "host", "transfer-encoding", "connection", "keep-alive", "te", "trailer",
    "upgrade",
})


def param_style(node: Mapping[str, Any], location: ir.Location) -> tuple[str, bool, str]:
    """(style, explode, problem) of a parameter: its `style`, else its location's default
    (also when the style is not one the location allows: `problem` then says so); `explode`
    as declared, else true for `form` only. A parameter declared by `content` has style `json`
    when its media type is JSON."""
    content = node.get("content")
    if node.get("schema") is None and isinstance(content, dict) and content:
        # Declared by media type instead of a schema: no style applies (OpenAPI 3.1
        # §4.8.12.4); JSON is sent as its text, any other media type as the value's text.
        return (JSON_STYLE, False, "") if _is_json(str(next(iter(content)))) else (
            DEFAULT_STYLES[location], location in ("query", "cookie"), "")
    declared = node.get("style")
    style, problem = DEFAULT_STYLES[location], ""
    if isinstance(declared, str) and declared in _STYLES[location]:
        style = declared
    elif declared is not None:
        problem = (f"style {declared!r} is not one a {location} parameter may have "
                   f"({', '.join(sorted(_STYLES[location]))}); sent as {style!r}")
    explode = node.get("explode")
    return style, explode if isinstance(explode, bool) else style == "form", problem


def transport_owned(name: str, has_body: bool, json_response: bool) -> str:
    """Why header `name` is not the caller's to set ("" when it is): the transport writes it,
    or the body's media type or the response the client parses decides it."""
    lower = name.lower()
    if lower in TRANSPORT_HEADERS:
        return "the HTTP transport writes it from the request itself"
    if lower == "content-type" and has_body:
        return "the request body's media type decides it"
    if lower == "accept" and json_response:
        return "the client asks for the JSON response it parses"
    return ""


# Keywords through which a schema could admit some property after all.
_OPENINGS = ("allOf", "anyOf", "oneOf", "$ref", "patternProperties", "propertyNames",
             "unevaluatedProperties", "dependentSchemas", "if", "not")


def only_empty(schema: object) -> bool:
    """Whether an object schema admits only `{}`: no properties and none besides them
    (`additionalProperties: false` or `maxProperties: 0`), nothing that could add one."""
    if not isinstance(schema, dict) or schema.get("type", "object") != "object":
        return False
    if any(key in schema for key in _OPENINGS) or schema.get("properties") not in (None, {}):
        return False
    return schema.get("additionalProperties") is False or schema.get("maxProperties") == 0


def body_encoding(
    media: Mapping[str, Any], kind: ir.BodyKind, fields: tuple[ir.Field, ...],
    file_fields: tuple[str, ...], deref: Callable[[object], object],
) -> tuple[tuple[ir.PartEncoding, ...], list[str]]:
    """The properties of a form or multipart body not sent as plain text fields, from the
    media type's `encoding` (`deref` resolves a header's `$ref`) and, for multipart, the
    spec's default part types; and the problems met, as messages."""
    raw = media.get("encoding")
    entries: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    types = {f.wire_name: f.type for f in fields}
    names = list(dict.fromkeys([*types, *entries]))
    found: list[ir.PartEncoding] = []
    problems: list[str] = []
    for name in names:
        entry = entries.get(name)
        entry = entry if isinstance(entry, dict) else {}
        part = (_form_part(name, entry) if kind == "form"
                else _multipart_part(name, entry, types.get(name), name in file_fields,
                                     deref, problems))
        if part != ir.PartEncoding(name):
            found.append(part)
    return tuple(found), problems


def _form_part(name: str, entry: Mapping[str, Any]) -> ir.PartEncoding:
    """A form body's property: its style and explode (form and exploded unless told), and
    `application/json` when it is to be written as JSON text."""
    style = entry.get("style")
    style = style if isinstance(style, str) and style in _STYLES["query"] else "form"
    explode = entry.get("explode")
    content_type = _first_type(entry.get("contentType"))
    return ir.PartEncoding(
        name, style, explode if isinstance(explode, bool) else style == "form",
        content_type if _is_json(content_type) else "",
    )


def _multipart_part(
    name: str, entry: Mapping[str, Any], t: ir.TypeRef | None, is_file: bool,
    deref: Callable[[object], object], problems: list[str],
) -> ir.PartEncoding:
    """A multipart body's property: its part's content type (declared, else JSON for an object
    per §4.8.15.1; a file's own type is the caller's) and the fixed headers of its part."""
    content_type = _first_type(entry.get("contentType"))
    if not content_type and t is not None and not is_file and _is_object(t):
        content_type = "application/json"
    if content_type.lower().startswith("text/plain") and not is_file:
        content_type = ""  # what a plain part is anyway
    return ir.PartEncoding(name, content_type=content_type,
                           headers=tuple(_part_headers(name, entry, deref, problems)))


def _part_headers(
    part: str, entry: Mapping[str, Any], deref: Callable[[object], object], problems: list[str],
) -> Iterator[tuple[str, str]]:
    """The headers of a part that have one value (`const`, a one-value `enum`, a `default`);
    a header with none cannot be sent, as no argument carries it."""
    raw = entry.get("headers")
    for header, spec in sorted(raw.items() if isinstance(raw, dict) else ()):
        if not isinstance(header, str) or header.lower() == "content-type":
            continue  # §4.8.15: Content-Type is `contentType`'s, and ignored here
        node = deref(spec)
        schema = deref(node.get("schema")) if isinstance(node, dict) else None
        value = _fixed(schema) if isinstance(schema, dict) else None
        if value is None:
            problems.append(f"header {header!r} of part {part!r} has no fixed value "
                            "(`const`, one `enum` value or `default`); it is not sent")
        else:
            yield header, value


def _fixed(schema: Mapping[str, Any]) -> str | None:
    enum = schema.get("enum")
    for value in (schema.get("const"), enum[0] if isinstance(enum, list) and len(enum) == 1
                  else None, schema.get("default")):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (str, int, float)):
            return str(value)
    return None


def _first_type(value: object) -> str:
    """The first media type of a `contentType` (a comma-separated list may be given)."""
    return value.split(",", 1)[0].strip() if isinstance(value, str) else ""


def _is_json(media: str) -> bool:
    bare = media.split(";", 1)[0].strip().lower()
    return bare == "application/json" or bare.endswith("+json")


def _is_object(t: ir.TypeRef) -> bool:
    """An object, or a list of them (each its own part), possibly nullable."""
    t = ir.non_null(t)
    if isinstance(t, ir.ListOf):
        t = ir.non_null(t.item)
    if isinstance(t, ir.UnionOf):
        return all(_is_object(v) for v in t.variants)
    return isinstance(t, (ir.ModelRef, ir.DictOf))
