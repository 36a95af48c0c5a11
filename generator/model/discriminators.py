"""Which model of a union a payload is: the wire values of `discriminator.propertyName`.

From the explicit `mapping`, else the variant's own single-valued `const`/`enum` for that
property, else (as the spec says) the variant's schema name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sdkforge.model import ir
from sdkforge.read.resolve import Location, Resolved


def discriminator(
    spec: dict[str, Any], variants: tuple[ir.TypeRef, ...], at: Location, resolved: Resolved,
    models: Mapping[str, ir.Model], enums: Mapping[str, ir.Enum],
    warn: Callable[[Location, str], None],
) -> ir.Discriminator | None:
    """The tags of `spec` (a `discriminator` object at `at`) over the union's `variants`."""
    prop = spec["propertyName"]
    if not all(isinstance(v, ir.ModelRef) for v in variants):
        warn(at, "a discriminator over variants that are not all objects is ignored; "
                 "the union is matched by shape")
        return None
    keys = [v.key for v in variants if isinstance(v, ir.ModelRef)]
    tags: dict[str, str] = {}
    mapping = spec.get("mapping")
    for value, ref in (mapping.items() if isinstance(mapping, dict) else ()):
        if not isinstance(ref, str):
            continue
        target = (ref if "#" in ref or "/" in ref or ref.endswith((".yaml", ".yml", ".json"))
                  else f"#/components/schemas/{ref}")
        try:
            _, target_loc = resolved.deref({"$ref": target}, at)
        except KeyError:
            warn(at, f"discriminator mapping {value!r} points to {ref!r}, which does not resolve")
            continue
        if target_loc.key in keys:
            tags[str(value)] = target_loc.key
    for key in keys:
        if key in tags.values():
            continue
        own = _property_values(models.get(key), prop, enums)
        for value in own or [key.rsplit("/", 1)[-1]]:
            tags.setdefault(str(value), key)
    return ir.Discriminator(prop, tuple(sorted(tags.items())))


def _property_values(
    model: ir.Model | None, prop: str, enums: Mapping[str, ir.Enum]
) -> list[object]:
    """The values the model's own schema allows for the tag property: its const or enum."""
    for f in model.fields if model else ():
        if f.wire_name != prop:
            continue
        t = ir.non_null(f.type)
        if isinstance(t, ir.LiteralOf):
            return [v for v in t.values if v is not None]
        if isinstance(t, ir.EnumRef) and t.key in enums:
            return list(enums[t.key].values)
    return []
