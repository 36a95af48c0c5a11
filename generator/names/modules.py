"""Which model lives in which module: one module per model, mutually recursive models together.

Grouping strongly connected components keeps imports between model modules acyclic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sdkforge.model import ir
from sdkforge.names import naming
from sdkforge.names.allocate import ClassName, ModuleName, Namespace


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


def assign_modules(
    models: Iterable[ir.Model], names: Mapping[str, ClassName], budget: int
) -> dict[str, ModuleName]:
    """key -> module name (without package) for every named type: `names` are the classes,
    enums and aliases of the models package by key; no name is longer than `budget`."""
    graph: dict[str, list[str]] = {key: [] for key in names}
    for model in models:
        refs = {k for f in model.fields for k in ir.references(f.type)}
        refs |= set(ir.references(model.extra)) if model.extra is not None else set()
        refs |= {model.base} if model.base else set()
        graph[model.key] = sorted(k for k in refs if k in names)
    modules = Namespace("models package")
    spelt = naming.module_names(set(names.values()), budget)
    by_class = {name: ModuleName(modules.claim(module)) for name, module in sorted(spelt.items())}
    result: dict[str, ModuleName] = {}
    for component in _components(graph):
        leader = min(component, key=lambda k: names[k])
        for key in component:
            result[key] = by_class[names[leader]]
    return result
