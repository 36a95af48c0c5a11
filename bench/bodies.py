"""Response bodies made from a spec's schemas: every value follows its schema, nothing hand-written.

`example(spec, schema, index)` walks `$ref`, `anyOf`/`oneOf` (nullable variants alternate between
null and a value, so both paths are parsed), arrays, objects and formats.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

Schema = Mapping[str, Any]


def load_spec(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    assert isinstance(data, dict), f"{path} is not an OpenAPI document"
    return data


def _deref(spec: Mapping[str, Any], schema: Schema) -> Schema:
    while "$ref" in schema:
        node: Any = spec
        for part in str(schema["$ref"]).removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
    return schema


def example(spec: Mapping[str, Any], schema: Schema, index: int, items: int = 3) -> Any:
    """A value valid for `schema`; `index` varies the values, `items` is the length of the
    outermost arrays (nested ones have 3 items)."""
    schema = _deref(spec, schema)
    variants = schema.get("anyOf") or schema.get("oneOf")
    if variants:
        real = [v for v in variants if _deref(spec, v).get("type") != "null"]
        if len(real) < len(variants) and index % 3 == 2:
            return None
        return example(spec, real[index % len(real)], index, items)
    if "enum" in schema:
        return schema["enum"][index % len(schema["enum"])]
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object":
        properties: Mapping[str, Schema] = schema.get("properties", {})
        return {name: example(spec, sub, index, items) for name, sub in properties.items()}
    if kind == "array":
        return [example(spec, schema.get("items", {}), index * items + i) for i in range(items)]
    if kind == "integer":
        return 1000 + index
    if kind == "number":
        return index + 0.5
    if kind == "boolean":
        return index % 2 == 0
    if schema.get("format") == "date-time":
        moment = dt.datetime(2026, 1, 20, tzinfo=dt.UTC) + dt.timedelta(seconds=37 * index)
        return moment.isoformat().replace("+00:00", "Z")
    return f"{schema.get('title', 'value').lower().replace(' ', '_')}_{index:06d}"


def trigger_history(seed: Path, items: int) -> bytes:
    """A TriggerHistoryResponse body with `items` executions, from the seed spec's schema."""
    spec = load_spec(seed)
    schemas = spec["components"]["schemas"]
    schema = schemas["shared__clusters__triggers__models__TriggerHistoryResponse"]
    body = example(spec, schema, 0, items)
    body["total"], body["offset"], body["limit"] = items, 0, items
    return json.dumps(body, separators=(",", ":")).encode()
