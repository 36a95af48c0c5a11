"""Stage 2: is this an OpenAPI 3.x document, and what is wrong with it?

Findings of openapi-spec-validator become located diagnostics: each failed rule is traced to
the deepest node that broke it and the one rule it broke (`failures`), at the place the node
is written (through `$ref`s), and worded with what to do (`advice`). Only what makes a client
impossible or ambiguous is an error; what leaves the meaning plain (a stray key, a `pattern`
the validator cannot read, `const` in 3.0, `nullable` in 3.1, ...) is a warning, and
`--strict` turns warnings into errors later, in the pipeline. The meta-schema check of each
schema runs in jsonschema-rs first (`metaschema`), and the validator's own checks walk the
loaded data (`plainpath`) rather than jsonschema-path's view of it: GitHub's spec (5.7 MB)
validates in 0.6 s, was 2.7 s.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from sdkforge import __version__
from sdkforge.cache import Cache
from sdkforge.diagnostics import Diagnostic, Diagnostics, Level
from sdkforge.errors import fail
from sdkforge.forked import ChildFailed, Forked, can_fork
from sdkforge.read.failures import from_rust, written_at
from sdkforge.read.findings import (
    MARK,
    NULLABLE_31,
    Finding,
    fallback,
    findings,
    nullable_paths,
    reason,
)
from sdkforge.read.load import Document
from sdkforge.read.plainpath import PlainPath, Space
from sdkforge.read.resolve import Resolved


def check_version(doc: Document) -> str:
    """Return "3.0" or "3.1", or raise a clear error for anything else."""
    data = doc.data
    if not isinstance(data, dict):
        raise fail(doc.name, "", "not an OpenAPI document: the top level is not a mapping")
    if "swagger" in data:
        raise fail(
            doc.name, "/swagger",
            f"this is a Swagger {data['swagger']} document, not OpenAPI 3; "
            "sdkforge reads OpenAPI 3.0 and 3.1 only",
            "convert it first, for example with swagger2openapi",
        )
    version = data.get("openapi")
    if not isinstance(version, str):
        raise fail(doc.name, "",
                   "not an OpenAPI document: there is no `openapi: 3.x` version field")
    if version.startswith("3.0"):
        return "3.0"
    if version.startswith("3.1"):
        return "3.1"
    raise fail(doc.name, "/openapi",
               f"unsupported OpenAPI version {version!r}; sdkforge reads 3.0 and 3.1")


def _locating(cls: type[Any], kind: str, version: str = "") -> type[Any]:
    """A keyword validator that puts the place of the node it checked into each finding.

    openapi-spec-validator re-creates errors on the way out, keeping only their standard
    fields, so the place travels in the error's path behind a marker token. Given the
    version "3.1", it also notes a schema's `nullable`, a 3.0 keyword no validator reports.
    """

    class Locating(cls):  # type: ignore[misc]  # openapi-spec-validator's classes are untyped
        def __call__(self, node: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            errors = super().__call__(node, *args, **kwargs)
            if version == "3.1" and not args and not kwargs:  # a schema a check starts from
                errors = _chain(errors, self._nullable())
            for error in errors:
                path = getattr(error, "relative_path", None)
                if path is not None and not any(str(p).startswith(MARK) for p in path):
                    base = [str(p) for p in getattr(node, "parts", ())]
                    path.extendleft(reversed([f"{MARK}{kind}:{len(base)}", *base]))
                yield error

        def _validate_schema_meta(self, schema: Any, schema_value: Any) -> Any:
            # Called once for each schema a check starts from, with its value at hand.
            if version == "3.1":
                self.__dict__.setdefault("_sdkforge_nullable", []).extend(
                    nullable_paths(schema_value))
            return super()._validate_schema_meta(schema, schema_value)

        def _nullable(self) -> Iterator[Any]:
            """A finding for each `nullable` in the schema just checked."""
            noted: list[tuple[str, ...]] = self.__dict__.get("_sdkforge_nullable", [])
            if noted:
                from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

                for path in noted:
                    yield OpenAPIValidationError(NULLABLE_31, path=list(path))
                noted.clear()

    Locating.__name__ = f"Locating{cls.__name__}"
    return Locating


def _chain(*iterables: Any) -> Iterator[Any]:
    for iterable in iterables:
        yield from iterable


class _Structural:
    """openapi-spec-validator's check of the whole document against the OpenAPI meta-schema,
    keeping jsonschema-rs's errors whole: its adapter keeps only their text, in which a
    failed `oneOf` is a dump of the node rather than the rule that failed inside."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def iter_errors(self, instance: Any) -> Iterator[Any]:
        rust = getattr(self._inner, "_rs_validator", None)
        if rust is None:  # the jsonschema backend: its errors keep their context
            yield from self._inner.iter_errors(instance)
            return
        from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

        meta_schema = getattr(self._inner, "schema", None)
        for error in rust.iter_errors(instance):
            found = OpenAPIValidationError(str(error.message), path=list(error.instance_path))
            found.rust = from_rust(error, meta_schema)
            yield found


@functools.cache
def _validator_class(version: str) -> type[Any]:
    # Imported here: it costs half a second, and a run whose findings are cached never needs it.
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    from sdkforge.read import schemapath
    from sdkforge.read.metaschema import fast_meta

    schemapath.install()
    base = OpenAPIV31SpecValidator if version == "3.1" else OpenAPIV30SpecValidator
    wrapped = dict(base.keyword_validators)
    wrapped["default"] = _locating(wrapped["default"], "default")
    wrapped["schema"] = _locating(fast_meta(wrapped["schema"]), "schema", version)
    for kind in ("parameters", "tags"):
        wrapped[kind] = _locating(wrapped[kind], kind)
    return type(f"Sdkforge{base.__name__}", (base,), {
        "keyword_validators": wrapped, "schema_validator": _Structural(base.schema_validator),
    })


@functools.cache
def validator_versions() -> str:
    found = []
    for package in ("openapi-spec-validator", "jsonschema", "jsonschema-rs", "jsonschema-path"):
        try:
            found.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{package} -")
    # The findings are what this stage's code makes of the validator's errors: a change to it
    # (a finding that becomes a warning) must not be hidden by findings cached before.
    code = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        code.update(module.read_bytes())
    return f"sdkforge {__version__} ({code.hexdigest()[:12]}); " + ", ".join(found)


# v2: findings name the deepest node and the one rule it broke, carry a hint, and fewer are
# errors (see `advice`).
_NAMESPACE = "validate-v3"
# Characters of spec from which validation runs in a forked second process. With the meta-schema
# checks in Rust and the walk over plain data (`plainpath`), inline validation costs ~0.1 s a MB
# plus ~0.23 s of imports (Mixpeek 2026-01-20, 2.4 MB: 0.24 s + 0.23 s), and that is all the
# fork can take off the critical path, only while the second core is idle. When black has little
# to format (a spec bump, formatting cached) the child adds to the run's peak memory: measured
# PSS +16 MiB (+24%) on a 400 KB spec, +28 MiB on Mixpeek, +53 MiB on OpenAI's 3 MB spec; in a
# run that formats everything it is done before black's workers start, and the peak is no
# higher. Below 1 MiB it saves a third of a second at most: not worth it.
_BACKGROUND_FROM = 1024 * 1024


class Pending:
    """Validation findings, computed from the cache, inline, or in a forked process that runs
    on the second core while the pipeline builds, renders and formats; `result` waits."""

    def __init__(self, doc: Document, version: str, cache: Cache | None,
                 documents: Mapping[str, Document] | None = None, background: bool = True) -> None:
        self._doc, self._version, self._cache = doc, version, cache
        self._documents: Mapping[str, Document] | None = documents
        self._key = _cache_key(doc, version, documents) if cache is not None else ""
        self._items: list[Diagnostic] | None = None
        self._child: Forked[list[Diagnostic]] | None = None
        cached = cache.get(_NAMESPACE, self._key) if cache is not None else None
        if cached is not None:
            try:
                self._items = [Diagnostic(str(level), str(file), str(pointer), str(message),  # type: ignore[arg-type]
                                          str(hint))
                               for level, file, pointer, message, hint in json.loads(cached)]
                self._release()
                return
            except (ValueError, TypeError):
                pass
        if background and len(doc.source) >= _BACKGROUND_FROM and can_fork():
            self._child = Forked(self._validate, "validator")
        else:
            self._items = self._store(self._validate())
        self._release()

    def _release(self) -> None:
        """Validation has its findings (or a forked child its copy of the spec): the parsed
        documents may be freed once the model is built."""
        self._documents = None
        self._doc = replace(self._doc, data=None)

    def _validate(self) -> list[Diagnostic]:
        found = Diagnostics()
        validate(self._doc, self._version, found, self._documents)
        return found.items

    def busy(self) -> bool:
        """Whether a forked child is validating now, on the second core."""
        return self._items is None and self._child is not None and self._child.busy()

    def result(self) -> list[Diagnostic]:
        if self._items is None:
            self._items = self._store(self._collect())
        return self._items

    def _store(self, items: list[Diagnostic]) -> list[Diagnostic]:
        """Cache the findings, unless the validator gave up (that may not happen next time)."""
        if self._cache is not None and not any(d.message.startswith(_GAVE_UP) for d in items):
            rows = [[d.level, d.file, d.pointer, d.message, d.hint] for d in items]
            self._cache.put(_NAMESPACE, self._key, json.dumps(rows))
        return items

    def _collect(self) -> list[Diagnostic]:
        assert self._child is not None
        try:
            return self._child.result()
        except ChildFailed as failed:  # reported as a finding
            return [Diagnostic("warning", self._doc.name, "", f"{_GAVE_UP}: {failed}")]


def _cache_key(doc: Document, version: str, documents: Mapping[str, Document] | None) -> str:
    """What the findings depend on (the validator and this stage's code, the version, every
    document's name and text, an overlay's edits), as a digest: the texts themselves, joined,
    were a second copy of the spec held for the whole run (22 MB on GitHub's)."""
    digest = hashlib.sha256()
    parts: list[str | bytes] = [validator_versions(), version, doc.name]
    for key, related in sorted((documents or {}).items()):
        if key:
            parts += [key, related.source]
    parts += [doc.source, f"overlaid {doc.edits}" if doc.edits else ""]
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()  # the cache files it under _NAMESPACE


_GAVE_UP = "openapi-spec-validator could not finish"


def _offline(root: Document, documents: Mapping[str, Document]) -> dict[str, Callable[[str], Any]]:
    """Reference handlers for the validator that serve only the documents `resolve` already
    loaded and checked, so validation never reads another file or touches the network (a
    `$id` could otherwise point the validator's own resolver anywhere)."""
    base = root.path.resolve().parent
    known: dict[str, Any] = {}
    for key, document in documents.items():
        if document.url:
            known[document.url] = document.data
        else:
            path = base / key if key else root.path.resolve()
            known[path.as_uri()] = known[path.resolve().as_uri()] = document.data

    def serve(uri: str) -> Any:
        found = known.get(uri.split("#", 1)[0], _MISSING)
        if found is _MISSING:
            raise LookupError(f"{uri} is not one of the documents sdkforge loaded")
        return found

    return {"<all_urls>": serve, "http": serve, "https": serve, "file": serve}


_MISSING = object()


def validate(doc: Document, version: str, diagnostics: Diagnostics,
             documents: Mapping[str, Document] | None = None) -> None:
    """Run openapi-spec-validator over the root document and record its findings: one per
    node (an error before a warning), in the validator's order."""
    found: dict[tuple[str, str, str], Diagnostic] = {}
    resolved = Resolved(doc, dict(documents or {"": doc}))
    try:
        with warnings.catch_warnings():  # `re` warns about patterns to stderr (nested sets)
            warnings.simplefilter("ignore")
            errors: list[Any] = []
            stopped = _collect(_errors(doc, version, resolved, documents, plain=True), errors)
            if isinstance(stopped, AttributeError):  # asking more of a path than PlainPath has
                errors.clear()
                stopped = _collect(_errors(doc, version, resolved, documents, plain=False),
                                   errors)
            for error in errors:
                try:
                    said = list(findings(error, version))
                except Exception:  # an error sdkforge cannot word still stops the run
                    said = [fallback(error)]
                for finding in said:
                    _note(found, finding, resolved)
            if stopped is not None:  # what was found before the validator stopped is kept
                raise stopped
    except RecursionError:
        found["", "", "gave up"] = Diagnostic(
            "error", doc.name, "", "the validator gave up: the document nests too deeply")
    except Exception as exc:  # the validator crashing on odd input is still a finding
        found["", "", "gave up"] = Diagnostic(
            "warning", doc.name, "", f"{_GAVE_UP} ({reason(exc)})",
            "the findings listed may be incomplete")
    diagnostics.items.extend(found.values())


def _collect(errors: Iterator[Any], into: list[Any]) -> Exception | None:
    """Gather the errors into `into`; return what stopped the validator, if anything."""
    try:
        into.extend(errors)
    except Exception as exc:
        return exc
    return None


def _errors(doc: Document, version: str, resolved: Resolved,
            documents: Mapping[str, Document] | None, plain: bool) -> Iterator[Any]:
    """openapi-spec-validator's errors: the whole document against the meta-schema, then its
    own checks, walking the document with `PlainPath` (or, `plain=False`, jsonschema-path's
    `SchemaPath`, as the validator itself does)."""
    # Imported here: they cost half a second, and a run whose findings are cached never needs
    # them.
    from jsonschema_path import SchemaPath
    from openapi_spec_validator.settings import OpenAPISpecValidatorSettings
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
    from openapi_spec_validator.validation.registries import KeywordValidatorRegistry

    def schema_path() -> Any:
        return SchemaPath.from_dict(
            doc.data, base_uri=doc.path.resolve().as_uri(),
            handlers=_offline(doc, documents or {"": doc}),
            resolved_cache_maxsize=OpenAPISpecValidatorSettings().resolved_cache_maxsize)

    validator = _validator_class(version)
    root = PlainPath.root(Space(resolved, schema_path)) if plain else schema_path()
    walk: Any = KeywordValidatorRegistry(validator.keyword_validators)["__root__"]
    for error in _chain(validator.schema_validator.iter_errors(doc.data), walk(root)):
        # What the validator's `iter_errors` does with errors of the plain jsonschema kind.
        yield (error if isinstance(error, OpenAPIValidationError)
               else OpenAPIValidationError.create_from(error))


def _note(found: dict[tuple[str, str, str], Diagnostic], finding: Finding,
          resolved: Resolved) -> None:
    """Keep one finding a node (an error rather than a warning), where the node is written."""
    loc = written_at(resolved, finding.path)
    level: Level = "warning" if finding.advice.warning else "error"
    item = Diagnostic(level, resolved.display_file(loc.file), loc.pointer,
                      finding.advice.message, finding.advice.hint)
    key = (item.file, item.pointer, finding.distinct)
    if key not in found or (level == "error" and found[key].level == "warning"):
        found[key] = item


