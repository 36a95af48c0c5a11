"""Finding a page's fields in a response model: the items, and the fields that say where the
next page is or that this one is the last (a count, a flag, a next-page URL), by name and type,
at the top of the response or one model down (`meta.pagination.total_pages` two down).

Results are paths of wire names from the response's top; the names stage spells them later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from sdkforge.model import ir

ITEMS = ("data", "items", "results", "records", "entries", "executions", "objects", "value",
         "content")
# A count after the list's filter comes first: a filtered list pages through that many
# (Directus's `meta` has both `filter_count` and the collection's `total_count`).
TOTAL = ("filter_count", "filterCount", "filtered_count", "total", "total_count", "totalCount",
         "count", "total_results", "totalResults", "total_items", "totalItems", "totalElements",
         "total_entries", "totalEntries")
PAGES = ("pages", "total_pages", "totalPages", "page_count", "pageCount", "num_pages",
         "numPages", "last_page", "lastPage")
HAS_MORE = ("has_more", "hasMore", "has_next", "hasNext", "has_next_page", "hasNextPage",
            "has_more_items", "hasMoreItems")
NEXT_URL = ("next", "nextLink", "next_link", "@odata.nextLink", "odata.nextLink", "next_url",
            "nextUrl", "next_page_url", "nextPageUrl", "next_href", "nextHref")
NEXT_CURSOR = ("next_cursor", "nextCursor", "next_page_token", "nextPageToken", "next_token",
               "cursor", "after", "last_id", "next_page", "nextPage")

Predicate = Callable[[ir.TypeRef], bool]


def is_int(t: ir.TypeRef) -> bool:
    return ir.non_null(t) == ir.Primitive("int")


def is_str(t: ir.TypeRef) -> bool:
    return ir.non_null(t) == ir.Primitive("str")


def is_bool(t: ir.TypeRef) -> bool:
    return ir.non_null(t) == ir.Primitive("bool")


def fields_of(key: str, models: Mapping[str, ir.Model]) -> tuple[ir.Field, ...]:
    """A model's fields (those it inherits included), none for a key that is not a model."""
    return models[key].fields if key in models else ()


def items_field(
    model: ir.Model, models: Mapping[str, ir.Model]
) -> tuple[ir.Field, ir.TypeRef] | None:
    """The list the page is about: a conventionally named one, else the only list."""
    lists = []
    for f in fields_of(model.key, models):
        t = ir.non_null(f.type)
        if isinstance(t, ir.ListOf):
            lists.append((f, t.item))
    named = [(f, t) for f, t in lists if f.wire_name in ITEMS]
    if named:
        return min(named, key=lambda pair: ITEMS.index(pair[0].wire_name))
    return lists[0] if len(lists) == 1 else None


def find(
    model: ir.Model, models: Mapping[str, ir.Model], names: Sequence[str], wanted: Predicate,
    depth: int = 2,
) -> tuple[str, ...]:
    """The shallowest path to a field named one of `names` (in their order of preference)
    whose type is `wanted`, looking `depth` models down; () when there is none."""
    level: list[tuple[tuple[str, ...], str]] = [((), model.key)]
    for _ in range(depth + 1):
        found = [(names.index(f.wire_name), (*path, f.wire_name))
                 for path, key in level for f in fields_of(key, models)
                 if f.wire_name in names and wanted(f.type)]
        if found:
            return min(found)[1]
        level = [((*path, f.wire_name), t.key)
                 for path, key in level for f in fields_of(key, models)
                 for t in [ir.non_null(f.type)] if isinstance(t, ir.ModelRef)]
    return ()


def next_url(model: ir.Model, models: Mapping[str, ir.Model]) -> tuple[str, ...]:
    """Where the response keeps the next page's URL: a string field (`next`, `nextLink`,
    `@odata.nextLink`, `links.next`...), or a HAL link object (`_links.next.href`)."""
    path = find(model, models, NEXT_URL, is_str)
    if path:
        return path

    def link_object(t: ir.TypeRef) -> bool:
        inner = ir.non_null(t)
        return isinstance(inner, ir.ModelRef) and any(
            f.wire_name == "href" and is_str(f.type) for f in fields_of(inner.key, models))

    path = find(model, models, ("next",), link_object, depth=1)
    return (*path, "href") if path else ()


def item_has(item: ir.TypeRef, models: Mapping[str, ir.Model], name: str) -> bool:
    """Whether every item (a model, or a union of models) has a scalar field `name`."""
    t = ir.non_null(item)
    if isinstance(t, ir.UnionOf):
        return bool(t.variants) and all(item_has(v, models, name) for v in t.variants)
    if not isinstance(t, ir.ModelRef):
        return False
    return any(f.wire_name == name and (is_str(f.type) or is_int(f.type))
               for f in fields_of(t.key, models))


def path_of(
    model: ir.Model, models: Mapping[str, ir.Model], names: Sequence[str],
    named: Callable[[ir.Field, str], bool],
) -> tuple[str, ...]:
    """Wire names along a path of wire (or Python) field names, () when it breaks."""
    result: list[str] = []
    current: str | None = model.key
    for name in names:
        found = (next((f for f in fields_of(current, models) if named(f, name)), None)
                 if current else None)
        if found is None:
            return ()
        result.append(found.wire_name)
        t = ir.non_null(found.type)
        current = t.key if isinstance(t, ir.ModelRef) else None
    return tuple(result)
