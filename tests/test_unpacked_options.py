"""`unpacked-options = true` (the default from `UNPACKED_OPTIONS_FROM` operations): each method
takes its per-call options (extra_headers, extra_query, extra_body, timeout, max_retries) as one
`**request_options: Unpack[RequestOptions]` and passes them on as `**request_options`, where it
would spell out five keyword arguments and pass each on by name (on Microsoft Graph v1.0, a
ninth of the installed package). The options must still reach the request, sync and async
(derived or written out), and mypy --strict and pyright --strict must still check each one by
name and type.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import black
import pytest
from behaviour.packages import imported
from behaviour.server import LoopbackServer
from test_pyright import pyright_strict

from sdkforge.config import (
    Config,
    GenerateOptions,
)
from sdkforge.emit.format import black_mode
from sdkforge.output.write import write
from sdkforge.pipeline import generate

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "specs" / "mixpeek-trigger-history.yaml"
FEATURES = ROOT / "specs" / "features.yaml"

SPEC = """
openapi: 3.0.3
info: {title: Things, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      tags: [things]
      description: Every thing, a page at a time.
      parameters:
        - {name: request_options, in: query, schema: {type: string}}
        - {name: limit, in: query, description: at most this many, schema: {type: integer}}
      responses:
        "200":
          description: the things
          content: {application/json: {schema: {type: array, items: {type: string}}}}
    post:
      operationId: makeThing
      tags: [things]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties: {name: {type: string}}
      responses:
        "200":
          description: made
          content: {application/json: {schema: {type: object, properties: {name: {type: string}}}}}
  /things/{thing_id}:
    delete:
      operationId: dropThing
      tags: [things]
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
      responses: {"204": {description: dropped}}
"""

USER = """
from typing import assert_type

import httpx

from things import AsyncThingsClient, ThingsClient


def sync_calls(client: ThingsClient) -> None:
    listed = client.things.list(
        limit=2, extra_headers={"X-Trace": "1"}, extra_query={"debug": 1},
        timeout=httpx.Timeout(5.0), max_retries=0,
    )
    assert_type(listed, list[str])
    client.things.make_thing(name="a", extra_body={"tag": "b"}, timeout=None)
    client.things.drop_thing("t1", max_retries=2)


async def async_calls(client: AsyncThingsClient) -> None:
    assert_type(await client.things.list(timeout=1.0), list[str])
    await client.things.drop_thing("t1", extra_headers={"X-Trace": "2"})
"""
# Calls a type checker must refuse: a misspelt option, and options of the wrong type.
WRONG = """
from things import AsyncThingsClient, ThingsClient


async def calls(client: ThingsClient, aclient: AsyncThingsClient) -> None:
    client.things.list(extra_header={"X-Trace": "1"})
    client.things.list(timeout="slow")
    client.things.drop_thing("t1", max_retries="3")
    await aclient.things.drop_thing("t1", extra_query=[1])
"""
_WRONG_LINES = [5, 6, 7, 8]


def _files(spec: Path, unpacked: bool | None = True, derived: bool | None = None,
           package: str | None = None) -> dict[str, str]:
    config = Config(unpacked_options=unpacked, derived_async=derived)
    return generate(GenerateOptions(spec, package=package, config=config)).files


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "things.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=[False, True], ids=["written-async", "derived-async"])
def package(request: pytest.FixtureRequest, spec: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("unpacked")
    write(out, _files(spec, derived=request.param))
    with imported(out, "things") as module:
        yield module


def test_the_signature_takes_one_unpacked_argument_and_black_writes_the_same(spec: Path) -> None:
    text = _files(spec)["things/resources/things.py"]
    spelled = _files(spec, unpacked=False)["things/resources/things.py"]
    assert "extra_headers:" not in text and "extra_headers=" not in text
    assert text.count("        **request_options: Unpack[RequestOptions],\n") == 2 * 3
    assert text.count(" **request_options,\n") == 2 * 3  # passed on, sync and async
    assert "from typing import Unpack\n" in text
    assert "from .._runtime._types import NOT_GIVEN, NotGiven, RequestOptions\n" in text
    assert "Per-call options:" not in text and "Per-call options:" in spelled
    drop = text[text.index("    def drop_thing("):]
    assert drop.startswith("    def drop_thing(\n        self,\n        thing_id: str,\n"
                           "        **request_options: Unpack[RequestOptions],\n")  # no `*`
    assert "    query_request_options: str | NotGiven = NOT_GIVEN,\n" in text  # renamed
    assert len(text) < len(spelled) - 3 * 400
    files = _files(FEATURES, derived=True)
    for name, source in sorted(files.items()):
        if name.endswith(".py"):
            assert black.format_str(source, mode=black_mode()) == source, name
    spelled_files = _files(FEATURES, unpacked=False, derived=True)
    counts = {(n, t.count(" **request_options,\n"),
               spelled_files[n].count(" max_retries=max_retries,\n"))
              for n, t in files.items() if "/resources/" in n}
    assert all(passed == spelled for _, passed, spelled in counts)
    assert sum(passed for _, passed, _ in counts) > 20


def test_the_signature_keeps_the_arguments_and_the_docstring(package: ModuleType) -> None:
    things = importlib.import_module("things.resources.things")
    parameters = inspect.signature(things.Things.list).parameters
    assert list(parameters) == ["self", "limit", "query_request_options", "request_options"]
    assert parameters["request_options"].kind is inspect.Parameter.VAR_KEYWORD
    assert "RequestOptions" in (things.Things.__doc__ or "")
    assert inspect.iscoroutinefunction(things.AsyncThings.list)


def test_each_option_reaches_the_request_sync_and_async(package: ModuleType) -> None:
    with LoopbackServer() as server:
        server.reply(200, json=["a"])
        server.reply(200, json={"name": "a"})
        server.reply(503)  # max_retries=0: no second try
        server.reply(200, json=["b"], delay=2.0)  # timeout=0.3: given up
        with package.ThingsClient(base_url=server.url, max_retries=3, timeout=10.0) as client:
            listed = client.things.list(query_request_options="x", limit=2, max_retries=0,
                                        extra_headers={"X-Trace": "1"},
                                        extra_query={"debug": "yes"})
            made = client.things.make_thing(name="n", extra_body={"tag": "t"})
            with pytest.raises(package.errors.InternalServerError):
                client.things.drop_thing("t1", max_retries=0)
            with pytest.raises(package.errors.APITimeoutError):
                client.things.list(timeout=0.3, max_retries=0)
        assert listed == ["a"] and made.name == "a"
        first, second, third = server.requests[:3]
        assert first.header("X-Trace") == "1"
        assert sorted(first.query) == [("debug", "yes"), ("limit", "2"),
                                       ("request_options", "x")]
        assert second.json() == {"name": "n", "tag": "t"}
        assert third.method == "DELETE" and len(server.requests) == 4
    with LoopbackServer() as server:
        server.reply(200, json=["c"])
        server.reply(503)
        listed, failed = asyncio.run(_async_calls(package, server.url))
        assert listed == ["c"] and failed
        assert server.requests[0].header("X-Trace") == "2"
        assert len(server.requests) == 2


async def _async_calls(package: ModuleType, url: str) -> tuple[Any, bool]:
    async with package.AsyncThingsClient(base_url=url, max_retries=3, timeout=10.0) as client:
        listed = await client.things.list(extra_headers={"X-Trace": "2"})
        try:
            await client.things.drop_thing("t1", max_retries=0)
        except package.errors.InternalServerError:
            return listed, True
    return listed, False


@pytest.fixture(scope="module")
def checked(spec: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package (async methods derived) and the user files, for one run of each checker."""
    folder = tmp_path_factory.mktemp("checked")
    write(folder, _files(spec, derived=True))
    for name, text in (("user.py", USER), ("wrong.py", WRONG)):
        (folder / name).write_text(text.lstrip("\n"), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_mypy_strict_checks_each_option(checked: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "things", "user.py",
         "wrong.py"],
        capture_output=True, text=True, cwd=checked, timeout=300,
    )
    errors = [line for line in done.stdout.splitlines() if ": error: " in line]
    assert not [e for e in errors if not e.startswith("wrong.py:")], done.stdout
    assert sorted({int(e.split(":")[1]) for e in errors}) == _WRONG_LINES, done.stdout


@pytest.mark.slow
def test_pyright_strict_checks_each_option(checked: Path) -> None:
    report = pyright_strict([checked / "things", checked / "user.py", checked / "wrong.py"],
                            checked)
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    assert [d for d in errors if Path(d["file"]).name != "wrong.py"] == []
    assert sorted({d["range"]["start"]["line"] + 1 for d in errors}) == _WRONG_LINES
