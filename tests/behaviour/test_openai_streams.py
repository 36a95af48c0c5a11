"""OpenAI's spec end to end: the generated chat completion method with `stream=True` iterates
typed chunks from a loopback server writing them slowly, split mid-line and mid-character;
mypy --strict and pyright --strict see `Stream[...]` for `stream=True` and the completion
model otherwise. The client is the one tests/conftest.py generates once for the slow tests.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sdkforge.pipeline import Generated

from .server import LoopbackServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def openai_client(public_clients: dict[str, tuple[Path, Generated]]) -> Iterator[ModuleType]:
    folder, gen = public_clients["openai-openapi"]
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(gen.package)
    finally:
        sys.path.remove(str(folder))


def chunk(index: int, content: str | None, finish: str | None = None) -> dict[str, Any]:
    delta = {"role": "assistant", "content": content} if content is not None else {}
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1700000000,
            "model": "gpt-4o-mini", "system_fingerprint": "fp_1",
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}


WORDS = ["Hällo", " wörld", " ✓", "!"]
BODY = b"".join(
    b"data: " + json.dumps(chunk(i, w), ensure_ascii=False).encode() + b"\n\n"
    for i, w in enumerate(WORDS)
) + b"data: " + json.dumps(chunk(4, None, "stop")).encode() + b"\n\ndata: [DONE]\n\n"


def pieces(size: int) -> list[bytes]:
    return [BODY[i:i + size] for i in range(0, len(BODY), size)]


def test_chat_completion_streams_typed_chunks(
    openai_client: ModuleType, server: LoopbackServer
) -> None:
    make = getattr(openai_client, openai_client.__all__[0])
    client = make(base_url=server.url, api_key="k", max_retries=0)
    user = openai_client.models.ChatCompletionRequestUserMessage(role="user", content="Hi")
    server.reply(200, chunks=pieces(7), chunk_delay=0.002)
    with client.chat.create_completion(model="gpt-4o-mini", messages=[user],
                                       stream=True) as stream:
        got = list(stream)
    assert all(isinstance(c, openai_client.models.CreateChatCompletionStreamResponse)
               for c in got)
    assert [c.choices[0].delta.content for c in got[:4]] == WORDS
    assert got[-1].choices[0].finish_reason == "stop"
    assert not any(openai_client.mismatches(c) for c in got)
    assert json.loads(server.requests[0].body)["stream"] is True
    assert stream.response.is_closed
    client.close()


def test_async_chat_completion_streams_typed_chunks(
    openai_client: ModuleType, server: LoopbackServer
) -> None:
    async def run() -> list[Any]:
        make = getattr(openai_client, "Async" + openai_client.__all__[0])
        async with make(base_url=server.url, api_key="k", max_retries=0) as client:
            stream = await client.chat.create_completion(
                model="gpt-4o-mini",
                messages=[openai_client.models.ChatCompletionRequestUserMessage(
                    role="user", content="Hi")],
                stream=True)
            async with stream:
                return [c async for c in stream]

    server.reply(200, chunks=pieces(3), chunk_delay=0.001)
    got = asyncio.run(run())
    assert [c.choices[0].delta.content for c in got[:4]] == WORDS


USER_CODE = """
from {package} import {client}, models

client = {client}(api_key="k")
user = models.ChatCompletionRequestUserMessage(role="user", content="Hi")
streamed = client.chat.create_completion(model="gpt-4o-mini", messages=[user], stream=True)
reveal_type(streamed)
for item in streamed:
    reveal_type(item)
whole = client.chat.create_completion(model="gpt-4o-mini", messages=[user])
reveal_type(whole)
unsure: bool = bool(len(__name__) % 2)
either = client.chat.create_completion(model="gpt-4o-mini", messages=[user], stream=unsure)
reveal_type(either)
"""


def pyright(script: Path, package_folder: Path) -> dict[str, Any]:
    """pyright --strict's JSON report on `script` alone, the package imported from its folder."""
    config = {"typeCheckingMode": "strict", "pythonVersion": "3.11", "include": [script.name],
              "extraPaths": [str(package_folder)]}
    (script.parent / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable,
         "--project", str(script.parent)], capture_output=True, text=True, timeout=900,
        env={**os.environ, "PYRIGHT_PYTHON_GLOBAL_NODE": "0"})
    assert done.stdout.lstrip().startswith("{"), done.stdout[-2000:] + done.stderr[-2000:]
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def _revealed(lines: list[str]) -> list[str]:
    return [line.split("Revealed type is ", 1)[1].strip('"') for line in lines
            if "Revealed type is " in line]


def test_user_code_sees_stream_or_completion_types(
    public_clients: dict[str, tuple[Path, Generated]], tmp_path: Path
) -> None:
    folder, gen = public_clients["openai-openapi"]
    script = tmp_path / "user.py"
    script.write_text(USER_CODE.format(package=gen.package, client=gen.client))
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--follow-imports=silent",
         str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=900,
        env={"MYPYPATH": str(folder), "PATH": "/usr/bin:/bin"})
    revealed = _revealed(done.stdout.splitlines())
    package = gen.package
    assert revealed == [
        f"{package}._runtime._streaming.Stream[{package}.models."
        "create_chat_completion_stream_response.CreateChatCompletionStreamResponse]",
        f"{package}.models.create_chat_completion_stream_response."
        "CreateChatCompletionStreamResponse",
        f"{package}.models.create_chat_completion_response.CreateChatCompletionResponse",
        f"{package}.models.create_chat_completion_response.CreateChatCompletionResponse | "
        f"{package}._runtime._streaming.Stream[{package}.models."
        "create_chat_completion_stream_response.CreateChatCompletionStreamResponse]",
    ], done.stdout
    assert ": error:" not in done.stdout, done.stdout

    report = pyright(script, folder)
    messages = [d["message"] for d in report["generalDiagnostics"]]
    shown = [m.split('"')[3] for m in messages if m.startswith("Type of")]
    assert shown == [
        "Stream[CreateChatCompletionStreamResponse]",
        "CreateChatCompletionStreamResponse",
        "CreateChatCompletionResponse",
        "CreateChatCompletionResponse | Stream[CreateChatCompletionStreamResponse]",
    ], messages
    assert not [d for d in report["generalDiagnostics"] if d["severity"] == "error"], messages


def test_responses_stream_dispatches_events_on_their_type(
    openai_client: ModuleType, server: LoopbackServer
) -> None:
    # `event: error` whose data is the spec's own `ResponseErrorEvent` is an item, not raised.
    delta = {"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0,
             "content_index": 0, "delta": "Hi", "sequence_number": 1, "logprobs": []}
    error = {"type": "error", "code": "server_error", "message": "boom", "param": None,
             "sequence_number": 2}
    body = (b"event: response.output_text.delta\ndata: " + json.dumps(delta).encode()
            + b"\n\nevent: error\ndata: " + json.dumps(error).encode() + b"\n\n")
    server.reply(200, chunks=[body[i:i + 16] for i in range(0, len(body), 16)])
    client = getattr(openai_client, openai_client.__all__[0])(base_url=server.url, api_key="k",
                                                              max_retries=0)
    with client.responses.create(model="gpt-4o-mini", input="Hi", stream=True) as stream:
        got = list(stream)
    assert [type(e).__name__ for e in got] == ["ResponseTextDeltaEvent", "ResponseErrorEvent"]
    assert got[0].delta == "Hi" and got[1].message == "boom"
    assert not any(openai_client.mismatches(e) for e in got)
    client.close()
