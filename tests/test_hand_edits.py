"""Hand edits in generated files survive regeneration (`output.edits`): kept and listed when the
spec's change is elsewhere, marked as conflicts (exit 4) where it changed the same lines, refused
in the runtime and sdkforge's records, dropped by --force. Specs: tests/hand_edits/notes-v1.yaml
and its bump notes-v2.yaml (Note gains `color` and a new `title` description, notes gains
`delete`, the Archived model goes)."""

from __future__ import annotations

import json
import py_compile
from pathlib import Path

import pytest

from sdkforge import cli
from sdkforge.errors import EXIT_CONFLICT
from sdkforge.output.bases import BASES, read_bases
from sdkforge.output.manifest import MANIFEST, text_hash

HERE = Path(__file__).resolve().parent / "hand_edits"
V1, V2 = HERE / "notes-v1.yaml", HERE / "notes-v2.yaml"


def sdkforge(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "sdk"
    assert sdkforge(capsys, "generate", V1, "-o", folder, "--no-cache")[0] == 0
    return folder


HELPER = '''

def describe(note: Note) -> str:
    """My own helper."""
    return f"{note.id}: {note.title}"
'''

TAG_HELPER = '''

def shout(tag: Tag) -> str:
    """My own helper."""
    return tag.name.upper()
'''


def make_edits_apart_from_the_bump(out: Path) -> dict[Path, list[str]]:
    """Edits the v1 -> v2 bump does not touch, and the text each leaves."""
    note, notes, tags = (out / "notes" / "models" / "note.py", out / "notes" / "resources" /
                         "notes.py", out / "notes" / "resources" / "tags.py")
    edit(note, "    pinned: bool = False\n", "    pinned: bool = True  # ours: pinned by default\n")
    tag = out / "notes" / "models" / "tag.py"
    tag.write_text(tag.read_text() + TAG_HELPER)
    edit(notes, "import builtins\n", "import builtins\nimport logging\n")
    init = "    def __init__(self, client: SyncAPIClient) -> None:\n        self._client = client\n"
    edit(notes, init, init + "        self.log = logging.getLogger(__name__)\n")
    edit(tags, '    """Operations of the `tags` resource."""\n',
         '    """Tags: labels on notes (our wording)."""\n')
    return {note: ["pinned: bool = True  # ours"], tag: ["def shout(tag: Tag)"],
            notes: ["import logging\n", "self.log = logging.getLogger"],
            tags: ["Tags: labels on notes (our wording)."]}


def test_edits_apart_from_the_bump_are_kept_listed_and_checked_up_to_date(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edits = make_edits_apart_from_the_bump(out)
    code, stdout, err = sdkforge(capsys, "generate", V2, "-o", out, "--no-cache")
    assert code == 0, err
    assert "notes/models/note.py: your edit kept, merged with the spec's changes" in stdout
    assert "notes/resources/notes.py: your edit kept, merged with the spec's changes" in stdout
    assert "notes/resources/tags.py: your edit kept (the spec did not change this file)" in stdout
    for path, texts in edits.items():
        for text in texts:
            assert text in path.read_text(), (path, text)
        py_compile.compile(str(path), doraise=True)
    note = (out / "notes" / "models" / "note.py").read_text()
    notes = (out / "notes" / "resources" / "notes.py").read_text()
    assert "color: str | None = None" in note and "at most 200 characters" in note  # the bump's
    assert "def delete(" in notes
    # The manifest and the archive describe what sdkforge generated, not the merged text.
    manifest = json.loads((out / MANIFEST).read_text())
    bases = read_bases(out)
    assert bases is not None and "# ours" not in bases["notes/models/note.py"]
    assert manifest["files"]["notes/models/note.py"] == text_hash(bases["notes/models/note.py"])
    code, stdout, err = sdkforge(capsys, "check", V2, "-o", out, "--no-cache")
    assert code == 0 and "4 with your edits" in stdout, err
    # Again and again: the edits stay, the files do not change.
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, stdout, _ = sdkforge(capsys, "generate", V2, "-o", out, "--no-cache", "-q")
    assert code == 0 and stdout == ""
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    # Back to v1: the bump's lines go, the edits stay.
    assert sdkforge(capsys, "generate", V1, "-o", out, "--no-cache")[0] == 0
    assert "def delete(" not in (out / "notes" / "resources" / "notes.py").read_text()
    for path, texts in edits.items():
        assert all(text in path.read_text() for text in texts), path


def test_an_edit_where_the_bump_changes_the_same_lines_is_a_conflict(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = out / "notes" / "models" / "note.py"
    edit(note, '    """The title."""\n', '    """The title (ours)."""\n')
    note.write_text(note.read_text() + HELPER)  # where the bump adds `color`: a conflict too
    edit(out / "notes" / "resources" / "tags.py", "import builtins\n", "import builtins  # ok\n")
    code, stdout, err = sdkforge(capsys, "generate", V2, "-o", out, "--no-cache")
    assert code == EXIT_CONFLICT
    text = note.read_text()
    lines = text.splitlines()
    starts = [n for n, line in enumerate(lines, 1) if line == "<<<<<<< your edit"]
    assert len(starts) == 2
    for line in starts:
        assert f"conflict: {note}:{line}: your edit and the spec's change" in err
    assert "2 conflicts in 1 file" in err and "--force" in err
    assert '    """The title (ours)."""\n||||||| generated before\n    """The title."""\n' in text
    assert ('=======\n    """The note\'s title, at most 200 characters."""\n>>>>>>> generated now'
            in text)
    assert "def describe(note: Note)" in text and "color: str | None = None" in text
    # Everything else is written: the bump reached the other files, the kept edit is listed.
    assert "def delete(" in (out / "notes" / "resources" / "notes.py").read_text()
    assert "notes/resources/tags.py: your edit kept" in stdout
    assert "notes/models/note.py" not in stdout
    # check: stale while the markers are there, and says where.
    code, _, err = sdkforge(capsys, "check", V2, "-o", out, "--no-cache")
    assert code == 1 and f"conflict: {note}:{starts[0]}" in err
    assert ("notes/models/note.py still holds conflict markers from the last generate: keep what "
            "you want between them and delete the markers first") in err
    # Generating again without resolving: the conflicts are still reported.
    code, _, err = sdkforge(capsys, "generate", V2, "-o", out, "--no-cache", "-q")
    assert code == EXIT_CONFLICT and f"{note}:{starts[1]}" in err
    # Resolved by hand: keep both sides, markers gone.
    resolved = (text.split("<<<<<<< your edit\n")[0]
                + '    """The title (ours, at most 200 characters)."""\n'
                + text.split(">>>>>>> generated now (sdkforge ")[1].split("\n", 1)[1]
                .split("<<<<<<< your edit\n")[0])
    tail = text.split("<<<<<<< your edit\n")[2]
    ours_tail, theirs_tail = tail.split("||||||| generated before\n")[0], tail.split(
        "=======\n")[1].split(">>>>>>> generated now")[0]
    note.write_text(resolved + theirs_tail + ours_tail)
    py_compile.compile(str(note), doraise=True)
    code, stdout, err = sdkforge(capsys, "generate", V2, "-o", out, "--no-cache")
    assert code == 0, err
    assert "notes/models/note.py: your edit kept (the spec did not change this file)" in stdout
    assert sdkforge(capsys, "check", V2, "-o", out, "--no-cache")[0] == 0


def test_force_writes_sdkforge_text_over_edits(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_edits_apart_from_the_bump(out)
    code, stdout, _ = sdkforge(capsys, "generate", V2, "-o", out, "--no-cache", "--force")
    assert code == 0 and "your edit" not in stdout
    fresh = out.parent / "fresh"
    assert sdkforge(capsys, "generate", V2, "-o", fresh, "--no-cache", "-q")[0] == 0
    assert ({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
            == {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()})


@pytest.mark.parametrize(("path", "needle"), [
    ("notes/_runtime/_retries.py", "--templates override (runtime/<module>.py)"),
    ("notes/errors.py", "--templates override"),
    (".sdkforge-api.json", "sdkforge's own record, never to be edited"),
])
def test_edits_to_files_sdkforge_owns_entirely_are_refused(
    out: Path, capsys: pytest.CaptureFixture[str], path: str, needle: str
) -> None:
    target = out / path
    target.write_text(target.read_text() + "\n")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, _, err = sdkforge(capsys, "generate", V2, "-o", out, "--no-cache")
    assert code == 2 and f"edited: {path}: " in err and needle in err and "--force" in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sdkforge(capsys, "generate", V2, "-o", out, "--no-cache", "--force")[0] == 0


def test_deleted_files_come_back_and_edited_files_no_longer_generated_stay(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tag, archived = out / "notes" / "models" / "tag.py", out / "notes" / "models" / "archived.py"
    tag.unlink()
    edit(archived, "    note_id: str | None = None\n", "    note_id: str | None = None  # mine\n")
    code, stdout, err = sdkforge(capsys, "generate", V2, "-o", out, "--no-cache")
    assert code == 0, err
    assert "notes/models/tag.py: written again: it had been deleted" in stdout
    assert "notes/models/archived.py: kept as your own file: sdkforge no longer generates it" \
        in stdout
    assert tag.is_file() and "# mine" in archived.read_text()
    # It is the user's now: not in the manifest or the archive, never touched again.
    assert "notes/models/archived.py" not in json.loads((out / MANIFEST).read_text())["files"]
    # When sdkforge writes the file again, the user's version is merged with it, not lost.
    code, _, err = sdkforge(capsys, "generate", V1, "-o", out, "--no-cache")
    assert code == EXIT_CONFLICT and f"conflict: {archived}:" in err
    assert "# mine" in archived.read_text() and "<<<<<<< your edit" in archived.read_text()


def test_an_edit_without_its_base_is_refused_and_crlf_checkouts_merge(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = out / "notes" / "models" / "note.py"
    edit(note, "    pinned: bool = False\n", "    pinned: bool = True\n")
    (out / BASES).write_bytes(b"not an archive")
    code, _, err = sdkforge(capsys, "generate", V2, "-o", out, "--no-cache")
    assert code == 2 and "edited: notes/models/note.py: no record of what sdkforge wrote" in err
    # The same spec again needs no archive: what sdkforge writes is what it wrote.
    code, _, err = sdkforge(capsys, "generate", V1, "-o", out, "--no-cache")
    assert code == 0 and read_bases(out) is not None, err
    # Every line ending turned into CRLF (a Windows checkout) and one line edited.
    note.write_bytes(note.read_bytes().replace(b"\n", b"\r\n"))
    code, stdout, err = sdkforge(capsys, "generate", V2, "-o", out, "--no-cache")
    assert code == 0 and "notes/models/note.py: your edit kept, merged" in stdout, err
    data = note.read_bytes()
    assert b"pinned: bool = True\r\n" in data and b"color: str | None = None\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")
