"""The views of model modules: classes, fields, aliases and their imports.

Everything the model template prints is computed here; the template only loops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sdkforge.emit.pyexpr import TypeWriter, docstring, fits, literal
from sdkforge.model import ir
from sdkforge.names.assign import Names


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
    bases: tuple[str, ...] = ()  # as written in the class statement: `base`, and `PageModel` for a page


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


def model_modules(api: ir.Api, all_names: Names) -> list[ModelModuleView]:
    modules, names, exported = all_names.modules, all_names.types, all_names.exported()
    enums = {e.key: e for e in api.enums}
    models = {m.key: m for m in api.models}
    pages: dict[str, ir.TypeRef] = {}
    for resource in all_names.resources:  # sorted by attribute; methods by name within each
        for op in sorted(resource.operations, key=all_names.method):
            if op.pagination is not None:
                pages.setdefault(op.pagination.model, op.pagination.item_type)
    members: dict[str, list[ir.Model | ir.Enum | ir.Alias]] = {}
    emitted: set[str] = set()
    items: list[ir.Model | ir.Enum | ir.Alias] = [*api.models, *api.enums, *api.aliases]
    for item in sorted(items, key=lambda i: (exported[i.key], i.key)):
        if exported[item.key] in emitted:
            continue  # structurally identical schemas merged into one class
        emitted.add(exported[item.key])
        members.setdefault(modules[item.key], []).append(item)
    keys_in: dict[str, set[str]] = {}
    for key in names:
        if key in modules:
            keys_in.setdefault(modules[key], set()).add(key)
    views = []
    for module, items in sorted(members.items()):
        writer = TypeWriter(ref=lambda key: names[key], names=names, lenient_enums=True)
        enum_views = []
        class_views = []
        uses_field = False
        for item in items:
            if isinstance(item, (ir.Enum, ir.Alias)):
                expr = writer.expr(ir.LiteralOf(item.values) if isinstance(item, ir.Enum) else item.target)
                enum_views.append(AliasView(exported[item.key], expr, docstring(item.description, "")))
                continue
            fields = []
            inherited = list(models[item.base].fields) if item.base else []
            for f in item.fields:
                if f in inherited:
                    continue  # declared by the base class exactly like this
                attribute = all_names.field(item.key, f.wire_name)
                annotation, default, needs_field = _field(f, attribute, writer, enums)
                uses_field = uses_field or needs_field
                text = f"Deprecated. {f.description}".strip() if f.deprecated else f.description
                fields.append(FieldView(attribute, annotation, default, docstring(text, "    ")))
            if item.extra is not None and not isinstance(item.extra, ir.AnyValue):
                uses_field = True
                extra = f"dict[str, {writer.expr(item.extra)}]"
                fields.append(FieldView("__pydantic_extra__", extra, "Field(init=False)", '"""Properties the spec does not name, with their declared type."""'))
            if item.base:
                writer.keys.add(item.base)
            base = names[item.base] if item.base else "BaseModel"
            page_item = writer.expr(pages[item.key]) if item.key in pages else ""
            bases = _bases(base, bool(page_item), item.base is not None and _paged(item.base, pages, models))
            class_views.append(ClassView(exported[item.key], base, docstring(item.description, "    "), tuple(fields),
                                         page_item, bases))
        own = {item.key for item in items} | keys_in.get(module, set())
        foreign = sorted({(modules[k], names[k]) for k in writer.keys if k not in own and modules[k] != module})
        runtime_bases = {b for c in class_views for b in c.bases} & {"BaseModel", "PageModel"}
        imports = _model_imports(writer, uses_field, sorted(runtime_bases), bool(enum_views), foreign,
                                 any(c.page_item for c in class_views))
        class_views = _bases_first(class_views)
        recursive = len(class_views) > 1 or any(k in own and names[k] in {c.name for c in class_views} for k in writer.keys)
        rebuild = tuple(c.name for c in class_views) if recursive else ()
        views.append(ModelModuleView(module, imports, tuple(enum_views), tuple(class_views), rebuild))
    return views


def _paged(key: str, pages: dict[str, ir.TypeRef], models: dict[str, ir.Model]) -> bool:
    """Whether this model or one it extends is a page (and so already a `PageModel`)."""
    seen: set[str] = set()
    current: str | None = key
    while current is not None and current not in seen:
        if current in pages:
            return True
        seen.add(current)
        current = models[current].base if current in models else None
    return False


def _bases(base: str, page: bool, base_paged: bool) -> tuple[str, ...]:
    """The class's bases as written: a page is a `PageModel` (the runtime's model that keeps
    the state for fetching the next page), unless the model it extends already is one."""
    if not page or base_paged:
        return (base,)
    return ("PageModel",) if base == "BaseModel" else (base, "PageModel")


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


def _field(f: ir.Field, attribute: str, writer: TypeWriter, enums: dict[str, ir.Enum]) -> tuple[str, str, bool]:
    annotation = writer.expr(f.type)
    alias = f.wire_name != attribute
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
    writer: TypeWriter, uses_field: bool, bases: list[str], has_enums: bool, foreign: Sequence[tuple[str, str]],
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
        bases
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
