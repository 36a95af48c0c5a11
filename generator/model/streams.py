"""A response's event stream: which media types are streams, in which format, and the type of
each item.

An item's schema is the media type's `itemSchema` (OpenAPI 3.2), else its `schema`:
- for line-delimited JSON (`application/x-ndjson`, `application/jsonl`) and JSON text sequences
  (`application/json-seq`), the schema of one value; a `schema` of `type: array` is read as 3.2
  reads it, the whole stream as an array, so its `items` are the items;
- for server-sent events (`text/event-stream`), the schema of an event's `data` as JSON, as
  3.0/3.1 specs write it (OpenAI's chat completion chunks). An `itemSchema` shaped as 3.2's event
  object (properties among `data`, `event`, `id`, `retry`) types its items by the `data`
  property's `contentSchema`. A string, binary, untyped or absent schema, or an event object
  without a `contentSchema`, leaves the data untyped: the items are then the events themselves.

A line stream whose schema is binary or untyped has items of any JSON value.
"""

from __future__ import annotations

from typing import Any

from sdkforge.diagnostics import join_pointer
from sdkforge.model import ir
from sdkforge.model.schemas import SchemaBuilder
from sdkforge.read.resolve import Location, Resolved

FORMATS: dict[str, ir.StreamFormat] = {
    "text/event-stream": "sse",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "application/x-jsonlines": "ndjson",
    "application/jsonlines": "ndjson",
    "application/json-seq": "json-seq",
}
_EVENT_FIELDS = frozenset({"data", "event", "id", "retry"})


def stream_format(content_type: str) -> ir.StreamFormat | None:
    """The stream format of a media type; None when it is not a stream."""
    return FORMATS.get(content_type.split(";", 1)[0].strip().lower())


def item_stream(
    media: dict[str, Any], content_type: str, at: Location, resolved: Resolved,
    schemas: SchemaBuilder, hint: ir.NameHint,
) -> ir.ItemStream:
    """The stream of the media type object `media` (of `content_type`, at `at`, the response)."""
    fmt = stream_format(content_type)
    assert fmt is not None
    pointer = join_pointer(at.pointer, "content", content_type)
    hint = ir.NameHint("text", "Event" if fmt == "sse" else "Item", hint)
    key = "itemSchema" if "itemSchema" in media else "schema"
    loc = Location(at.file, join_pointer(pointer, key))
    raw = media.get(key)
    node, node_loc = resolved.deref(raw, loc) if raw is not None else (None, loc)
    if key == "schema" and fmt != "sse" and isinstance(node, dict) and node.get("type") == "array":
        raw, loc = node.get("items", {}), node_loc.at("items")
        node, node_loc = resolved.deref(raw, loc)
    if fmt == "sse":
        if key == "itemSchema" and _event_object(node):
            assert isinstance(node, dict)
            data, data_loc = resolved.deref(node["properties"]["data"],
                                            node_loc.at("properties", "data"))
            if not isinstance(data, dict) or "contentSchema" not in data:
                return ir.ItemStream(fmt, content_type, None)
            raw = data["contentSchema"]
            loc = data_loc.at("contentSchema")
            node, _ = resolved.deref(raw, loc)
        if node is None or (isinstance(node, dict) and node.get("type") == "string"):
            return ir.ItemStream(fmt, content_type, None)
    item = schemas.type_of(raw if raw is not None else {}, loc, hint)
    if ir.non_null(item) in (ir.Primitive("bytes"), ir.AnyValue()):
        # `format: binary` or no type: a line stream's items are any JSON; an event's data
        # may not be JSON at all, so the items are the events
        return ir.ItemStream(fmt, content_type, None if fmt == "sse" else ir.AnyValue())
    return ir.ItemStream(fmt, content_type, item)


def _event_object(node: object) -> bool:
    """Whether a schema is 3.2's shape of a server-sent event: an object whose properties are
    among `data`, `event`, `id` and `retry`, `data` among them."""
    if not isinstance(node, dict):
        return False
    properties = node.get("properties")
    return (isinstance(properties, dict) and "data" in properties
            and set(properties) <= _EVENT_FIELDS)
