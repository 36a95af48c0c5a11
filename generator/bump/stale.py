"""What `check` says of a stale output folder: which files differ (those edited by hand marked),
what the bump changes in the Python API, a totals line, and what to run: the user's own
`sdkforge generate` command, and what it does with the files they edited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sdkforge.bump.diff import compare
from sdkforge.bump.render import totals
from sdkforge.diagnostics import MAX_SHOWN
from sdkforge.emit.surface import SURFACE_FILE, Surface
from sdkforge.output.bases import BASES, owned_entirely
from sdkforge.output.manifest import MANIFEST, changed_on_disk, read_manifest
from sdkforge.output.write import Staleness


@dataclass(frozen=True, slots=True)
class Stale:
    out: Path
    state: Staleness
    files: int  # how many files generate would write
    command: str  # the generate command that updates the folder, as the user would type it
    before: Surface | None  # the API the folder holds
    after: Surface  # the API generate would write


def lines(stale: Stale) -> list[str]:
    """Every line `check` prints for a stale folder, in order."""
    state, out = stale.state, stale.out
    edited = _edited(out, [*state.changed, *state.removed])
    differ = len(state.added) + len(state.removed) + len(state.changed)
    result = [f"{out} is stale: {differ} file{_s(differ)} differ{'s' if differ == 1 else ''} "
              f"from what `{stale.command}` would write" if differ
              else f"{out} is stale: it was generated differently"]
    result += [f"  {reason}" for reason in state.reasons]
    for label, paths in (("changed", state.changed), ("added", state.added),
                         ("removed", state.removed)):
        # sdkforge's records last: they change with everything else
        ordered = sorted(paths, key=lambda p: (p in (MANIFEST, SURFACE_FILE, BASES), p))
        for path in ordered[:MAX_SHOWN]:
            mark = "  (edited by hand since sdkforge wrote it)" if path in edited else ""
            result.append(f"  {label}: {path}{mark}")
        if len(paths) > MAX_SHOWN:
            result.append(f"  ... and {len(paths) - MAX_SHOWN} more {label}")
    api = _api(stale.before, stale.after) if stale.before is not None else ""
    if api:
        result.append(f"  the Python API: {api}")
    result.append(f"{len(state.changed)} changed, {len(state.added)} added, "
                  f"{len(state.removed)} removed of {stale.files} files")
    result += hints(stale.command, edited, state.conflicts)
    return result


def hints(command: str, edited: Sequence[str],
          conflicts: Sequence[tuple[str, int]] = ()) -> list[str]:
    """What to run, and what it does with the files edited by hand: generate merges an edit to
    a module into the new output (a clash is marked in the file and listed); an edit to what
    sdkforge owns entirely (the runtime, its records) stops it. `conflicts` ((path, line)) are
    markers a previous generate left, to be resolved first."""
    if not edited:
        return [f"to update it, run: {command}"]
    marked = sorted({path for path, _ in conflicts})
    owned = [path for path in edited if owned_entirely(path) is not None]
    merged = [path for path in edited if path not in owned and path not in marked]
    result = []
    if marked:
        hold = _verb(marked, "holds", "hold")
        result.append(f"{_listed(marked)} still {hold} conflict markers from the last "
                      "generate: keep what you want between them and delete the markers first")
    if merged:
        was = _verb(merged, "was", "were")
        result.append(f"{_listed(merged)} {was} edited by hand: `{command}` keeps "
                      "the edits, merged into the new output (an edit on lines the spec "
                      "changed too is marked in the file as a conflict and listed)")
    if owned:
        was, are = _verb(owned, "was", "were"), _verb(owned, "is", "are")
        result.append(f"{_listed(owned)} {was} edited by hand and {are} "
                      "sdkforge's own (the runtime or its records): generate does not merge "
                      "edits there; put a runtime change in --templates (runtime/<module>.py)")
    result.append(f"to update it, run: {command}" if not owned
                  else f"to update it, discarding those edits: {command} --force")
    if (merged or marked) and not owned:
        result.append(f"to discard the edits instead: {command} --force")
    return result


def _listed(paths: Sequence[str]) -> str:
    shown = ", ".join(paths[:MAX_SHOWN])
    return shown + (f" and {len(paths) - MAX_SHOWN} more" if len(paths) > MAX_SHOWN else "")


def _verb(paths: Sequence[str], one: str, many: str) -> str:
    """The verb's form for as many files as `paths`."""
    return one if len(paths) == 1 else many


def _edited(out: Path, paths: Sequence[str]) -> list[str]:
    """Those of `paths` changed on disk since sdkforge wrote them (as its manifest says)."""
    manifest = read_manifest(out)
    if manifest is None:
        return []
    written = {path: manifest.files[path] for path in paths if path in manifest.files}
    return changed_on_disk(out, replace(manifest, files=written))[0]


def _api(before: Surface, after: Surface) -> str:
    """What the bump changes in the API, in a line ("" when nothing)."""
    report = compare(before, after)
    if not report.changes:
        return ""
    return totals(report)[:-1] + " (`sdkforge diff OLD_SPEC NEW_SPEC` lists them)"


def _s(count: int) -> str:
    return "" if count == 1 else "s"
