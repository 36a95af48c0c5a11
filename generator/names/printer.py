"""The IR and its names as text: one line per thing, what the spec calls it, then what Python
calls it. IR text cases (`tests/ir_cases/`) compare this with expected text, so a naming or
typing rule is checked in milliseconds without generating a package; it is also the quickest
way to see what sdkforge made of a spec (`python -m sdkforge.names.printer SPEC`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import assert_never

from sdkforge.model import ir
from sdkforge.model.encoding import DEFAULT_STYLES
from sdkforge.names.assign import Names


def type_text(t: ir.TypeRef, names: Mapping[str, str]) -> str:
    """A type as a short expression: classes by their Python names, `?` for nullable."""
    if isinstance(t, ir.Primitive):
        return t.kind
    if isinstance(t, ir.AnyValue):
        return "any"
    if isinstance(t, ir.ListOf):
        return f"list[{type_text(t.item, names)}]"
    if isinstance(t, ir.DictOf):
        return f"dict[{type_text(t.value, names)}]"
    if isinstance(t, ir.TupleOf):
        return f"tuple[{', '.join(type_text(i, names) for i in t.items)}]"
    if isinstance(t, ir.Nullable):
        return f"{type_text(t.inner, names)}?"
    if isinstance(t, ir.UnionOf):
        text = " | ".join(type_text(v, names) for v in t.variants)
        if t.discriminator is not None:
            tags = ", ".join(f"{json.dumps(tag)}: {names.get(key, key)}"
                             for tag, key in t.discriminator.tags)
            text += f" by {t.discriminator.property} {{{tags}}}"
            if t.discriminator.default:
                text += f" else {names.get(t.discriminator.default, t.discriminator.default)}"
        return f"({text})"
    if isinstance(t, (ir.ModelRef, ir.EnumRef)):
        return names.get(t.key, f"<unnamed {t.key}>")
    if isinstance(t, ir.LiteralOf):
        values = ", ".join(json.dumps(v) for v in t.values)
        return f"literal[{values}{', ...' if t.open else ''}]"
    assert_never(t)


def print_api(api: ir.Api, names: Names) -> str:
    """The whole IR with its names, in a stable order (keys, then wire names)."""
    return "\n".join(_lines(api, names)) + "\n"


def _lines(api: ir.Api, names: Names) -> Iterator[str]:
    exported = names.exported
    yield f"package {names.package}, client {names.client}"
    for scheme in api.auth:
        args = ", ".join(names.credentials[scheme.name])
        token = f", token from {scheme.token_url}" if scheme.token_url else ""
        yield f"auth {scheme.name} {scheme.kind} {scheme.wire_name} -> {args}{token}"
    for server in api.servers:
        options = ", ".join(f"{v.name}={v.default!r}" + (f" in {list(v.enum)}" if v.enum else "")
                            + f" -> {names.server_options[v.name]}"
                            for v in server.variables if v.name in names.server_options)
        yield f"server {server.url}" + ("" if server.absolute else " (relative)") + (
            f": {options}" if options else "")
    for model in api.models:
        base = f" extends {exported[model.base]}" if model.base else ""
        param = (f", dict {names.params[model.key]} in params/{names.modules[model.key]}"
                 if model.key in names.params else "")
        yield (f"model {model.key} -> {exported[model.key]} "
               f"in models/{names.modules[model.key]}{base}{param}")
        for f in model.fields:
            flags = "".join(f" {flag}" for flag, on in (("required", f.required),
                                                       ("read-only", f.read_only),
                                                       ("write-only", f.write_only)) if on)
            yield (f"  {f.wire_name} -> {names.field(model.key, f.wire_name)}: "
                   f"{type_text(f.type, exported)}{flags}")
        if model.extra is not None and not isinstance(model.extra, ir.AnyValue):
            yield f"  * -> {type_text(model.extra, exported)}"
    for enum in api.enums:
        values = ", ".join(json.dumps(v) for v in enum.values)
        yield f"enum {enum.key} -> {exported[enum.key]}: {values}"
    for alias in names.named_aliases(api):
        yield f"alias {alias.key} -> {exported[alias.key]} = {type_text(alias.target, exported)}"
    for event in api.events:
        payload = type_text(event.payload, exported) if event.payload is not None else "no model"
        yield f"{event.kind} {event.name} {event.method.upper()} -> {payload}"
    if names.webhooks is not None:
        yield f"webhooks client.{names.webhooks}, secret {names.webhook_secret}"
    for resource in names.resources:
        yield (f"resource client.{resource.attribute} "
               f"({resource.class_name}, resources/{resource.module})")
        for op in resource.operations:
            yield from _operation(op, names, exported)


def _operation(op: ir.Operation, names: Names, exported: Mapping[str, str]) -> Iterator[str]:
    label = f" ({op.operation_id})" if op.operation_id else ""
    yield f"  {op.method.upper()} {op.path}{label} -> {names.method(op)}"
    for p in op.params:
        required = " required" if p.required else ""
        default = (DEFAULT_STYLES[p.location], DEFAULT_STYLES[p.location] == "form")
        style = "" if (p.style, p.explode) == default else f" style={p.style}" + (
            "" if p.explode == (p.style == "form") else ",exploded" if p.explode else ",unexploded")
        yield (f"    {p.location} {p.wire_name} -> {names.argument(op, p.location, p.wire_name)}: "
               f"{type_text(p.type, exported)}{required}{style}")
    body = op.body
    if body is not None:
        required = " required" if body.required else ""
        shown = "only {}" if body.empty else type_text(body.type, exported)
        yield f"    body {body.kind} {body.content_type}: {shown}{required}"
        for f in body.fields:
            required = " required" if f.required else ""
            yield f"      {f.wire_name} -> {names.argument(op, 'body', f.wire_name)}{required}"
        for e in body.encoding:
            style = "" if (e.style, e.explode) == ("form", True) else f"style={e.style}" + (
                "" if e.explode else ",unexploded")
            shown = " ".join(x for x in (style, e.content_type,
                                         *(f"{k}: {v}" for k, v in e.headers)) if x)
            yield f"      encoding {e.wire_name}: {shown}"
    for r in op.responses:
        shown = f": {type_text(r.type, exported)}" if r.type is not None else ""
        yield f"    {r.status} {r.kind}{shown}"
        if r.stream is not None:
            item = type_text(r.stream.item, exported) if r.stream.item is not None else "events"
            yield f"      stream {r.stream.format} {r.stream.content_type}: {item}"
    if op.pagination is not None:
        pg = op.pagination
        by = f" by {pg.location} {pg.param}" if pg.param else ""
        extra = "".join(f" {label} {'.'.join(path)}" for label, path in (
            ("total", pg.total), ("cursor", pg.cursor), ("has-more", pg.has_more),
            ("pages", pg.pages), ("next", pg.next)) if path)
        extra += f" item-cursor {pg.item_cursor}" if pg.item_cursor else ""
        extra += f" size {pg.size}" if pg.size else ""
        extra += f" first {pg.first}" if pg.first != 1 else ""
        yield f"    pages {pg.style}{by}, items {pg.items or '(the list)'}{extra}"
    if op.security:
        yield f"    sends {', '.join(op.security)}"
    for scheme, scopes in op.scopes:
        yield f"    scopes {scheme}: {scopes}"


def main(argv: list[str]) -> int:
    """Print the named IR of a spec (no validation: it is for looking, not for generating)."""
    from sdkforge.diagnostics import Diagnostics
    from sdkforge.model.build import build
    from sdkforge.names.assign import assign
    from sdkforge.read.load import load
    from sdkforge.read.resolve import resolve

    if len(argv) != 1:
        print("usage: python -m sdkforge.names.printer SPEC", file=sys.stderr)
        return 2
    found = Diagnostics()
    api = build(resolve(load(Path(argv[0])), found), found)
    sys.stdout.write(print_api(api, assign(api)))
    for item in found.items:
        print(item.render(), file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
