"""Which model lives in which module: one module per model, mutually recursive models together.

Grouping strongly connected components keeps imports between model modules acyclic.
"""

from __future__ import annotations

from collections.abc import Iterable

from sdkforge.model import ir

from sdkforge.names import naming


def references(t: ir.TypeRef) -> Iterable[str]:
    if isinstance(t, (ir.ModelRef, ir.EnumRef)):
        yield t.key
    elif isinstance(t, ir.ListOf):
        yield from references(t.item)
    elif isinstance(t, ir.DictOf):
        yield from references(t.value)
    elif isinstance(t, ir.Nullable):
        yield from references(t.inner)
    elif isinstance(t, ir.UnionOf):
        for v in t.variants:
            yield from references(v)
    elif isinstance(t, ir.TupleOf):
        for v in t.items:
            yield from references(v)


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


def assign_modules(api: ir.Api) -> dict[str, str]:
    """key -> module name (without package) for every model and enum."""
    names = api.exported_names()
    graph: dict[str, list[str]] = {key: [] for key in names}
    for model in api.models:
        refs = {k for f in model.fields for k in references(f.type)}
        refs |= set(references(model.extra)) if model.extra is not None else set()
        refs |= {model.base} if model.base else set()
        graph[model.key] = sorted(k for k in refs if k in names)
    by_class = naming.module_names(names.values())
    modules: dict[str, str] = {}
    for component in _components(graph):
        leader = min(component, key=lambda k: names[k])
        for key in component:
            modules[key] = by_class[names[leader]]
    return modules
