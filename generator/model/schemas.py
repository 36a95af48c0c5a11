"""Stage 4a: JSON Schemas -> IR types, models and enums.

Named schemas (targets of `$ref`) that are objects become models and those with
`enum` become enums; everything else is inlined as a type expression. Inline object
schemas with properties become models named after where they sit.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from sdkforge.diagnostics import Diagnostics
from sdkforge.model import ir
from sdkforge.model.annotations import property_annotations, sole_member
from sdkforge.model.discriminators import discriminator
from sdkforge.model.inheritance import extends_soundly
from sdkforge.model.literals import Scalar, literal_ready, loose_type, unique_values
from sdkforge.model.polymorphism import Polymorphism
from sdkforge.model.primitives import is_null_schema, marked_nullable, primitive, raw_binary
from sdkforge.read.advice import show
from sdkforge.read.resolve import Location, Resolved

_SCALARS = (str, int, float, bool)
_RECURSIVE = "recursive schema that is not an object; the recursion is typed as Any"


class SchemaBuilder:
    """Turns schemas into IR types, collecting named models and enums as it goes."""

    def __init__(self, resolved: Resolved, diagnostics: Diagnostics) -> None:
        self.resolved = resolved
        self.diagnostics = diagnostics
        self.models: dict[str, ir.Model] = {}
        self.enums: dict[str, ir.Enum] = {}
        self._building: set[str] = set()
        self._inlining: set[str] = set()
        self.polymorphism = Polymorphism(resolved)

    # ------------------------------------------------------------ diagnostics
    def _warn(self, loc: Location, message: str, hint: str = "") -> None:
        self.diagnostics.warning(self.resolved.display_file(loc.file), loc.pointer, message, hint)

    # ------------------------------------------------------------ entry point
    def type_of(self, node: Any, loc: Location, hint: ir.NameHint) -> ir.TypeRef:
        """The type of the schema `node` at `loc`; an inline model there is named from `hint`."""
        if node is True or node == {}:
            return ir.AnyValue()
        if not isinstance(node, dict):
            if node is False:
                self._warn(loc, "schema `false` accepts nothing; typed as Any")
            else:
                self._warn(loc, f"schema is a {type(node).__name__}, not an object; typed as Any")
            return ir.AnyValue()
        nullable = marked_nullable(node)
        if isinstance(node.get("$ref"), str):
            inner = self._named(node, loc)
            return ir.Nullable(inner) if nullable else inner
        base = self._type_without_nullable(node, loc, hint)
        if nullable and not isinstance(base, ir.Nullable):
            return ir.Nullable(base)
        return base

    # ------------------------------------------------------------ references
    def _named(self, node: dict[str, Any], loc: Location) -> ir.TypeRef:
        target, target_loc = self.resolved.deref(node, loc)
        named = self._named_target(target, target_loc)
        if not isinstance(named, ir.ModelRef) or not isinstance(target, dict):
            return named
        typed = self.polymorphism.typed(target, target_loc, named, self._named_target, self._warn)
        # A component model whose `type` list admits null (`[object, "null"]`): the model, or
        # null, wherever it is used (the model itself is the object).
        types = target.get("type")
        return ir.Nullable(typed) if isinstance(types, list) and "null" in types else typed

    def _named_target(self, target: Any, target_loc: Location) -> ir.TypeRef:
        key = target_loc.key
        if key in self.models or key in self._building:
            return ir.ModelRef(key)
        if key in self.enums:
            return ir.EnumRef(key)
        if not isinstance(target, dict):
            return self.type_of(target, target_loc, ir.NameHint("text", "Schema"))
        name = component_hint(target_loc, target.get("title"))
        if self._is_enum(target) and not is_null_schema(target):
            return self._enum(target, target_loc, name)
        if self._is_model(target, target_loc):
            return self._model(target, target_loc, name, inline=False)
        if key in self._inlining:
            self._warn(target_loc, _RECURSIVE)
            return ir.AnyValue()
        self._inlining.add(key)
        try:
            return self.type_of(target, target_loc, name)
        finally:
            self._inlining.discard(key)

    # ------------------------------------------------------------ classification
    @staticmethod
    def _is_enum(node: dict[str, Any]) -> bool:
        """Whether `enum` lists values a `Literal` can hold (see `literals`)."""
        values = node.get("enum")
        return isinstance(values, list) and bool(values) and all(
            v is None or isinstance(v, _SCALARS) for v in values
        ) and literal_ready(values)

    def _is_model(self, node: dict[str, Any], loc: Location) -> bool:
        if isinstance(node.get("properties"), dict) and node["properties"]:
            return True
        if isinstance(node.get("allOf"), list) and len(node["allOf"]) > 1:
            return self._all_of_objects(node, loc)
        t = node.get("type")
        return t == "object" and not any(k in node for k in ("anyOf", "oneOf", "allOf")) and (
            "additionalProperties" not in node or node.get("additionalProperties") is False
        ) and "title" in node

    # ------------------------------------------------------------ structure
    def _type_without_nullable(
        self, node: dict[str, Any], loc: Location, hint: ir.NameHint
    ) -> ir.TypeRef:
        if "const" in node:
            value = node["const"]
            if value is None:
                return ir.LiteralOf((None,))
            if isinstance(value, _SCALARS) and literal_ready([value]):
                return ir.LiteralOf((value,))
            if isinstance(value, _SCALARS):
                return self._loose(loc, "const", [value])
            self._warn(loc, "`const` with a structured value; typed as Any")
            return ir.AnyValue()
        if self._is_enum(node):
            values = tuple(node["enum"])
            non_null = self._enum_values(node, loc)
            if not non_null:
                return ir.LiteralOf((None,))
            base: ir.TypeRef = ir.LiteralOf(non_null, open=len(non_null) > 1)
            return ir.Nullable(base) if None in values else base
        listed = node.get("enum")
        if isinstance(listed, list) and listed and all(v is None or isinstance(v, _SCALARS)
                                                       for v in listed):
            loose = self._loose(loc, "enum", [v for v in listed if v is not None])
            return ir.Nullable(loose) if None in listed else loose
        if listed == []:
            self._warn(loc.at("enum"), "`enum` is empty, so no value is valid; it is ignored "
                       "and the type is `type`'s", "list the values, or remove `enum`")
        for keyword in ("anyOf", "oneOf"):
            if isinstance(node.get(keyword), list) and node[keyword]:
                return self._union(node, keyword, loc, hint)
        if isinstance(node.get("allOf"), list) and node["allOf"]:
            return self._all_of(node, loc, hint)
        if "not" in node:
            self._warn(loc.at("not"), "`not` cannot be expressed as a Python type; "
                       "it is not checked (the rest of the schema is)")
        types = node.get("type")
        if isinstance(types, list):
            listed = [t for t in types if t != "null"]
            type_variants: tuple[ir.TypeRef, ...] = tuple(
                self._single_type({**node, "type": t}, t, loc, hint) for t in listed
            ) or (ir.LiteralOf((None,)),)
            inner = (type_variants[0] if len(type_variants) == 1
                     else ir.UnionOf(_unique(type_variants)))
            return ir.Nullable(inner) if "null" in types and listed else inner
        return self._single_type(node, types, loc, hint)

    def _single_type(
        self, node: dict[str, Any], t: Any, loc: Location, hint: ir.NameHint
    ) -> ir.TypeRef:
        if t is None:
            if raw_binary(node):
                return ir.Primitive("bytes")
            if isinstance(node.get("properties"), dict) or "additionalProperties" in node:
                t = "object"
            elif "items" in node or "prefixItems" in node:
                # `items` constrains arrays only: without `type` the value may be anything.
                self._warn(loc, "`items` without `type: array` says nothing unless the value is "
                           "an array; typed as Any", "add `type: array` if it is always one")
                return ir.AnyValue()
            else:
                return ir.AnyValue()
        scalar = primitive(node, t) if isinstance(t, str) else None
        if scalar is not None:
            return scalar
        if t == "null":
            return ir.LiteralOf((None,))
        if t == "array":
            return self._array(node, loc, hint)
        if t == "object":
            return self._object(node, loc, hint)
        self._warn(loc.at("type"), f"unknown type {show(t)}; typed as Any")
        return ir.AnyValue()

    def _array(self, node: dict[str, Any], loc: Location, hint: ir.NameHint) -> ir.TypeRef:
        prefix = node.get("prefixItems")
        items = node.get("items")
        if isinstance(prefix, list) and prefix:
            heads = tuple(self.type_of(item, loc.at("prefixItems", i),
                                       ir.NameHint("text", f"Item{i + 1}", hint))
                          for i, item in enumerate(prefix))
            if items is False or (items is None and node.get("maxItems") == len(prefix)):
                return ir.TupleOf(heads)  # closed: nothing may follow the prefix
            # Open (2020-12 lets any item follow, or `items`' after the prefix): a list of each.
            rest = (ir.AnyValue() if not isinstance(items, dict)
                    else self.type_of(items, loc.at("items"), ir.NameHint("text", "Item", hint)))
            every = _unique([*heads, rest])
            return ir.ListOf(ir.AnyValue() if any(isinstance(t, ir.AnyValue) for t in every)
                             else every[0] if len(every) == 1 else ir.UnionOf(every))
        if items is None:
            return ir.ListOf(ir.AnyValue())
        return ir.ListOf(self.type_of(items, loc.at("items"), ir.NameHint("text", "Item", hint)))

    def _object(self, node: dict[str, Any], loc: Location, hint: ir.NameHint) -> ir.TypeRef:
        if self._is_model(node, loc):
            return self._model(node, loc, ir.NameHint("class", parent=hint), inline=True)
        return ir.DictOf(self._extra(node, loc, hint) or ir.AnyValue())

    def _union(
        self, node: dict[str, Any], keyword: str, loc: Location, hint: ir.NameHint
    ) -> ir.TypeRef:
        options = node[keyword]
        nullable = any(is_null_schema(o) for o in options)
        variants: list[ir.TypeRef] = []
        for index, option in enumerate(options):
            if is_null_schema(option):
                continue
            title = option.get("title") if isinstance(option, dict) else None
            sub_hint = ir.NameHint("text", f"Variant{index + 1}", hint)
            if isinstance(title, str):  # named after its title, when that has words
                sub_hint = ir.NameHint("title", title, sub_hint)
            variants.append(self.type_of(option, loc.at(keyword, index), sub_hint))
        unique = _unique(variants)
        if not unique:
            return ir.LiteralOf((None,))
        inner = (unique[0] if len(unique) == 1
                 else ir.UnionOf(unique, self._discriminator(node, unique, loc)))
        return ir.Nullable(inner) if nullable and not isinstance(inner, ir.Nullable) else inner

    def _discriminator(
        self, node: dict[str, Any], variants: tuple[ir.TypeRef, ...], loc: Location
    ) -> ir.Discriminator | None:
        spec = node.get("discriminator")
        if not isinstance(spec, dict) or not isinstance(spec.get("propertyName"), str):
            return None
        return discriminator(spec, variants, loc.at("discriminator"), self.resolved, self._warn)

    def _all_of(self, node: dict[str, Any], loc: Location, hint: ir.NameHint) -> ir.TypeRef:
        parts = node["allOf"]
        own = {k: v for k, v in node.items()
               if k not in ("allOf", "description", "title", "default", "examples", "example")}
        if len(parts) == 1 and not own.get("properties"):
            return self.type_of(parts[0], loc.at("allOf", 0), hint)
        sole = sole_member(node)
        if sole is not None:  # `allOf: [{$ref: X}, {description: ...}]`: X, described in place
            inner = self.type_of(parts[sole], loc.at("allOf", sole), hint)
            nullable = any(marked_nullable(p) for p in parts)
            return ir.Nullable(inner) if nullable and not isinstance(inner, ir.Nullable) else inner
        if self._all_of_objects(node, loc):
            return self._model(node, loc, ir.NameHint("class", parent=hint), inline=True)
        # `allOf: [{type: string}, {format: date}]`: the constraints of one value, merged.
        merged: dict[str, Any] = {}
        entered: set[str] = set()  # referenced members, merged here past the guards of `_named`
        for index, part in enumerate(parts):
            target, target_loc = self.resolved.deref(part, loc.at("allOf", index))
            if target_loc.key in self._inlining:
                self._warn(target_loc, _RECURSIVE)
                return ir.AnyValue()
            if isinstance(part, dict) and "$ref" in part:
                entered.add(target_loc.key)
            if isinstance(target, dict):
                merged.update({k: v for k, v in target.items() if k != "allOf"})
        merged.update({k: v for k, v in node.items() if k != "allOf"})
        self._inlining |= entered
        try:
            return self._type_without_nullable(merged, loc, hint)
        finally:
            self._inlining -= entered

    def _all_of_objects(self, node: dict[str, Any], loc: Location) -> bool:
        """Whether an `allOf` combines objects (a model) rather than constraints on one value."""
        for index, part in enumerate(node.get("allOf") or []):
            try:
                target, _ = self.resolved.deref(part, loc.at("allOf", index))
            except KeyError:  # a dangling reference is reported by `resolve`
                continue
            if isinstance(target, dict) and (
                target.get("type") == "object" or "properties" in target or "allOf" in target
                or "additionalProperties" in target
            ):
                return True
        return isinstance(node.get("properties"), dict) or node.get("type") == "object"

    # ------------------------------------------------------------ named things
    def _enum_values(self, node: dict[str, Any], loc: Location) -> tuple[Scalar, ...]:
        """The enum's values but None, each once; a repeated value is warned about."""
        values, repeats = unique_values([v for v in node["enum"] if v is not None])
        if repeats:
            self._warn(loc.at("enum"), f"`enum` lists {json.dumps(repeats[0])} more than once; "
                       "each value is kept once", "remove the repeated values")
        return values

    def _loose(self, loc: Location, keyword: str, values: list[Scalar]) -> ir.TypeRef:
        """A `const` or `enum` a `Literal` cannot hold (a float): typed by its values' kinds."""
        loose = loose_type(values)
        self._warn(loc.at(keyword), f"`{keyword}` holds a number that is not an integer "
                   f"({json.dumps(next(v for v in values if type(v) is float))}), which a Python "
                   "Literal cannot; typed as the values' type (float) instead")
        return loose

    def _enum(self, node: dict[str, Any], loc: Location, name: ir.NameHint) -> ir.TypeRef:
        key = loc.key
        self.enums[key] = ir.Enum(
            key=key, hint=name, inline=False, values=self._enum_values(node, loc),
            description=ir.spec_text(node.get("description")), pointer=loc.pointer,
        )
        ref: ir.TypeRef = ir.EnumRef(key)
        return ir.Nullable(ref) if None in node["enum"] else ref

    def _model(
        self, node: dict[str, Any], loc: Location, name: ir.NameHint, inline: bool
    ) -> ir.TypeRef:
        key = loc.key
        if key in self.models or key in self._building:
            return ir.ModelRef(key)
        self._building.add(key)
        try:
            base = self._base(node, loc)
            properties, required, description = self._collect_properties(node, loc)
            fields = tuple(
                self._field(wire, schema, at, wire in required, name)
                for wire, (schema, at) in properties.items()
            )
            extra = self._extra(node, loc, name)
        finally:
            self._building.discard(key)
        for keyword in ("oneOf", "anyOf"):
            if any(isinstance(v, dict) and ("$ref" in v or "properties" in v)
                   for v in node.get(keyword) or ()):
                self._warn(loc.at(keyword), f"a `{keyword}` beside `properties` is not typed: "
                           "the model has the properties; what a variant adds is kept as extra "
                           "properties", f"move the properties into each `{keyword}` variant")
        if base is not None and not extends_soundly(self.models[base], fields):
            base = None
        self.models[key] = ir.Model(
            key=key, hint=name, inline=inline, fields=fields, extra=extra,
            description=description, pointer=loc.pointer, base=base,
        )
        return ir.ModelRef(key)

    def _base(self, node: dict[str, Any], loc: Location) -> str | None:
        """The model an `allOf` extends: its one `$ref` member, when that is an object model
        (a polymorphic base as itself, not as the union of its subtypes)."""
        parts = node.get("allOf")
        refs = [(i, p) for i, p in enumerate(parts if isinstance(parts, list) else [])
                if isinstance(p, dict) and isinstance(p.get("$ref"), str)]
        if len(refs) != 1:
            return None
        index, part = refs[0]
        t = self._named_target(*self.resolved.deref(part, loc.at("allOf", index)))
        return t.key if isinstance(t, ir.ModelRef) and t.key in self.models else None

    def _extra(self, node: dict[str, Any], loc: Location, name: ir.NameHint) -> ir.TypeRef | None:
        """The type of properties the schema does not name: Any, a schema's type, or none."""
        extra = node.get("additionalProperties")
        types: list[ir.TypeRef] = []
        if isinstance(extra, dict) and extra:
            types.append(self.type_of(extra, loc.at("additionalProperties"),
                                      ir.NameHint("text", "Value", name)))
        elif extra is not False:
            return ir.AnyValue()  # absent, true or {}: anything goes
        patterns = node.get("patternProperties")
        for pattern, schema in (patterns.items() if isinstance(patterns, dict) else ()):
            types.append(self.type_of(schema, loc.at("patternProperties", str(pattern)),
                                      ir.NameHint("text", "Value", name)))
        unique = _unique(types)
        if not unique:
            return None
        return unique[0] if len(unique) == 1 else ir.UnionOf(unique)

    def _collect_properties(
        self, node: dict[str, Any], loc: Location
    ) -> tuple[dict[str, tuple[Any, Location]], set[str], str]:
        """Own properties plus those of every `allOf` member, in order, later ones winning."""
        properties: dict[str, tuple[Any, Location]] = {}
        required: set[str] = set()
        description = ir.spec_text(node.get("description"))
        for index, part in enumerate(node.get("allOf") or []):
            target, target_loc = self.resolved.deref(part, loc.at("allOf", index))
            if isinstance(target, dict):
                props, req, desc = self._collect_properties(target, target_loc)
                properties.update(props)
                required |= req
                description = description or desc
        own = node.get("properties")
        if isinstance(own, dict):
            for wire, schema in own.items():
                properties[str(wire)] = (schema, loc.at("properties", str(wire)))
        listed = node.get("required")
        if isinstance(listed, list):
            required |= {r for r in listed if isinstance(r, str)}
        return properties, required, description

    def _field(
        self, wire: str, schema: Any, loc: Location, required: bool, owner: ir.NameHint
    ) -> ir.Field:
        field_type = self.type_of(schema, loc, ir.NameHint("word", wire, owner))
        info = property_annotations(schema) if isinstance(schema, dict) else {}
        description = ir.spec_text(info.get("description"))
        # A readOnly field is absent from requests and a writeOnly one from responses, so a
        # model used for both cannot require either.
        marks = [info, self._target(info, loc)]  # on the property, or on the schema it $refs
        read_only = any(m.get("readOnly") is True for m in marks)
        write_only = any(m.get("writeOnly") is True for m in marks)
        required = required and not (read_only or write_only)
        has_default = "default" in info and not required
        return ir.Field(
            wire_name=wire, type=field_type, required=required,
            description=description, has_default=has_default,
            default=info.get("default") if has_default else None,
            read_only=read_only, write_only=write_only,
            deprecated=info.get("deprecated") is True, pointer=loc.key,
        )


    def _target(self, info: dict[str, Any], loc: Location) -> dict[str, Any]:
        """The schema a `$ref` property points to ({} for none, or one that does not resolve)."""
        if not isinstance(info.get("$ref"), str):
            return {}
        try:
            target, _ = self.resolved.deref(info, loc)
        except KeyError:
            return {}
        return target if isinstance(target, dict) else {}


def component_hint(loc: Location, title: object) -> ir.NameHint:
    """A component schema's name hint: its location (a whole file: the file's name) and title."""
    where = loc.pointer or PurePosixPath(loc.file).stem
    return ir.NameHint("schema", where, title=title if isinstance(title, str) else None)


def _unique(variants: list[ir.TypeRef] | tuple[ir.TypeRef, ...]) -> tuple[ir.TypeRef, ...]:
    seen: list[ir.TypeRef] = []
    for v in variants:
        if v not in seen:
            seen.append(v)
    return tuple(seen)

