"""Long inline enums of parameters, named: each distinct one becomes an alias of the models
package, which signatures name (`orderby: list[_models.ListUsersOrderbyItem]`) where they
spelt out its values in every method that takes it (Microsoft Graph's `$select`, `$orderby`
and `$expand`: 496 distinct lists of 8 to hundreds of values, taken by about 3,060
parameters)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from sdkforge.model import ir

# An inline enum of a parameter with this many values or more is named; a shorter one reads
# better spelt out (`Literal["asc", "desc"]`).
PARAM_ENUM_NAMED_FROM = 8


def param_enum_aliases(
    operations: Iterable[ir.Operation], named: Iterable[ir.TypeRef] = ()
) -> tuple[ir.Alias, ...]:
    """One alias for each long enum the operations' parameters hold inline, but those `named`
    already holds (the targets of component aliases, which signatures name instead). Each is
    named after its parameter in the operation of the shortest path that takes it (then the
    first by path and method): `/users`' `$select`, not that of a path under another
    resource that lists users too."""
    seen = {repr(t) for t in named}
    places: dict[str, tuple[tuple[int, str, str], ir.Alias]] = {}
    for op in operations:
        hint = ir.NameHint("operation", op.operation_id, extra=(op.method, op.path))
        rank = (op.path.count("/"), op.path, op.method)
        for param in op.params:
            place = ir.NameHint("word", param.wire_name, hint)
            for literal, where, spelt in _long_enums(param.type, place, "/schema"):
                text = repr(literal)
                if text in seen or (text in places and places[text][0] <= rank):
                    continue
                places[text] = (rank, ir.Alias(
                    key=f"{param.pointer}{where}", hint=spelt, target=literal,
                    description=f"The values of the {param.location} parameter "
                                f"`{param.wire_name}`.",
                    pointer=param.pointer.partition("#")[2] + where, inline=True,
                    parameter=True,
                ))
    aliases: list[ir.Alias] = []
    keys: set[str] = set()
    for _, alias in sorted(places.values(), key=lambda item: item[0]):
        while alias.key in keys:  # two variants of one union
            alias = replace(alias, key=alias.key + "'")
        keys.add(alias.key)
        aliases.append(alias)
    return tuple(aliases)


def _long_enums(
    t: ir.TypeRef, hint: ir.NameHint, where: str
) -> Iterator[tuple[ir.LiteralOf, str, ir.NameHint]]:
    """The long enums in `t`, each with its place under the parameter's schema and its name
    hint (the items of a list are the parameter's `Item`)."""
    if isinstance(t, ir.LiteralOf):
        if len(t.values) >= PARAM_ENUM_NAMED_FROM:
            yield t, where, hint
    elif isinstance(t, ir.ListOf):
        yield from _long_enums(t.item, ir.NameHint("text", "Item", hint), where + "/items")
    elif isinstance(t, ir.Nullable):
        yield from _long_enums(t.inner, hint, where)
    elif isinstance(t, ir.UnionOf):
        for variant in t.variants:
            yield from _long_enums(variant, hint, where)
