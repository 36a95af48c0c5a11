"""Stage 6: the named IR -> {relative path: source text}, through Jinja templates.

Everything a template prints is computed here (type expressions, imports,
docstrings, literals); templates only loop and look up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import ir, naming
from .modules import assign_modules
from .pyexpr import TypeWriter, doc_lines, docstring, fits, literal

TEMPLATES = Path(__file__).resolve().parent / "templates"
if not TEMPLATES.is_dir():  # running from a source checkout
    TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

STATIC_RUNTIME = {
    "_runtime/_http.py": "runtime/_http.py",
    "_runtime/_models.py": "runtime/_models.py",
    "_runtime/_pagination.py": "runtime/_pagination.py",
    "_runtime/_response.py": "runtime/_response.py",
    "_runtime/_types.py": "runtime/_types.py",
    "errors.py": "runtime/errors.py",
}


@dataclass(frozen=True, slots=True)
class Options:
    package: str
    client: str


# ------------------------------------------------------------------ views

@dataclass(frozen=True, slots=True)
class FieldView:
    name: str
    annotation: str
    default: str  # "" when required
    docstring: str


@dataclass(frozen=True, slots=True)
class ClassView:
    name: str
    base: str
    docstring: str
    fields: tuple[FieldView, ...]
    page_item: str = ""  # the item type when this model is a page of a list call


@dataclass(frozen=True, slots=True)
class AliasView:
    name: str
    expr: str
    docstring: str


@dataclass(frozen=True, slots=True)
class ModelModuleView:
    module: str
    imports: tuple[str, ...]
    enums: tuple[AliasView, ...]
    classes: tuple[ClassView, ...]
    rebuild: tuple[str, ...]


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
    call_args: tuple[tuple[str, str], ...]  # keyword -> expression for runtime Call(...)
    returns_value: bool
    chooses_content_type: bool
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
    uses_content_types: bool
    uses_pagination: bool


# ------------------------------------------------------------------ entry point

def render(api: ir.Api, options: Options) -> dict[str, str]:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    modules = assign_modules(api)
    names = {m.key: m.name for m in api.models} | {e.key: e.name for e in api.enums}
    enums = {e.key: e for e in api.enums}
    exported_names = names | {a.key: a.name for a in api.aliases}
    pkg = options.package
    files: dict[str, str] = {}
    for target, source in STATIC_RUNTIME.items():
        files[f"{pkg}/{target}"] = (TEMPLATES / source).read_text(encoding="utf-8")
    files[f"{pkg}/py.typed"] = ""

    model_views = _model_modules(api, modules, names, enums, {m.key: m for m in api.models})
    exported = sorted({(exported_names[k], modules[k]) for k in exported_names})
    resources = [_resource_view(r, names, enums) for r in api.resources]
    common = {"api": api, "options": options, "resources": resources, "exported": exported,
              "auth_args": _auth_args(api.auth, pkg), "auth_schemes": _auth_schemes(api.auth, pkg),
              "title_doc": doc_lines(api.title)[0] if doc_lines(api.title) else "API",
              "base_url": literal(api.servers[0] if api.servers else ""),
              "base_url_doc": (doc_lines(api.servers[0]) or ["(none)"])[0] if api.servers else "(none)",
              "version": literal(api.version), "package_literal": literal(pkg)}

    files[f"{pkg}/__init__.py"] = env.get_template("package_init.py.jinja").render(common)
    files[f"{pkg}/_version.py"] = env.get_template("version.py.jinja").render(common)
    files[f"{pkg}/_client.py"] = env.get_template("client.py.jinja").render(common)
    files[f"{pkg}/_runtime/__init__.py"] = env.get_template("runtime_init.py.jinja").render(common)
    files[f"{pkg}/models/__init__.py"] = env.get_template("models_init.py.jinja").render(common)
    files[f"{pkg}/resources/__init__.py"] = env.get_template("resources_init.py.jinja").render(common)
    model_template = env.get_template("model_module.py.jinja")
    for model_view in model_views:
        files[f"{pkg}/models/{model_view.module}.py"] = model_template.render(view=model_view)
    resource_template = env.get_template("resource.py.jinja")
    for resource_view in resources:
        files[f"{pkg}/resources/{resource_view.module}.py"] = resource_template.render(view=resource_view, options=options)
    files["README.md"] = env.get_template("README.md.jinja").render(common)
    return files


# ------------------------------------------------------------------ auth

@dataclass(frozen=True, slots=True)
class AuthArgView:
    name: str
    env: str
    doc: str


@dataclass(frozen=True, slots=True)
class AuthSchemeView:
    scheme: str  # literal
    kind: str  # literal
    wire: str  # literal
    secret: str  # expression


def _env(arg: str, package: str) -> str:
    return f"{package}_{arg}".upper()


def _auth_args(schemes: tuple[ir.AuthScheme, ...], package: str) -> list[AuthArgView]:
    views = []
    for scheme in schemes:
        where = {"bearer": "as a Bearer token", "basic": "for HTTP basic auth"}.get(scheme.kind, f"in the {scheme.wire_name!r} {scheme.kind}")
        for arg in scheme.args:
            views.append(AuthArgView(arg, _env(arg, package), doc_lines(f"{arg}: sent {where}; defaults to ${_env(arg, package)}.", 200)[0]))
    return views


def _auth_schemes(schemes: tuple[ir.AuthScheme, ...], package: str) -> list[AuthSchemeView]:
    views = []
    for scheme in schemes:
        values = [f"_env({arg}, {literal(_env(arg, package))})" for arg in scheme.args]
        secret = f"_basic({values[0]}, {values[1]})" if scheme.kind == "basic" else values[0]
        views.append(AuthSchemeView(literal(scheme.name), literal(scheme.kind), literal(scheme.wire_name), secret))
    return views


# ------------------------------------------------------------------ models

def _model_modules(
    api: ir.Api, modules: dict[str, str], names: dict[str, str], enums: dict[str, ir.Enum], models: dict[str, ir.Model]
) -> list[ModelModuleView]:
    pages: dict[str, ir.TypeRef] = {}
    for op in sorted((op for r in api.resources for op in r.operations), key=lambda o: (o.resource, o.name)):
        if op.pagination is not None:
            pages.setdefault(op.pagination.model, op.pagination.item_type)
    members: dict[str, list[ir.Model | ir.Enum | ir.Alias]] = {}
    emitted: set[str] = set()
    items: list[ir.Model | ir.Enum | ir.Alias] = [*api.models, *api.enums, *api.aliases]
    for item in sorted(items, key=lambda i: (i.name, i.key)):
        if item.name in emitted:
            continue  # structurally identical schemas merged into one class
        emitted.add(item.name)
        members.setdefault(modules[item.key], []).append(item)
    views = []
    for module, items in sorted(members.items()):
        writer = TypeWriter(ref=lambda key: names[key], names=names, lenient_enums=True)
        enum_views = []
        class_views = []
        uses_field = False
        for item in items:
            if isinstance(item, (ir.Enum, ir.Alias)):
                expr = writer.expr(ir.LiteralOf(item.values) if isinstance(item, ir.Enum) else item.target)
                enum_views.append(AliasView(item.name, expr, docstring(item.description, "")))
                continue
            fields = []
            inherited = list(models[item.base].fields) if item.base else []
            for f in item.fields:
                if f in inherited:
                    continue  # declared by the base class exactly like this
                annotation, default, needs_field = _field(f, writer, enums)
                uses_field = uses_field or needs_field
                text = f"Deprecated. {f.description}".strip() if f.deprecated else f.description
                fields.append(FieldView(f.py_name, annotation, default, docstring(text, "    ")))
            if item.extra is not None and not isinstance(item.extra, ir.AnyValue):
                uses_field = True
                extra = f"dict[str, {writer.expr(item.extra)}]"
                fields.append(FieldView("__pydantic_extra__", extra, "Field(init=False)", '"""Properties the spec does not name, with their declared type."""'))
            if item.base:
                writer.keys.add(item.base)
            base = names[item.base] if item.base else "BaseModel"
            page_item = writer.expr(pages[item.key]) if item.key in pages else ""
            class_views.append(ClassView(item.name, base, docstring(item.description, "    "), tuple(fields), page_item))
        own = {item.key for item in items} | {k for k in names if modules.get(k) == module}
        foreign = sorted({(modules[k], names[k]) for k in writer.keys if k not in own and modules[k] != module})
        imports = _model_imports(writer, uses_field, any(c.base == "BaseModel" for c in class_views), bool(enum_views), foreign,
                                 any(c.page_item for c in class_views))
        class_views = _bases_first(class_views)
        recursive = len(class_views) > 1 or any(k in own and names[k] in {c.name for c in class_views} for k in writer.keys)
        rebuild = tuple(c.name for c in class_views) if recursive else ()
        views.append(ModelModuleView(module, imports, tuple(enum_views), tuple(class_views), rebuild))
    return views


def _bases_first(classes: list[ClassView]) -> list[ClassView]:
    """Within one module, a base class is defined before the classes extending it."""
    by_name = {c.name: c for c in classes}
    ordered: list[ClassView] = []
    placed: set[str] = set()

    def place(c: ClassView) -> None:
        if c.name in placed:
            return
        placed.add(c.name)
        if c.base in by_name:
            place(by_name[c.base])
        ordered.append(c)

    for c in classes:
        place(c)
    return ordered


def _field(f: ir.Field, writer: TypeWriter, enums: dict[str, ir.Enum]) -> tuple[str, str, bool]:
    annotation = writer.expr(f.type)
    alias = f.wire_name != f.py_name
    if f.required:
        default = ""
    elif f.has_default and fits(f.type, f.default, enums):
        default = literal(f.default)
    elif f.has_default and fits(f.type, f.default, enums, coerce=True):
        # A date, UUID, decimal... written as JSON: pydantic turns it into the field's type.
        args = [f"default={literal(f.default)}", "validate_default=True"]
        if alias:
            args += [f"validation_alias={literal(f.wire_name)}", f"serialization_alias={literal(f.wire_name)}"]
        return annotation, f"Field({', '.join(args)})", True
    else:
        default = "None"
        if not annotation.endswith("| None") and annotation not in ("Any", "None"):
            annotation += " | None"
    if alias:
        wire = literal(f.wire_name)
        args = ([f"default={default}"] if default else []) + [f"validation_alias={wire}", f"serialization_alias={wire}"]
        return annotation, f"Field({', '.join(args)})", True
    return annotation, default, False


def _model_imports(
    writer: TypeWriter, uses_field: bool, has_classes: bool, has_enums: bool, foreign: list[tuple[str, str]],
    pages: bool = False,
) -> tuple[str, ...]:
    """Import lines in three groups (standard library, pydantic, the package), "" between."""
    stdlib = [f"import {m}" for m in sorted(writer.modules)]
    typing_names = set(writer.typing) | ({"TypeAlias"} if has_enums else set()) | ({"Self"} if pages else set())
    if typing_names:
        stdlib.append(f"from typing import {', '.join(sorted(typing_names))}")
    pydantic_names = (["Field"] if uses_field else []) + (["Tag"] if writer.uses_discriminator else [])
    third = [f"from pydantic import {', '.join(pydantic_names)}"] if pydantic_names else []
    runtime = (
        (["BaseModel"] if has_classes else [])
        + (["LENIENT"] if writer.uses_lenient else [])
        + (["discriminate"] if writer.uses_discriminator else [])
    )
    local = [f"from .._runtime._models import {', '.join(runtime)}"] if runtime else []
    if pages:
        local.append("from .._runtime._pagination import PageItems, anext_page, has_next_page, next_page")
    local += [f"from .{module} import {name}" for module, name in foreign]
    return _grouped(stdlib, third, local)


def _grouped(*groups: list[str]) -> tuple[str, ...]:
    lines: list[str] = []
    for group in groups:
        if group:
            if lines:
                lines.append("")
            lines.extend(group)
    return tuple(lines)


# ------------------------------------------------------------------ resources

def _resource_view(resource: ir.Resource, names: dict[str, str], enums: dict[str, ir.Enum]) -> ResourceView:
    writer = TypeWriter(ref=lambda key: f"_models.{names[key]}", names=names, lenient_enums=False, plain=True)
    runtime = TypeWriter(ref=lambda key: f"_models.{names[key]}", names=names, lenient_enums=False)
    methods = tuple(_method(op, writer, runtime) for op in resource.operations)
    deprecated = {"warnings"} if any(m.deprecated for m in methods) else set()
    imports = [f"import {m}" for m in sorted(writer.modules | runtime.modules | deprecated)]
    imports.append("from functools import cached_property")
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
        uses_content_types=any(m.chooses_content_type for m in methods),
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
    call: list[tuple[str, str]] = [("method", literal(op.method)), ("path", literal(op.path))]
    if path_params:
        call.append(("path_params", _mapping((p.wire_name, p.py_name) for p in path_params)))
    for location, field_name in (("query", "query"), ("header", "headers"), ("cookie", "cookies")):
        items = [(p.wire_name, p.py_name) for p in other if p.location == location]
        if items:
            call.append((field_name, _mapping(items)))
        styles = [(p.wire_name, p.style or "form", p.explode) for p in other if p.location == "query"]
        if location == "query" and any((style, explode) != ("form", True) for _, style, explode in styles):
            call.append(("query_styles", "{" + ", ".join(
                f"{literal(wire)}: ({literal(style)}, {explode})" for wire, style, explode in styles
                if (style, explode) != ("form", True)) + "}"))
    if body is not None:
        call.append(("body_kind", "body_kind(content_type)" if body.content_types else literal(body.kind)))
        if body_fields:
            plain = [(f.wire_name, f.py_name) for f in body_fields if f.wire_name not in body.file_fields]
            parts = [(f.wire_name, f.py_name) for f in body_fields if f.wire_name in body.file_fields]
            call.append(("body", _mapping(plain)))
            if parts:
                call.append(("files", _mapping(parts)))
        elif body_arg:
            call.append(("body", body_arg))
        call.append(("content_type", "content_type" if body.content_types else literal(body.content_type)))
    if op.pagination is not None:
        pg = op.pagination
        spec = [literal(pg.style), literal(pg.location), literal(pg.param), literal(pg.items)]
        if pg.total:
            spec.append(f"total={literal(pg.total)}")
        if pg.cursor:
            spec.append(f"cursor=({', '.join(literal(c) for c in pg.cursor)},)")
        call.append(("pagination", f"PageSpec({', '.join(spec)})"))
    if op.security:
        call.append(("auth", "(" + ", ".join(literal(s) for s in op.security) + ",)"))
    call.append(("cast_to", cast_expr))
    call.append(("response_kind", literal(kind)))
    if error_items:
        call.append(("errors", "{" + ", ".join(f"{literal(s)}: {e}" for s, e in error_items) + "}"))
    for extra in ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries"):
        call.append((extra, extra))
    return MethodView(
        name=op.name, positional=positional, keyword=tuple(keyword), returns=returns,
        docstring_lines=tuple(_method_doc(op, path_params, other, body_fields, body_arg, body)),
        deprecated=op.deprecated, call_args=tuple(call), returns_value=returns != "None",
        chooses_content_type=body is not None and bool(body.content_types),
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
