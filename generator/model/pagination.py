"""Which list operations page, and how: offset/limit, page numbers, a cursor (from the response
or from the last item's id), the `Link` response header, or a next-page URL in the body.

Detected from parameter and response field names and the response's declared headers, or set in
`[tool.sdkforge.pagination]`; the result says where the next offset, page number or cursor goes,
which response field holds the items, and which fields say the last page has come (by wire name).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from sdkforge.config import PageOverride
from sdkforge.model import ir
from sdkforge.model.page_fields import (
    HAS_MORE,
    NEXT_CURSOR,
    PAGES,
    TOTAL,
    fields_of,
    find,
    is_bool,
    is_int,
    is_str,
    item_has,
    items_field,
    next_url,
    path_of,
)

_OFFSET = ("offset", "skip", "start")
_PAGE = ("page", "page_number", "pageNumber")
_SIZE = ("per_page", "page_size", "pageSize", "perPage", "per-page", "size", "limit",
         "max_results", "maxResults")
_CURSOR = ("cursor", "after", "starting_after", "page_token", "pageToken", "next_token",
           "continuation_token")
_ITEM_CURSOR = ("starting_after", "after")  # with `has_more`: the last item's id (Stripe's style)
# The page classes' methods: the names stage keeps the fields of pages off these names.
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


@dataclass(frozen=True, slots=True)
class _Listed:
    """An operation's one JSON success response, as far as paging is concerned."""

    response: ir.Response
    model: ir.Model | None  # None when the response is a list
    items: str  # wire name of the items field, "" for a list
    item_type: ir.TypeRef | None  # None when no items were found


def _listed(
    op: ir.Operation, models: Mapping[str, ir.Model], items: str = "",
    named: Callable[[ir.Field, str], bool] = lambda f, name: f.wire_name == name,
) -> _Listed | None:
    success = [r for r in op.responses if r.status.startswith("2") and r.kind == "json"]
    if len(success) != 1 or success[0].type is None:
        return None
    response, t = success[0], ir.non_null(success[0].type)
    if isinstance(t, ir.ListOf):
        return _Listed(response, None, "", t.item)
    model = models.get(t.key) if isinstance(t, ir.ModelRef) else None
    if model is None:
        return None
    if items:
        f = next((f for f in fields_of(model.key, models) if named(f, items)), None)
        inner = ir.non_null(f.type) if f is not None else None
        if f is None or not isinstance(inner, ir.ListOf):
            return _Listed(response, model, items, None)
        return _Listed(response, model, f.wire_name, inner.item)
    found = items_field(model, models)
    return _Listed(response, model, found[0].wire_name if found else "",
                   found[1] if found else None)


def detect_all(
    operations: Sequence[ir.Operation],
    models: Mapping[str, ir.Model],
    settings: PageSettings,
    report: Callable[[ir.Operation, str], None],
) -> list[ir.Operation]:
    """Detect each operation's paging; a config entry (by operationId or method name) wins.
    Whether any response of the spec declares a `Link` header is a hint for the others."""
    links = any("link" in r.headers for op in operations for r in op.responses)
    result = []
    for op in operations:
        configured, override = settings.entry(op)
        if configured:
            paging = (_configured(op, models, override, settings, report)
                      if override is not None else None)
        else:
            paging = detect(op, models, settings, links)
        result.append(replace(op, pagination=paging))
    return result


def _parameters(op: ir.Operation) -> dict[str, Literal["query", "body"]]:
    where: dict[str, Literal["query", "body"]] = {
        p.wire_name: "query" for p in op.params if p.location == "query"
    }
    if op.body is not None and op.body.kind == "json":
        where.update({f.wire_name: "body" for f in op.body.fields})
    return where


def detect(
    op: ir.Operation, models: Mapping[str, ir.Model], settings: PageSettings,
    links: bool = False,
) -> ir.Pagination | None:
    """`links`: some response of the spec declares a `Link` header, so an operation with
    `page` or `per_page` whose response says nothing of the end follows the header even
    where its own response does not declare it."""
    listed = _listed(op, models) if _reads(op) else None
    if listed is None or listed.item_type is None:
        return None
    model = listed.model
    where = _parameters(op)
    base = ir.Pagination("link", "query", "", listed.items, listed.item_type,
                         model.key if model else "")
    ends = _ends(model, models) if model is not None else base
    said = ends.total or ends.pages or ends.has_more or ends.next  # the body tells the end
    if "link" in listed.response.headers or (
        links and not said and {"page", "per_page"} & where.keys()
    ):
        return base
    # A `page` parameter that is a string is a cursor when the response has one (Stripe's search)
    texts = {p.wire_name for p in op.params if p.location == "query" and is_str(p.type)}
    cursor_param = next((name for name in (*_CURSOR, "page") if name in where
                         and (name != "page" or name in texts)), None)
    if cursor_param and model is not None:
        path = find(model, models, NEXT_CURSOR, is_str, depth=1)
        if path:
            return replace(base, style="cursor", location=where[cursor_param],
                           param=cursor_param, cursor=path, has_more=ends.has_more)
        item = next((name for name in _ITEM_CURSOR if name in where), None)
        if item and ends.has_more and item_has(listed.item_type, models, "id"):
            return replace(base, style="cursor", location=where[item], param=item,
                           item_cursor="id", has_more=ends.has_more)
    size = next((name for name in _SIZE if name in where), "")
    for style, names in (("offset", _OFFSET), ("page", _PAGE)):
        name = next((n for n in names if n in where), None)
        if name is not None:
            kind: Literal["offset", "page"] = "offset" if style == "offset" else "page"
            return replace(ends, style=kind, location=where[name], param=name,
                           items=listed.items, item_type=listed.item_type,
                           model=base.model, size=size if kind == "page" else "",
                           pages=ends.pages if kind == "page" else ())
    if ends.next:
        return replace(base, style="url", next=ends.next)
    return None


def _reads(op: ir.Operation) -> bool:
    """Whether sending the operation again for the next page is safe: GET and QUERY, and a POST
    that answers no 201 (a search taking its criteria as a body). PUT, PATCH and DELETE change
    what they name, and a 201 says the POST made something: they page only when configured."""
    if op.method in ("get", "query"):
        return True
    return op.method == "post" and not any(r.status == "201" for r in op.responses)


def _ends(model: ir.Model, models: Mapping[str, ir.Model]) -> ir.Pagination:
    """The fields of a response that say whether another page follows, in a Pagination of
    no style yet."""
    return ir.Pagination(
        "page", "query", "", "", ir.AnyValue(), model.key,
        total=find(model, models, TOTAL, is_int), pages=find(model, models, PAGES, is_int),
        has_more=find(model, models, HAS_MORE, is_bool), next=next_url(model, models),
    )


def _configured(
    op: ir.Operation, models: Mapping[str, ir.Model], override: PageOverride,
    settings: PageSettings, report: Callable[[ir.Operation, str], None],
) -> ir.Pagination | None:
    listed = _listed(op, models, override.items, settings.named)
    if listed is None:
        report(op, "the pagination configured for it needs one JSON success response, "
                   "an object or a list")
        return None
    if listed.item_type is None:
        report(op, f"the pagination configured for it names an items field "
                   f"({override.items or '(detected)'!r}) the response does not have as a list")
        return None
    where = _parameters(op)
    for kind, name in (("parameter", override.param), ("size parameter", override.size)):
        if name and name not in where:
            report(op, f"the pagination configured for it names a {kind} ({name!r}) "
                       "the operation does not have")
            return None
    paths: dict[str, tuple[str, ...]] = {}
    for key in ("cursor", "next", "total", "pages", "has_more"):
        names: tuple[str, ...] = getattr(override, key)
        paths[key] = (path_of(listed.model, models, names, settings.named)
                      if names and listed.model is not None else ())
        if names and not paths[key]:
            report(op, f"the configured {key.replace('_', '-')} path {'.'.join(names)!r} "
                       "is not in the response")
            return None
    if override.item_cursor and not item_has(listed.item_type, models, override.item_cursor):
        report(op, f"the configured item-cursor {override.item_cursor!r} is not a field "
                   "of the items")
        return None
    return ir.Pagination(
        override.style, where.get(override.param, "query"), override.param, listed.items,
        listed.item_type, listed.model.key if listed.model else "", paths["total"],
        paths["cursor"], override.item_cursor, paths["has_more"], paths["pages"], paths["next"],
        override.size, override.first,
    )
