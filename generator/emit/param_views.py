"""The views of the params package: for each model a caller may give as a plain dict, the
`TypedDict` that types it (`names.params`), in a module of the same name as the model's.

A Param's keys are the model's wire names, read-only properties left out (a caller never
sends them); the style is `total=False` with `Required[...]` on the keys the schema requires.
Nested models are their Params; lists and maps of them are `Sequence` and `Mapping`; a
variant of a discriminated union has its tag typed as the `Literal` of its tag values, so a
type checker picks the variant a dict literal is. Keys that cannot be class attributes (not
identifiers, keywords, names mangled in a class body, names the annotations use) make the
functional form, `X = TypedDict("X", {...}, total=False)`, whose values are quoted.

A call never imports a Param, yet every annotation resolves at run time (`typing.get_type_hints`,
and pydantic or a tool framework building a schema from a method): resource modules import the
params package, whose `__getattr__` loads a Param's module on first use; a params module
imports the models and params packages the same way, and names a Param of another module
through the package (`_params.GiftItemParam`), so params modules never import each other.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sdkforge.emit.pyexpr import TypeWriter, literal
from sdkforge.emit.signatures import named_aliases
from sdkforge.model import ir
from sdkforge.names.allocate import ClassName, ModuleName
from sdkforge.names.assign import Names

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'""")  # a literal names nothing
_TAGS = (ir.LiteralOf, ir.EnumRef)  # tag properties typed by their values in a Param


@dataclass(frozen=True, slots=True)
class KeyView:
    key: str  # the wire name: an identifier (class form) or a string literal (functional form)
    annotation: str  # as printed: quoted in the functional form


@dataclass(frozen=True, slots=True)
class ParamClassView:
    name: ClassName
    name_literal: str
    docstring: str
    functional: bool
    keys: tuple[KeyView, ...]


@dataclass(frozen=True, slots=True)
class ParamModuleView:
    module: ModuleName
    imports: tuple[str, ...]  # the standard library's
    packages: tuple[str, ...]  # the package's own: the models and params packages it names
    classes: tuple[ParamClassView, ...]


def param_exports(api: ir.Api, names: Names) -> list[tuple[ClassName, ModuleName]]:
    """(Param, module) of every Param the params package exports, sorted."""
    return sorted({(param, names.modules[model.key])
                   for param, model in _written(api, names).items()})


def _written(api: ir.Api, names: Names) -> dict[ClassName, ir.Model]:
    """The model each Param is written from: of models sharing a class, the first by key."""
    chosen: dict[ClassName, ir.Model] = {}
    for model in sorted(api.models, key=lambda m: m.key):
        if model.key in names.params:
            chosen.setdefault(names.params[model.key], model)
    return chosen


def param_modules(api: ir.Api, names: Names) -> list[ParamModuleView]:
    """Every module of the params package, each Param written once (models sharing a class
    share it: the first by key is written)."""
    aliases = named_aliases(api, names)
    chosen = _written(api, names)
    home = {param: names.modules[model.key] for param, model in chosen.items()}
    members: dict[ModuleName, list[ir.Model]] = {}
    for _, model in sorted(chosen.items()):
        members.setdefault(names.modules[model.key], []).append(model)
    return [_module(module, models, names, names.param_tags, aliases, home)
            for module, models in sorted(members.items())]


def _module(
    module: ModuleName, models: list[ir.Model], names: Names,
    tags: Mapping[ClassName, Mapping[str, tuple[str, ...]]], aliases: Mapping[str, str],
    home: Mapping[ClassName, ModuleName],
) -> ParamModuleView:
    """One module: `home` is the module each Param is written in."""
    types, params = names.types, names.params

    def param(key: str) -> str | None:
        """A Param by its name in this module, or through the package from another one."""
        name = params.get(key)
        if name is None or home[name] == module:
            return name
        return f"_params.{name}"

    writer = TypeWriter(ref=lambda key: f"_models.{types[key]}", names=types, lenient_enums=False,
                        plain=True, named=aliases, param=param)
    classes = tuple(_class(m, names, writer, tags.get(params[m.key], {})) for m in models)
    annotations = [k.annotation for c in classes for k in c.keys]
    stdlib = [f"import {m}" for m in sorted(writer.modules)]
    if writer.abc:
        stdlib.append(f"from collections.abc import {', '.join(sorted(writer.abc))}")
    wanted = writer.typing | {"Required" for a in annotations if "Required[" in a}
    if wanted:
        stdlib.append(f"from typing import {', '.join(_typing_order(wanted))}")
    # pydantic builds a schema of `typing_extensions.TypedDict` only, before Python 3.12
    stdlib += [*([""] if stdlib else []), "from typing_extensions import TypedDict"]
    # enums, and the aliases long enums are named by (`signatures.named_aliases`); the Params
    # of other modules (not those of a union that turned out `Any`)
    packages = [f"from .. import {package} as _{package}" for package in ("models", "params")
                if any(f"_{package}." in a for a in annotations)]
    return ParamModuleView(module, tuple(stdlib), tuple(packages), classes)


def _typing_order(names: set[str]) -> list[str]:
    """As isort orders them: constants, then classes, then functions."""
    return sorted(names, key=lambda n: (not n.isupper(), not n[:1].isupper(), n))


def _class(
    model: ir.Model, names: Names, writer: TypeWriter, tags: Mapping[str, tuple[str, ...]]
) -> ParamClassView:
    """One Param: the model's fields a caller sends, by wire name."""
    keys: list[tuple[str, str]] = []
    for f in model.fields:
        if f.read_only:
            continue
        t = f.type
        if f.wire_name in tags and (isinstance(ir.non_null(t), _TAGS)
                                    or ir.non_null(t) == ir.Primitive("str")):
            t = ir.LiteralOf(tags[f.wire_name])
        annotation = writer.expr(t)
        keys.append((f.wire_name, f"Required[{annotation}]" if f.required else annotation))
    used = {token for _, annotation in keys
            for token in _TOKEN.findall(_STRING.sub("", annotation))}
    functional = not all(_attribute(key) and key not in used for key, _ in keys)
    name = names.params[model.key]
    doc = f'"""The dict form of `models.{names.types[model.key]}`: keys are wire names."""'
    return ParamClassView(
        name, literal(name), doc, functional,
        tuple(KeyView(literal(key), literal(annotation)) if functional else KeyView(key, annotation)
              for key, annotation in keys),
    )


def _attribute(key: str) -> bool:
    """Whether `key` can be written as a class-body annotation and mean itself."""
    # ASCII only: the parser NFKC-normalises other identifiers (`ﬁle` would mean `file`)
    return (key.isascii() and key.isidentifier() and not keyword.iskeyword(key)
            and not key.startswith("__"))


# ------------------------------------------------------------------ the README's example

_PLACEHOLDERS: dict[str, str] = {"str": '"..."', "int": "1", "float": "1.5", "bool": "True"}


@dataclass(frozen=True, slots=True)
class DictExample:
    """A call of the README giving a nested input as a dict, and the same call with models."""

    with_dicts: str  # client.store.pack_gift_box(items=[{"sku": "..."}])
    with_models: str  # client.store.pack_gift_box(items=[pkg.models.GiftItem(sku="...")])
    model: str  # models.GiftItem
    param: str  # params.GiftItemParam


def dict_example(api: ir.Api, names: Names) -> DictExample | None:
    """The first method not deprecated (by resource and name) with a required argument that is a
    model or a list of models with a Param, when its required keys can be written as literals."""
    models = {m.key: m for m in api.models}
    enums = {e.key: e for e in api.enums}
    for resource in names.resources:
        for op in sorted(resource.operations, key=names.method):
            if op.deprecated:
                continue
            for name, t in _required_arguments(op, names):
                inner = ir.non_null(t.item if isinstance(t, ir.ListOf) else t)
                if not isinstance(inner, ir.ModelRef) or inner.key not in names.params:
                    continue
                values = [_value(t, models, enums, names, pkg, 0)
                          for pkg in ("", f"{names.package}.")]
                if values[0] is None or values[1] is None:
                    continue
                call = f"client.{resource.attribute}.{names.method(op)}"
                return DictExample(f"{call}({name}={values[0]})", f"{call}({name}={values[1]})",
                                   f"models.{names.types[inner.key]}",
                                   f"params.{names.params[inner.key]}")
    return None


def _required_arguments(op: ir.Operation, names: Names) -> list[tuple[str, ir.TypeRef]]:
    """A method's required keyword arguments (name, type): query, header and cookie
    parameters, then the fields of a flattened body (of a required body)."""
    found: list[tuple[str, ir.TypeRef]] = [
        (names.argument(op, p.location, p.wire_name), p.type) for p in op.params
        if p.required and p.location != "path"]
    body = op.body
    if body is not None and body.required:
        found += [(names.argument(op, "body", f.wire_name), f.type) for f in body.fields
                  if f.required and f.wire_name not in body.file_fields]
    return found


def _value(
    t: ir.TypeRef, models: Mapping[str, ir.Model], enums: Mapping[str, ir.Enum], names: Names,
    package: str, depth: int,
) -> str | None:
    """A placeholder of type `t` as a Python literal: models as dicts of their required keys
    when `package` is "", else as `package.models.X(...)`; None when there is none to write."""
    t = ir.non_null(t)
    if isinstance(t, ir.Primitive):
        return _PLACEHOLDERS.get(t.kind)
    if isinstance(t, ir.LiteralOf) and t.values:
        return literal(t.values[0])
    if isinstance(t, ir.EnumRef) and t.key in enums:
        return literal(enums[t.key].values[0])
    if isinstance(t, ir.ListOf):
        item = _value(t.item, models, enums, names, package, depth)
        return f"[{item}]" if item is not None else None
    if not isinstance(t, ir.ModelRef) or t.key not in models or depth > 2:
        return None
    model = models[t.key]
    keys = [f for f in model.fields if f.required and not f.read_only] or [
        f for f in model.fields if not f.read_only][:1]
    parts = []
    for f in keys:
        value = _value(f.type, models, enums, names, package, depth + 1)
        if value is None:
            return None
        parts.append(f"{literal(f.wire_name)}: {value}" if not package
                     else f"{names.field(model.key, f.wire_name)}={value}")
    if not package:
        return "{" + ", ".join(parts) + "}"
    return f"{package}models.{names.types[model.key]}({', '.join(parts)})"
