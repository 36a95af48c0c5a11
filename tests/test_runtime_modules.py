"""The runtime copied into every package (`templates/runtime/`) stays a set of small modules with
one job each: no import cycle between them, no module over 500 lines, no function over 60."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from sdkforge.emit.render import STATIC_RUNTIME, TEMPLATES

RUNTIME = TEMPLATES / "runtime"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def import_graph(folder: Path) -> dict[str, set[str]]:
    """Which runtime modules each runtime module imports, by file name. Every import counts:
    at the top, under `if TYPE_CHECKING:` and inside functions. Relative imports are resolved
    where the files land in a generated package (`_runtime/_x.py`, or `errors.py` beside it)."""
    where = {Path(target).with_suffix("").parts: Path(source).name
             for target, source in STATIC_RUNTIME.items()}
    graph: dict[str, set[str]] = {}
    for parts, name in where.items():
        tree = ast.parse((folder / name).read_text(encoding="utf-8"), filename=name)
        edges: set[str] = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or node.level == 0:
                continue  # absolute imports are the standard library, httpx and pydantic
            base = parts[: len(parts) - node.level]
            target = base + tuple(node.module.split(".") if node.module else ())
            if target in where:
                edges.add(where[target])
            edges.update(where[(*target, alias.name)] for alias in node.names
                         if (*target, alias.name) in where)
        graph[name] = edges - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as the modules along it (first module repeated at the end), or None."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once fully explored
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                return [*path[path.index(imported):], imported]
            if imported not in state:
                found = visit(imported)
                if found:
                    return found
        path.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            found = visit(module)
            if found:
                return found
    return None


def test_the_runtime_copied_is_every_file_of_the_runtime_folder() -> None:
    files = sorted(p.name for p in RUNTIME.glob("*.py"))
    assert sorted(Path(source).name for source in STATIC_RUNTIME.values()) == files
    assert STATIC_RUNTIME["errors.py"] == "runtime/errors.py"  # public: beside the client
    assert all(target == f"_runtime/{Path(source).name}"
               for target, source in STATIC_RUNTIME.items() if target != "errors.py")


def test_no_import_cycle_between_runtime_modules() -> None:
    graph = import_graph(RUNTIME)
    assert graph["_base_client.py"] >= {"_request.py", "_response.py", "_retries.py",
                                        "_pagination.py"}
    # `from ._runtime._constants import ...`; `_mismatches` for the type of `mismatches` only;
    # `_types` for httpx, imported on first use (`_types.Deferred`)
    assert graph["errors.py"] == {"_constants.py", "_mismatches.py", "_types.py"}
    cycle = find_cycle(graph)
    assert cycle is None, "runtime modules import each other: " + " -> ".join(cycle or [])


@pytest.mark.parametrize(("module", "line"), [
    ("_constants.py", "from ._base_client import BaseClient\n"),  # a top-level import
    ("_pagination.py", "if TYPE_CHECKING:\n    from ._base_client import SyncAPIClient\n"),
    ("_models.py", "def _late() -> None:\n    from . import _base_client\n"),  # imported late
    ("errors.py", "from ._runtime import _response\n"),  # `_response` imports `errors`
])
def test_an_added_import_cycle_is_found(tmp_path: Path, module: str, line: str) -> None:
    folder = tmp_path / "runtime"
    shutil.copytree(RUNTIME, folder)
    text = (folder / module).read_text(encoding="utf-8")
    (folder / module).write_text(text + "\n" + line, encoding="utf-8")
    cycle = find_cycle(import_graph(folder))
    assert cycle is not None and module in cycle, cycle


def test_runtime_modules_and_functions_stay_small() -> None:
    too_long: list[str] = []
    for path in sorted(RUNTIME.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{path.name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - first + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.name}: {node.name}() is {length} lines")
    limits = f"at most {MAX_MODULE_LINES} lines a module, {MAX_FUNCTION_LINES} a function"
    assert not too_long, f"split them ({limits}): {too_long}"


def test_each_runtime_module_says_its_one_job() -> None:
    for path in sorted(RUNTIME.glob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc, f"templates/runtime/{path.name} has no module docstring saying what it is for"
