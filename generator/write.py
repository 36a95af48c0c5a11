"""Stage 8: put the files on disk atomically, or compare them with what is there.

The output folder is swapped in whole: the new tree is written next to it (with the
files sdkforge did not write carried over as hard links), then renamed into place, so
a failure at any point leaves the previous output untouched. A manifest records what
sdkforge wrote; a non-empty folder without one is refused unless forced.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .outdir import BACKUP_SUFFIX, dangerous, recover, staging_prefix, swap_in

MANIFEST = ".sdkforge-manifest.json"


class OutputError(Exception):
    """The output folder cannot be used; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Staleness:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def stale(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def with_manifest(files: Mapping[str, str], spec_sha256: str, options: Mapping[str, object]) -> dict[str, str]:
    manifest = {
        "generator": "sdkforge",
        "generator_version": __version__,
        "spec_sha256": spec_sha256,
        "options": dict(sorted(options.items())),
        "files": {path: _sha256(text) for path, text in sorted(files.items())},
    }
    return {**files, MANIFEST: json.dumps(manifest, indent=2, sort_keys=True) + "\n"}


def check_output_folder(out: Path, force: bool = False, spec: Path | None = None) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; choose another output path")
    reason = dangerous(out, spec)
    if reason:
        raise OutputError(f"refusing to write into {out.resolve()}: {reason}; choose a dedicated output folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file() and not force:
        raise OutputError(
            f"{out} is not empty and was not written by sdkforge (no {MANIFEST}); "
            "choose an empty folder, or pass --force to replace it"
        )


def owned_files(out: Path) -> set[str]:
    """The files the previous run wrote, from its manifest (empty when there is none)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return set(manifest["files"]) | {MANIFEST}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def write(out: Path, files: Mapping[str, str], force: bool = False) -> None:
    """Replace what sdkforge wrote in `out` with `files`, atomically; keep everything else."""
    check_output_folder(out, force)
    parent = out.resolve().parent
    try:
        recover(out)
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=staging_prefix(out), dir=parent))
    except OSError as exc:
        raise OutputError(f"cannot create the output folder next to {out}: {exc.strerror or exc}") from None
    backup = parent / f"{staging.name}{BACKUP_SUFFIX}"
    try:
        if out.is_dir() and not force:
            _keep_foreign_files(out, staging, owned_files(out) | set(files))
        for rel, text in sorted(files.items()):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        os.chmod(staging, 0o755)
        swap_in(staging, out, backup)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write the output folder {out}: {exc.strerror or exc}") from None
    shutil.rmtree(backup, ignore_errors=True)


def _keep_foreign_files(out: Path, staging: Path, ours: set[str]) -> None:
    """Carry files sdkforge did not write (a user's own modules, caches) into the new tree."""
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.is_dir() or rel in ours:
            continue
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


def compare(out: Path, files: Mapping[str, str]) -> Staleness:
    """What differs between `files` and the folder on disk; files sdkforge did not write are ignored."""
    added: list[str] = []
    changed: list[str] = []
    for rel, text in sorted(files.items()):
        path = out / rel
        try:
            current = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            added.append(rel)
            continue
        except (OSError, UnicodeDecodeError):
            current = None
        if current != text:
            changed.append(rel)
    removed = sorted(rel for rel in owned_files(out) - set(files) if (out / rel).exists())
    return Staleness(tuple(added), tuple(removed), tuple(changed))
