"""Event streams over real sockets: server-sent events, ndjson and JSON text sequences, written
by the loopback server slowly, in chunks that split lines, events and UTF-8 characters.

The spec (`streams.yaml`, next to this file) has a chat operation answering JSON or, with
`stream: true`, server-sent chunks; an untyped event stream; an ndjson and a json-seq stream.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .packages import ClientOfKind, generated_package
from .server import LoopbackServer

SPEC = (Path(__file__).parent / "streams.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated_package(tmp_path_factory.mktemp("streams"), SPEC, "streams_pkg") as module:
        yield module


@pytest.fixture
def client(pkg: ModuleType, kind: str, server: LoopbackServer) -> Iterator[ClientOfKind]:
    made = ClientOfKind(pkg, kind, server.url)
    yield made
    made.close()


def items(c: ClientOfKind, stream: Any, limit: int | None = None) -> list[Any]:
    """The stream's items (the first `limit`), sync or async."""
    if not c.asynchronous:
        return [item for _, item in zip(range(limit or 10**9), stream, strict=False)]

    async def collect() -> list[Any]:
        found = []
        async for item in stream:
            found.append(item)
            if limit is not None and len(found) == limit:
                break
        return found

    return list(c.run(collect()))


def split(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def sse(*events: Any) -> bytes:
    return b"".join(b"data: " + json.dumps(e, ensure_ascii=False).encode() + b"\n\n"
                    for e in events)


CHUNKS = [{"id": "c1", "delta": "Grüße, "}, {"id": "c1", "delta": "wörld ✓"},
          {"id": "c1", "delta": "!"}]


def test_chat_stream_true_iterates_typed_chunks_split_anywhere(
    pkg: ModuleType, client: ClientOfKind, server: LoopbackServer
) -> None:
    # 5-byte pieces cut lines, `data:` prefixes and the two- and three-byte characters.
    body = sse(*CHUNKS) + b"data: [DONE]\n\n" + b"data: {not json}\n\n"
    reply = server.reply(200, chunks=split(body, 5), chunk_delay=0.002)
    stream = client.call("chat.create", prompt="hi", stream=True)
    assert stream.response.status_code == 200
    assert stream.response.headers["content-type"] == "text/event-stream"
    got = items(client, stream)
    assert [c.delta for c in got] == ["Grüße, ", "wörld ✓", "!"]
    assert all(isinstance(c, pkg.models.Chunk) for c in got)
    assert server.requests[0].json() == {"prompt": "hi", "stream": True}
    assert reply.chunks_sent > 10  # it did arrive in pieces
    assert stream.response.is_closed


def test_chat_without_stream_returns_the_completion(
    pkg: ModuleType, client: ClientOfKind, server: LoopbackServer
) -> None:
    server.reply(200, json={"id": "x", "text": "whole"})
    done = client.call("chat.create", prompt="hi")
    assert isinstance(done, pkg.models.Completion) and done.text == "whole"
    server.reply(200, json={"id": "y", "text": "whole"})
    assert client.call("chat.create", prompt="hi", stream=False).id == "y"
    assert server.requests[1].json() == {"prompt": "hi", "stream": False}


def test_stream_as_context_manager_closed_early_closes_the_connection(
    client: ClientOfKind, server: LoopbackServer
) -> None:
    body = sse(*[{"id": str(i), "delta": "x" * 50} for i in range(400)])
    reply = server.reply(200, chunks=split(body, 64), chunk_delay=0.005)
    stream = client.call("chat.create", prompt="hi", stream=True)
    first = items(client, stream, limit=2)
    assert [c.id for c in first] == ["0", "1"]
    client.run(stream.close())
    assert stream.response.is_closed
    assert server.wait_idle(timeout=5.0)  # the server saw the connection go
    assert reply.chunks_sent < len(split(body, 64))


def test_event_error_raises_the_typed_error(
    pkg: ModuleType, client: ClientOfKind, server: LoopbackServer
) -> None:
    error = {"error": {"message": "overloaded", "code": "busy"}}
    body = sse(CHUNKS[0]) + b"event: error\ndata: " + json.dumps(error).encode() + b"\n\n"
    server.reply(200, chunks=split(body, 7))
    stream = client.call("chat.create", prompt="hi", stream=True)
    with pytest.raises(pkg.APIStreamError) as raised:
        items(client, stream)
    assert raised.value.message == "overloaded" and raised.value.event == "error"
    assert isinstance(raised.value.body, pkg.models.ErrorResponse)
    assert raised.value.body.error.code == "busy"
    assert stream.response.is_closed


def test_an_error_payload_without_event_raises(
    pkg: ModuleType, client: ClientOfKind, server: LoopbackServer
) -> None:
    server.reply(200, chunks=[sse(CHUNKS[0]), sse({"error": {"message": "quota"}})])
    stream = client.call("chat.create", prompt="hi", stream=True)
    with pytest.raises(pkg.APIStreamError, match="quota"):
        items(client, stream)


def test_status_is_retried_then_the_stream_read(
    pkg: ModuleType, kind: str, server: LoopbackServer
) -> None:
    c = ClientOfKind(pkg, kind, server.url)
    c.client = c.client.with_options(max_retries=1)
    try:
        server.reply(503, json={"error": {"message": "later"}}, headers={"retry-after-ms": "1"})
        server.reply(200, chunks=[sse(CHUNKS[2])])
        stream = c.call("chat.create", prompt="hi", stream=True)
        assert [x.delta for x in items(c, stream)] == ["!"]
        assert len(server.requests) == 2
        server.reply(400, json={"error": {"message": "bad"}})
        with pytest.raises(pkg.BadRequestError) as raised:
            c.call("chat.create", prompt="hi", stream=True)
        assert isinstance(raised.value.body, pkg.models.ErrorResponse)
    finally:
        c.close()


def test_untyped_events_are_server_sent_events(
    pkg: ModuleType, client: ClientOfKind, server: LoopbackServer
) -> None:
    body = ("\ufeff: a comment\r\nretry: 3000\r\nid: 7\r\nevent: tick\r\ndata: one\r\n"
            "data: two\r\n\r\ndata\r: only data, default type\rdata:x\r\n\r\n"
            "event: lost\r\n\r\nid: 8\nevent: lost-at-the-end\ndata: never").encode()
    server.reply(200, chunks=split(body, 1))  # CR and LF of a CRLF in separate chunks
    stream = client.call("events.list")
    got = items(client, stream)
    assert all(isinstance(e, pkg.ServerSentEvent) for e in got)
    assert [(e.event, e.data, e.id, e.retry) for e in got] == [
        ("tick", "one\ntwo", "7", 3000), ("message", "\nx", "7", 3000)]


def test_ndjson_items_typed_and_a_mismatch_kept(
    pkg: ModuleType, client: ClientOfKind, server: LoopbackServer
) -> None:
    body = (b'{"level": "info", "message": "start"}\r\n\n'
            b'{"level": "debug", "message": "new level"}\n'
            b'{"level": "error", "message": "last, no line end"}')
    server.reply(200, chunks=split(body, 9), content_type="application/x-ndjson")
    got = items(client, client.call("logs.tail_logs"))
    assert [line.message for line in got] == ["start", "new level", "last, no line end"]
    assert got[1].level == "debug" and pkg.mismatches(got[1])  # kept as sent, reported
    assert not pkg.mismatches(got[0])


def test_async_with_closes(pkg: ModuleType, server: LoopbackServer) -> None:
    c = ClientOfKind(pkg, "async", server.url)
    try:
        server.reply(200, chunks=[sse(*CHUNKS)] * 50, chunk_delay=0.01)

        async def first() -> tuple[str, Any]:
            stream = await c.client.chat.create(prompt="hi", stream=True)
            async with stream:
                async for chunk in stream:
                    return chunk.delta, stream
            raise AssertionError("no chunk")

        delta, stream = c.run(first())
        assert delta == "Grüße, " and stream.response.is_closed
        assert server.wait_idle(timeout=5.0)
    finally:
        c.close()


def test_json_seq_items(client: ClientOfKind, server: LoopbackServer) -> None:
    body = b'\x1e{"level": "info", "message": "a"}\n\x1e{"level": "info",\n "message": "b"}\n'
    server.reply(200, chunks=split(body, 4), content_type="application/json-seq")
    assert [x.message for x in items(client, client.call("seq.tail_seq"))] == ["a", "b"]


def test_decoder_gives_the_same_events_however_the_bytes_are_cut(pkg: ModuleType) -> None:
    decoder_type = pkg._runtime._streaming.SSEDecoder
    body = ("\ufeffid: 1\r\ndata: é\r\n\r\nevent: x\rdata: {\"a\": \"✓\"}\r\r"
            "data: last\n\n").encode()
    whole = decoder_type().feed(body)
    assert [(e, d.decode(), i) for e, d, i, _ in whole] == [
        ("message", "é", "1"), ("x", '{"a": "✓"}', "1"), ("message", "last", "1")]
    for size in (1, 2, 3, 5):
        decoder = decoder_type()
        pieces = [event for part in split(body, size) for event in decoder.feed(part)]
        assert pieces == whole


def test_a_union_of_events_dispatches_on_its_tag(
    pkg: ModuleType, client: ClientOfKind, server: LoopbackServer
) -> None:
    body = (b"event: listed\ndata: {\"type\": \"listed\", \"pet\": \"Rex\"}\n\n"
            b"event: sold\ndata: {\"type\": \"sold\", \"price\": 12.5}\n\n"
            b"data: {\"type\": \"adopted\", \"pet\": \"Rex\"}\n\n")
    server.reply(200, chunks=split(body, 11))
    got = items(client, client.call("feed.follow_feed"))
    assert [type(e).__name__ for e in got[:2]] == ["Listed", "Sold"]
    assert got[1].price == 12.5
    # A tag the spec does not know: kept as sent, reported, not dropped.
    assert got[2] == {"type": "adopted", "pet": "Rex"}
    assert [m.kind for m in pkg.mismatches(got[2])] == ["union_tag_invalid"]


def test_a_timeout_while_streaming_raises_the_clients_timeout_error(
    pkg: ModuleType, kind: str, server: LoopbackServer
) -> None:
    c = ClientOfKind(pkg, kind, server.url)
    c.client = c.client.with_options(timeout=0.3)
    try:
        server.reply(200, chunks=[sse(CHUNKS[0]), sse(CHUNKS[1])], chunk_delay=2.0)
        stream = c.call("chat.create", prompt="hi", stream=True)  # the status came at once
        with pytest.raises(pkg.APITimeoutError):
            items(c, stream)
        assert stream.response.is_closed
    finally:
        c.close()


def test_raw_response_parses_into_the_stream(
    pkg: ModuleType, client: ClientOfKind, server: LoopbackServer
) -> None:
    server.reply(200, chunks=[sse(*CHUNKS)], headers={"x-request-id": "req_1"})
    raw = client.call("chat.with_raw_response.create", prompt="hi", stream=True)
    assert raw.headers["x-request-id"] == "req_1"
    stream = raw.parse()
    assert type(stream).__name__ == ("AsyncStream" if client.asynchronous else "Stream")
    assert [c.delta for c in items(client, stream)] == [c["delta"] for c in CHUNKS]


def test_strict_validation_raises_on_a_mismatching_item(
    pkg: ModuleType, kind: str, server: LoopbackServer
) -> None:
    c = ClientOfKind(pkg, kind, server.url, strict_response_validation=True)
    try:
        server.reply(200, chunks=[sse(CHUNKS[0], {"id": "c1"})])  # `delta` is required
        stream = c.call("chat.create", prompt="hi", stream=True)
        with pytest.raises(pkg.APIResponseValidationError) as raised:
            items(c, stream)
        assert [m.path for m in raised.value.mismatches] == [("delta",)]
    finally:
        c.close()
