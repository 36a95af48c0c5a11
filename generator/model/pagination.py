"""Which list operations page, and how (offset/limit, page/size, cursor).

Detected from parameter and response field names; the result says where the next
offset, page number or cursor goes and which response field holds the items (by wire name).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from sdkforge.config import PageOverride
from sdkforge.model import ir

_OFFSET = ("offset", "skip", "start")
_PAGE = ("page", "page_number", "pageNumber")
_CURSOR = ("cursor", "after", "starting_after", "page_token", "pageToken", "next_token",
           "continuation_token")
_NEXT_CURSOR = ("next_cursor", "nextCursor", "next_page_token", "nextPageToken", "next_token",
                "cursor", "after", "last_id")
_ITEMS = ("data", "items", "results", "records", "entries", "executions", "objects")
_TOTAL = ("total", "total_count", "totalCount", "count")
PAGE_METHODS = frozenset({"has_next_page", "next_page", "anext_page", "iter_all"})


def _same(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class PageSettings:
    """`[tool.sdkforge.pagination]` and the spelling rules its entries are matched with: an
    entry is keyed by operationId or by method name, and names fields by wire or Python name
    (the names stage's rules, handed in by the pipeline: the model makes no names)."""

    entries: Mapping[str, PageOverride | None] = field(default_factory=dict)
    method_name: Callable[[str, str, str], str] = lambda operation_id, method, path: operation_id
    field_name: Callable[[str], str] = _same  # wire name -> Python name

    def entry(self, op: ir.Operation) -> tuple[bool, PageOverride | None]:
        """(whether the configuration speaks of `op`, its entry: None turns paging off)."""
        for key in (op.operation_id, self.method_name(op.operation_id, op.method, op.path)):
            if key in self.entries:
                return True, self.entries[key]
        return False, None

    def named(self, f: ir.Field, name: str) -> bool:
        return name in (f.wire_name, self.field_name(f.wire_name))


def detect_all(
    operations: Sequence[ir.Operation],
    models: Mapping[str, ir.Model],
    settings: PageSettings,
    report: Callable[[ir.Operation, str], None],
) -> list[ir.Operation]:
    """Detect each operation's paging; a config entry (by operationId or method name) wins."""
    result = []
    for op in operations:
        configured, override = settings.entry(op)
        if configured:
            paging = (_configured(op, models, override, settings, report)
                      if override is not None else None)
        else:
            paging = detect(op, models, settings)
        result.append(replace(op, pagination=paging))
    return result


def _configured(
    op: ir.Operation, models: Mapping[str, ir.Model], override: PageOverride,
    settings: PageSettings, report: Callable[[ir.Operation, str], None],
) -> ir.Pagination | None:
    success = [r for r in op.responses if r.status.startswith("2") and r.kind == "json"]
    model = (models.get(success[0].type.key)
             if len(success) == 1 and isinstance(success[0].type, ir.ModelRef) else None)
    if model is None:
        report(op, "the pagination configured for it needs a JSON object response")
        return None
    where = _parameters(op)
    items = next((f for f in model.fields if settings.named(f, override.items)), None)
    item_type = ir.non_null(items.type) if items is not None else None
    if override.param not in where or items is None or not isinstance(item_type, ir.ListOf):
        report(op, f"the pagination configured for it names a parameter ({override.param!r}) "
                   f"or items field ({override.items!r}) the operation does not have")
        return None
    cursor = _path(model, models, override.cursor, settings)
    total = _path(model, models, (override.total,), settings) if override.total else ()
    if override.cursor and not cursor:
        report(op, f"the configured cursor path {'.'.join(override.cursor)!r} "
                   "is not in the response")
        return None
    return ir.Pagination(override.style, where[override.param], override.param, items.wire_name,
                         item_type.item, model.key, total[0] if total else None, cursor)


def _path(
    model: ir.Model, models: Mapping[str, ir.Model], names: Sequence[str], settings: PageSettings
) -> tuple[str, ...]:
    """Wire names along a path of wire (or Python) field names, () when it breaks."""
    result: list[str] = []
    current: ir.Model | None = model
    for name in names:
        found = (next((f for f in current.fields if settings.named(f, name)), None)
                 if current else None)
        if found is None:
            return ()
        result.append(found.wire_name)
        t = ir.non_null(found.type)
        current = models.get(t.key) if isinstance(t, ir.ModelRef) else None
    return tuple(result)


def _parameters(op: ir.Operation) -> dict[str, Literal["query", "body"]]:
    where: dict[str, Literal["query", "body"]] = {
        p.wire_name: "query" for p in op.params if p.location == "query"
    }
    if op.body is not None and op.body.kind == "json":
        where.update({f.wire_name: "body" for f in op.body.fields})
    return where


def detect(
    op: ir.Operation, models: Mapping[str, ir.Model], settings: PageSettings
) -> ir.Pagination | None:
    success = [r for r in op.responses if r.status.startswith("2") and r.kind == "json"]
    if len(success) != 1 or not isinstance(success[0].type, ir.ModelRef):
        return None
    model = models.get(success[0].type.key)
    found = _items_field(model) if model is not None else None
    if model is None or found is None:
        return None
    items, item_type = found
    if {settings.field_name(f.wire_name) for f in model.fields} & PAGE_METHODS:
        return None  # the model's own fields take the names the page methods need
    where = _parameters(op)
    total = next((f.wire_name for f in model.fields
                  if f.wire_name in _TOTAL and _is_int(f.type)), None)
    cursor_param = next((name for name in _CURSOR if name in where), None)
    path = _cursor_path(model, models) if cursor_param else ()
    if cursor_param and path:
        return ir.Pagination("cursor", where[cursor_param], cursor_param, items.wire_name,
                             item_type, model.key, total, path)
    for style, names in (("offset", _OFFSET), ("page", _PAGE)):
        name = next((n for n in names if n in where), None)
        if name is not None:
            kind: Literal["offset", "page"] = "offset" if style == "offset" else "page"
            return ir.Pagination(kind, where[name], name, items.wire_name, item_type, model.key,
                                 total)
    return None


def _items_field(model: ir.Model) -> tuple[ir.Field, ir.TypeRef] | None:
    """The list the page is about: a conventionally named one, else the only list."""
    lists = []
    for f in model.fields:
        t = ir.non_null(f.type)
        if isinstance(t, ir.ListOf):
            lists.append((f, t.item))
    named = [(f, t) for f, t in lists if f.wire_name in _ITEMS]
    if named:
        return named[0]
    return lists[0] if len(lists) == 1 else None


def _cursor_path(
    model: ir.Model, models: Mapping[str, ir.Model], depth: int = 0
) -> tuple[str, ...]:
    """Where the next cursor is: a field of the response, or of a model one level down."""
    for f in model.fields:
        if f.wire_name in _NEXT_CURSOR and _is_str(f.type):
            return (f.wire_name,)
    if depth == 0:
        for f in model.fields:
            t = ir.non_null(f.type)
            if isinstance(t, ir.ModelRef) and t.key in models:
                inner = _cursor_path(models[t.key], models, depth + 1)
                if inner:
                    return (f.wire_name, *inner)
    return ()


def _is_int(t: ir.TypeRef) -> bool:
    return ir.non_null(t) == ir.Primitive("int")


def _is_str(t: ir.TypeRef) -> bool:
    return ir.non_null(t) == ir.Primitive("str")
