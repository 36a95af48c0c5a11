"""The model stage's entry: the resolved document -> the IR (`ir.Api`), which holds no Python
names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdkforge.diagnostics import Diagnostics, join_pointer
from sdkforge.model import ir
from sdkforge.model.events import EventBuilder
from sdkforge.model.operations import OperationBuilder
from sdkforge.model.pagination import PageSettings, detect_all
from sdkforge.model.param_enums import param_enum_aliases
from sdkforge.model.schemas import SchemaBuilder, component_hint
from sdkforge.model.security import auth_schemes, lift_shared_headers
from sdkforge.model.servers import servers
from sdkforge.read.resolve import Location, Resolved


def build(
    resolved: Resolved, diagnostics: Diagnostics, headers: Mapping[str, str | None] | None = None,
    pages: PageSettings | None = None,
) -> ir.Api:
    """`headers` (lowercased wire name -> client argument, or None to keep it per call) and
    `pages` are the configuration's header and pagination settings."""
    data: dict[str, Any] = resolved.root.data
    schemas = SchemaBuilder(resolved, diagnostics)
    auth = auth_schemes(data, resolved.root.name, diagnostics)
    known = {scheme.name for scheme in auth}
    fetching = {scheme.name for scheme in auth if scheme.token_url}
    builder = OperationBuilder(resolved, schemas, diagnostics, known, fetching)
    operations = builder.build_all()
    if known and builder.unsaid:
        _warn_unsaid(builder.unsaid, resolved.root.name, diagnostics)
    operations, auth = lift_shared_headers(operations, auth, _header_texts(data), headers or {})

    def report(op: ir.Operation, message: str) -> None:
        diagnostics.warning(resolved.root.name, op.pointer,
                            f"{op.operation_id or op.method.upper() + ' ' + op.path}: {message}",
                            "fix [tool.sdkforge.pagination] in pyproject.toml")

    operations = detect_all(operations, schemas.models, pages or PageSettings(), report)
    # Every component schema becomes a model or enum even when no operation uses it.
    components = (data.get("components") or {}).get("schemas") or {}
    aliases: list[ir.Alias] = []
    if isinstance(components, dict):
        for key, node in components.items():
            pointer = join_pointer("/components/schemas", str(key))
            target = schemas.type_of({"$ref": "#" + pointer}, Location("", ""),
                                     ir.NameHint("text", "Schema"))
            if _needs_alias(target, "#" + pointer):
                title = node.get("title") if isinstance(node, dict) else None
                description = node.get("description") if isinstance(node, dict) else None
                aliases.append(ir.Alias(
                    key="#" + pointer, hint=component_hint(Location("", pointer), title),
                    target=target, description=ir.spec_text(description), pointer=pointer,
                ))
    operations = sorted(operations, key=lambda o: (o.path, o.method))
    aliases += param_enum_aliases(operations, (a.target for a in aliases))
    events, union = EventBuilder(resolved, schemas, diagnostics).build()
    if union is not None:
        aliases.append(union)
    info = data.get("info") or {}
    return ir.Api(
        title=str(info.get("title") or "API"),
        version=str(info.get("version") or ""),
        description=str(info.get("description") or "").strip(),
        servers=servers(data, resolved.root.name, diagnostics),
        operations=tuple(operations),
        models=tuple(sorted(schemas.models.values(), key=lambda m: m.key)),
        enums=tuple(sorted(schemas.enums.values(), key=lambda e: e.key)),
        aliases=tuple(aliases),
        auth=auth,
        events=events,
    )


def _header_texts(data: dict[str, Any]) -> dict[str, str]:
    """Everything written about each header parameter (descriptions, examples), by lowercased
    name."""
    texts: dict[str, list[str]] = {}

    def visit(params: object) -> None:
        for p in params if isinstance(params, list) else ():
            if isinstance(p, dict) and p.get("in") == "header" and isinstance(p.get("name"), str):
                raw_schema = p.get("schema")
                schema: dict[str, Any] = raw_schema if isinstance(raw_schema, dict) else {}
                found = [p.get("description"), p.get("example"), p.get("examples"),
                         schema.get("description"), schema.get("examples"), schema.get("example")]
                texts.setdefault(p["name"].lower(), []).append(" ".join(str(x) for x in found if x))

    components = (data.get("components") or {}).get("parameters") or {}
    visit(list(components.values()) if isinstance(components, dict) else [])
    for item in (data.get("paths") or {}).values():
        if isinstance(item, dict):
            visit(item.get("parameters"))
            for op in item.values():
                if isinstance(op, dict):
                    visit(op.get("parameters"))
    return {name: " ".join(parts) for name, parts in texts.items()}


def _needs_alias(t: ir.TypeRef, key: str) -> bool:
    """Every component schema has a public name in `models`: its own class or enum, else an
    alias (of a union, a list, a scalar, `Any`, a constant, or another schema it wraps). A
    polymorphic base, referred to as the union of its subtypes, has its own class."""
    if isinstance(t, ir.UnionOf) and t.discriminator is not None:
        return t.discriminator.default != key
    return not (isinstance(t, (ir.ModelRef, ir.EnumRef)) and t.key == key)


def _warn_unsaid(count: int, file: str, diagnostics: Diagnostics) -> None:
    diagnostics.warning(
        file, "/security",
        f"the spec declares security schemes but no `security`, so {count} operation(s) do "
        "not say which they need; those send any one credential the client is given",
        "add a top-level `security`, and `security: []` on operations that need none")
