"""Hand edits in generated files, kept across regenerations by a three-way merge.

A file the previous run wrote whose bytes no longer have the hash the manifest lists was
edited. For each such file `generate` merges (`output.merge`) what sdkforge wrote last time
(kept in `.sdkforge-bases.zlib`, `output.bases`), the file as it is, and what it writes now:

- an edit the spec's change does not touch is kept, and listed (`kept`: the spec did not change
  the file; `merged`: it did, elsewhere);
- an edit on lines the spec's change touches too is a conflict, marked in the file with git's
  markers and listed with its line; the rest of the output is written all the same;
- an edited file sdkforge no longer writes is kept as the user's own (`yours`), never deleted;
- a generated file the user deleted is written again (`restored`);
- a file of the user's where sdkforge now writes one (a module it had stopped generating, kept
  as the user's, that a later spec brings back) is merged with the new text over an empty base:
  what they share is written once, the rest is a conflict, and nothing of the user's is lost.

The manifest still lists the hash of what sdkforge generated, and the archive its text, so the
next run sees the merged file as edited and merges again: an edit survives any number of
regenerations. Edits to files sdkforge owns entirely (the runtime, its records) are refused,
and so is an edited file without a usable base (say, written by an sdkforge before merges);
`--force` writes sdkforge's text over all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sdkforge import __version__
from sdkforge.errors import EditedFilesError
from sdkforge.output.bases import BASES, owned_entirely, read_bases
from sdkforge.output.manifest import Manifest, text_hash
from sdkforge.output.merge import Labels, merge

LABELS = Labels(ours="your edit", base="generated before",
                theirs=f"generated now (sdkforge {__version__})")

Outcome = Literal["kept", "merged", "conflict", "yours", "restored"]

_REFUSED = {
    "runtime": "sdkforge copies the runtime into every package as it is: change it with a "
               "--templates override (runtime/<module>.py), or report the problem upstream",
    "record": "sdkforge's own record, never to be edited: run generate again",
}
_NO_BASE = (f"no record of what sdkforge wrote there last time ({BASES} is missing, damaged "
            "or older than the manifest), so it cannot be merged")


@dataclass(frozen=True, slots=True)
class Edit:
    path: str
    outcome: Outcome
    conflicts: tuple[int, ...] = ()  # the line of each conflict's first marker

    def describe(self) -> str:
        return {
            "kept": "your edit kept (the spec did not change this file)",
            "merged": "your edit kept, merged with the spec's changes",
            "conflict": "your edit conflicts with the spec's change",
            "yours": "kept as your own file: sdkforge no longer generates it",
            "restored": "written again: it had been deleted",
        }[self.outcome]


@dataclass(slots=True)
class Plan:
    """What a run writes in place of the generated text, and what it leaves alone."""

    texts: dict[str, str] = field(default_factory=dict)  # path -> merged text
    kept: set[str] = field(default_factory=set)  # files no longer generated, now the user's
    edits: list[Edit] = field(default_factory=list)
    damaged: bool = False  # the archive of merge bases was read, and could not be

    @property
    def conflicts(self) -> list[Edit]:
        return [edit for edit in self.edits if edit.conflicts]

    def merged_hashes(self) -> dict[str, str]:
        """{path: hash} of each file written with the user's edit merged in, without conflict:
        what `check` may later find on disk and trust (`output.uptodate`)."""
        marked = {edit.path for edit in self.conflicts}
        return {path: text_hash(text) for path, text in self.texts.items() if path not in marked}


def plan(out: Path, manifest: Manifest, files: Mapping[str, str], edited: Sequence[str],
         missing: Sequence[str], force: bool = False) -> Plan:
    """Merge every edited file of `out` with its new text in `files`. Raises
    EditedFilesError, before anything is written, for edits that cannot be kept."""
    found = Plan()
    if force:
        return found
    refused: list[tuple[str, str]] = []
    bases = _Lazy(out)
    for path in edited:
        owner = owned_entirely(path)
        if owner is not None:
            if path not in files or _differs(out / path, files[path]):
                refused.append((path, _REFUSED[owner]))
            continue
        ours = _text(out / path)
        if ours is None:
            refused.append((path, "not UTF-8 text, so it cannot be merged"))
        elif path not in files:
            found.kept.add(path)
            found.edits.append(Edit(path, "yours"))
        elif ours != files[path]:
            base = base_of(path, manifest, files[path], bases)
            if base is None:
                refused.append((path, _NO_BASE))
                continue
            merged = merge_edit(path, base, ours, files[path])
            if merged is not None:
                found.texts[path] = merged[0]
                found.edits.append(merged[1])
    for path in files:  # a file of the user's where sdkforge now writes one: merged, never lost
        if path not in manifest.files and owned_entirely(path) is None:
            ours = _text(out / path) if (out / path).is_file() else None
            merged = merge_edit(path, "", ours, files[path]) if ours is not None else None
            if merged is not None:
                found.texts[path] = merged[0]
                found.edits.append(merged[1])
    if refused:
        raise EditedFilesError(out, refused)
    found.edits += [Edit(path, "restored") for path in missing if path in files]
    found.damaged = bases.damaged
    return found


def merge_edit(path: str, base: str, ours: str, theirs: str) -> tuple[str, Edit] | None:
    """The text to write for an edited file (OURS, over BASE, with THEIRS) and what became of
    the edit; None when what to write is THEIRS (the edit is gone, or was only line endings)."""
    crlf = "\r\n" in ours and "\r\n" not in base and ours.count("\n") == ours.count("\r\n")
    if crlf:  # a checkout that turned every ending into CRLF: merge the lines, keep the CRLFs
        ours = ours.replace("\r\n", "\n")
        if ours == base:
            return None  # only the line endings differ: not an edit
    merged = merge(base, ours, theirs, LABELS)
    if merged.text == theirs:
        return None
    outcome: Outcome = "conflict" if merged.conflicts else "kept" if base == theirs else "merged"
    text = merged.text.replace("\n", "\r\n") if crlf else merged.text
    return text, Edit(path, outcome, merged.conflicts)


def base_of(path: str, manifest: Manifest, theirs: str,
            bases: Callable[[], Mapping[str, str]]) -> str | None:
    """What sdkforge wrote at `path` last time: THEIRS when it writes the same again (as the
    manifest's hash says), else the archive's text when it has the hash the manifest lists."""
    digest = manifest.files.get(path)
    if text_hash(theirs) == digest:
        return theirs
    base = bases().get(path)
    return base if base is not None and text_hash(base) == digest else None


class _Lazy:
    """The archive of `out`, read on first use only (an empty one when it cannot be read)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.texts: dict[str, str] | None = None
        self.damaged = False

    def __call__(self) -> Mapping[str, str]:
        if self.texts is None:
            found = read_bases(self.out)
            self.damaged, self.texts = found is None, found or {}
        return self.texts


def kept_edits(out: Path, manifest: Manifest | None, files: Mapping[str, str],
               changed: Sequence[str], bases: Mapping[str, str]
               ) -> tuple[dict[str, str], list[tuple[str, int]]]:
    """Of the `changed` files (on disk, not as in `files`), those holding a hand edit that
    `generate` would leave exactly as it is, {path: hash of the file}; and each conflict
    (path, line) the merges would leave marked, new or left from an earlier run. `bases` are
    the archive's texts."""
    kept: dict[str, str] = {}
    conflicts: list[tuple[str, int]] = []
    candidates = [path for path in changed if owned_entirely(path) is None]
    if manifest is None or not candidates:
        return kept, conflicts
    for path in candidates:
        base, ours = base_of(path, manifest, files[path], lambda: bases), _text(out / path)
        if base is None or ours is None:
            continue
        merged = merge_edit(path, base, ours, files[path])
        if merged is not None:
            conflicts += [(path, line) for line in merged[1].conflicts]
            if merged[0] == ours and not merged[1].conflicts:
                kept[path] = text_hash(ours)
    return kept, conflicts


def _text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _differs(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() != text.encode("utf-8")
    except OSError:
        return True
