"""Which model of a union a payload is: the wire values of `discriminator.propertyName`.

From the explicit `mapping`, else the values the variant's schema allows for that property (a
`const`, or an `enum`, written on the variant, inherited through `allOf`, or behind a `$ref`),
else (as the spec says) the variant's schema name. A value that several variants allow (an enum
they share) tells none of them apart: those variants fall back to their schema names.

The values are read from the spec, not from the models built so far: a variant may still be
under construction when a union inside it is built (a tree whose nodes hold a list of nodes).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sdkforge.model import ir
from sdkforge.read.resolve import Location, Resolved

_DEPTH = 16  # `allOf` chains followed at most, against cycles


def discriminator(
    spec: dict[str, Any], variants: tuple[ir.TypeRef, ...], at: Location, resolved: Resolved,
    warn: Callable[[Location, str], None],
) -> ir.Discriminator | None:
    """The tags of `spec` (a `discriminator` object at `at`) over the union's `variants`."""
    prop = spec["propertyName"]
    if not all(isinstance(v, ir.ModelRef) for v in variants):
        warn(at, "a discriminator over variants that are not all objects is ignored; "
                 "the union is matched by shape")
        return None
    keys = [v.key for v in variants if isinstance(v, ir.ModelRef)]
    tags = _mapped(spec.get("mapping"), keys, at, resolved, warn)
    own = {key: _allowed(resolved, _location(key), prop, 0) or [] for key in keys
           if key not in tags.values()}
    claims: dict[str, int] = {}
    for values in own.values():
        for value in {_text(v) for v in values}:
            claims[value] = claims.get(value, 0) + 1
    for key, values in own.items():
        distinct = [_text(v) for v in values if claims[_text(v)] == 1 and _text(v) not in tags]
        for value in distinct or [key.rsplit("/", 1)[-1]]:
            tags.setdefault(value, key)
    return ir.Discriminator(prop, tuple(sorted(tags.items())))


def _mapped(
    mapping: object, keys: list[str], at: Location, resolved: Resolved,
    warn: Callable[[Location, str], None],
) -> dict[str, str]:
    """The explicit `mapping`: each tag value to the variant it names."""
    tags: dict[str, str] = {}
    for value, ref in (mapping.items() if isinstance(mapping, dict) else ()):
        if not isinstance(ref, str):
            continue
        target = mapped_ref(ref)
        try:
            _, target_loc = resolved.deref({"$ref": target}, at)
        except KeyError:
            warn(at, f"discriminator mapping {value!r} points to {ref!r}, which does not resolve")
            continue
        if target_loc.key in keys:
            tags[_text(value)] = target_loc.key
    return tags


def mapped_ref(ref: str) -> str:
    """A `mapping` value as a `$ref`: a bare name is a component schema's."""
    return (ref if "#" in ref or "/" in ref or ref.endswith((".yaml", ".yml", ".json"))
            else f"#/components/schemas/{ref}")


def _location(key: str) -> Location:
    file, _, pointer = key.partition("#")
    return Location(file, pointer)


def _schema(
    resolved: Resolved, loc: Location, depth: int
) -> tuple[dict[str, Any], Location] | None:
    """The schema object at `loc`, its `$ref` followed; None past the depth limit, for one
    that does not resolve, or for one that is not an object."""
    try:
        node, loc = resolved.deref(resolved.get(loc), loc)
    except KeyError:
        return None
    return (node, loc) if isinstance(node, dict) and depth <= _DEPTH else None


def _allowed(resolved: Resolved, loc: Location, prop: str, depth: int) -> list[object] | None:
    """The values the schema at `loc` allows for its property `prop`: its own `const` or
    `enum`, else the last `allOf` member's that says; None when none constrains it."""
    found_node = _schema(resolved, loc, depth)
    if found_node is None:
        return None
    node, loc = found_node
    properties = node.get("properties")
    if isinstance(properties, dict) and prop in properties:
        found = _values(resolved, loc.at("properties", prop),
                        depth + 1)
        if found is not None:
            return found
    parts = node.get("allOf")
    found = None
    for index in range(len(parts) if isinstance(parts, list) else 0):
        member = _allowed(resolved, loc.at("allOf", index),
                          prop, depth + 1)
        found = member if member is not None else found
    return found


def _values(resolved: Resolved, loc: Location, depth: int) -> list[object] | None:
    """The values a property's schema allows: `const`, `enum` (null left out), or those of a
    `$ref` or an `allOf` member it is made of; None when it allows any string."""
    found_node = _schema(resolved, loc, depth)
    if found_node is None:
        return None
    node, loc = found_node
    if "const" in node:
        return [node["const"]]
    if isinstance(node.get("enum"), list):
        return [v for v in node["enum"] if v is not None]
    parts = node.get("allOf")
    for index in range(len(parts) if isinstance(parts, list) else 0):
        found = _values(resolved, loc.at("allOf", index),
                        depth + 1)
        if found is not None:
            return found
    return None


def _text(value: object) -> str:
    """A tag value as the runtime looks it up: a string as is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def implied(
    resolved: Resolved, models: list[ir.Model]
) -> str | None:
    """The property that tells `models` apart though no `discriminator` names it: one every
    model declares and restricts (`const` or `enum`) to values no other model allows, such as
    an event's `type`. Of several, one every model requires, then the first by name; None
    when there is none (or fewer than two models)."""
    if len(models) < 2:
        return None
    shared = set.intersection(*({f.wire_name for f in m.fields} for m in models))
    required = set.intersection(*({f.wire_name for f in m.fields if f.required}
                                  for m in models))
    for prop in sorted(shared, key=lambda p: (p not in required, p)):
        owners: dict[str, str] = {}
        for model in models:
            values = _allowed(resolved, _location(model.key), prop, 0)
            if not values:
                break
            texts = {_text(v) for v in values}
            if any(owners.get(t, model.key) != model.key for t in texts):
                break
            owners.update(dict.fromkeys(texts, model.key))
        else:
            return prop
    return None
