"""Which models a client sends, which it reads, and which both: a model only sent is built by
callers, so what it leaves out is left out of the request (see `emit.model_views`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from sdkforge.model import ir

Usage = Literal["", "in", "out", "in+out"]


def model_usage(api: ir.Api) -> dict[str, Usage]:
    """Which models travel in requests, in responses, or both (through fields and bases)."""
    models = {m.key: m for m in api.models}
    seen: dict[str, set[str]] = {"in": set(), "out": set()}

    def walk(t: ir.TypeRef | None, direction: str) -> None:
        for key in ir.references(t) if t is not None else ():
            if key not in models or key in seen[direction]:
                continue
            seen[direction].add(key)
            model = models[key]
            for f in model.fields:
                walk(f.type, direction)
            if model.extra is not None:
                walk(model.extra, direction)
            if model.base:
                walk(ir.ModelRef(model.base), direction)

    for op in api.operations:
        for p in op.params:
            walk(p.type, "in")
        if op.body is not None:
            walk(op.body.type, "in")
            for f in op.body.fields:
                walk(f.type, "in")
        for r in op.responses:
            walk(r.type, "out")
            if r.stream is not None:
                walk(r.stream.item, "out")
    result: dict[str, Usage] = {}
    for key in models:
        if key in seen["in"]:
            result[key] = "in+out" if key in seen["out"] else "in"
        else:
            result[key] = "out" if key in seen["out"] else ""
    return result


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a caller may give as plain dicts: the models a request reaches through what it
    sends (not through read-only properties), and the discriminator tags each model carries
    when it is a variant of a discriminated union (model key -> property -> wire values)."""

    models: frozenset[str]
    tags: Mapping[str, Mapping[str, tuple[str, ...]]]


def request_inputs(api: ir.Api) -> Inputs:
    """The models reachable from the operations' parameters and bodies, read-only fields left
    out (a caller never sends them), with the tags of the unions they are variants of."""
    models = {m.key: m for m in api.models}
    seen: set[str] = set()
    tags: dict[str, dict[str, list[str]]] = {}
    stack: list[ir.TypeRef] = []
    for op in api.operations:
        stack.extend(p.type for p in op.params)
        if op.body is not None and op.body.fields:  # flattened: its fields are the arguments
            stack.extend(f.type for f in op.body.fields)
        elif op.body is not None:
            stack.append(op.body.type)
    while stack:
        for t in ir.walk(stack.pop()):
            if isinstance(t, ir.UnionOf) and t.discriminator is not None:
                for value, key in t.discriminator.tags:
                    found = tags.setdefault(key, {}).setdefault(t.discriminator.property, [])
                    if value not in found:
                        found.append(value)
            if not isinstance(t, ir.ModelRef) or t.key not in models or t.key in seen:
                continue
            seen.add(t.key)
            model = models[t.key]
            stack.extend(f.type for f in model.fields if not f.read_only)
    return Inputs(frozenset(seen), {key: {prop: tuple(values) for prop, values in props.items()}
                                    for key, props in tags.items()})
