"""Shared helpers: generate a spec into a temporary folder and import the package."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from sdkforge.config import GenerateOptions
from sdkforge.output.write import write
from sdkforge.pipeline import generate

ROOT = Path(__file__).resolve().parent.parent
SHARED_SPECS = ROOT.parent / "shared" / "specs"


def _forget(package: str) -> None:
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            del sys.modules[name]


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Callable[[str, str], ModuleType]]:
    """Write an inline YAML spec, generate it as `package`, import and return the package."""
    added: list[str] = []

    def make(spec_text: str, package: str) -> ModuleType:
        spec = tmp_path / f"{package}.yaml"
        spec.write_text(textwrap.dedent(spec_text), encoding="utf-8")
        out = tmp_path / f"out_{package}"
        result = generate(GenerateOptions(spec, package=package))
        write(out, result.files)
        _forget(package)
        sys.path.insert(0, str(out))
        added.append(str(out))
        return importlib.import_module(package)

    yield make
    for path in added:
        sys.path.remove(path)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-ir-cases", action="store_true",
        help="rewrite the expected IR of tests/ir_cases/*.test with what sdkforge prints now",
    )
