"""Where output may go, and swapping a finished tree into place so that a crash at any
moment leaves either the previous output or the new one at the output path.

- `dangerous` names the folders sdkforge never writes over, `--force` or not: the file system
  root, the home folder, the current folder and its ancestors, the root of a git repository,
  and any folder holding the spec itself (replacing it would delete the spec).
- `swap_in` exchanges the staged tree with the old one in one `renameat2(RENAME_EXCHANGE)`
  where the system has it; elsewhere it renames twice, and `recover` (run before every write)
  puts the previous output back if a run died between the two renames. Staging folders a
  killed run left next to the output (named `.<out>.sdkforge-*`, sdkforge's own) are removed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from pathlib import Path

STAGING_INFIX = ".sdkforge-"
BACKUP_SUFFIX = "-previous"


def dangerous(out: Path, spec: Path | None = None) -> str | None:
    """Why `out` must never be replaced, or None when it may be."""
    target = out.resolve()
    cwd = Path.cwd().resolve()
    if target == Path(target.anchor):
        return "it is the root of the file system"
    if target == Path.home().resolve():
        return "it is your home folder"
    if cwd == target or cwd.is_relative_to(target):
        return "it is the current folder or contains it"
    if (target / ".git").exists():
        return "it is the root of a git repository"
    if spec is not None and spec.resolve().is_relative_to(target):
        return "it holds the spec itself, which replacing the folder would delete"
    return None


def staging_prefix(out: Path) -> str:
    return f".{out.name}{STAGING_INFIX}"


def recover(out: Path) -> None:
    """Undo what a run killed while swapping left behind, before anything else is written."""
    parent = out.resolve().parent
    if not parent.is_dir():
        return
    leftovers = sorted(p for p in parent.iterdir()
                       if p.name.startswith(staging_prefix(out)) and p.is_dir())
    backups = [p for p in leftovers if p.name.endswith(BACKUP_SUFFIX)]
    if backups and not os.path.lexists(out):
        os.replace(backups[-1], out)  # died between moving the old tree away and the new one in
    for path in leftovers:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 with RENAME_EXCHANGE); False when unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return bool(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0)


def swap_in(staging: Path, out: Path, backup: Path) -> None:
    """Put the finished `staging` tree at `out`; the previous tree ends up at `backup`."""
    if os.path.lexists(out) and _exchange(staging, out):
        os.replace(staging, backup)
        return
    if os.path.lexists(out):
        os.replace(out, backup)
    try:
        os.replace(staging, out)
    except OSError:
        if backup.exists():
            os.replace(backup, out)
        raise
