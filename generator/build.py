"""Stage 4: the resolved document -> the IR (`ir.Api`), names still provisional."""

from __future__ import annotations

from typing import Any

from . import ir, naming
from .diagnostics import Diagnostics
from .operations import OperationBuilder
from .resolve import Location, Resolved
from .schemas import SchemaBuilder


def build(resolved: Resolved, version: str, diagnostics: Diagnostics) -> ir.Api:
    data: dict[str, Any] = resolved.root.data
    schemas = SchemaBuilder(resolved, version, diagnostics)
    operations = OperationBuilder(resolved, schemas, diagnostics).build_all()
    # Every component schema becomes a model or enum even when no operation uses it.
    components = (data.get("components") or {}).get("schemas") or {}
    if isinstance(components, dict):
        for key in components:
            pointer = "/components/schemas/" + str(key).replace("~", "~0").replace("/", "~1")
            schemas.type_of({"$ref": "#" + pointer}, Location("", ""), "Schema")
    for note in ("webhooks", "callbacks"):
        if data.get(note):
            diagnostics.info(resolved.root.name, f"/{note}", f"`{note}` are not part of the client and were skipped")
    info = data.get("info") or {}
    return ir.Api(
        title=str(info.get("title") or "API"),
        version=str(info.get("version") or ""),
        description=str(info.get("description") or "").strip(),
        servers=tuple(
            str(s["url"]) for s in data.get("servers") or [] if isinstance(s, dict) and isinstance(s.get("url"), str)
        ),
        resources=_group(operations),
        models=tuple(sorted(schemas.models.values(), key=lambda m: m.key)),
        enums=tuple(sorted(schemas.enums.values(), key=lambda e: e.key)),
    )


def _group(operations: list[ir.Operation]) -> tuple[ir.Resource, ...]:
    by_resource: dict[str, list[ir.Operation]] = {}
    for op in operations:
        by_resource.setdefault(op.resource, []).append(op)
    return tuple(
        ir.Resource(
            name=name, class_name=naming.pascal(name), module=name,
            operations=tuple(sorted(ops, key=lambda o: (o.path, o.method))),
        )
        for name, ops in sorted(by_resource.items())
    )
