"""An optional body whose schema requires fields: a call gives none of its fields, or gives the
required ones. Both mypy --strict and pyright --strict accept the first two kinds of call and
reject one that gives a body field without the required ones, on the method itself, on its
raw and streamed variants and on the async client; and the generated package itself is clean
under both."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_pyright import described, pyright_strict

from sdkforge.config import GenerateOptions
from sdkforge.output.write import write
from sdkforge.pipeline import generate

pytestmark = pytest.mark.slow

SPEC = """
openapi: 3.1.0
info: {title: Notes, version: '1'}
servers: [{url: 'https://notes.example'}]
paths:
  /notes/{folder}:
    post:
      operationId: create_note
      tags: [Notes]
      parameters:
        - {name: folder, in: path, required: true, schema: {type: string}}
        - {name: dry_run, in: query, schema: {type: boolean}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [text, lang]
              properties:
                text: {type: string}
                lang: {type: string}
                pinned: {type: boolean}
      responses:
        '201':
          description: ok
          content: {application/json: {schema: {type: object, properties: {id: {type: integer}}}}}
"""

# Every line checks but the misuse: lines 17, 18, 19 and 25 (counted from the first import).
USER = """
from typing import assert_type

import notes
from notes.models import CreateNoteResponse

client = notes.NotesClient()
assert_type(client.notes.create("f"), CreateNoteResponse)
client.notes.create("f", dry_run=True)
client.notes.create("f", text="hi", lang="en")
client.notes.create("f", text="hi", lang="en", pinned=True, dry_run=False)
client.notes.with_raw_response.create("f")
client.notes.with_raw_response.create("f", text="hi", lang="en")
with client.notes.with_streaming_response.create("f", text="hi", lang="en") as streamed:
    streamed.parse()

# misuse
client.notes.create("f", pinned=True)
client.notes.create("f", text="hi")
client.notes.with_raw_response.create("f", lang="en", pinned=False)


async def main(aclient: notes.AsyncNotesClient) -> None:
    await aclient.notes.create("f")
    await aclient.notes.create("f", text="hi", lang="en")
    await aclient.notes.create("f", pinned=True)
"""
BAD_LINES = [17, 18, 19, 25]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("overloads")
    (folder / "spec.yaml").write_text(textwrap.dedent(SPEC), encoding="utf-8")
    write(folder / "out", generate(GenerateOptions(folder / "spec.yaml", package="notes")).files)
    (folder / "user").mkdir()
    (folder / "user" / "user.py").write_text(USER.lstrip("\n"), encoding="utf-8")
    return folder


def test_the_overloads_are_generated(project: Path) -> None:
    text = (project / "out" / "notes" / "resources" / "notes.py").read_text()
    assert text.count("@overload") == 4  # two for the sync method, two for the async one


def test_mypy_takes_the_overloads(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         str(project / "out" / "notes"), str(project / "user" / "user.py")],
        capture_output=True, text=True, cwd=project, timeout=300,
        env={"MYPYPATH": str(project / "out"), "PATH": "/usr/bin:/bin"},
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert all(line.startswith(str(project / "user")) or line.startswith("user")
               for line in errors), done.stdout
    assert sorted({int(line.split(":")[1]) for line in errors}) == BAD_LINES, done.stdout


def test_pyright_takes_the_overloads(project: Path) -> None:
    # The user file sits beside the package so it imports it; pyright reads both, strictly.
    user = project / "out" / "user_code"
    user.mkdir(exist_ok=True)
    (user / "user.py").write_text(USER.lstrip("\n"), encoding="utf-8")
    report = pyright_strict([project / "out" / "notes", user], project)
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    in_package = [described(d, [project]) for d in errors if "/notes/" in d["file"]]
    assert in_package == []
    lines = sorted({d["range"]["start"]["line"] + 1 for d in errors})
    assert lines == BAD_LINES, [described(d, [project]) for d in errors]
