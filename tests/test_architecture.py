"""The package's layering (ARCHITECTURE.md): imports go only down the stage list.

    errors, diagnostics, config, cache      shared by every stage
    read -> model -> names -> emit -> output -> bump
    pipeline, commandline, cli              the top: they run the stages

A module may import modules of its own stage and of the layers below it, never above.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"  # imported as `sdkforge`

BASE = 0
STAGES = ["read", "model", "names", "emit", "output", "bump"]
TOP = len(STAGES) + 1
LAYERS: dict[str, int] = {
    "sdkforge": BASE, "sdkforge.errors": BASE, "sdkforge.diagnostics": BASE,
    "sdkforge.config": BASE, "sdkforge.cache": BASE, "sdkforge.forked": BASE,
    **{f"sdkforge.{stage}": index + 1 for index, stage in enumerate(STAGES)},
    "sdkforge.pipeline": TOP, "sdkforge.commandline": TOP, "sdkforge.cli": TOP,
}
# Among the shared modules, which may import which (no cycles among them either).
BASE_ORDER = ["sdkforge", "sdkforge.diagnostics", "sdkforge.errors", "sdkforge.config",
              "sdkforge.cache", "sdkforge.forked"]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["sdkforge", *parts])


def layer_of(module: str) -> tuple[int, str]:
    """(layer, the group it belongs to): a stage's subpackage, or the top-level module itself."""
    parts = module.split(".")
    group = ".".join(parts[:2]) if len(parts) > 1 else module
    if group not in LAYERS:
        raise KeyError(f"{module} belongs to no layer: add its folder to the stage list "
                       "(ARCHITECTURE.md)")
    return LAYERS[group], group


def imports(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, module) of every sdkforge module `path` imports, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names
                      if alias.name.split(".")[0] == "sdkforge"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "sdkforge":
                continue
            for alias in node.names:  # `from sdkforge import pipeline` imports sdkforge.pipeline
                candidate = f"{target}.{alias.name}"
                found.append((node.lineno, candidate if _is_module(candidate) else target))
    return found


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return ((PACKAGE / relative).with_suffix(".py").is_file()
            or (PACKAGE / relative / "__init__.py").is_file())


def violations(root: Path) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        module = module_name(path, root)
        layer, group = layer_of(module)
        for line, target in imports(path, module):
            target_layer, target_group = layer_of(target)
            if target_group == group:
                continue
            upward = target_layer > layer
            if layer == target_layer == BASE:
                upward = BASE_ORDER.index(target_group) > BASE_ORDER.index(group)
            if upward:
                where = f"{path.relative_to(root.parent)}:{line}"
                problems.append(f"{where}: {module} imports {target}, "
                                "which is above it in the stage list")
    return problems


def test_imports_go_only_down_the_stage_list() -> None:
    assert violations(PACKAGE) == []


def test_every_stage_folder_is_in_the_stage_list() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(STAGES)


def test_an_upward_import_is_caught(tmp_path: Path) -> None:
    """The check is not vacuous: an import of `emit` from `read`, or of the pipeline from a
    stage, or of `config` from `diagnostics`, is reported with its file and line."""
    copy = tmp_path / "generator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    cases = [
        (copy / "read" / "load.py", "from sdkforge.emit import render"),
        (copy / "model" / "ir.py", "from sdkforge.names.allocate import Identifier"),
        (copy / "emit" / "surface.py", "import sdkforge.pipeline"),
        (copy / "diagnostics.py", "from sdkforge import config"),
        (copy / "names" / "naming.py", "from ..output import write"),
    ]
    for path, line in cases:
        original = path.read_text(encoding="utf-8")
        path.write_text(original + f"\n{line}\n", encoding="utf-8")
        found = violations(copy)
        path.write_text(original, encoding="utf-8")
        assert len(found) == 1, (line, found)
        assert path.name in found[0] and "above it in the stage list" in found[0]
    assert violations(copy) == []


# ---------------------------------------------------------------- size and names

MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60
MAX_RUNTIME_MODULE_LINES = 500
RUNTIME = ROOT / "templates" / "runtime"


def _sources(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def long_functions(path: Path, limit: int) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.name}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and (node.end_lineno or node.lineno) - node.lineno + 1 > limit]


def test_generator_modules_and_functions_stay_small() -> None:
    """A module over 450 lines or a function over 60 is usually two things (STYLE.md)."""
    long_modules = [f"{p.relative_to(ROOT)} ({n} lines)" for p in _sources(PACKAGE)
                    if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert long_modules == []
    assert [f for p in _sources(PACKAGE) for f in long_functions(p, MAX_FUNCTION_LINES)] == []


def test_runtime_modules_stay_small() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in _sources(RUNTIME)}
    long_modules = [f"{name} ({n} lines)" for name, n in sizes.items()
                    if n > MAX_RUNTIME_MODULE_LINES]
    assert long_modules == []


def test_identifiers_are_made_only_in_the_names_stage() -> None:
    """`ClassName`, `ModuleName` and `Identifier` values are constructed only in names/: every
    other stage gets its names from the `Names` table."""
    made = []
    for path in _sources(PACKAGE):
        if path.parent.name == "names":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in {"ClassName", "ModuleName", "Identifier"}:
                made.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert made == []
