"""Shared helpers: generate a spec into a temporary folder and import the package; the real
specs' clients, generated once for every slow test that checks them."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from sdkforge.cache import Cache
from sdkforge.config import GenerateOptions
from sdkforge.output.write import write
from sdkforge.pipeline import Generated, Services, generate

ROOT = Path(__file__).resolve().parent.parent
SHARED_SPECS = ROOT.parent / "shared" / "specs"
MIXPEEK_SPECS = SHARED_SPECS / "mixpeek"
PUBLIC_SPECS = SHARED_SPECS / "public"

# A generated client: the folder holding its package, and what generate() returned.
Client = tuple[Path, Generated]


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


# The real specs' clients are generated once per session, for every module that checks them
# (test_real_specs, test_public_specs, test_pyright): the full specs take seconds each.


def _generate_all(out: Path, cache: Cache, specs: dict[str, tuple[Path, str]]) -> dict[str, Client]:
    result = {}
    for key, (spec, package) in specs.items():
        gen = generate(GenerateOptions(spec, package=package), Services(cache=cache))
        write(out / package, gen.files)
        result[key] = (out / package, gen)
    return result


@pytest.fixture(scope="session")
def mixpeek_clients(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Client]:
    """Each Mixpeek version's client, by version ("2026-01-20"), as package
    `mixpeek_2026_01_20`."""
    specs = {}
    for spec in sorted(MIXPEEK_SPECS.glob("openapi-*.json")):
        version = spec.stem.removeprefix("openapi-")
        specs[version] = (spec, "mixpeek_" + version.replace("-", "_"))
    # One cache: the files the versions share are formatted once.
    cache = Cache(tmp_path_factory.mktemp("cache"))
    return _generate_all(tmp_path_factory.mktemp("mixpeek"), cache, specs)


@pytest.fixture(scope="session")
def public_clients(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Client]:
    """The client of each OpenAPI 3 spec in shared/specs/public, by the spec's file name
    without suffix ("openai-openapi"), as package `pub_<that name>`."""
    specs = {}
    for spec in sorted(PUBLIC_SPECS.glob("*.yaml")):
        if not spec.name.startswith("oai-v2"):
            specs[spec.stem] = (spec, "pub_" + spec.stem.replace("-", "_").replace(".", "_"))
    cache = Cache(tmp_path_factory.mktemp("cache"))
    return _generate_all(tmp_path_factory.mktemp("public"), cache, specs)
