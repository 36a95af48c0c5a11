"""`derived-async = true` (the default from `DERIVED_ASYNC_FROM` operations): the async class's
methods are one line each, `name = async_method(SyncClass.name)`, instead of a second copy of
every signature, docstring and body (40% of a large API's resource source). The derived
methods must take the same typed arguments and give the same typed result to mypy --strict and
pyright --strict, be real coroutine functions with the sync method's signature and docstring,
work over a real socket (the raw and streamed wrappers too), and read as black writes them.
Methods whose async form differs (a stream, overloads, a deprecation warning) stay written out.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import black
import pytest
from behaviour.packages import imported
from behaviour.server import LoopbackServer
from test_pyright import described, pyright_strict

from sdkforge.config import Config, GenerateOptions
from sdkforge.emit.format import black_mode
from sdkforge.output.write import write
from sdkforge.pipeline import generate

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "specs" / "mixpeek-trigger-history.yaml"
FEATURES = ROOT / "specs" / "features.yaml"
PACKAGE = "mixpeek_derived"
HISTORY = {"trigger_id": "trg_1", "executions": [], "total": 0, "offset": 0, "limit": 50}

USER = """
from typing import assert_type

from mixpeek_derived import AsyncMixpeek
from mixpeek_derived._runtime._response import APIResponse, AsyncStreamedResponse
from mixpeek_derived.models import TriggerHistoryResponse


async def main(client: AsyncMixpeek) -> None:
    history = await client.cluster_triggers.get_history("trg_1", limit=1, offset=2)
    assert_type(history, TriggerHistoryResponse)
    raw = await client.cluster_triggers.with_raw_response.get_history("trg_1")
    assert_type(raw, APIResponse[TriggerHistoryResponse])
    streaming = client.cluster_triggers.with_streaming_response
    async with await streaming.get_history("trg_1") as streamed:
        assert_type(streamed, AsyncStreamedResponse[TriggerHistoryResponse])
"""
# Calls a type checker must refuse: the derived method's arguments are the sync method's.
WRONG = """
from mixpeek_derived import AsyncMixpeek


async def main(client: AsyncMixpeek) -> None:
    await client.cluster_triggers.get_history(1)
    await client.cluster_triggers.get_history("trg_1", limit="ten")
    await client.cluster_triggers.get_history("trg_1", no_such_argument=1)
    client.cluster_triggers.get_history("trg_1").trigger_id
"""


def _generate(out: Path, typed: bool | None, derived: bool | None = True) -> dict[str, str]:
    options = GenerateOptions(SEED, package=PACKAGE, client="Mixpeek",
                              config=Config(typed_wrappers=typed, derived_async=derived))
    files = generate(options).files
    write(out, files)
    return files


@pytest.fixture(scope="module", params=[True, False], ids=["typed-wrappers", "untyped-wrappers"])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("derived")
    _generate(folder / "out", typed=request.param)
    return folder


@pytest.fixture(scope="module")
def package(project: Path) -> Iterator[ModuleType]:
    with imported(project / "out", PACKAGE) as module:
        yield module


def test_the_async_methods_are_one_line_and_the_sync_class_is_unchanged(project: Path) -> None:
    derived = (project / "out" / PACKAGE / "resources" / "cluster_triggers.py").read_text()
    written = _generate(project / "written", typed=None, derived=None)[
        f"{PACKAGE}/resources/cluster_triggers.py"]
    assert "    get_history = async_method(ClusterTriggers.get_history)\n" in derived
    assert "async def get_history(" not in derived and "async def get_history(" in written
    cut = "\nclass AsyncClusterTriggers:"
    sync_method = derived[derived.index("    def get_history("):derived.index(cut)]
    # the same, but for the Endpoint, made in the one body that makes the request
    function = written[written.index("def _get_history_endpoint()"):]
    start = function.index("    return Endpoint(\n") + len("    return Endpoint(\n")
    arguments = textwrap.indent(function[start:function.index("\n    )\n")], " " * 12)
    inlined = f"                Endpoint(\n{arguments}\n                ),\n"
    assert "_get_history_endpoint" not in derived
    written_method = written[written.index("    def get_history("):written.index(cut)]
    assert sync_method == written_method.replace("                _get_history_endpoint(),\n",
                                                 inlined)
    wrappers = "\nclass ClusterTriggersW"  # WithRawResponse, or Wrappers (untyped)

    def async_class(text: str) -> str:
        return text[text.index(cut):text.index(wrappers)]

    saved = len(async_class(written)) - len(async_class(derived))
    assert saved > 0.9 * len(written_method)  # written once, not twice


def test_streams_and_overloads_stay_written_out_and_black_writes_the_same() -> None:
    options = GenerateOptions(FEATURES, config=Config(derived_async=True))
    files = generate(options).files
    resources = {name: text for name, text in files.items() if "/resources/" in name}
    for name, text in sorted(resources.items()):
        assert black.format_str(text, mode=black_mode()) == text, name
    events = resources["features/resources/events.py"]
    async_class = events[events.index("\nclass AsyncEvents:"):]
    assert "async def follow_events(" in async_class  # overloaded: stream or JSON
    assert "async_method(" not in events
    assert sum(text.count(" = async_method(") for text in resources.values()) >= 20


def test_a_derived_method_is_a_coroutine_function_like_the_sync_one(package: ModuleType) -> None:
    module = importlib.import_module(f"{package.__name__}.resources.cluster_triggers")
    sync_class, async_class = module.ClusterTriggers, module.AsyncClusterTriggers
    method = async_class.get_history
    assert inspect.iscoroutinefunction(method)
    assert inspect.signature(method) == inspect.signature(sync_class.get_history)
    assert method.__doc__ == sync_class.get_history.__doc__ and method.__doc__
    assert method.__name__ == "get_history"
    assert method.__qualname__ == "AsyncClusterTriggers.get_history"


def test_derived_calls_work_over_a_socket(package: ModuleType) -> None:
    with LoopbackServer() as server:
        for _ in range(3):
            server.reply(200, json=HISTORY, headers={"X-Request-Id": "req_1"})
        history, raw, body = asyncio.run(_async_calls(package, server.url))
        assert type(history).__name__ == "TriggerHistoryResponse"
        assert history.trigger_id == "trg_1" and history.limit == 50
        assert raw.status_code == 200 and raw.headers["x-request-id"] == "req_1"
        assert raw.parse().trigger_id == "trg_1"
        assert body.startswith(b'{"trigger_id":"trg_1"')
        assert [r.body for r in server.requests] == [
            b'{"offset":2,"limit":1}', b'{"limit":3}', b'{"offset":4}']
        assert server.requests[0].path == "/v1/clusters/triggers/trg_1/history"


async def _async_calls(package: ModuleType, url: str) -> tuple[Any, Any, bytes]:
    async with package.AsyncMixpeek(base_url=url, max_retries=0, timeout=5.0) as client:
        history = await client.cluster_triggers.get_history("trg_1", limit=1, offset=2)
        raw = await client.cluster_triggers.with_raw_response.get_history("trg_1", limit=3)
        streaming = client.cluster_triggers.with_streaming_response
        async with await streaming.get_history("trg_1", offset=4) as streamed:
            body = b"".join([chunk async for chunk in streamed.iter_bytes()])
    return history, raw, body


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both packages (typed and untyped wrappers) in one folder, under two names, each with its
    user files (`user_<name>.py`, `wrong_<name>.py`) in `user_code`: one run of each checker."""
    folder = tmp_path_factory.mktemp("checked")
    user = folder / "out" / "user_code"
    user.mkdir(parents=True)
    for name, typed in _VARIANTS.items():
        options = GenerateOptions(SEED, package=name, client="Mixpeek",
                                  config=Config(typed_wrappers=typed, derived_async=True))
        write(folder / name, generate(options).files)
        (folder / name / name).rename(folder / "out" / name)
        for kind, text in (("user", USER), ("wrong", WRONG)):
            (user / f"{kind}_{name}.py").write_text(
                text.lstrip("\n").replace(PACKAGE, name), encoding="utf-8")
    return folder


_VARIANTS = {PACKAGE: True, f"{PACKAGE}_untyped": False}
# The lines of WRONG's four calls (1-based), each of which a checker must report.
_WRONG_LINES = [5, 6, 7, 8]


@pytest.mark.slow
def test_mypy_strict_sees_the_arguments_and_the_result(checked: Path) -> None:
    user = checked / "out" / "user_code"
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         *[str(checked / "out" / name) for name in _VARIANTS], *map(str, sorted(user.iterdir()))],
        capture_output=True, text=True, cwd=user, timeout=300,
        env={"MYPYPATH": str(checked / "out"), "PATH": "/usr/bin:/bin"},
    )
    errors = [line for line in done.stdout.splitlines() if ": error: " in line]
    assert not [e for e in errors if not e.startswith("wrong_")], done.stdout
    for name in _VARIANTS:
        lines = {int(e.split(":")[1]) for e in errors if e.startswith(f"wrong_{name}.py:")}
        assert sorted(lines) == _WRONG_LINES, (name, done.stdout)


@pytest.mark.slow
def test_pyright_strict_sees_the_arguments_and_the_result(checked: Path) -> None:
    user = checked / "out" / "user_code"
    report = pyright_strict([*[checked / "out" / name for name in _VARIANTS], user], checked)
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    assert [described(d, [checked]) for d in errors
            if not Path(d["file"]).name.startswith("wrong_")] == []
    for name in _VARIANTS:
        lines = {d["range"]["start"]["line"] + 1 for d in errors
                 if Path(d["file"]).name == f"wrong_{name}.py"}
        assert sorted(lines) == _WRONG_LINES, name  # the last call, never awaited, too


CLASH = """
openapi: 3.0.3
info: {title: Clash, version: "1"}
paths:
  /things/a:
    get:
      operationId: asyncMethod
      tags: [things]
      responses: {"204": {description: done}}
  /things/b:
    get:
      operationId: getThing
      tags: [things]
      responses: {"204": {description: done}}
"""


def test_an_operation_named_async_method_does_not_shadow_the_helper(tmp_path: Path) -> None:
    # A class body's names come before the module's: a method bound as `async_method` there
    # would be what every later derived line called.
    spec = tmp_path / "clash.yaml"
    spec.write_text(CLASH, encoding="utf-8")
    files = generate(GenerateOptions(spec, config=Config(derived_async=True))).files
    text = files["clash/resources/things.py"]
    assert "\n    async_method = " not in text
    assert "    get = async_method(Things.get)\n" in text
    write(tmp_path / "out", files)
    with imported(tmp_path / "out", "clash"):
        things = importlib.import_module("clash.resources.things")
        methods = [name for name in vars(things.AsyncThings) if not name.startswith("_")
                   and name not in ("with_raw_response", "with_streaming_response")]
        assert len(methods) == 2
        assert all(inspect.iscoroutinefunction(getattr(things.AsyncThings, m)) for m in methods)


def test_a_method_of_no_result_is_sent_and_awaited(tmp_path: Path) -> None:
    # Its sync body returns the request's result (None, typed by `Endpoint[None]`), without
    # which the async twin would get None and the request, never awaited, would not go out.
    spec = tmp_path / "clash.yaml"
    spec.write_text(CLASH, encoding="utf-8")
    files = generate(GenerateOptions(spec, config=Config(derived_async=True))).files
    text = files["clash/resources/things.py"]
    assert "_get_endpoint" not in text and "                Endpoint[None](\n" in text
    assert '"""GET things_b"""\n        return self._client.request(\n' in text
    write(tmp_path / "out", files)
    with imported(tmp_path / "out", "clash") as package, LoopbackServer() as server:
        server.reply(204)
        server.reply(204)

        async def call() -> object:
            async with package.AsyncClash(base_url=server.url, max_retries=0) as client:
                return await client.things.get()

        assert asyncio.run(call()) is None
        with package.Clash(base_url=server.url, max_retries=0) as client:
            assert client.things.get() is None
        assert [r.path for r in server.requests] == ["/things/b", "/things/b"]


def test_a_derived_list_method_pages_to_the_end(package: ModuleType) -> None:
    first = {**HISTORY, "total": 3, "limit": 2, "executions": [{}, {}]}
    last = {**HISTORY, "total": 3, "offset": 2, "limit": 2, "executions": [{}]}

    async def pages(url: str) -> list[int]:
        async with package.AsyncMixpeek(base_url=url, max_retries=0, timeout=5.0) as client:
            page = await client.cluster_triggers.get_history("trg_1", limit=2)
            sizes = [len(page.executions)]
            while page.has_next_page():
                page = await page.anext_page()
                sizes.append(len(page.executions))
        return sizes

    with LoopbackServer() as server:
        server.reply(200, json=first)
        server.reply(200, json=last)
        assert asyncio.run(pages(server.url)) == [2, 1]
        assert [r.body for r in server.requests] == [b'{"limit":2}', b'{"offset":2,"limit":2}']
