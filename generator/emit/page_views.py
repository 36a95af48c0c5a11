"""What the README says about paging: each list method that returns a page, how it asks for
the next one and what tells it the last page has come, in the names users read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sdkforge.model import ir
from sdkforge.model.page_fields import fields_of
from sdkforge.names.assign import Names


@dataclass(frozen=True, slots=True)
class PagedView:
    call: str  # client.things.list
    how: str  # how the next page is asked for
    ends: str  # what says the last page has come


def attributes(
    key: str, path: tuple[str, ...], names: Names, models: Mapping[str, ir.Model]
) -> list[str]:
    """The Python attribute names along a path of wire names from model `key`."""
    result: list[str] = []
    for wire in path:
        result.append(names.field(key, wire) if key in models else wire)
        found = next((f for f in fields_of(key, models) if f.wire_name == wire), None)
        inner = ir.non_null(found.type) if found is not None else None
        key = inner.key if isinstance(inner, ir.ModelRef) else ""
    return result


def paged_methods(api: ir.Api, names: Names) -> list[PagedView]:
    """One row per method that pages, by resource attribute and method name."""
    models = {m.key: m for m in api.models}
    views = []
    for resource in names.resources:
        for op in sorted(resource.operations, key=names.method):
            pg = op.pagination
            if pg is None:
                continue
            views.append(PagedView(f"client.{resource.attribute}.{names.method(op)}",
                                   _how(op, pg, names, models), _ends(pg, names, models)))
    return views


def _how(op: ir.Operation, pg: ir.Pagination, names: Names, models: Mapping[str, ir.Model]) -> str:
    def field(path: tuple[str, ...]) -> str:
        return f"`{'.'.join(attributes(pg.model, path, names, models))}`"

    if pg.style == "link":
        return 'the `Link` response header (`rel="next"`)'
    if pg.style == "url":
        return f"the next-page URL in {field(pg.next)}"
    param = f"`{names.argument(op, pg.location, pg.param)}`"
    if pg.style == "offset":
        return f"offset: {param} moves on by the items of each page"
    if pg.style == "page":
        return f"page number: {param}, from {pg.first}"
    if pg.item_cursor:
        return f"cursor: {param} = the last item's `{pg.item_cursor}`"
    return f"cursor: {param} = {field(pg.cursor)}"


def _ends(pg: ir.Pagination, names: Names, models: Mapping[str, ir.Model]) -> str:
    def field(path: tuple[str, ...]) -> str:
        return f"`{'.'.join(attributes(pg.model, path, names, models))}`"

    signs = []
    if pg.pages:
        signs.append(f"{field(pg.pages)} pages reached")
    if pg.total:
        signs.append(f"{field(pg.total)} items reached")
    if pg.has_more:
        signs.append(f"{field(pg.has_more)} is false")
    if pg.next and pg.style != "url":
        signs.append(f"{field(pg.next)} is null")
    last = {"link": "no next link", "url": "no next URL"}.get(pg.style, "an empty page")
    if pg.style == "cursor" and not pg.item_cursor:
        last = "no new cursor"
    return ", ".join(signs) + (" or " if signs else "") + last
