"""Stage 4d: which list operations page, and how (offset/limit, page/size, cursor).

Detected from parameter and response field names; the result says where the next
offset, page number or cursor goes and which response field holds the items.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Literal

from . import ir

_OFFSET = ("offset", "skip", "start")
_PAGE = ("page", "page_number", "pageNumber")
_CURSOR = ("cursor", "after", "starting_after", "page_token", "pageToken", "next_token", "continuation_token")
_NEXT_CURSOR = ("next_cursor", "nextCursor", "next_page_token", "nextPageToken", "next_token", "cursor", "after")
_ITEMS = ("data", "items", "results", "records", "entries", "executions", "objects")
_TOTAL = ("total", "total_count", "totalCount", "count")
PAGE_METHODS = frozenset({"has_next_page", "next_page", "anext_page", "iter_all"})


def detect_all(operations: Sequence[ir.Operation], models: Mapping[str, ir.Model]) -> list[ir.Operation]:
    return [replace(op, pagination=detect(op, models)) for op in operations]


def detect(op: ir.Operation, models: Mapping[str, ir.Model]) -> ir.Pagination | None:
    success = [r for r in op.responses if r.status.startswith("2") and r.kind == "json"]
    if len(success) != 1 or not isinstance(success[0].type, ir.ModelRef):
        return None
    model = models.get(success[0].type.key)
    found = _items_field(model) if model is not None else None
    if model is None or found is None:
        return None
    items, item_type = found
    if {f.py_name for f in model.fields} & PAGE_METHODS:
        return None  # the model's own fields take the names the page methods need
    where: dict[str, Literal["query", "body"]] = {p.wire_name: "query" for p in op.params if p.location == "query"}
    if op.body is not None and op.body.kind == "json":
        where.update({f.wire_name: "body" for f in op.body.fields})
    total = next((f.py_name for f in model.fields if f.wire_name in _TOTAL and _is_int(f.type)), None)
    cursor_param = next((name for name in _CURSOR if name in where), None)
    path = _cursor_path(model, models) if cursor_param else ()
    if cursor_param and path:
        return ir.Pagination("cursor", where[cursor_param], cursor_param, items.py_name, item_type, model.key, total, path)
    for style, names in (("offset", _OFFSET), ("page", _PAGE)):
        name = next((n for n in names if n in where), None)
        if name is not None:
            kind: Literal["offset", "page"] = "offset" if style == "offset" else "page"
            return ir.Pagination(kind, where[name], name, items.py_name, item_type, model.key, total)
    return None


def _items_field(model: ir.Model) -> tuple[ir.Field, ir.TypeRef] | None:
    """The list the page is about: a conventionally named one, else the only list."""
    lists = []
    for f in model.fields:
        t = f.type.inner if isinstance(f.type, ir.Nullable) else f.type
        if isinstance(t, ir.ListOf):
            lists.append((f, t.item))
    named = [(f, t) for f, t in lists if f.wire_name in _ITEMS]
    if named:
        return named[0]
    return lists[0] if len(lists) == 1 else None


def _cursor_path(model: ir.Model, models: Mapping[str, ir.Model], depth: int = 0) -> tuple[str, ...]:
    """Where the next cursor is: a field of the response, or of a model one level down."""
    for f in model.fields:
        if f.wire_name in _NEXT_CURSOR and _is_str(f.type):
            return (f.py_name,)
    if depth == 0:
        for f in model.fields:
            t = f.type.inner if isinstance(f.type, ir.Nullable) else f.type
            if isinstance(t, ir.ModelRef) and t.key in models:
                inner = _cursor_path(models[t.key], models, depth + 1)
                if inner:
                    return (f.py_name, *inner)
    return ()


def _is_int(t: ir.TypeRef) -> bool:
    return (t.inner if isinstance(t, ir.Nullable) else t) == ir.Primitive("int")


def _is_str(t: ir.TypeRef) -> bool:
    return (t.inner if isinstance(t, ir.Nullable) else t) == ir.Primitive("str")
