"""The real workload: the three Mixpeek versions generate, import and pass `mypy --strict`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sdkforge.pipeline import Generated

VERSIONS = ["2025-12-19", "2026-01-03", "2026-01-20"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def generated(
    mixpeek_clients: dict[str, tuple[Path, Generated]]
) -> dict[str, tuple[Path, Generated]]:
    """Generated once for the session (conftest.py): test_pyright checks the newest too."""
    assert sorted(mixpeek_clients) == VERSIONS
    return mixpeek_clients


@pytest.mark.parametrize("version", VERSIONS)
def test_generates_without_errors(generated: dict[str, tuple[Path, Generated]],
                                  version: str) -> None:
    _, gen = generated[version]
    assert not [d for d in gen.diagnostics if d.level == "error"]
    assert sum(1 for p in gen.files if p.endswith(".py")) > 50


@pytest.mark.parametrize("version", VERSIONS)
def test_every_model_and_resource_imports(generated: dict[str, tuple[Path, Generated]],
                                          version: str) -> None:
    folder, gen = generated[version]
    script = f"""
import importlib, pkgutil
import {gen.package} as pkg
client = pkg.{gen.client}(base_url="http://127.0.0.1:9")
async_client = pkg.Async{gen.client}(base_url="http://127.0.0.1:9")
models = [getattr(pkg.models, name) for name in pkg.models.__all__]
for model in models:
    if hasattr(model, "model_json_schema"):
        model.model_json_schema()  # forces every forward reference to resolve
resources_pkg = importlib.import_module("{gen.package}.resources")
resources = [m.name for m in pkgutil.iter_modules(resources_pkg.__path__)]
for name in resources:
    module = importlib.import_module(f"{gen.package}.resources." + name)
print(len(models), len(resources))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=folder, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    n_models, n_resources = map(int, done.stdout.split())
    assert n_models > 100 and n_resources > 10


def test_mypy_strict_is_clean_on_all_versions(generated: dict[str, tuple[Path, Generated]]) -> None:
    folders = [generated[v][0] for v in VERSIONS]
    packages = [generated[v][1].package for v in VERSIONS]
    env_path = ":".join(str(f) for f in folders)
    package_args = [arg for p in packages for arg in ("-p", p)]
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *package_args],
        capture_output=True, text=True, timeout=900,
        env={"MYPYPATH": env_path, "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stdout[-5000:]
