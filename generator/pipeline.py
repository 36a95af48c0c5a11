"""The pipeline of DESIGN.md §2, top to bottom: load, validate, resolve, build, name,
render, format. `write` (or `compare`) is left to the caller, so dry runs and `check`
share every step with `generate`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from . import naming
from .build import build
from .config import Config
from .diagnostics import Diagnostic, Diagnostics, SpecError
from .format import format_files
from .load import Document, load
from .render import Options, render
from .resolve import resolve
from .validate import check_version, validate
from .write import with_manifest


@dataclass(frozen=True, slots=True)
class Generated:
    files: dict[str, str]
    diagnostics: list[Diagnostic]
    package: str
    client: str


def generate(
    spec: Path,
    *,
    package: str | None = None,
    strict: bool = False,
    client: str | None = None,
    config: Config | None = None,
    allow_remote_refs: bool = False,
) -> Generated:
    """Run every stage up to formatting; raise SpecError with located diagnostics on failure."""
    diagnostics = Diagnostics()
    document = load(spec)
    try:
        version = check_version(document)
    except SpecError as exc:
        raise SpecError(_located(document, exc.diagnostics)) from None
    resolved = resolve(document, diagnostics, allow_remote=allow_remote_refs)
    _stop_on_failures(document, diagnostics, strict=False)
    validate(document, version, diagnostics, resolved.documents)
    _stop_on_failures(document, diagnostics, strict)
    api = naming.assign(build(resolved, diagnostics, config))
    _stop_on_failures(document, diagnostics, strict)
    package_name = naming.snake(package) if package else naming.package_name(api.title)
    resource_classes = [r.class_name for r in api.resources]
    options = Options(package=package_name, client=naming.client_name(client or package_name, resource_classes))
    files = format_files(render(api, options))
    spec_hash = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
    files = with_manifest(files, spec_hash, {"package": options.package, "client": options.client})
    return Generated(
        files=files, diagnostics=_located(document, diagnostics.items), package=package_name, client=options.client
    )


def _stop_on_failures(document: Document, diagnostics: Diagnostics, strict: bool) -> None:
    failing = diagnostics.failing(strict)
    if failing:
        raise SpecError(_located(document, failing))


def _located(document: Document, items: list[Diagnostic], limit: int = 50) -> list[Diagnostic]:
    """Add line numbers to the first diagnostics of the root file (positions cost a re-parse)."""
    result = []
    for index, item in enumerate(items):
        if index < limit and item.file == document.name and item.pointer and item.line is None:
            place = document.locate(item.pointer)
            if place is not None:
                item = replace(item, line=place[0], column=place[1])
        result.append(item)
    return result
