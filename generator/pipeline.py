"""The pipeline of DESIGN.md §2, top to bottom: load, validate, resolve, build, name,
render, format. `write` (or `compare`) is left to the caller, so dry runs and `check`
share every step with `generate`; `analyse` stops after naming, for `diff`."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from sdkforge.bump.version import NEXT, Bump, Previous, resolve_next
from sdkforge.cache import Cache
from sdkforge.config import (
    Config,
    GenerateOptions,
    derived_async,
    size_settings,
    typed_wrappers,
    unpacked_options,
)
from sdkforge.diagnostics import Diagnostic, Diagnostics
from sdkforge.emit.format import FormatStats, Known, format_files
from sdkforge.emit.render import Meta, Options, render, template_digest
from sdkforge.emit.resource_views import ResourceView, resource_views
from sdkforge.emit.surface import SURFACE_FILE, Beside, Surface, expected_entries, surface
from sdkforge.errors import SpecError
from sdkforge.model import ir
from sdkforge.model.build import build
from sdkforge.model.pagination import PageSettings
from sdkforge.names import naming
from sdkforge.names.assign import Names, assign, operation_key
from sdkforge.output.manifest import MANIFEST, with_manifest
from sdkforge.output.write import Later
from sdkforge.read.load import Document, load
from sdkforge.read.overlay import apply_overlays
from sdkforge.read.provenance import SPEC, Provenance
from sdkforge.read.resolve import resolve
from sdkforge.read.validate import Pending, check_version

# Written after the rest: the API surface (a second process may still be making it) and the
# manifest, which hashes it.
LAST = frozenset({SURFACE_FILE, MANIFEST})


@dataclass(frozen=True, slots=True)
class Services:
    """What a run may use besides its options: none of it changes the output.

    `cache` and `known` (formatted text of files the previous run rendered the same) spare
    black the files it has formatted before; `stats` counts what black did; `stage` is given
    the finished files while validation may still be running (writing them somewhere unseen
    meanwhile takes that time off the run), and the last ones (`LAST`), which it asks for once
    it has written the others; when validation then stops generation, undoing what it did is
    the caller's part."""

    cache: Cache | None = None
    known: Known | None = None
    stats: FormatStats | None = None
    stage: Callable[[Mapping[str, str], Later], None] | None = None


class Findings:
    """Every problem found in one run, kept in one place and reported in one order: the
    reading stage's (resolve), then validation's (which may still be running in a second
    process), then the model's. `stop` is the one exit: it raises SpecError, with lines and
    columns added, when what was found so far stops generation. With overlays, a finding about
    a node an overlay wrote (or moved) is placed where it was written (`read.provenance`)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.documents: dict[str, Document] = {document.name: document}  # by name, once read
        self.read = Diagnostics()  # resolve's findings
        self.model = Diagnostics()  # build's findings, reported after validation's
        self._validation: Pending | None = None
        self._validated: list[Diagnostic] | None = None
        self.overlays: list[Document] = []  # the overlays applied, in order
        self._provenance: Provenance | None = None  # which nodes they wrote; None: none given

    def overlay(self, paths: tuple[Path, ...]) -> Document:
        """Apply the overlays at `paths` to the spec (their findings are the reading stage's);
        the spec as overlaid. Findings about a node an overlay wrote are then placed in it."""
        applied = apply_overlays(self.document, paths, self.read)
        self.overlays = applied.overlays
        self.documents.update((d.name, d) for d in applied.overlays)
        self._provenance = applied.provenance
        self.document = applied.document
        self.documents[applied.document.name] = applied.document
        return applied.document

    def validating(self, pending: Pending) -> None:
        self._validation = pending

    def validating_now(self) -> bool:
        """Whether the spec is being validated on the second core at this moment."""
        return self._validation is not None and self._validation.busy()

    def release(self) -> None:
        """Keep the documents' text (for lines and columns), not their parsed data: on the
        largest specs that is hundreds of MB no stage after the model reads."""
        self.document = replace(self.document, data=None)
        self.documents = {name: replace(d, data=None) for name, d in self.documents.items()}

    def stop(self, strict: bool) -> None:
        """Raise SpecError when the findings known so far stop generation; validation's
        only once `settle` has waited for it."""
        found = Diagnostics(self.read.items + (self._validated or []))
        failing = found.failing(strict)
        if not failing and self._validated is not None:
            failing = Diagnostics(found.items + self._model_items()).failing(strict)
        if failing:
            raise SpecError(self.located(failing))

    def settle(self, strict: bool) -> None:
        """Wait for validation (once), then `stop`."""
        if self._validated is None:
            self._validated = self._validation.result() if self._validation is not None else []
        self.stop(strict)

    def items(self) -> list[Diagnostic]:
        """Everything found, in report order, with lines and columns where the spec has them."""
        return self.located(self.read.items + (self._validated or []) + self._model_items())

    def _model_items(self) -> list[Diagnostic]:
        """The model's findings but warnings about a node already warned about (by validation:
        a repeated `enum` value, say): one warning a node."""
        seen = {(d.file, d.pointer) for d in self._validated or []}
        items = []
        for item in self.model.items:  # a schema inlined twice is warned about once
            if item.level != "warning" or (item.file, item.pointer) not in seen:
                seen.add((item.file, item.pointer))
                items.append(item)
        return items

    def located(self, items: list[Diagnostic], limit: int = 50) -> list[Diagnostic]:
        """Add lines and columns to the first diagnostics (positions cost a scan of the file,
        once for all of them)."""
        if self._provenance:
            items = [self._written_at(item) for item in items]
        wanted: dict[str, list[str]] = {}
        for item in items[:limit]:
            if item.pointer and item.line is None and item.file in self.documents:
                wanted.setdefault(item.file, []).append(item.pointer)
        places = {(file, pointer): place for file, pointers in wanted.items()
                  for pointer, place in self.documents[file].locate_many(pointers).items()}
        return [replace(item, line=places[item.file, item.pointer][0],
                        column=places[item.file, item.pointer][1])
                if (item.file, item.pointer) in places else item for item in items]

    def _written_at(self, item: Diagnostic) -> Diagnostic:
        """`item` placed where its node was written, when an overlay wrote or moved it."""
        if item.file != self.document.name or item.line is not None:
            return item
        assert self._provenance is not None
        origin = self._provenance.origin(item.pointer)
        if origin is None:
            return item
        file, pointer = origin
        return replace(item, file=item.file if file == SPEC else file, pointer=pointer)


@dataclass(slots=True)
class Analysed:
    api: ir.Api
    names: Names  # every Python identifier of the package
    options: Options
    findings: Findings
    resources: list[ResourceView]  # made once, for the surface and the render
    beside: Beside  # the API surface and its text, made when first asked for
    # The settings the spec's size alone decided (the count of its operations, by the setting's
    # key: `typed-wrappers`, `derived-async`, `unpacked-options`): the CLI says so.
    by_size: dict[str, int] = field(default_factory=lambda: {})

    @property
    def document(self) -> Document:
        return self.findings.document

    @property
    def surface(self) -> Surface:
        return self.beside.surface()


@dataclass(frozen=True, slots=True)
class Generated:
    files: dict[str, str]
    diagnostics: list[Diagnostic]
    package: str
    client: str
    beside: Beside  # the package's API surface, made (or read back from its text) when asked
    options: dict[str, object]  # as the manifest records them
    documents: dict[str, str]  # the spec's documents read, by name: the hash of their text
    bump: Bump | None = None  # the version `--package-version next` chose, and why
    by_size: dict[str, int] = field(default_factory=lambda: {})  # as `Analysed` has them

    @property
    def surface(self) -> Surface:
        return self.beside.surface()


def analyse(options: GenerateOptions, cache: Cache | None = None, wait: bool = True) -> Analysed:
    """Every stage up to naming; raise SpecError with located diagnostics on failure.

    Validation runs beside building (in a second process for big specs) and its result is
    cached by content; with `wait=False` the caller settles it later (`findings.settle`), so
    the pipeline can render and format meanwhile. Nothing is written before it is settled."""
    document = load(options.spec)
    findings = Findings(document)
    if options.overlays:
        document = findings.overlay(options.overlays)
        findings.stop(strict=False)
    try:
        version = check_version(document)
    except SpecError as exc:  # not an OpenAPI 3.x document: nothing further can be read
        findings.read.items.extend(exc.diagnostics)
        findings.stop(strict=False)
        raise
    resolved = resolve(document, findings.read, allow_remote=options.allow_remote_refs)
    findings.documents.update((d.name, d) for d in resolved.documents.values())
    findings.stop(strict=False)
    findings.validating(Pending(document, version, cache, resolved.documents))
    try:
        api = build(resolved, findings.model, options.config.headers,
                    _page_settings(options.config))
        names = assign(api, options.package, options.client)
    except Exception:
        findings.settle(options.strict)  # an invalid spec explains the failure
        raise
    findings.release()  # the parsed spec is not needed past the model
    del resolved
    render_options = Options(package=names.package, client=names.client)
    config, count = options.config, len(api.operations)
    typed, derived, unpacked = (typed_wrappers(config, count), derived_async(config, count),
                                unpacked_options(config, count))
    resources = resource_views(api, names, typed_wrappers=typed, derived_async=derived,
                               unpacked=unpacked)
    compact = {"typed-wrappers": not typed, "derived-async": derived, "unpacked-options": unpacked}
    signatures = {operation_key(op): m.signature
                  for r, view in zip(names.resources, resources, strict=True)
                  for op, m in zip(r.operations, view.methods, strict=True)}
    analysed = Analysed(
        api, names, render_options, findings, resources,
        Beside(lambda: surface(api, names, signatures)),
        by_size={key: count for key, setting in size_settings(config).items()
                 if setting is None and compact[key]},
    )
    if wait:
        findings.settle(options.strict)
    return analysed


def generate(
    options: GenerateOptions, services: Services = Services(), previous: Previous | None = None
) -> Generated:
    """Every stage up to formatting, then the manifest; `write` (or `compare`) is the caller's.
    `previous` is what the output folder held, for `--package-version next` (None: nothing)."""
    analysed = analyse(options, services.cache, wait=False)
    findings, api, document = analysed.findings, analysed.api, analysed.document
    try:
        render_options = replace(analysed.options, templates=options.templates)
        bump = None
        if options.meta and options.package_version == NEXT:
            bump = resolve_next(previous, analysed.surface, api.version,
                                valid_version(api.version))
            render_options = replace(render_options, meta=Meta(version=bump.version))
        elif options.meta:
            version = (options.package_version
                       or _package_version(api.version, document.name, findings.model))
            render_options = replace(render_options, meta=Meta(version=version))
        analysed.beside.start(expected_entries(api))  # on the second core, for big APIs
        rendered = render(api, analysed.names, render_options, analysed.resources)
        if options.strict:  # warnings fail a strict run: find out before formatting
            findings.settle(options.strict)
        recorded = _recorded_options(render_options, options.config)
        spec_hash = document.digest
        # the second core, while it validates or makes the surface, would only be shared by a
        # formatting child
        busy = findings.validating_now() or analysed.beside.busy()
        formatted = format_files(rendered, services.cache, services.known, services.stats,
                                 spot=options.templates is None, cores=1 if busy else None)
        overlays = tuple((_given(d.path), d.digest) for d in findings.overlays)

        @functools.cache
        def finished() -> dict[str, str]:
            """Every file: the surface asked for last (the second core makes it while this one
            renders, formats and writes the rest), and the manifest of them all."""
            text = analysed.beside.text()
            return with_manifest({**formatted, SURFACE_FILE: text},
                                 {**rendered, SURFACE_FILE: text}, spec_hash, recorded, overlays)

        if services.stage is not None:
            services.stage(formatted, Later(LAST, lambda: {p: finished()[p] for p in LAST}))
        files = finished()
    except Exception:
        analysed.beside.close()  # the surface's child, if one was started, is not waited for
        findings.settle(options.strict)  # an invalid spec explains the failure better
        raise
    findings.settle(options.strict)
    return Generated(
        files=files, diagnostics=findings.items(), package=render_options.package,
        client=render_options.client, beside=analysed.beside, options=recorded,
        documents={d.name: d.digest for d in findings.documents.values()}, bump=bump,
        by_size=analysed.by_size,
    )


def _given(path: Path) -> str:
    """A path as the manifest records it: relative to the current folder when under it."""
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _page_settings(config: Config) -> PageSettings:
    """The configuration's pagination entries, matched by the names stage's spelling rules."""
    return PageSettings(config.pagination, naming.method_name, naming.field_name)


def _recorded_options(options: Options, config: Config) -> dict[str, object]:
    """What the output depends on besides the spec and sdkforge's version: `check` compares them."""
    recorded: dict[str, object] = {"package": options.package, "client": options.client}
    if options.templates is not None:
        recorded["templates"] = template_digest(options.templates)
    if options.meta is not None:
        recorded["meta"] = options.meta.version
    if config.headers:
        recorded["headers"] = {k: v for k, v in sorted(config.headers.items())}
    if config.pagination:
        recorded["pagination"] = {k: repr(v) for k, v in sorted(config.pagination.items())}
    recorded.update((key, setting) for key, setting in size_settings(config).items()
                    if setting is not None)
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
        file, "/info/version",
        f"info.version {text[:40]!r} is not a Python package version (PEP 440); "
        "the package is versioned 0.0.0", "pass --package-version",
    )
    return "0.0.0"
