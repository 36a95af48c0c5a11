"""A method whose body has a boolean `stream` field and whose success is JSON or an event
stream: `stream=True` types as `Stream[Chunk]` (`AsyncStream[Chunk]` awaited from the async
client), no `stream` or `stream=False` as the JSON model, a `bool` as either; combined with the
overloads of an optional body whose schema requires fields (no field at all, or the required
ones). mypy --strict and pyright --strict agree, and reject a stream asked without the body's
required fields; the generated package is clean under both."""

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
info: {title: Talk, version: '1'}
servers: [{url: 'https://talk.example'}]
paths:
  /chat:
    post:
      operationId: create
      tags: [Chat]
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [prompt]
              properties:
                prompt: {type: string}
                stream: {type: [boolean, 'null']}
      responses:
        '200':
          description: ok
          content:
            application/json: {schema: {$ref: '#/components/schemas/Completion'}}
            text/event-stream: {schema: {$ref: '#/components/schemas/Chunk'}}
components:
  schemas:
    Completion: {type: object, properties: {text: {type: string}}}
    Chunk: {type: object, properties: {delta: {type: string}}}
"""

# Every line checks but the misuse: lines 17 and 27 (counted from the first import).
USER = """
from typing import assert_type

import talk
from talk import AsyncStream, Stream
from talk.models import Chunk, Completion

client = talk.Talk()
assert_type(client.chat.create(), Completion)
assert_type(client.chat.create(prompt="hi"), Completion)
assert_type(client.chat.create(prompt="hi", stream=False), Completion)
assert_type(client.chat.create(prompt="hi", stream=None), Completion)
assert_type(client.chat.create(prompt="hi", stream=True), Stream[Chunk])
either: bool = len(__name__) > 3
assert_type(client.chat.create(prompt="hi", stream=either), Completion | Stream[Chunk])

# misuse
client.chat.create(stream=True)


async def main(aclient: talk.AsyncTalk) -> None:
    assert_type(await aclient.chat.create(prompt="hi"), Completion)
    stream = await aclient.chat.create(prompt="hi", stream=True)
    assert_type(stream, AsyncStream[Chunk])
    async with stream:
        async for chunk in stream:
            assert_type(chunk, Chunk)
    await aclient.chat.create(stream=True)
"""
BAD_LINES = [17, 27]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stream_overloads")
    (folder / "spec.yaml").write_text(textwrap.dedent(SPEC), encoding="utf-8")
    write(folder / "out", generate(GenerateOptions(folder / "spec.yaml", package="talk")).files)
    return folder


def test_the_overloads_are_generated(project: Path) -> None:
    text = (project / "out" / "talk" / "resources" / "chat.py").read_text()
    # without body fields; then stream false, true and bool: four for each client
    assert text.count("@overload") == 8
    assert text.count("stream: Literal[True],") == 2


def test_mypy_takes_the_overloads(project: Path) -> None:
    (project / "user").mkdir(exist_ok=True)
    (project / "user" / "user.py").write_text(USER.lstrip("\n"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         str(project / "out" / "talk"), str(project / "user" / "user.py")],
        capture_output=True, text=True, cwd=project, timeout=300,
        env={"MYPYPATH": str(project / "out"), "PATH": "/usr/bin:/bin"},
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert all(line.startswith(str(project / "user")) or line.startswith("user")
               for line in errors), done.stdout
    assert sorted({int(line.split(":")[1]) for line in errors}) == BAD_LINES, done.stdout


def test_pyright_takes_the_overloads(project: Path) -> None:
    user = project / "out" / "user_code"
    user.mkdir(exist_ok=True)
    (user / "user.py").write_text(USER.lstrip("\n"), encoding="utf-8")
    report = pyright_strict([project / "out" / "talk", user], project)
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    in_package = [described(d, [project]) for d in errors if "/talk/" in d["file"]]
    assert in_package == []
    lines = sorted({d["range"]["start"]["line"] + 1 for d in errors})
    assert lines == BAD_LINES, [described(d, [project]) for d in errors]
