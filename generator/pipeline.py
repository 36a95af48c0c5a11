"""The pipeline of DESIGN.md §2, top to bottom: load, validate, resolve, build, name,
render, format. `write` (or `compare`) is left to the caller, so dry runs and `check`
share every step with `generate`; `analyse` stops after naming, for `diff`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from sdkforge.model import ir

from sdkforge.names import naming
from sdkforge.model.build import build
from sdkforge.config import Config
from sdkforge.diagnostics import Diagnostic, Diagnostics, SpecError
from sdkforge.cache import Cache
from sdkforge.emit.format import FormatStats, Known, format_files
from sdkforge.read.load import Document, load
from sdkforge.output.manifest import with_manifest
from sdkforge.emit.render import Meta, Options, render, template_digest
from sdkforge.read.resolve import resolve
from sdkforge.emit.resource_views import ResourceView, resource_views
from sdkforge.emit.surface import SURFACE_FILE, Surface, surface
from sdkforge.read.validate import Pending, check_version


@dataclass(slots=True)
class Analysed:
    api: ir.Api  # named: every Python identifier chosen
    options: Options
    document: Document
    diagnostics: Diagnostics  # resolve's findings, then validation's (once settled), then build's
    surface: Surface
    validation: Pending
    later: Diagnostics  # build's findings, reported after validation's
    resources: list[ResourceView]  # made once, for the surface and the render
    settled: bool = False


@dataclass(frozen=True, slots=True)
class Generated:
    files: dict[str, str]
    diagnostics: list[Diagnostic]
    package: str
    client: str
    surface: Surface
    options: dict[str, object]  # as the manifest records them


def analyse(
    spec: Path, *, package: str | None = None, strict: bool = False, client: str | None = None,
    config: Config | None = None, cache: Cache | None = None, wait: bool = True, allow_remote_refs: bool = False,
) -> Analysed:
    """Every stage up to naming; raise SpecError with located diagnostics on failure.

    Validation runs beside building (in a second process for big specs) and its result is
    cached by content; with `wait=False` the caller settles it later (`settle`), so the
    pipeline can render and format meanwhile. Nothing is written before it is settled."""
    diagnostics = Diagnostics()
    document = load(spec)
    try:
        version = check_version(document)
    except SpecError as exc:
        raise SpecError(_located(document, exc.diagnostics)) from None
    resolved = resolve(document, diagnostics, allow_remote=allow_remote_refs)
    _stop_on_failures(document, diagnostics, strict=False)
    validation = Pending(document, version, cache, resolved.documents)
    later = Diagnostics()
    try:
        api = naming.assign(build(resolved, later, config))
    except Exception:
        _settle(document, diagnostics, validation, later, strict)  # an invalid spec explains the failure
        raise
    package_name = naming.snake(package) if package else naming.package_name(api.title)
    resource_classes = [r.class_name for r in api.resources]
    options = Options(package=package_name, client=naming.client_name(client or package_name, resource_classes))
    resources = resource_views(api)
    analysed = Analysed(api, options, document, diagnostics, surface(api, options.package, options.client, resources),
                        validation, later, resources)
    if wait:
        settle(analysed, strict)
    return analysed


def settle(analysed: Analysed, strict: bool) -> None:
    """Wait for validation; raise SpecError when it, or the build, found what stops generation."""
    if not analysed.settled:
        analysed.settled = True
        _settle(analysed.document, analysed.diagnostics, analysed.validation, analysed.later, strict)


def _settle(document: Document, diagnostics: Diagnostics, validation: Pending, later: Diagnostics, strict: bool) -> None:
    diagnostics.items.extend(validation.result())
    _stop_on_failures(document, diagnostics, strict)
    diagnostics.items.extend(later.items)
    _stop_on_failures(document, diagnostics, strict)


def generate(
    spec: Path,
    *,
    package: str | None = None,
    strict: bool = False,
    client: str | None = None,
    config: Config | None = None,
    templates: Path | None = None,
    meta: bool = False,
    package_version: str | None = None,
    cache: Cache | None = None,
    known: Known | None = None,
    stats: FormatStats | None = None,
    allow_remote_refs: bool = False,
    stage: Callable[[Mapping[str, str]], None] | None = None,
) -> Generated:
    """Every stage up to formatting. `cache` and `known` (formatted text of files the previous
    run rendered the same) spare black the files it has formatted before.

    `stage` is given the finished files while validation may still be running (writing them
    somewhere unseen meanwhile takes that time off the run); when validation then stops
    generation, undoing what it did is the caller's part."""
    analysed = analyse(spec, package=package, strict=strict, client=client, config=config, cache=cache, wait=False,
                       allow_remote_refs=allow_remote_refs)
    api, options, document, diagnostics = analysed.api, analysed.options, analysed.document, analysed.diagnostics
    try:
        if meta:
            version = package_version or _package_version(api.version, document.name, analysed.later)
            options = replace(options, meta=Meta(version=version))
        options = replace(options, templates=templates)
        rendered = render(api, options, analysed.resources)
        rendered[SURFACE_FILE] = analysed.surface.to_json()
        if strict:
            settle(analysed, strict)  # warnings fail a strict run: find out before formatting
        recorded = _recorded_options(options, config)
        spec_hash = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
        files = with_manifest(format_files(rendered, cache, known, stats, spot=templates is None), rendered, spec_hash,
                              recorded)
        if stage is not None:
            stage(files)
    except Exception:
        settle(analysed, strict)  # an invalid spec explains the failure better
        raise
    settle(analysed, strict)
    return Generated(
        files=files, diagnostics=_located(document, diagnostics.items), package=options.package,
        client=options.client, surface=analysed.surface, options=recorded,
    )


def _recorded_options(options: Options, config: Config | None) -> dict[str, object]:
    """What the output depends on besides the spec and sdkforge's version: `check` compares them."""
    recorded: dict[str, object] = {"package": options.package, "client": options.client}
    if options.templates is not None:
        recorded["templates"] = template_digest(options.templates)
    if options.meta is not None:
        recorded["meta"] = options.meta.version
    if config is not None and config.headers:
        recorded["headers"] = {k: v for k, v in sorted(config.headers.items())}
    if config is not None and config.pagination:
        recorded["pagination"] = {k: repr(v) for k, v in sorted(config.pagination.items())}
    return recorded


# PEP 440 public versions (its appendix's pattern, without local versions).
_PEP440 = re.compile(
    r"v?(?:\d+!)?\d+(?:\.\d+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?"
    r"(?:-\d+|[-_.]?(?:post|rev|r)[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?",
    re.IGNORECASE,
)


def valid_version(text: str) -> bool:
    """Whether `text` is a PEP 440 public version (what pip accepts as a package version)."""
    return _PEP440.fullmatch(text.strip()) is not None


def _package_version(version: str, file: str, diagnostics: Diagnostics) -> str:
    text = version.strip()
    if valid_version(text):
        return text[1:] if text[:1] in "vV" else text
    diagnostics.warning(
        file, "/info/version", f"info.version {text[:40]!r} is not a Python package version (PEP 440); "
        "the package is versioned 0.0.0", "pass --package-version",
    )
    return "0.0.0"


def _stop_on_failures(document: Document, diagnostics: Diagnostics, strict: bool) -> None:
    failing = diagnostics.failing(strict)
    if failing:
        raise SpecError(_located(document, failing))


def _located(document: Document, items: list[Diagnostic], limit: int = 50) -> list[Diagnostic]:
    """Add line numbers to the first diagnostics of the root file (positions cost a re-parse)."""
    unplaced = [item for item in items[:limit] if item.file == document.name and item.pointer and item.line is None]
    places = document.locate_many([item.pointer for item in unplaced])
    placed = {id(item): replace(item, line=places[item.pointer][0], column=places[item.pointer][1])
              for item in unplaced if item.pointer in places}
    return [placed.get(id(item), item) for item in items]
