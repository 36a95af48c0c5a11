"""The views of model modules: classes, fields, aliases and their imports.

Everything the model template prints is computed here; the template only loops.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sdkforge.emit.pyexpr import TypeWriter, docstring, fits, literal
from sdkforge.model import ir
from sdkforge.model.usage import model_usage
from sdkforge.names.allocate import ClassName, Identifier, ModuleName
from sdkforge.names.assign import Names


@dataclass(frozen=True, slots=True)
class FieldView:
    name: Identifier
    annotation: str
    default: str  # "" when required
    docstring: str


@dataclass(frozen=True, slots=True)
class ClassView:
    name: ClassName
    base: str
    docstring: str
    fields: tuple[FieldView, ...]
    page_item: str = ""  # the item type when this model is a page of a list call
    # As written in the class statement: `base`, and `PageModel` for a page.
    bases: tuple[str, ...] = ()
    # The type of the properties the schema does not name, "" when they are untyped. Declared
    # for pydantic only: type checkers keep pydantic's own `dict[str, Any] | None`, which an
    # override could only narrow by breaking the rule that a mutable attribute's type is kept.
    extra: str = ""


@dataclass(frozen=True, slots=True)
class AliasView:
    name: ClassName
    expr: str
    docstring: str


@dataclass(frozen=True, slots=True)
class ModelModuleView:
    module: ModuleName
    imports: tuple[str, ...]
    enums: tuple[AliasView, ...]
    classes: tuple[ClassView, ...]
    # aliases that name a type (`Pets = list[Pet]`), written after the classes they may name
    # (`names.modules.homes` puts such an alias in the module of the type it names)
    late: tuple[AliasView, ...] = ()


@dataclass(frozen=True, slots=True)
class _Context:
    names: Names
    enums: dict[str, ir.Enum]
    models: dict[str, ir.Model]
    pages: dict[str, ir.TypeRef]  # page model key -> item type
    # module -> keys of the named types it holds (merged ones included)
    keys_in: dict[str, set[str]]
    sent_only: set[str]  # models only sent: an optional field they leave unset is left out


def model_modules(api: ir.Api, names: Names) -> list[ModelModuleView]:
    exported = names.exported
    pages: dict[str, ir.TypeRef] = {}
    for resource in names.resources:  # sorted by attribute; methods by name within each
        for op in sorted(resource.operations, key=names.method):
            if op.pagination is not None and op.pagination.model:  # not a list response
                pages.setdefault(op.pagination.model, op.pagination.item_type)
    members: dict[ModuleName, list[ir.Model | ir.Enum | ir.Alias]] = {}
    emitted: set[str] = set()
    items: list[ir.Model | ir.Enum | ir.Alias] = [*api.models, *api.enums,
                                                  *names.named_aliases(api)]
    for item in sorted(items, key=lambda i: (exported[i.key], i.key)):
        if exported[item.key] in emitted:
            continue  # structurally identical schemas merged into one class
        emitted.add(exported[item.key])
        members.setdefault(names.modules[item.key], []).append(item)
    keys_in: dict[str, set[str]] = {}
    for key in names.types:
        if key in names.modules:
            keys_in.setdefault(names.modules[key], set()).add(key)
    sent_only = {key for key, usage in model_usage(api).items() if usage == "in"}
    context = _Context(names, {e.key: e for e in api.enums}, {m.key: m for m in api.models}, pages,
                       keys_in, sent_only)
    return [_module_view(module, items, context) for module, items in sorted(members.items())]


def _module_view(
    module: ModuleName, items: list[ir.Model | ir.Enum | ir.Alias], context: _Context
) -> ModelModuleView:
    names, exported = context.names.types, context.names.exported
    writer = TypeWriter(ref=lambda key: names[key], names=names, lenient_enums=True)
    # the long enums of parameters are only sent: no lenient parsing of values added later
    plain = TypeWriter(ref=lambda key: names[key], names=names, lenient_enums=False)
    enum_views: list[AliasView] = []
    late: list[AliasView] = []
    class_views = []
    uses_field = False
    for item in items:
        if isinstance(item, (ir.Enum, ir.Alias)):
            expr = (plain.expr(item.target) if isinstance(item, ir.Alias) and item.parameter
                    else writer.expr(ir.LiteralOf(item.values) if isinstance(item, ir.Enum)
                                     else item.target))
            alias = AliasView(exported[item.key], expr, docstring(item.description, ""))
            names_a_type = (isinstance(item, ir.Alias)
                            and any(True for _ in ir.references(item.target)))
            (late if names_a_type else enum_views).append(alias)
        else:
            view, needs_field = _class_view(item, context, writer)
            class_views.append(view)
            uses_field = uses_field or needs_field
    writer.typing |= plain.typing
    modules = context.names.modules
    own = {item.key for item in items} | context.keys_in.get(module, set())
    foreign = sorted({(modules[k], names[k])
                      for k in writer.keys if k not in own and modules[k] != module})
    runtime_bases = {b for c in class_views for b in c.bases} & {"BaseModel", "PageModel"}
    imports = _model_imports(writer, uses_field, sorted(runtime_bases), bool(enum_views or late),
                             foreign, any(c.page_item for c in class_views))
    # A class naming one defined after it (or itself) is completed by pydantic when first
    # validated, from the module's namespace: no `model_rebuild()`, which would build it now.
    class_views = _bases_first(class_views)
    return ModelModuleView(module, imports, tuple(enum_views), tuple(class_views), tuple(late))


def _class_view(item: ir.Model, context: _Context, writer: TypeWriter) -> tuple[ClassView, bool]:
    """The class of one model, and whether it needs pydantic's `Field`."""
    names = context.names
    fields = []
    uses_field = False
    inherited = list(context.models[item.base].fields) if item.base else []
    for f in item.fields:
        if f in inherited:
            continue  # declared by the base class exactly like this
        attribute = names.field(item.key, f.wire_name)
        omit = _omitted(item.key, f.wire_name, context)
        annotation, default, needs_field = _field(f, attribute, writer, context.enums, omit)
        uses_field = uses_field or needs_field
        text = f"Deprecated. {f.description}".strip() if f.deprecated else f.description
        fields.append(FieldView(attribute, annotation, default, docstring(text, "    ")))
    extra = ""
    if item.extra is not None and not isinstance(item.extra, ir.AnyValue):
        uses_field = True
        extra = f"dict[str, {writer.expr(item.extra)}]"
        writer.typing.add("TYPE_CHECKING")
    if item.base:
        writer.keys.add(item.base)
    base = names.types[item.base] if item.base else "BaseModel"
    page_item = writer.expr(context.pages[item.key]) if item.key in context.pages else ""
    paged_base = item.base is not None and _paged(item.base, context.pages, context.models)
    bases = _bases(base, bool(page_item), paged_base)
    view = ClassView(names.exported[item.key], base, docstring(item.description, "    "),
                     tuple(fields), page_item, bases, extra)
    return view, uses_field


def _lineage(key: str, models: dict[str, ir.Model]) -> Iterator[str]:
    """`key`, then the keys of the models it extends, nearest first (a cycle ends the walk)."""
    seen: set[str] = set()
    current: str | None = key
    while current is not None and current not in seen:
        yield current
        seen.add(current)
        current = models[current].base if current in models else None


def _omitted(key: str, wire: str, context: _Context) -> bool:
    """Whether the optional field `wire` of model `key`, unset, is NOT_GIVEN (left out of the
    request) rather than None: in a model only sent, unless a base declares it (a field
    declared again keeps the type the nearest base that declares it gave it)."""
    if key not in context.sent_only:
        return False
    models = context.models
    for base in itertools.islice(_lineage(key, models), 1, None):
        if base in models and any(f.wire_name == wire for f in models[base].fields):
            return _omitted(base, wire, context)
    return True


def _paged(key: str, pages: dict[str, ir.TypeRef], models: dict[str, ir.Model]) -> bool:
    """Whether this model or one it extends is a page (and so already a `PageModel`)."""
    return any(k in pages for k in _lineage(key, models))


def _bases(base: str, page: bool, base_paged: bool) -> tuple[str, ...]:
    """The class's bases as written: a page is a `PageModel` (the runtime's model that keeps
    the state for fetching the next page), unless the model it extends already is one."""
    if not page or base_paged:
        return (base,)
    return ("PageModel",) if base == "BaseModel" else (base, "PageModel")


def _bases_first(classes: list[ClassView]) -> list[ClassView]:
    """Within one module, a base class is defined before the classes extending it."""
    by_name: dict[str, ClassView] = {c.name: c for c in classes}
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


def _field(
    f: ir.Field, attribute: Identifier, writer: TypeWriter, enums: dict[str, ir.Enum],
    omit: bool = False,
) -> tuple[str, str, bool]:
    """A field's annotation and default, and whether the default is a `Field(...)`; `omit`:
    unset, the field is NOT_GIVEN (left out of what is sent) rather than None, unless it may
    be null."""
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
            args += [f"validation_alias={literal(f.wire_name)}",
                     f"serialization_alias={literal(f.wire_name)}"]
        return annotation, f"Field({', '.join(args)})", True
    elif annotation.endswith("| None") or annotation in ("Any", "None"):
        default = "None"  # it may be null
    elif omit:
        writer.uses_not_given = True
        default = "NOT_GIVEN"
        annotation += " | NotGiven"
    else:
        default = "None"
        annotation += " | None"
    if alias:
        wire = literal(f.wire_name)
        args = (([f"default={default}"] if default else [])
                + [f"validation_alias={wire}", f"serialization_alias={wire}"])
        return annotation, f"Field({', '.join(args)})", True
    return annotation, default, False


def _model_imports(
    writer: TypeWriter, uses_field: bool, bases: list[str], has_enums: bool,
    foreign: Sequence[tuple[str, str]], pages: bool = False,
) -> tuple[str, ...]:
    """Import lines in three groups (standard library, pydantic, the package), "" between."""
    stdlib = [f"import {m}" for m in sorted(writer.modules)]
    typing_names = (set(writer.typing) | ({"TypeAlias"} if has_enums else set())
                    | ({"Self"} if pages else set()))
    if typing_names:
        stdlib.append(f"from typing import {', '.join(sorted(typing_names))}")
    pydantic_names = ((["Field"] if uses_field else [])
                      # pydantic's Tag under a name no schema's class can take (`Tag` is common)
                      + (["Tag as _Tag"] if writer.uses_discriminator else []))
    third = [f"from pydantic import {', '.join(pydantic_names)}"] if pydantic_names else []
    runtime = (
        bases
        + (["LENIENT"] if writer.uses_lenient else [])
        + (["discriminate"] if writer.uses_discriminator else [])
    )
    local = [f"from .._runtime._models import {', '.join(runtime)}"] if runtime else []
    if writer.uses_not_given:
        local.append("from .._runtime._types import NOT_GIVEN, NotGiven")
    if pages:
        local.append("from .._runtime._pagination import "
                     "PageItems, anext_page, has_next_page, next_page")
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
