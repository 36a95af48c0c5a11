"""`check` without generating again, when nothing the output depends on has changed since a run
that wrote the folder (or checked it and found it up to date).

Such a run leaves a record in the cache, under a key made of everything the output depends on
besides the spec: sdkforge's own code and built-in templates, the versions of the formatter, the
validator, the YAML parser, Jinja and Python, the options as asked for (custom templates by their
contents; overlays by their paths), the output folder and the folder it was run from. The record
holds the hash of the manifest the run wrote, the hash of the text of every document it read
(the spec's, and the overlays applied to it), its findings, the hash of the merge bases' archive
and of each file holding a hand edit kept without conflict.
A later `check` with the same key trusts the record when every spec document still has the
recorded text and the folder still holds that manifest and archive, with every file the
manifest lists still of the hash it lists (or, for a hand-edited one, of the recorded hash):
generating again would then write the same bytes and find the same.
Anything else (another sdkforge, an edited spec or file, a missing file, remote `$ref`s, no
cache) is for the full check: generate, then compare.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sdkforge.cache import Cache, add_files, source_files
from sdkforge.config import GenerateOptions
from sdkforge.diagnostics import Diagnostic
from sdkforge.emit.format import FORMATTER
from sdkforge.emit.render import TEMPLATES, template_digest
from sdkforge.errors import SdkforgeError
from sdkforge.output.bases import BASES
from sdkforge.output.manifest import MANIFEST, parse_manifest, read_file, text_hash
from sdkforge.read.load import decode
from sdkforge.read.validate import validator_versions

NAMESPACE = "check-v2"
_PACKAGE = Path(__file__).resolve().parent.parent


@functools.cache
def _own_code() -> str:
    """A digest of sdkforge's sources and built-in templates: a change to either may change
    the output without changing its version number."""
    digest = hashlib.sha256()
    for root in (_PACKAGE, TEMPLATES):
        add_files(digest, root, source_files(root))
    return digest.hexdigest()


def _versions() -> str:
    found = []
    for package in ("jinja2", "pyyaml"):
        try:
            found.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{package} -")
    return "; ".join([FORMATTER, validator_versions(), sys.version, *found])


def key(options: GenerateOptions, out: Path) -> str | None:
    """The key of a record for a run with `options` into `out`; None when no record may be
    trusted (`$ref`s fetched over the network can change without a trace here)."""
    if options.allow_remote_refs:
        return None
    templates = template_digest(options.templates) if options.templates is not None else ""
    return "\0".join([_own_code(), _versions(), repr(options), templates,
                      str(out.resolve()), os.getcwd()])


def record(cache: Cache, options: GenerateOptions, out: Path, manifest_text: str,
           documents: Mapping[str, str], diagnostics: Sequence[Diagnostic],
           edited: Mapping[str, str] | None = None) -> None:
    """Remember that the run with `options` wrote `manifest_text` into `out`, having read the
    spec `documents` ({file: hash of its text}; a remote one's name is a URL) and found
    `diagnostics`; `edited` holds the hash of each file with a hand edit it kept as it is."""
    found = key(options, out)
    if found is None or any("://" in name for name in documents):
        return
    try:
        bases = hashlib.sha256((out / BASES).read_bytes()).hexdigest()
    except OSError:
        return
    value = {"manifest": text_hash(manifest_text), "documents": dict(sorted(documents.items())),
             "bases": bases, "edited": dict(sorted((edited or {}).items())),
             "diagnostics": [[d.level, d.file, d.pointer, d.message, d.hint, d.line, d.column]
                             for d in diagnostics]}
    cache.put(NAMESPACE, found, json.dumps(value))


@dataclass(frozen=True, slots=True)
class Trusted:
    diagnostics: list[Diagnostic]  # what the recorded run found in the spec
    files: int  # the files it wrote, the manifest included


def trusted(cache: Cache, options: GenerateOptions, out: Path) -> Trusted | None:
    """What the recorded run found, when `out` is what it wrote and nothing it depends on
    changed since; None when the full check is needed."""
    found = key(options, out)
    text = cache.get(NAMESPACE, found) if found is not None else None
    if text is None:
        return None
    try:
        value = json.loads(text)
        files = _unchanged(value["documents"], value["manifest"], out, value["edited"])
        if files is None or _digest(out / BASES) != value["bases"]:
            return None
        return Trusted([Diagnostic(level, file, pointer, message, hint, line, column)
                        for level, file, pointer, message, hint, line, column
                        in value["diagnostics"]], files)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(read_file(path)).hexdigest()
    except OSError:
        return None


def _unchanged(documents: Mapping[str, str], manifest_hash: str, out: Path,
               edited: Mapping[str, str]) -> int | None:
    """How many files the manifest vouches for (itself included) when the documents and the
    files are as recorded; None when anything differs."""
    for name, digest in documents.items():
        try:
            if text_hash(decode(Path(name).read_bytes(), name)) != digest:
                return None
        except (OSError, SdkforgeError):
            return None
    try:
        manifest_text = (out / MANIFEST).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if text_hash(manifest_text) != manifest_hash:
        return None
    manifest = parse_manifest(manifest_text)
    if manifest is None:
        return None
    for path, digest in manifest.files.items():
        found = _digest(out / path)
        if found != digest and (found is None or edited.get(path) != found):
            return None
    return len(manifest.files) + 1
