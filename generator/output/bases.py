"""The merge bases: what sdkforge wrote last time, kept beside the manifest for the next run.

A generated file edited by hand is merged three ways on the next `generate` (`output.edits`),
and the merge needs the text sdkforge wrote last time. The output folder keeps it in one file,
`.sdkforge-bases.zlib`: a zlib stream of

    sdkforge-bases 1\\n
    [["path", size in bytes], ...]\\n        (JSON, sorted by path)
    the files' UTF-8 text, one after the other

compressed at level 2, for time: the newest Mixpeek client's 3.5 MB of editable text goes into
590 KB in 30 ms, GitHub's 8.2 MB into 925 KB in 40 ms, where level 6 saves a fifth of the size
for three times the time (75 ms, 125 ms). It is compressed on a second thread while the output
tree is written (`output.write`). It holds every generated file a user may edit: everything but
the files sdkforge owns entirely, the runtime copied from `templates/runtime/` (changed through
`--templates`, not in place), the manifest, the API surface and this file. The same texts give
the same bytes. Each text is checked against the hash the manifest lists for its file before it
is used, so a stale or damaged archive is never merged from. It is read only when some file was
edited, and written only when one of its texts changed (otherwise the previous one is linked
into the new tree). That damage is found only when the archive is used is on purpose: a
regeneration that changes nothing reads none of it.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from sdkforge.emit.render import STATIC_RUNTIME
from sdkforge.emit.surface import SURFACE_FILE
from sdkforge.output.manifest import MANIFEST

BASES = ".sdkforge-bases.zlib"
_HEADER = b"sdkforge-bases 1\n"
_LEVEL = 2
_ZLIB_HEADER = b"\x78\x5e"  # deflate, 32 KB window, a fast level (2 to 5)
_RUNTIME = frozenset({*STATIC_RUNTIME, "_runtime/__init__.py"})

Owner = Literal["runtime", "record"]


def owned_entirely(path: str) -> Owner | None:
    """Whether sdkforge owns the file at `path` entirely, and as what: the runtime copied into
    the package (`<package>/_runtime/...`, `<package>/errors.py`), or one of its own records
    (manifest, API surface, merge bases); None for a file a user may edit."""
    if path in (MANIFEST, SURFACE_FILE, BASES):
        return "record"
    package, _, inside = path.partition("/")
    return "runtime" if package and inside in _RUNTIME else None


def editable(files: Mapping[str, str]) -> dict[str, str]:
    """The files of `files` a user may edit: those the archive keeps."""
    return {path: text for path, text in files.items() if owned_entirely(path) is None}


def pack(texts: Mapping[str, str]) -> bytes:
    """The archive of `texts` ({path: text}); the same texts, the same bytes."""
    paths = sorted(texts)
    sizes = [_size(texts[path]) for path in paths]
    index = json.dumps([[path, size] for path, size in zip(paths, sizes, strict=True)],
                       ensure_ascii=False, separators=(",", ":"))
    # One text at a time: the archive never holds every text encoded and joined (two copies
    # of all of them); zlib gives the bytes it gives the joined whole.
    compressor = zlib.compressobj(_LEVEL)
    chunks = [compressor.compress(_HEADER + index.encode("utf-8") + b"\n")]
    chunks += [compressor.compress(texts[path].encode("utf-8")) for path in paths]
    chunks.append(compressor.flush())
    return b"".join(chunks)


def _size(text: str) -> int:
    """The length of `text` in UTF-8."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def unpack(data: bytes) -> dict[str, str] | None:
    """The texts in an archive, or None when `data` is not one this sdkforge reads."""
    try:
        payload = zlib.decompress(data)
        if not payload.startswith(_HEADER):
            return None
        end = payload.index(b"\n", len(_HEADER))
        index = json.loads(payload[len(_HEADER):end].decode("utf-8"))
        texts: dict[str, str] = {}
        at = end + 1
        for path, size in index:
            texts[str(path)] = payload[at:at + int(size)].decode("utf-8")
            at += int(size)
        return texts if at == len(payload) else None
    except (zlib.error, ValueError, TypeError, UnicodeDecodeError):
        return None


def looks_packed(out: Path) -> bool:
    """Whether `out` has an archive that starts as `pack` starts one (two bytes read, not the
    archive: a damaged one is found, and written afresh, at the latest when it is used)."""
    try:
        with open(out / BASES, "rb") as handle:
            return handle.read(2) == _ZLIB_HEADER
    except OSError:
        return False


def read_bases(out: Path) -> dict[str, str] | None:
    """The texts the previous run kept in `out`, or None when there is no readable archive."""
    try:
        data = (out / BASES).read_bytes()
    except OSError:
        return None
    return unpack(data)
