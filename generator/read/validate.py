"""Stage 2: is this an OpenAPI 3.x document, and what is wrong with it?

Findings of openapi-spec-validator become located diagnostics. Its per-schema checks
report paths relative to the schema they look at; sdkforge wraps those checks to put
every finding at its place in the document. Problems that leave the meaning clear (a
duplicated `required` entry, a `default` that does not match its schema, a keyword the
generator does not read) are warnings; the rest are errors. `--strict` turns warnings
into errors later, in the pipeline. The meta-schema check of each schema, most of the
validator's time, runs in jsonschema-rs first (`metaschema`).
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import multiprocessing
import re
from collections.abc import Callable, Iterator, Mapping
from multiprocessing.connection import Connection
from typing import Any

from sdkforge import __version__
from sdkforge.cache import Cache
from sdkforge.diagnostics import Diagnostic, Diagnostics, join_pointer
from sdkforge.errors import fail
from sdkforge.read.load import Document

# jsonschema validator keywords whose failures leave a spec's meaning clear.
_LENIENT_VALIDATORS = {"uniqueItems", "additionalProperties", "unevaluatedProperties"}
# Schema keywords the generator does not read: a malformed one changes no Python type.
_LENIENT_KEYWORDS = {
    "exclusiveMinimum", "exclusiveMaximum", "minimum", "maximum", "multipleOf", "pattern",
    "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
    "$recursiveAnchor", "$recursiveRef", "$dynamicAnchor", "$comment", "example", "examples",
    "externalDocs", "xml", "contentMediaType", "contentEncoding", "$schema", "$id",
}
_MARK = "\x00sdkforge:"


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


def _locating(cls: type[Any], kind: str) -> type[Any]:
    """A keyword validator that puts the place of the node it checked into each finding.

    openapi-spec-validator re-creates errors on the way out, keeping only their standard
    fields, so the place travels in the error's path behind a marker token.
    """

    class Locating(cls):  # type: ignore[misc]  # openapi-spec-validator's classes are untyped
        def __call__(self, node: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            for error in super().__call__(node, *args, **kwargs):
                path = getattr(error, "relative_path", None)
                if path is not None and not any(str(p).startswith(_MARK) for p in path):
                    base = [str(p) for p in getattr(node, "parts", ())]
                    path.extendleft(reversed([f"{_MARK}{kind}:{len(base)}", *base]))
                yield error

    Locating.__name__ = f"Locating{cls.__name__}"
    return Locating


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
    wrapped["schema"] = _locating(fast_meta(wrapped["schema"]), "schema")
    return type(f"Sdkforge{base.__name__}", (base,), {"keyword_validators": wrapped})


@functools.cache
def _versions() -> str:
    found = []
    for package in ("openapi-spec-validator", "jsonschema", "jsonschema-rs", "jsonschema-path"):
        try:
            found.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{package} -")
    return f"sdkforge {__version__}; " + ", ".join(found)


_NAMESPACE = "validate-v1"
# Characters of spec from which validation runs in a forked second process. With the meta-schema
# checks in Rust and jsonschema-path's fast path (`schemapath`), inline validation costs ~0.25 s
# a MB plus ~0.2 s of imports (Mixpeek 2026-01-20, 2.4 MB: 0.6 s + 0.2 s), and that is all the
# fork can take off the critical path, only while the second core is idle. When black has little
# to format (a spec bump, formatting cached) the child adds to the run's peak memory: measured
# PSS +16 MiB (+24%) on a 400 KB spec, +28 MiB on Mixpeek, +53 MiB on OpenAI's 3 MB spec; in a
# run that formats everything it is done before black's workers start, and the peak is no
# higher. Below 1 MiB it saves under a second: not worth it.
_BACKGROUND_FROM = 1024 * 1024


class Pending:
    """Validation findings, computed from the cache, inline, or in a forked process that runs
    on the second core while the pipeline builds, renders and formats; `result` waits."""

    def __init__(self, doc: Document, version: str, cache: Cache | None,
                 documents: Mapping[str, Document] | None = None, background: bool = True) -> None:
        self._doc, self._version, self._cache, self._documents = doc, version, cache, documents
        related = "".join(f"\0{key}\0{d.text}"
                          for key, d in sorted((documents or {}).items()) if key)
        self._key = f"{_versions()}\0{version}\0{doc.name}\0{related}\0{doc.text}"
        self._items: list[Diagnostic] | None = None
        self._child: multiprocessing.process.BaseProcess | None = None
        self._pipe: Connection | None = None
        cached = cache.get(_NAMESPACE, self._key) if cache is not None else None
        if cached is not None:
            try:
                self._items = [Diagnostic(str(level), str(file), str(pointer), str(message))  # type: ignore[arg-type]
                               for level, file, pointer, message in json.loads(cached)]
                return
            except (ValueError, TypeError):
                pass
        if (background and len(doc.text) >= _BACKGROUND_FROM
                and "fork" in multiprocessing.get_all_start_methods()):
            fork = multiprocessing.get_context("fork")
            receive, send = fork.Pipe(duplex=False)
            self._child = fork.Process(target=self._run_child, args=(send,), daemon=True)
            self._child.start()
            send.close()
            self._pipe = receive
        else:
            self._items = self._store(self._validate())

    def _validate(self) -> list[Diagnostic]:
        found = Diagnostics()
        validate(self._doc, self._version, found, self._documents)
        return found.items

    def _run_child(self, send: Connection) -> None:
        try:
            send.send(("ok", self._validate()))
        except BaseException as exc:  # reported by the parent as a finding
            send.send(("crash", f"{type(exc).__name__}: {exc}"))
        finally:
            send.close()

    def result(self) -> list[Diagnostic]:
        if self._items is None:
            self._items = self._store(self._collect())
        return self._items

    def _store(self, items: list[Diagnostic]) -> list[Diagnostic]:
        """Cache the findings, unless the validator gave up (that may not happen next time)."""
        if self._cache is not None and not any(d.message.startswith(_GAVE_UP) for d in items):
            rows = [[d.level, d.file, d.pointer, d.message] for d in items]
            self._cache.put(_NAMESPACE, self._key, json.dumps(rows))
        return items

    def _collect(self) -> list[Diagnostic]:
        assert self._pipe is not None and self._child is not None
        try:
            status, payload = self._pipe.recv()
        except (EOFError, OSError):
            exitcode = self._child.exitcode
            status, payload = "crash", f"the validator process ended with exit code {exitcode}"
        finally:
            self._pipe.close()
            self._child.join()
        if status == "ok":
            return list(payload)
        return [Diagnostic("warning", self._doc.name, "", f"{_GAVE_UP}: {payload}")]


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
    """Run openapi-spec-validator over the root document and record its findings."""
    seen: set[tuple[str, str]] = set()
    try:
        # Imported here: they cost half a second, and a run whose findings are cached never
        # needs them.
        from jsonschema_path import SchemaPath
        from openapi_spec_validator.settings import OpenAPISpecValidatorSettings

        validator = _validator_class(version)
        schema = SchemaPath.from_dict(
            doc.data, base_uri=doc.path.resolve().as_uri(),
            handlers=_offline(doc, documents or {"": doc}),
            resolved_cache_maxsize=OpenAPISpecValidatorSettings().resolved_cache_maxsize,
        )
        for error in validator(schema, base_uri=doc.path.resolve().as_uri()).iter_errors():
            pointer, lenient = _place(error)
            message = _message(error)
            if (pointer, message) in seen:
                continue
            seen.add((pointer, message))
            if lenient:
                diagnostics.warning(doc.name, pointer, message)
            else:
                diagnostics.error(doc.name, pointer, message)
    except RecursionError:
        diagnostics.error(doc.name, "", "the validator gave up: the document nests too deeply")
    except Exception as exc:  # the validator crashing on odd input is still a finding
        diagnostics.warning(doc.name, "", f"{_GAVE_UP}: {type(exc).__name__}: {exc}")


def _place(error: Any) -> tuple[str, bool]:
    """The finding's JSON pointer in the document, and whether it is only a warning."""
    parts = [str(p) for p in getattr(error, "absolute_path", ())]
    marked = [i for i, p in enumerate(parts) if p.startswith(_MARK)]
    if marked:
        kind, _, size = parts[marked[-1]][len(_MARK):].partition(":")
        base, inner = parts[marked[-1] + 1 :][: int(size)], parts[marked[-1] + 1 + int(size) :]
        if kind == "default":
            return join_pointer("", *base, "default", *inner), True
        parts = base + inner
    pointer = join_pointer("", *parts) or _operation_pointer(str(getattr(error, "message", "")))
    keyword = parts[-1] if parts else ""
    lenient = (
        getattr(error, "validator", None) in _LENIENT_VALIDATORS
        or keyword in _LENIENT_KEYWORDS
        or type(error).__name__ == "ExtraParametersError"
    )
    return pointer, lenient


_OPERATION = re.compile(r"'(get|put|post|delete|options|head|patch|trace)' operation in '([^']+)'")


def _operation_pointer(message: str) -> str:
    """The validator's own checks name the operation only in prose; recover its pointer."""
    found = _OPERATION.search(message)
    return join_pointer("", "paths", found.group(2), found.group(1)) if found else ""


def _message(error: Any) -> str:
    text = str(getattr(error, "message", error))
    if len(text) > 300:
        text = text[:297] + "..."
    default = any(str(p).startswith(_MARK + "default:")
                  for p in getattr(error, "absolute_path", ()))
    return ("`default` does not match its schema: " if default else "invalid OpenAPI: ") + text
