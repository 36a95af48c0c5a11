"""Which models a client sends, which it reads, and which both: a model only sent is built by
callers, so what it leaves out is left out of the request (see `emit.model_views`)."""

from __future__ import annotations

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
