"""Ten hand edits made on the client of the oldest real Mixpeek spec survive the two bumps
after it (2025-12-19 -> 2026-01-03 -> 2026-01-20): each edit's text is in its file after each
regeneration, kept without a conflict or, where the bump changed the same lines, kept inside a
reported conflict (file and line); a conflict is resolved as a person would (both sides kept)
before the next bump; nothing else of the user's is lost. Three Mixpeek generations in all."""

from __future__ import annotations

import py_compile
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from sdkforge import cli
from sdkforge.errors import EXIT_CONFLICT, EXIT_OK
from sdkforge.output.bases import BASES

MIXPEEK = Path(__file__).resolve().parent.parent.parent / "shared" / "specs" / "mixpeek"
SPECS = [MIXPEEK / f"openapi-{day}.json" for day in ("2025-12-19", "2026-01-03", "2026-01-20")]


@dataclass(frozen=True)
class HandEdit:
    path: str
    old: str  # once in the oldest spec's output
    new: str  # contains `mark`
    mark: str


INIT = "    def __init__(self, client: SyncAPIClient) -> None:\n        self._client = client\n"
EDITS = [
    HandEdit("mixpeek/_client.py", "import os\n", "import os\nimport logging  # EDIT1\n",
             "import logging  # EDIT1"),
    HandEdit("mixpeek/resources/collections.py",
             INIT, INIT + "\n    def count_cached(self) -> int:  # EDIT2 an added method\n"
             "        return 0\n", "def count_cached(self) -> int:  # EDIT2"),
    HandEdit("mixpeek/resources/namespaces.py",
             '    """Operations of the `namespaces` resource."""\n',
             '    """Namespaces: where our collections live (EDIT3)."""\n', "(EDIT3)"),
    HandEdit("mixpeek/models/create_collection_request.py", "    enabled: bool = True\n",
             "    enabled: bool = False  # EDIT4 a changed default\n",
             "enabled: bool = False  # EDIT4"),
    HandEdit("mixpeek/models/document_response.py", "class DocumentResponse(BaseModel):\n",
             "# EDIT5 a comment: from search results\nclass DocumentResponse(BaseModel):\n",
             "# EDIT5 a comment"),
    HandEdit("mixpeek/models/vector_index.py", "class VectorIndex(BaseModel):\n",
             "def on_disk(index: VectorIndex) -> bool:  # EDIT6 an added helper\n"
             "    return bool(index.on_disk)\n\n\nclass VectorIndex(BaseModel):\n",
             "def on_disk(index: VectorIndex) -> bool:  # EDIT6"),
    HandEdit("mixpeek/resources/webhooks.py",
             INIT, INIT + "        # EDIT7 one client for every webhook call\n", "# EDIT7"),
    HandEdit("README.md", "It needs `httpx` and `pydantic` (v2).\n",
             "It needs `httpx` and `pydantic` (v2).\n\nEDIT8: our fork; see docs/sdk.md.\n",
             "EDIT8: our fork"),
    HandEdit("mixpeek/resources/tasks.py",
             "    def list_active_tasks(\n        self,\n        *,\n"
             "        page: int | None | NotGiven = NOT_GIVEN,\n",
             "    def list_active_tasks(\n        self,\n        *,\n"
             "        page: int | None | NotGiven = 1,  # EDIT9 the first page by default\n",
             "page: int | None | NotGiven = 1,  # EDIT9"),
    HandEdit("mixpeek/resources/bucket_objects.py", "import builtins\n",
             "import builtins\nimport warnings  # EDIT10 an extra import\n",
             "import warnings  # EDIT10"),
]
CONFLICT = re.compile(r"^conflict: (.+):(\d+): ", re.MULTILINE)
MARKED = re.compile(r"<<<<<<< your edit\n(.*?)\|\|\|\|\|\|\| generated before\n.*?=======\n"
                    r"(.*?)>>>>>>> generated now[^\n]*\n", re.DOTALL)


def regenerate(capsys: pytest.CaptureFixture[str], spec: Path, out: Path,
               report: list[str]) -> tuple[int, str, list[tuple[str, int]]]:
    started = time.perf_counter()
    code = cli.main(["generate", str(spec), "-o", str(out), "--no-cache"])
    elapsed = time.perf_counter() - started
    captured = capsys.readouterr()
    conflicts = [(Path(path).relative_to(out).as_posix(), int(line))
                 for path, line in CONFLICT.findall(captured.err)]
    kept = captured.out.count(": your edit kept")
    report.append(f"{spec.name}: exit {code}, {kept} edits kept, {len(conflicts)} conflicts "
                  f"in {sorted({p for p, _ in conflicts})}, {elapsed:.2f} s, "
                  f"{BASES} {(out / BASES).stat().st_size} bytes")
    return code, captured.out, conflicts


@pytest.mark.slow
def test_ten_hand_edits_survive_two_real_bumps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mixpeek"
    assert cli.main(["generate", str(SPECS[0]), "-o", str(out), "--no-cache", "-q"]) == 0
    mine = out / "mixpeek" / "_ours.py"  # a module of the user's own, beside the generated ones
    mine.write_text("OURS = 1\n")
    for edit in EDITS:
        path = out / edit.path
        text = path.read_text(encoding="utf-8")
        assert text.count(edit.old) == 1, edit
        path.write_text(text.replace(edit.old, edit.new), encoding="utf-8")
    report: list[str] = []
    for spec in SPECS[1:]:
        code, stdout, conflicts = regenerate(capsys, spec, out, report)
        assert code == (EXIT_CONFLICT if conflicts else EXIT_OK), stdout
        conflicted = {path for path, _ in conflicts}
        for edit in EDITS:
            text = (out / edit.path).read_text(encoding="utf-8")
            assert edit.mark in text, (spec.name, edit.path)  # kept, or kept in a conflict
            if edit.path not in conflicted:
                assert f"{edit.path}: your edit kept" in stdout, (spec.name, edit.path)
                assert "<<<<<<<" not in text
        for path, line in conflicts:  # each listed at its marker, then resolved: both sides
            lines = (out / path).read_text(encoding="utf-8").splitlines()
            assert lines[line - 1] == "<<<<<<< your edit", (path, line)
            resolved = MARKED.sub(lambda m: m.group(1) + m.group(2),
                                  (out / path).read_text(encoding="utf-8"))
            assert "<<<<<<<" not in resolved
            (out / path).write_text(resolved, encoding="utf-8")
        assert mine.read_text() == "OURS = 1\n"
        for edit in EDITS:
            if edit.path.endswith(".py"):
                py_compile.compile(str(out / edit.path), doraise=True)
        # With the conflicts resolved, the folder is what generate would write.
        assert cli.main(["check", str(spec), "-o", str(out), "--no-cache"]) == 0
        assert "10 with your edits" in capsys.readouterr().out
    with capsys.disabled():
        print("\n" + "\n".join(report))
