"""Module files: which model lives in which module (one module per model, mutually recursive models
together), and how long a module's name may be for every path to fit in MAX_PATH.

Grouping strongly connected components keeps imports between model modules acyclic.
"""

from __future__ import annotations

import hashlib
import keyword
from collections.abc import Collection, Iterable, Mapping

from sdkforge.model import ir
from sdkforge.names import naming
from sdkforge.names.allocate import ClassName, ModuleName, Namespace


def _module_safe(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) or keyword.issoftkeyword(name) else name


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


# The module of the long enums of parameters (`model.param_enums`), all together: hundreds of
# modules of one alias each would cost a file, its bytecode and a line of the installed RECORD.
PARAMETER_ENUMS = ModuleName("parameter_enums")


def assign_modules(
    models: Iterable[ir.Model], names: Mapping[str, ClassName], budget: int,
    together: Collection[str] = (),
) -> dict[str, ModuleName]:
    """key -> module name (without package) for every named type: `names` are the classes,
    enums and aliases of the models package by key; no name is longer than `budget`. The
    keys `together` (aliases that refer to nothing) share the module `PARAMETER_ENUMS`."""
    modules = Namespace("models package")
    result: dict[str, ModuleName] = {}
    if together:
        shared = ModuleName(modules.claim(PARAMETER_ENUMS))
        result.update((key, shared) for key in together)
        names = {key: name for key, name in names.items() if key not in result}
    graph: dict[str, list[str]] = {key: [] for key in names}
    for model in models:
        refs = {k for f in model.fields for k in ir.references(f.type)}
        refs |= set(ir.references(model.extra)) if model.extra is not None else set()
        refs |= {model.base} if model.base else set()
        graph[model.key] = sorted(k for k in refs if k in names)
    spelt = module_names(set(names.values()), budget)
    by_class = {name: ModuleName(modules.claim(module)) for name, module in sorted(spelt.items())}
    for component in _components(graph):
        leader = min(component, key=lambda k: names[k])
        for key in component:
            result[key] = by_class[names[leader]]
    return result
