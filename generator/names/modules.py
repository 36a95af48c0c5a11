"""Module files: which model lives in which module (its home's: `homes`; homes that name each
other together), and how long a module's name may be for every path to fit in MAX_PATH.

Grouping strongly connected components keeps imports between model modules acyclic.
"""

from __future__ import annotations

import hashlib
import keyword
from collections.abc import Iterable, Mapping

from sdkforge.model import ir
from sdkforge.names import naming
from sdkforge.names.allocate import ClassName, ModuleName, Namespace

# The names the models package's lazy `__init__` uses: importing a submodule binds its name
# there, so a model module named `importlib` or `str` would replace what the code calls.
_INIT_NAMES = frozenset({"importlib", "annotations", "dict", "str", "list", "getattr", "globals",
                         "sorted"})


def _module_safe(name: str) -> str:
    unsafe = keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in _INIT_NAMES
    return name + "_" if unsafe else name


# Every path inside site-packages stays within MAX_PATH characters, bytecode included (Windows
# refuses paths over 260 with the site-packages prefix in front): the deepest is
# `<package>/resources/__pycache__/<module>.cpython-3NN.pyc`, so a module's name gets what the
# package's name leaves of it.
MAX_PATH = 150
_DEEPEST = len("/resources/__pycache__/") + len(".cpython-314.pyc")
_MODEL_MODULE = 60  # a model module's name before its digest, when the package leaves room


def module_budget(package: str) -> int:
    """The longest module name (file stem) a package named `package` can hold."""
    return max(24, min(naming.MAX_IDENTIFIER, MAX_PATH - len(package) - _DEEPEST))


def module_cap(name: str, budget: int) -> str:
    """`name` cut to `budget` characters with a digest of the whole, when it is longer."""
    return naming.capped(name, budget)


def module_names(class_names: Iterable[str], budget: int = naming.MAX_IDENTIFIER) -> dict[str, str]:
    """Model module file names: snake_case, capped (to `budget` with the digest that tells
    apart two that spell the same), disambiguated by a digest of the class."""
    keep = min(_MODEL_MODULE, budget - 7)
    wanted = {name: _module_safe(naming.snake(name)[:keep].rstrip("_")) for name in class_names}
    counts: dict[str, int] = {}
    for module in wanted.values():
        counts[module] = counts.get(module, 0) + 1
    return {
        name: (module if counts[module] == 1
               else f"{module}_{hashlib.sha1(name.encode()).hexdigest()[:6]}")
        for name, module in wanted.items()
    }


def _components(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iterative (specs can nest deeply)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            edges = graph[node]
            if child < len(edges):
                work.append((node, child + 1))
                nxt = edges[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return result


# The module of the aliases and enums that name no other type (`Status = Literal[...]`, the long
# enums of parameters of `model.param_enums`, `Timestamp = datetime.datetime`) that no one
# model owns: all together, where a module each cost a file, its bytecode and a line of the
# installed RECORD (AWS EC2: 1,193 of its 3,150 modules).
ALIASES = ModuleName("aliases")
_SHARED = ""  # a home: the module ALIASES


def homes(api: ir.Api, names: Mapping[str, ClassName],
          named: Mapping[str, set[str]]) -> dict[str, str]:
    """The key of the type whose module each named type (in `names`) lives in: its own, but
    - an inline model (a property's object) that one model alone names, and no operation or
      event: that model's (GitHub: 2,217 of its 3,048 types), so it is loaded with the model
      that needs it and is not a file of its own. Not a component schema: one a spec bump
      gives a second user would move, and a class keeps its module across bumps;
    - an alias that names one type: that type's (`Pets = list[Pet]` lives with `Pet`);
    - an enum, or an alias that names no type: "" (the module ALIASES).
    `named`: each model's `_named`.
    """
    models = {m.key: m for m in api.models}
    referrers: dict[str, set[str]] = {}
    for model in api.models:
        for key in named[model.key] - {model.key}:
            referrers.setdefault(key, set()).add(model.key)
    targets = {a.key: set(ir.references(a.target)) & names.keys()
               for a in api.aliases if a.key in names}  # what each written alias names
    for alias, refs in targets.items():
        for key in refs:
            referrers.setdefault(key, set()).add(alias)
    direct = _named_by_requests(api)
    parent: dict[str, str] = {}
    for key in names:
        found = referrers.get(key, set())
        if (key in models and models[key].inline and key not in direct and len(found) == 1
                and next(iter(found)) in models):
            parent[key] = next(iter(found))

    def root(key: str) -> str:
        chain = [key]
        while (up := parent.get(chain[-1])) is not None and up not in chain:
            chain.append(up)
        return chain[-1]

    result = {key: root(key) for key in names}
    result.update((enum.key, _SHARED) for enum in api.enums if enum.key in names)
    for alias, refs in targets.items():
        result[alias] = (_SHARED if not refs
                         else result[next(iter(refs))] if len(refs) == 1 else alias)
    # Types that share a class (structurally identical) share its module: where their homes
    # differ, each lives in the module of the first of them
    sharing: dict[str, list[str]] = {}
    for key in sorted(names):
        sharing.setdefault(names[key], []).append(key)
    for keys in sharing.values():
        if len({result[k] for k in keys}) > 1:
            result.update((k, keys[0]) for k in keys)
    return result


def _named(model: ir.Model) -> set[str]:
    """The keys a model's fields, extra properties and base name."""
    refs = {k for f in model.fields for k in ir.references(f.type)}
    refs |= set(ir.references(model.extra)) if model.extra is not None else set()
    return refs | ({model.base} if model.base else set())


def _named_by_requests(api: ir.Api) -> set[str]:
    """The keys the operations and events name themselves (not through a model): what a
    method's call loads."""
    types: list[ir.TypeRef] = []
    for op in api.operations:
        types += [p.type for p in op.params]
        if op.body is not None:
            types += [op.body.type, *(f.type for f in op.body.fields)]
        types += [r.type for r in op.responses if r.type is not None]
        types += [r.stream.item for r in op.responses
                  if r.stream is not None and r.stream.item is not None]
    types += [e.payload for e in api.events if e.payload is not None]
    return {key for t in types for key in ir.references(t)}


def assign_modules(
    api: ir.Api, names: Mapping[str, ClassName], budget: int
) -> dict[str, ModuleName]:
    """key -> module name (without package) for every named type: `names` are the classes,
    enums and aliases of the models package by key; no name is longer than `budget`. A type
    lives in its home's module (`homes`); homes that name each other share one (imports
    between modules stay acyclic)."""
    named = {m.key: _named(m) for m in api.models}
    home = homes(api, names, named)
    modules = Namespace("models package")
    result: dict[str, ModuleName] = {}
    if _SHARED in home.values():
        shared = ModuleName(modules.claim(ALIASES))
        result.update((key, shared) for key, at in home.items() if at == _SHARED)
    graph: dict[str, set[str]] = {at: set() for at in home.values() if at != _SHARED}
    for model in api.models:
        if model.key in home and home[model.key] != _SHARED:
            graph[home[model.key]] |= {home[k] for k in named[model.key]
                                      if k in home and home[k] != _SHARED}
    spelt = module_names({names[at] for at in graph}, budget)
    by_class = {name: ModuleName(modules.claim(module)) for name, module in sorted(spelt.items())}
    by_home: dict[str, ModuleName] = {}
    for component in _components({at: sorted(edges - {at}) for at, edges in graph.items()}):
        leader = min(component, key=lambda k: names[k])
        by_home.update((at, by_class[names[leader]]) for at in component)
    result.update((key, by_home[at]) for key, at in home.items() if at != _SHARED)
    return result
