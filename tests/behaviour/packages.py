"""A package generated from an inline spec and imported, for a test module's fixture."""

from __future__ import annotations

import asyncio
import importlib
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from sdkforge.config import GenerateOptions
from sdkforge.output.write import write
from sdkforge.pipeline import generate


def forget(package: str) -> None:
    """Drop `package` and its modules from the import cache."""
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            del sys.modules[name]


def generated_files(folder: Path, spec_text: str, name: str) -> dict[str, str]:
    """The files `generate` makes of `spec_text` (written into `folder` as `<name>.yaml`), by
    relative path, nothing written out."""
    spec = folder / f"{name}.yaml"
    spec.write_text(spec_text, encoding="utf-8")
    return generate(GenerateOptions(spec)).files


@contextmanager
def generated_package(folder: Path, spec_text: str, package: str) -> Iterator[ModuleType]:
    """Write `spec_text` (dedented) into `folder`, generate it as `package`, import it; the
    import path and cache are restored afterwards."""
    spec = folder / f"{package}.yaml"
    spec.write_text(textwrap.dedent(spec_text), encoding="utf-8")
    write(folder / "out", generate(GenerateOptions(spec, package=package)).files)
    with imported(folder / "out", package) as module:
        yield module


@contextmanager
def imported(out: Path, package: str) -> Iterator[ModuleType]:
    """`package` imported fresh from the output folder `out`; the import path and cache are
    restored afterwards."""
    forget(package)
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(out))
        forget(package)


class ClientOfKind:
    """The package's client of the test's kind (`sync` or `async`) aimed at `url`;
    `call("owners.get", ...)` runs a method, awaiting it on one event loop for an async one."""

    def __init__(self, pkg: ModuleType, kind: str, url: str, **options: Any) -> None:
        self._runner = asyncio.Runner() if kind == "async" else None
        name = pkg.__all__[0]
        cls = getattr(pkg, "Async" + name if self._runner else name)
        self.client = cls(base_url=url, max_retries=0, timeout=5.0, **options)

    @property
    def asynchronous(self) -> bool:
        return self._runner is not None

    def run(self, result: Any) -> Any:
        return self._runner.run(result) if self._runner else result

    def call(self, method: str, *args: Any, client: Any = None, **kwargs: Any) -> Any:
        target = self.client if client is None else client
        for name in method.split("."):
            target = getattr(target, name)
        return self.run(target(*args, **kwargs))

    def close(self) -> None:
        if self._runner:
            self._runner.run(self.client.close())
            self._runner.close()
        else:
            self.client.close()
