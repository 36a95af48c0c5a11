"""sdkforge's user cache: small files named by the hash of what produced them.

Two stages pay for their work once through it: black (formatted text by the text it was
given) and validation (the findings for a document's exact bytes). Keys include the versions
of the tools involved, so an upgrade never serves stale results. A cache that cannot be read
or written is skipped, never an error: `problem` says why, once.

Location: $SDKFORGE_CACHE_DIR, else $XDG_CACHE_HOME/sdkforge, else ~/.cache/sdkforge.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...


def source_files(root: Path) -> list[Path]:
    """The files below `root`, sorted, bytecode left out."""
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def add_files(digest: Digest, root: Path, files: Iterable[Path]) -> None:
    """Add each of `files`, in order, to `digest`: its path relative to `root`, then its bytes,
    so a renamed file changes the digest as an edited one does."""
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")


def default_cache_dir() -> Path:
    if os.environ.get("SDKFORGE_CACHE_DIR"):
        return Path(os.environ["SDKFORGE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sdkforge"


@dataclass(slots=True)
class Cache:
    root: Path
    problem: str = ""
    hits: int = 0
    misses: int = 0

    def _path(self, namespace: str, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        return self.root / namespace / digest[:2] / digest[2:]

    def get(self, namespace: str, key: str) -> str | None:
        if self.problem:
            return None
        try:
            result = self._path(namespace, key).read_text(encoding="utf-8")
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.problem = f"cannot read the cache in {self.root}: {exc}"
            return None
        self.hits += 1
        return result

    def put(self, namespace: str, key: str, value: str) -> None:
        if self.problem:
            return
        target = self._path(namespace, key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(value)
            os.replace(temp, target)  # atomic: a concurrent reader sees all of it or nothing
        except OSError as exc:
            self.problem = f"cannot write the cache in {self.root}: {exc.strerror or exc}"
