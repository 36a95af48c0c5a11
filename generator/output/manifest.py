"""The manifest in every output folder: what sdkforge wrote there, from what, and how.

    {"generator": "sdkforge", "generator_version": "0.1.0", "formatter": "black 26.1.0 ...",
     "spec_sha256": "...", "options": {...},
     "files": {path: sha256 of the file as written},
     "sources": {path: sha256 of its text before formatting},
     "overlays": [{"path": "fixes.yaml", "sha256": "..."}]}

`overlays` (only when some were applied) lists the overlay documents in the order applied,
each by its path as given (relative to the folder sdkforge ran in when it is under it) and the
hash of its text, so `check` can name an overlay that changed, came or went.

`files` says which files sdkforge owns (only those are ever replaced or deleted) and
whether someone edited one since; `sources` lets a later run skip black for every file
whose rendered text did not change.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sdkforge import __version__
from sdkforge.emit.format import FORMATTER, Known

MANIFEST = ".sdkforge-manifest.json"


def text_hash(text: str) -> str:
    """sha256 of the UTF-8 text: what the manifest records for a file and for its source."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_file(path: str | Path) -> bytes:
    """The bytes of the file at `path` (OSError as `Path.read_bytes` raises it): with `os.open`
    and `os.read`, as the manifest's thousands of files are read back, where a file object
    took two to three times as long (AWS EC2's 4,040 files hashed: 0.13-0.15 -> 0.05-0.06 s)."""
    handle = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(handle, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(handle)
    return b"".join(chunks)


def read_text_file(path: str | Path) -> str:
    """The UTF-8 text of the file at `path`, any line ending read as a newline (as
    `Path.read_text` reads it), by `read_file`; OSError or UnicodeDecodeError as it raises."""
    text = read_file(path).decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


@dataclass(frozen=True, slots=True)
class Manifest:
    spec_sha256: str
    options: Mapping[str, object]
    files: Mapping[str, str]
    sources: Mapping[str, str] = field(default_factory=dict)
    generator_version: str = __version__
    formatter: str = FORMATTER
    overlays: tuple[tuple[str, str], ...] = ()  # (path, sha256 of its text), in order

    def to_text(self) -> str:
        data: dict[str, object] = {
            "generator": "sdkforge",
            "generator_version": self.generator_version,
            "formatter": self.formatter,
            "spec_sha256": self.spec_sha256,
            "options": dict(sorted(self.options.items())),
            "files": dict(sorted(self.files.items())),
            "sources": dict(sorted(self.sources.items())),
        }
        if self.overlays:
            data["overlays"] = [{"path": path, "sha256": digest} for path, digest in self.overlays]
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


def with_manifest(files: Mapping[str, str], rendered: Mapping[str, str], spec_sha256: str,
                  options: Mapping[str, object],
                  overlays: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """`files` plus the manifest describing them; `rendered` is their text before formatting."""
    manifest = Manifest(
        spec_sha256=spec_sha256, options=options,
        files={path: text_hash(text) for path, text in files.items()},
        sources={path: text_hash(rendered[path]) for path in files if path.endswith(".py")},
        overlays=overlays,
    )
    return {**files, MANIFEST: manifest.to_text()}


def read_manifest(out: Path) -> Manifest | None:
    """The manifest of `out`, or None when there is none or it cannot be read."""
    try:
        return parse_manifest((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def parse_manifest(text: str) -> Manifest | None:
    """The manifest written as `text`, or None when it is not one."""
    try:
        data = json.loads(text)
        files, sources, options = data["files"], data.get("sources", {}), data.get("options", {})
        if not all(isinstance(part, dict) for part in (files, sources, options)):
            return None
        return Manifest(
            spec_sha256=str(data.get("spec_sha256", "")), options=options,
            files={str(k): str(v) for k, v in files.items()},
            sources={str(k): str(v) for k, v in sources.items()},
            generator_version=str(data.get("generator_version", "")),
            formatter=str(data.get("formatter", "")),
            overlays=tuple((str(o["path"]), str(o["sha256"])) for o in data.get("overlays", [])),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def known_formatting(out: Path) -> Known | None:
    """Formatted text of the files in `out` whose rendered text is unchanged, when the manifest
    vouches for them (same formatter, the file on disk as it was written)."""
    manifest = read_manifest(out)
    if manifest is None or manifest.formatter != FORMATTER:
        return None

    def known(path: str, text: str) -> str | None:
        if manifest.sources.get(path) != text_hash(text):
            return None
        try:
            current = read_text_file(out / path)
        except (OSError, UnicodeDecodeError):
            return None
        return current if text_hash(current) == manifest.files.get(path) else None

    return known


def changed_on_disk(out: Path, manifest: Manifest) -> tuple[list[str], list[str]]:
    """Files sdkforge wrote into `out` that have been changed (or replaced) since, and those
    that are gone."""
    edited, missing = [], []
    for path, digest in sorted(manifest.files.items()):
        target = out / path
        try:
            current = read_file(target)
        except FileNotFoundError:
            missing.append(path)
            continue
        except OSError:
            edited.append(path)
            continue
        if hashlib.sha256(current).hexdigest() != digest:
            edited.append(path)
    return edited, missing
