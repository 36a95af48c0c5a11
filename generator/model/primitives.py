"""The Python type of a scalar schema: its `type`, `format` and, for strings, the media type of
their content; whether a schema admits null alone, or is marked nullable.

OpenAPI 3.0 writes binary data as `format: binary`; 3.1 (§4.8.14.3) as `contentMediaType`
naming a media type that is not text, with no `contentEncoding` (FastAPI's upload). Both are
`bytes`. A `contentEncoding` (base64) or `format: byte` makes the value text.
"""

from __future__ import annotations

import re
from typing import Any

from sdkforge.model import ir

_STRING_FORMATS: dict[str, ir.PrimitiveKind] = {
    "date-time": "datetime",
    "date": "date",
    "time": "time",
    "duration": "timedelta",
    "uuid": "uuid",
    "binary": "bytes",
}
_KINDS: dict[str, ir.PrimitiveKind] = {"integer": "int", "boolean": "bool"}
# Media types whose content is text: a string that names one is a string, not raw bytes.
_TEXT_MEDIA = re.compile(r"text/|[^;]*[/+](json|xml)\b|application/x-www-form-urlencoded")


def primitive(node: dict[str, Any], t: str) -> ir.Primitive | None:
    """The type of a schema whose `type` is `t`, None when `t` is not a scalar type."""
    if t == "string":
        fmt = node.get("format")
        if node.get("contentEncoding") == "base64" or fmt == "byte":
            return ir.Primitive("str")
        if raw_binary(node):
            return ir.Primitive("bytes")
        return ir.Primitive(_STRING_FORMATS.get(fmt, "str") if isinstance(fmt, str) else "str")
    if t == "number":
        return ir.Primitive("decimal" if node.get("format") == "decimal" else "float")
    kind = _KINDS.get(t)
    return None if kind is None else ir.Primitive(kind)


def raw_binary(node: dict[str, Any]) -> bool:
    """Whether the schema says its value is raw bytes by the media type of its content."""
    media = node.get("contentMediaType")
    return (isinstance(media, str) and "contentEncoding" not in node
            and _TEXT_MEDIA.match(media.strip().lower()) is None)


def is_null_schema(node: Any) -> bool:
    """Whether the schema admits null alone (`type: null`, an enum or const of null)."""
    if not isinstance(node, dict):
        return False
    t = node.get("type")
    if t == "null" or t == ["null"]:
        return True
    values = node.get("enum")
    # [null, null] too
    only_null = isinstance(values, list) and bool(values) and all(v is None for v in values)
    return only_null or ("const" in node and node["const"] is None)


def marked_nullable(node: object) -> bool:
    """Whether the schema says `nullable: true` (OpenAPI 3.0), or `x-nullable: true` (Swagger
    2.0's spelling, kept by converted specs and by NSwag)."""
    return isinstance(node, dict) and (node.get("nullable") is True
                                       or node.get("x-nullable") is True)
