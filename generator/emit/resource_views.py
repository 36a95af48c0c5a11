"""Stage 6b: the views of resource modules: method signatures, docstrings and the runtime
`Call(...)` each method makes.

Everything the resource template prints is computed here; the template only loops.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sdkforge.model import ir
from sdkforge.model.operations import body_kind

from sdkforge.names import naming
from sdkforge.emit.pyexpr import TypeWriter, doc_lines, docstring_lines, literal, tuple_expr


@dataclass(frozen=True, slots=True)
class ArgView:
    name: str
    annotation: str
    default: str  # "" for a required argument


@dataclass(frozen=True, slots=True)
class MethodView:
    name: str
    positional: tuple[ArgView, ...]
    keyword: tuple[ArgView, ...]
    returns: str
    docstring_lines: tuple[str, ...]
    deprecated: bool
    endpoint: str  # the module-level function that makes the method's Endpoint once
    endpoint_args: tuple[tuple[str, str], ...]  # keyword -> expression for runtime Endpoint(...)
    call_args: tuple[tuple[str, str], ...]  # keyword -> expression for runtime Call(endpoint, ...)
    returns_value: bool
    readme_call: str  # get_pet(pet_id, name=...)
    readme_returns: str  # models.Pet


@dataclass(frozen=True, slots=True)
class ResourceView:
    attribute: str
    class_name: str
    module: str
    imports: tuple[str, ...]
    methods: tuple[MethodView, ...]
    uses_models: bool
    uses_files: bool
    uses_discriminator: bool
    uses_pagination: bool


def resource_views(api: ir.Api) -> list[ResourceView]:
    """The view of every resource of `api`: what `render` writes and `surface` describes, made
    once for both. Aliases have no names here: references to them are inlined."""
    names = api.type_names()
    enums = {e.key: e for e in api.enums}
    return [resource_view(r, names, enums) for r in api.resources]


def resource_view(resource: ir.Resource, names: dict[str, str], enums: dict[str, ir.Enum]) -> ResourceView:
    writer = TypeWriter(ref=lambda key: f"_models.{names[key]}", names=names, lenient_enums=False, plain=True)
    runtime = TypeWriter(ref=lambda key: f"_models.{names[key]}", names=names, lenient_enums=False)
    methods = tuple(_method(op, writer, runtime) for op in resource.operations)
    deprecated = {"warnings"} if any(m.deprecated for m in methods) else set()
    imports = [f"import {m}" for m in sorted(writer.modules | runtime.modules | deprecated)]
    imports.append("from functools import cache, cached_property" if methods else "from functools import cached_property")
    typing_names = sorted(writer.typing | runtime.typing | ({"cast"} if any(m.returns_value for m in methods) else set()))
    if typing_names:
        imports.append(f"from typing import {', '.join(typing_names)}")
    if runtime.uses_discriminator:
        imports.extend(["", "from pydantic import Tag"])
    return ResourceView(
        attribute=resource.name, class_name=resource.class_name, module=resource.module,
        imports=tuple(imports), methods=methods, uses_models=bool(writer.keys | runtime.keys),
        uses_files=any("FileTypes" in a.annotation for m in methods for a in m.keyword),
        uses_discriminator=runtime.uses_discriminator,
        uses_pagination=any(op.pagination is not None for op in resource.operations),
    )


def _arg_type(t: ir.TypeRef, writer: TypeWriter, required: bool) -> tuple[str, str]:
    annotation = writer.expr(t)
    if required:
        return annotation, ""
    return f"{annotation} | NotGiven", "NOT_GIVEN"


def _method(op: ir.Operation, writer: TypeWriter, runtime: TypeWriter) -> MethodView:
    """`writer` spells the types mypy reads; `runtime` the ones pydantic parses with."""
    path_params = sorted((p for p in op.params if p.location == "path"), key=lambda p: op.path.find("{" + p.wire_name + "}"))
    positional = tuple(ArgView(p.py_name, writer.expr(p.type), "") for p in path_params)
    other = [p for p in op.params if p.location != "path"]
    body = op.body
    body_fields = body.fields if body is not None else ()
    args: list[tuple[bool, ArgView]] = []
    for p in other:
        annotation, default = _arg_type(p.type, writer, p.required)
        args.append((p.required, ArgView(p.py_name, annotation, default)))
    files = body.file_fields if body is not None else ()
    for f in body_fields:
        annotation, default = _arg_type(_file_type(f.type) if f.wire_name in files else f.type, writer, f.required)
        args.append((f.required, ArgView(f.py_name, annotation, default)))
    body_arg = "body" if body is not None and not body_fields else ""
    if body is not None and body_arg:
        annotation, default = _arg_type(body.type, writer, body.required)
        args.append((body.required, ArgView(body_arg, annotation, default)))
    keyword = [a for req, a in args if req] + [a for req, a in args if not req]
    if body is not None and body.content_types:
        writer.typing.add("Literal")
        choices = ", ".join(literal(ct) for ct in body.content_types)
        keyword.append(ArgView("content_type", f"Literal[{choices}]", literal(body.content_types[0])))

    success = [r for r in op.responses if r.status.startswith("2")] or [r for r in op.responses if r.status == "default"]
    returns, kind, cast_expr = _returns(success, writer, runtime)
    error_items = [
        (r.status if r.status == "default" else r.status.upper(), runtime.expr(r.type))
        for r in op.responses
        if r.type is not None and r.kind == "json" and not r.status.startswith("2") and (r.status[0] in "45" or r.status == "default")
    ]
    endpoint: list[tuple[str, str]] = [("method", literal(op.method)), ("path", literal(op.path))]
    call: list[tuple[str, str]] = []
    if path_params:
        call.append(("path_params", _mapping((p.wire_name, p.py_name) for p in path_params)))
    for location, field_name in (("query", "query"), ("header", "headers"), ("cookie", "cookies")):
        items = [(p.wire_name, p.py_name) for p in other if p.location == location]
        if items:
            call.append((field_name, _mapping(items)))
        styles = [(p.wire_name, p.style or "form", p.explode) for p in other if p.location == "query"]
        if location == "query" and any((style, explode) != ("form", True) for _, style, explode in styles):
            endpoint.append(("query_styles", "{" + ", ".join(
                f"{literal(wire)}: ({literal(style)}, {explode})" for wire, style, explode in styles
                if (style, explode) != ("form", True)) + "}"))
    if body is not None:
        endpoint.append(("body_kind", literal(body.kind)))
        if body_fields:
            plain = [(f.wire_name, f.py_name) for f in body_fields if f.wire_name not in body.file_fields]
            parts = [(f.wire_name, f.py_name) for f in body_fields if f.wire_name in body.file_fields]
            call.append(("body", _mapping(plain)))
            if parts:
                call.append(("files", _mapping(parts)))
        elif body_arg:
            call.append(("body", body_arg))
        endpoint.append(("content_type", literal(body.content_type)))
        if body.content_types:
            # The caller picks the content type; each one's kind is the generator's decision (the
            # one `build` made), written out so the runtime never works it out from the type.
            endpoint.append(("body_kinds", "{" + ", ".join(
                f"{literal(ct)}: {literal(body_kind(ct) or body.kind)}" for ct in body.content_types) + "}"))
            call.append(("content_type", "content_type"))
    if op.pagination is not None:
        pg = op.pagination
        spec = [literal(pg.style), literal(pg.location), literal(pg.param), literal(pg.items)]
        if pg.total:
            spec.append(f"total={literal(pg.total)}")
        if pg.cursor:
            spec.append(f"cursor={tuple_expr([literal(c) for c in pg.cursor])}")
        endpoint.append(("pagination", f"PageSpec({', '.join(spec)})"))
    if op.security:
        endpoint.append(("auth", tuple_expr([literal(s) for s in op.security])))
    endpoint.append(("cast_to", cast_expr))
    endpoint.append(("response_kind", literal(kind)))
    if error_items:
        endpoint.append(("errors", "{" + ", ".join(f"{literal(s)}: {e}" for s, e in error_items) + "}"))
    for extra in ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries"):
        call.append((extra, extra))
    return MethodView(
        name=op.name, positional=positional, keyword=tuple(keyword), returns=returns,
        docstring_lines=tuple(docstring_lines(_method_doc(op, path_params, other, body_fields, body_arg, body))),
        deprecated=op.deprecated, endpoint=f"_{op.name}_endpoint", endpoint_args=tuple(endpoint), call_args=tuple(call),
        returns_value=returns != "None",
        readme_returns=_public(returns),
        readme_call=f"{op.name}({', '.join([a.name for a in positional] + [f'{a.name}=...' for a in keyword if not a.default])})",
    )


def _public(annotation: str) -> str:
    """How users spell a type: `models.Pet`, not the resource module's private `_models.Pet`."""
    return re.sub(r"\b_models\.", "models.", annotation)


def _file_type(t: ir.TypeRef) -> ir.TypeRef:
    """Multipart file parts take bytes, a binary file object or (filename, content[, type])."""
    if isinstance(t, ir.Nullable):
        return ir.Nullable(_file_type(t.inner))
    if isinstance(t, ir.ListOf):
        return ir.ListOf(_file_type(t.item))
    return ir.Primitive("file")


def _mapping(items: Iterable[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{literal(wire)}: {py}" for wire, py in items) + "}"


def _returns(success: list[ir.Response], writer: TypeWriter, runtime: TypeWriter) -> tuple[str, str, str]:
    """The return annotation, the response kind, and the type the runtime parses into."""
    typed = [r for r in success if r.kind != "empty"]
    if not typed:
        return "None", "empty", "None"
    kinds = {r.kind for r in typed}
    if kinds == {"json"}:
        variants = tuple(r.type for r in typed if r.type is not None)
        t: ir.TypeRef = variants[0] if len(set(variants)) == 1 else ir.UnionOf(tuple(dict.fromkeys(variants)))
        if any(r.kind == "empty" for r in success):
            t = ir.Nullable(t)
        return writer.expr(t), "json", runtime.expr(t)
    kind = "text" if kinds == {"text"} else "binary"
    return ("str" if kind == "text" else "bytes"), kind, "None"


def _method_doc(
    op: ir.Operation, path_params: list[ir.Param], other: list[ir.Param],
    body_fields: tuple[ir.Field, ...], body_arg: str, body: ir.Body | None,
) -> list[str]:
    lines: list[str] = []
    if op.summary:
        lines.extend(doc_lines(op.summary, 76))
    if op.description and op.description != op.summary:
        if lines:
            lines.append("")
        lines.extend(doc_lines(op.description, 76))
    if op.deprecated:
        lines.extend(["", "Deprecated: this operation is deprecated by the API."])
    documented: list[tuple[str, str]] = [(p.py_name, p.description) for p in path_params + other]
    documented += [(f.py_name, f.description) for f in body_fields]
    if body_arg and body is not None:
        documented.append((body_arg, body.description or "The request body."))
    documented = [(n, d) for n, d in documented if d]
    if documented:
        lines.extend(["", "Args:"])
        for name, text in documented:
            wrapped = doc_lines(text, 68)
            lines.append(f"    {name}: {wrapped[0]}")
            lines.extend(f"        {w}" if w else "" for w in wrapped[1:])
    if not lines:
        lines.append(f"{op.method.upper()} {naming.snake(op.path)}")
    return lines
