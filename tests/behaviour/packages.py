"""A package generated from an inline spec and imported, for a test module's fixture."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from sdkforge.config import GenerateOptions
from sdkforge.output.write import write
from sdkforge.pipeline import generate


def forget(package: str) -> None:
    """Drop `package` and its modules from the import cache."""
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            del sys.modules[name]


@contextmanager
def generated_package(folder: Path, spec_text: str, package: str) -> Iterator[ModuleType]:
    """Write `spec_text` (dedented) into `folder`, generate it as `package`, import it; the
    import path and cache are restored afterwards."""
    spec = folder / f"{package}.yaml"
    spec.write_text(textwrap.dedent(spec_text), encoding="utf-8")
    write(folder / "out", generate(GenerateOptions(spec, package=package)).files)
    forget(package)
    sys.path.insert(0, str(folder / "out"))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(folder / "out"))
        forget(package)
