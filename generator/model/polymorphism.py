"""Inheritance-style polymorphism, as Java and .NET tools write it: a component schema with a
`discriminator` and no `oneOf` or `anyOf` is a base, and its subtypes are the schemas its
`mapping` names, else the components that extend it (an `allOf` with a `$ref` to it). A
reference to the base means any of them: `schemas` types it as their union, told apart by the
discriminator, with the base's own model for a value no subtype claims.

A base with more than `MAX_SUBTYPES` subtypes (Microsoft Graph's `entity`: 653) stays the
base's model: a union that wide would load every subtype's module to parse one value. Its
subtypes' fields are then kept as the base's extra properties.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sdkforge.diagnostics import join_pointer
from sdkforge.model import ir
from sdkforge.model.discriminators import discriminator, mapped_ref
from sdkforge.read.resolve import Location, Resolved

MAX_SUBTYPES = 50


class Polymorphism:
    """How each reference to a polymorphic base is typed, worked out once per base."""

    def __init__(self, resolved: Resolved) -> None:
        self.resolved = resolved
        self.subtypes = Subtypes(resolved)
        self._typed: dict[str, ir.TypeRef] = {}

    def typed(
        self, base: dict[str, Any], at: Location, ref: ir.ModelRef,
        build: Callable[[Any, Location], ir.TypeRef], warn: Callable[[Location, str], None],
    ) -> ir.TypeRef:
        """A reference to the model `ref` of the schema `base` (at `at`): the union of its
        subtypes and itself when it is a base, else `ref`. `build` types a subtype's schema."""
        if ref.key not in self._typed:
            self._typed[ref.key] = ref  # a subtype's reference to its base, while it is built
            found = [build(self.resolved.get(sub), sub) for sub in self.subtypes.of(base, at)]
            variants = tuple(t for t in found if isinstance(t, ir.ModelRef) and t != ref)
            tags = (discriminator(base["discriminator"], variants,
                                  at.at("discriminator"),
                                  self.resolved, warn) if variants else None)
            if tags is not None:
                self._typed[ref.key] = ir.UnionOf((*variants, ref), replace(tags, default=ref.key))
        return self._typed[ref.key]


class Subtypes:
    """The subtypes of each polymorphic base of one spec; the extending schemas are indexed on
    first use, in one pass over the components."""

    def __init__(self, resolved: Resolved) -> None:
        self.resolved = resolved
        self._extending: dict[str, list[Location]] | None = None

    def of(self, base: dict[str, Any], at: Location) -> list[Location]:
        """Where each subtype of the schema `base` (at `at`) is; [] when it is no base."""
        spec = base.get("discriminator")
        if (not isinstance(spec, dict) or not isinstance(spec.get("propertyName"), str)
                or "oneOf" in base or "anyOf" in base):
            return []
        mapping = spec.get("mapping")
        found: list[Location] = []
        if isinstance(mapping, dict) and mapping:
            for ref in mapping.values():
                try:
                    _, loc = self.resolved.deref({"$ref": mapped_ref(str(ref))}, at)
                except KeyError:  # reported where the union is built
                    continue
                if loc != at and loc not in found:
                    found.append(loc)
        else:
            found = self._extenders().get(at.key, [])
        return found if len(found) <= MAX_SUBTYPES else []

    def _extenders(self) -> dict[str, list[Location]]:
        if self._extending is None:
            self._extending = {}
            components = self.resolved.root.data.get("components")
            schemas = components.get("schemas") if isinstance(components, dict) else None
            for name, node in schemas.items() if isinstance(schemas, dict) else ():
                parts = node.get("allOf") if isinstance(node, dict) else None
                loc = Location("", join_pointer("/components/schemas", str(name)))
                for index, part in enumerate(parts if isinstance(parts, list) else ()):
                    if isinstance(part, dict) and isinstance(part.get("$ref"), str):
                        target = self.resolved.target(part["$ref"], loc.at("allOf", index))
                        self._extending.setdefault(target.key, []).append(loc)
        return self._extending
