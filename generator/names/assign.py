"""The names stage: every Python name of the generated package, given once, from the IR.

`assign` spells each name with the rules of `naming` and claims it in the namespace it lives
in (`allocate.Namespace`): the models package (classes, enums, aliases), each class's fields,
the resources package, the client's attributes and constructor arguments, each resource's
methods, each method's parameters. What comes out is a `Names` table keyed by what the IR
keys things by; emitters look names up there and never make one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from sdkforge.model import ir
from sdkforge.model.pagination import PAGE_METHODS
from sdkforge.model.usage import request_inputs
from sdkforge.names import naming
from sdkforge.names.allocate import ClassName, Identifier, ModuleName, Namespace
from sdkforge.names.classes import class_names
from sdkforge.names.client import client_arguments, webhooks_attribute
from sdkforge.names.modules import assign_modules, module_budget, module_cap
from sdkforge.names.params import param_names, param_tags

OperationKey = tuple[str, str]  # (path, method): an operation's identity
ArgumentKey = tuple[str, str]  # (location or "body", wire name): a method argument's identity

# `int` is spelt by every method's `max_retries: int` (other builtin types that a method of
# their name shadows are written `builtins.list` by the resource module's type writer), and
# `async_method` by each derived async method in the class body, after the methods before it.
RESERVED_METHOD_NAMES = frozenset({"with_raw_response", "with_streaming_response", "int",
                                   "async_method"})

# Fixed names every generated package uses (reserved in their scopes by `naming`).
BODY_ARGUMENT = Identifier("body")  # a request body that is not flattened into keywords
CONTENT_TYPE_ARGUMENT = Identifier("content_type")  # the body's content type, if it has several


def operation_key(op: ir.Operation) -> OperationKey:
    return (op.path, op.method)


@dataclass(frozen=True, slots=True)
class ResourceNames:
    """One resource: an attribute of the client, a class, a module of `resources/`."""

    attribute: Identifier
    class_name: ClassName
    module: ModuleName
    operations: tuple[ir.Operation, ...]  # sorted by (path, method)


@dataclass(frozen=True, slots=True)
class Names:
    """Every name the package uses, by the IR's keys."""

    package: ModuleName
    client: ClassName
    types: Mapping[str, ClassName]  # models and enums by key (structurally identical ones share)
    aliases: Mapping[str, ClassName]  # aliases by key
    modules: Mapping[str, ModuleName]  # the module of `models/` each named type lives in
    fields: Mapping[str, Mapping[str, Identifier]]  # model key -> wire name -> attribute
    resources: tuple[ResourceNames, ...]  # sorted by attribute
    methods: Mapping[OperationKey, Identifier]
    arguments: Mapping[OperationKey, Mapping[ArgumentKey, Identifier]]
    credentials: Mapping[str, tuple[Identifier, ...]]  # auth scheme name -> client arguments
    server_options: Mapping[str, Identifier]  # the default server's variables -> client arguments
    exported: Mapping[str, ClassName]  # every name the models package exports: types and aliases
    # the `TypedDict` of each model a caller may give as a dict, by model key (`names.params`)
    params: Mapping[str, ClassName]
    # the tag values of each Param's discriminator properties (`names.params.param_tags`)
    param_tags: Mapping[ClassName, Mapping[str, tuple[str, ...]]]
    webhooks: Identifier | None = None  # the client's attribute with `unwrap`, when it has one
    webhook_secret: Identifier | None = None  # the client argument for the webhooks' secret

    def method(self, op: ir.Operation) -> Identifier:
        return self.methods[operation_key(op)]

    def argument(self, op: ir.Operation, location: str, wire: str) -> Identifier:
        return self.arguments[operation_key(op)][(location, wire)]

    def field(self, model: str, wire: str) -> Identifier:
        return self.fields[model][wire]

    def named_aliases(self, api: ir.Api) -> Iterator[ir.Alias]:
        """The aliases of `api` the package writes: not those of a class that took the
        alias's own name (`classes.class_names`)."""
        return (alias for alias in api.aliases if alias.key in self.aliases)


def assign(api: ir.Api, package: str | None = None, client: str | None = None) -> Names:
    """Name everything in `api`; `package` and `client` are the names asked for, if any."""
    classes = class_names(api)
    types = {key: classes[key]
             for key in [*(m.key for m in api.models), *(e.key for e in api.enums)]}
    aliases = {a.key: classes[a.key] for a in api.aliases if a.key in classes}
    fields, wanted_fields = _field_names(api.models, set(classes.values()), _page_lineage(api))
    package_name = ModuleName(naming.snake(package) if package else naming.package_name(api.title))
    budget = module_budget(package_name)
    resources = _resources(api.operations, budget)
    methods: dict[OperationKey, Identifier] = {}
    for resource in resources:
        methods.update(_method_names(resource.operations, resource.attribute))
    models = {m.key: m for m in api.models}
    arguments = {operation_key(op): _arguments(op, models, wanted_fields) for op in api.operations}
    # Unless a name is asked for, the client class is named from the title's own words
    # (`OpenAI`, `GitHub`), else from the package.
    wanted_client = client or (package if package else naming.title_client(api.title))
    client_name = ClassName(naming.client_name(wanted_client or package_name,
                                               [r.class_name for r in resources]))
    default = api.servers[0] if api.servers and api.servers[0].absolute else None
    credentials, server_options, webhook_secret = client_arguments(
        api.auth, default.variables if default else (), webhooks=api.unwraps)
    inputs = request_inputs(api)
    params = param_names(api.models, inputs, types, {*types.values(), *aliases.values()})
    return Names(
        package=package_name, client=client_name, types=types, aliases=aliases,
        modules=assign_modules(api, {**types, **aliases}, budget), fields=fields,
        resources=resources, methods=methods, arguments=arguments,
        credentials=credentials, server_options=server_options, exported={**types, **aliases},
        webhooks=(webhooks_attribute([r.attribute for r in resources]) if api.unwraps else None),
        webhook_secret=webhook_secret,
        params=params, param_tags=param_tags(inputs, params),
    )


# ---------------------------------------------------------------- fields

def _page_lineage(api: ir.Api) -> set[str]:
    """The pages' models, those they extend and those extending them: classes that have the
    page methods, or whose fields a page class has, so no field may take a method's name."""
    by_key = {m.key: m for m in api.models}
    pages = {op.pagination.model for op in api.operations if op.pagination is not None}
    result: set[str] = set()
    for model in api.models:
        chain: list[str] = []
        key: str | None = model.key
        while key is not None and key in by_key and key not in chain:
            chain.append(key)
            key = by_key[key].base
        if pages.intersection(chain):
            result.update(chain)
    return result


def _field_names(
    models: tuple[ir.Model, ...], classes: set[ClassName], pages: set[str],
) -> tuple[dict[str, dict[str, Identifier]], dict[str, dict[str, str]]]:
    """Each model's attributes by wire name, and the names they wanted before a class name
    took them (what a flattened request body starts from). `pages`: models whose fields may
    not take the page methods' names."""
    by_key = {m.key: m for m in models}
    wanted: dict[str, dict[str, str]] = {}
    result: dict[str, dict[str, Identifier]] = {}

    def name(model: ir.Model) -> dict[str, Identifier]:
        if model.key in result:
            return result[model.key]
        inherited = (name(by_key[model.base]) if model.base in by_key and model.base != model.key
                     else {})
        wanted[model.key] = naming.unique_names([(f.wire_name, naming.field_name(f.wire_name))
                                                 for f in model.fields])
        # A field named like a class would shadow it in the annotations: then every class
        # name is taken in this scope, and that field takes the next free spelling.
        shadowing = {f.wire_name for f in model.fields if wanted[model.key][f.wire_name] in classes}
        reserved = (naming.RESERVED_FIELD_NAMES | classes if shadowing
                    else naming.RESERVED_FIELD_NAMES)
        if model.key in pages:
            reserved = reserved | PAGE_METHODS
        scope = Namespace(f"fields of {model.key}", reserved)
        names: dict[str, Identifier] = {}
        own = {f.wire_name for f in model.fields}
        for wire, attribute in inherited.items():  # inherited fields keep the base's names
            if wire in own:
                names[wire] = Identifier(scope.claim(attribute))
        for wire, spelt in sorted(wanted[model.key].items(),
                                  key=lambda item: (item[0] in shadowing, item[0])):
            if wire not in names:
                names[wire] = Identifier(scope.claim(spelt))
        result[model.key] = {f.wire_name: names[f.wire_name] for f in model.fields}
        return result[model.key]

    for model in models:
        name(model)
    return result, wanted


# ---------------------------------------------------------------- resources and methods

def _resources(operations: tuple[ir.Operation, ...], budget: int) -> tuple[ResourceNames, ...]:
    """Operations grouped by their first tag (else their path's first segment): tags that
    spell the same attribute are one resource. Its module is named as its attribute, cut to
    `budget` characters (`modules.module_budget`)."""
    groups: dict[str, list[ir.Operation]] = {}
    for op in operations:
        groups.setdefault(naming.resource_name([op.tag] if op.tag else [], op.path), []).append(op)
    # The client class steers clear of them (`naming.client_name`).
    classes = Namespace("resource classes")
    result = []
    for attribute, ops in sorted(groups.items()):
        wanted = naming.pascal(attribute)
        while {wanted, f"Async{wanted}"} & naming.RESERVED_RESOURCE_CLASS_NAMES:
            wanted += "Resource"  # it would shadow what its module imports
        result.append(ResourceNames(
            attribute=Identifier(attribute), class_name=ClassName(classes.claim(wanted)),
            module=ModuleName(module_cap(attribute, budget)),
            operations=tuple(sorted(ops, key=lambda o: (o.path, o.method))),
        ))
    return tuple(result)


def _short_names(operations: tuple[ir.Operation, ...], resource: str) -> dict[OperationKey, str]:
    """Each operation's method name without the words that repeat its resource
    (`client.droplets.list`, not `client.droplets.droplets_list`), unless the shorter name
    would be shared with another operation's: those keep their full names."""
    full = {operation_key(op): naming.method_name(op.operation_id, op.method, op.path)
            for op in operations}
    short = {key: naming.without_resource(name, resource) or name for key, name in full.items()}
    # Every name in play: each operation's short one, and the full one a shortened one leaves.
    counts = Counter(short.values())
    counts.update(full[key] for key in full if short[key] != full[key])
    return {key: short[key] if counts[short[key]] == 1 else full[key] for key in full}


def _method_names(
    operations: tuple[ir.Operation, ...], resource: str
) -> dict[OperationKey, Identifier]:
    """Methods that would share a name are qualified by the path segments that tell them
    apart (then by HTTP method); the rule looks only at the colliding operations."""
    names = _short_names(operations, resource)
    groups: dict[str, list[ir.Operation]] = {}
    for op in operations:
        groups.setdefault(names[operation_key(op)], []).append(op)
    chosen: dict[OperationKey, str] = {}
    for name, ops in groups.items():
        if len(ops) == 1 and name not in RESERVED_METHOD_NAMES:
            chosen[operation_key(ops[0])] = name
            continue
        extras = _extras(ops, name, _static_segments)
        if len({tuple(e) for e in extras}) < len(ops):  # one path under versions or parameters
            extras = _extras(ops, name, _all_segments)
        plain_one = sum(1 for e in extras if not e) == 1 and name not in RESERVED_METHOD_NAMES
        for op, extra in zip(ops, extras, strict=True):
            if extra:
                chosen[operation_key(op)] = naming.snake("_".join([name, *extra]))
            else:
                chosen[operation_key(op)] = name if plain_one else f"{name}_{op.method}"
    counts: dict[str, int] = {}
    for name in chosen.values():
        counts[name] = counts.get(name, 0) + 1
    scope = Namespace("methods of a resource", RESERVED_METHOD_NAMES)
    result: dict[OperationKey, Identifier] = {}
    for op in operations:
        name = chosen[operation_key(op)]
        spelt = f"{name}_{op.method}" if counts[name] > 1 else name
        result[operation_key(op)] = Identifier(scope.claim(spelt))
    return result


def _extras(ops: list[ir.Operation], name: str,
            segments_of: Callable[[str], list[str]]) -> list[list[str]]:
    """The words of each operation's path that the others' paths and `name` lack."""
    segments = [segments_of(op.path) for op in ops]
    shared = set.intersection(*(set(s) for s in segments)) if len(ops) > 1 else set()
    taken = set(name.split("_"))
    return [[w for s in segs if s not in shared
             for w in naming.snake(s).split("_") if w not in taken]
            for segs in segments]


def _static_segments(path: str) -> list[str]:
    return [s for s in path.split("/")
            if s and not s.startswith("{") and not re.fullmatch(r"v\d+", s)]


def _all_segments(path: str) -> list[str]:
    """Every segment, a version's and a parameter's (by its name) too: what tells apart one
    route mounted at `/batches`, `/v1/batches` and `/{provider}/v1/batches` (LiteLLM)."""
    return [s.strip("{}") for s in path.split("/") if s]


# ---------------------------------------------------------------- arguments

def _arguments(
    op: ir.Operation, models: Mapping[str, ir.Model], wanted_fields: Mapping[str, Mapping[str, str]]
) -> dict[ArgumentKey, Identifier]:
    """A method's arguments: path, query, header, cookie parameters (by location, then wire
    name), then flattened body fields; a loser of a clash takes its location as a prefix,
    so the rule does not depend on spec order."""
    scope = Namespace(f"arguments of {op.method.upper()} {op.path}", naming.RESERVED_KWARGS)
    result: dict[ArgumentKey, Identifier] = {}
    for p in op.params:
        spelt = naming.param_name(p.wire_name)
        result[(p.location, p.wire_name)] = Identifier(scope.claim(spelt, p.location))
    body = op.body
    if (body is not None and body.fields and isinstance(body.type, ir.ModelRef)
            and body.type.key in models):
        wanted = wanted_fields[body.type.key]
        for f in sorted(body.fields, key=lambda f: wanted[f.wire_name]):
            result[("body", f.wire_name)] = Identifier(scope.claim(wanted[f.wire_name], "body"))
    return result
