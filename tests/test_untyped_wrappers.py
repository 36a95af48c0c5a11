"""`typed-wrappers = false`: the `with_raw_response` / `with_streaming_response` methods are
class annotations, one per method for the four wrappers (`Wrapped[WrapperKind, Result]`, whose
call gives `APIResponse[Result]`, ... by the wrapper's kind), set from the resource's methods at
run time, instead of one generic call per method that mypy infers (most of its time on a large
API). The default is typed below `UNTYPED_WRAPPERS_FROM` operations. The untyped form must
still work over a real socket, give type checkers the result's type, read as black writes it,
and pass mypy --strict and pyright --strict.
"""

from __future__ import annotations

import asyncio
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
from test_pyright import described, pyright_strict

from sdkforge.config import (
    Config,
    GenerateOptions,
)
from sdkforge.emit.format import black_mode
from sdkforge.output.write import write
from sdkforge.pipeline import generate

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "specs" / "mixpeek-trigger-history.yaml"
PACKAGE = "mixpeek_untyped"
HISTORY = {"trigger_id": "trg_1", "executions": [], "total": 0, "offset": 0, "limit": 50}

USER = """
from typing import assert_type

from mixpeek_untyped import AsyncMixpeek, Mixpeek
from mixpeek_untyped._runtime._response import APIResponse, StreamedResponse
from mixpeek_untyped.models import TriggerHistoryResponse

client = Mixpeek()
raw = client.cluster_triggers.with_raw_response.get_history("trg_1", limit=1)
assert_type(raw, APIResponse[TriggerHistoryResponse])
assert_type(raw.parse(), TriggerHistoryResponse)
with client.cluster_triggers.with_streaming_response.get_history("trg_1") as streamed:
    assert_type(streamed, StreamedResponse[TriggerHistoryResponse])


async def main(aclient: AsyncMixpeek) -> None:
    araw = await aclient.cluster_triggers.with_raw_response.get_history("trg_1")
    assert_type(araw.parse(), TriggerHistoryResponse)
"""


# The feature spec's stream (`follow_events`): its async twin's result differs (`Wrapped2`).
STREAMS_USER = """
from typing import assert_type

from features import AsyncFeatures, Features
from features._runtime._response import APIResponse, AsyncStreamedResponse, StreamedResponse
from features._runtime._streaming import AsyncStream, Stream
from features.models import ShopEventSummary, ShopOrderPlaced, ShopPetListed

Events = ShopPetListed | ShopOrderPlaced


async def main(c: Features, a: AsyncFeatures) -> None:
    raw = c.events.with_raw_response.follow_events(stream=True)
    assert_type(raw, APIResponse[ShopEventSummary | Stream[Events]])
    araw = await a.events.with_raw_response.follow_events(stream=True)
    assert_type(araw, APIResponse[ShopEventSummary | AsyncStream[Events]])
    with c.events.with_streaming_response.follow_events() as s:
        assert_type(s, StreamedResponse[ShopEventSummary | Stream[Events]])
    async with await a.events.with_streaming_response.follow_events() as t:
        assert_type(t, AsyncStreamedResponse[ShopEventSummary | AsyncStream[Events]])
"""


def _generate(out: Path, typed: bool | None) -> dict[str, str]:
    options = GenerateOptions(SEED, package=PACKAGE, client="Mixpeek",
                              config=Config(typed_wrappers=typed))
    files = generate(options).files
    write(out, files)
    return files


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("untyped")
    _generate(folder / "out", typed=False)
    # the feature spec as a large API's package is written (all three size-decided settings),
    # so the checkers below see each of its constructs in that form too
    features = GenerateOptions(ROOT / "specs" / "features.yaml",
                               config=Config(typed_wrappers=False, derived_async=True,
                                             unpacked_options=True))
    write(folder / "features", generate(features).files)
    return folder


@pytest.fixture(scope="module")
def package(project: Path) -> Iterator[ModuleType]:
    with imported(project / "out", PACKAGE) as module:
        yield module


def test_the_wrappers_are_annotations_and_the_methods_are_unchanged(project: Path) -> None:
    untyped = (project / "out" / PACKAGE / "resources" / "cluster_triggers.py").read_text()
    typed = _generate(project / "typed", typed=None)[f"{PACKAGE}/resources/cluster_triggers.py"]
    assert "to_raw_response(resource." not in untyped
    # One class serves the four wrappers, one annotation per method (`Wrapped`).
    assert "\nclass ClusterTriggersWrappers(Generic[WrapperKind]):\n" in untyped
    assert "    get_history: Wrapped[WrapperKind, _models.TriggerHistoryResponse]\n" in untyped
    assert untyped.count("wrap_all(self, resource, wrap)") == 1
    for kind, wrap in (("Raw", "to_raw_response"),
                       ("AsyncStreaming", "async_to_streamed_response")):
        assert (f"-> ClusterTriggersWrappers[{kind}]:\n" in untyped
                and f"return ClusterTriggersWrappers(self, {wrap})\n" in untyped)
    assert "self.get_history = to_raw_response(resource.get_history)" in typed
    # The resources' own methods are the same either way.
    start, cut = "    def get_history(", "\nclass AsyncClusterTriggers:"
    assert untyped[untyped.index(start):untyped.index(cut)] == (
        typed[typed.index(start):typed.index(cut)])


def test_black_writes_the_same(project: Path) -> None:
    # The feature spec's long names make annotations black splits over lines.
    options = GenerateOptions(ROOT / "specs" / "features.yaml",
                              config=Config(typed_wrappers=False))
    files = {**generate(options).files, **{
        path.name: path.read_text(encoding="utf-8")
        for path in (project / "out" / PACKAGE / "resources").glob("*.py")}}
    split = 0
    for name, text in sorted(files.items()):
        if "/resources/" in name or (name.endswith(".py") and "/" not in name):
            assert black.format_str(text, mode=black_mode()) == text, name
            split += ": Wrapped2[\n" in text
    assert split, "some annotation is long enough to be split"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_raw_and_streamed_calls_work_over_a_socket(package: ModuleType, kind: str) -> None:
    with LoopbackServer() as server:
        server.reply(200, json=HISTORY, headers={"X-Request-Id": "req_1"})
        server.reply(200, json=HISTORY)
        if kind == "sync":
            with package.Mixpeek(base_url=server.url, max_retries=0, timeout=5.0) as client:
                raw = client.cluster_triggers.with_raw_response.get_history("trg_1", limit=1)
                with client.cluster_triggers.with_streaming_response.get_history(
                        "trg_1", offset=2) as streamed:
                    body = b"".join(streamed.iter_bytes())
        else:
            raw, body = asyncio.run(_async_calls(package, server.url))
        assert raw.status_code == 200 and raw.headers["x-request-id"] == "req_1"
        assert type(raw.parse()).__name__ == "TriggerHistoryResponse"
        assert raw.parse().trigger_id == "trg_1"
        assert body.startswith(b'{"trigger_id":"trg_1"')
        assert [r.body for r in server.requests] == [b'{"limit":1}', b'{"offset":2}']


async def _async_calls(package: ModuleType, url: str) -> tuple[Any, bytes]:
    async with package.AsyncMixpeek(base_url=url, max_retries=0, timeout=5.0) as client:
        raw = await client.cluster_triggers.with_raw_response.get_history("trg_1", limit=1)
        streaming = client.cluster_triggers.with_streaming_response
        async with await streaming.get_history("trg_1", offset=2) as streamed:
            body = b"".join([chunk async for chunk in streamed.iter_bytes()])
    return raw, body


@pytest.mark.slow
def test_mypy_strict_sees_the_results_types(project: Path) -> None:
    (project / "user.py").write_text(USER.lstrip("\n"), encoding="utf-8")
    (project / "streams_user.py").write_text(STREAMS_USER.lstrip("\n"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         str(project / "out" / PACKAGE), str(project / "features" / "features"),
         str(project / "user.py"), str(project / "streams_user.py")],
        capture_output=True, text=True, cwd=project, timeout=300,
        env={"MYPYPATH": f"{project / 'out'}:{project / 'features'}", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stdout


@pytest.mark.slow
def test_pyright_strict_is_clean(project: Path) -> None:
    user = project / "out" / "user_code"
    user.mkdir(exist_ok=True)
    (user / "user.py").write_text(USER.lstrip("\n"), encoding="utf-8")
    streams_user = project / "features" / "streams_user"
    streams_user.mkdir(exist_ok=True)
    (streams_user / "user.py").write_text(STREAMS_USER.lstrip("\n"), encoding="utf-8")
    report = pyright_strict([project / "out" / PACKAGE, user,
                             project / "features" / "features", streams_user], project)
    errors = [described(d, [project]) for d in report["generalDiagnostics"]
              if d["severity"] == "error"]
    assert errors == []
