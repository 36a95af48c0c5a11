"""A small scripted HTTP/1.1 server on 127.0.0.1 for behaviour tests of generated clients.

The server runs `http.server.ThreadingHTTPServer` in a daemon thread on an ephemeral port.
It records every request exactly as it came off the wire and answers each one with the
next scripted `Reply` from a FIFO queue:

    server.reply(503, headers={"retry-after-ms": "10"})
    server.reply(200, json={"ok": True})
    ... call the client ...
    assert len(server.requests) == 2
    assert server.requests[0].raw_path == "/v1/things/a%2Fb"

A reply can also be a callable `(RecordedRequest) -> Reply`, e.g. for pagination where
the answer depends on the request; `server.default` answers when the queue is empty
(by default a 599 telling the test it forgot to script a reply).

Connections are kept alive (HTTP/1.1) like a real API server. A reply can delay before
answering (`delay=`, woken early when the server stops), close the connection without
answering (`action="close"`) or reset it with a TCP RST (`action="reset"`). A reply with
`chunks` sends its body in those pieces (chunked transfer encoding), each written and flushed
`chunk_delay` seconds after the last, as a server streaming events does; `chunks_sent` counts
the pieces that went out before the client hung up.
"""

from __future__ import annotations

import json as _json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl

__all__ = ["LoopbackServer", "RecordedRequest", "Reply", "free_port"]

Action = Literal["close", "reset"]


@dataclass
class Reply:
    """One scripted answer.

    `json` is serialised compactly with `Content-Type: application/json`; `body` (bytes or
    str) is sent as is with `content_type`. Headers given in `headers` win over both.
    """

    status: int = 200
    json: Any = None
    body: bytes | str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str | None = None
    delay: float = 0.0
    action: Action | None = None
    reason: str | None = None
    chunks: list[bytes] | None = None
    chunk_delay: float = 0.0
    chunks_sent: int = 0

    def payload(self) -> tuple[bytes, str | None]:
        if self.body is not None:
            raw = self.body.encode() if isinstance(self.body, str) else self.body
            ctype = self.content_type
            if ctype is None and isinstance(self.body, str):
                ctype = "text/plain; charset=utf-8"
            return raw, ctype
        if self.json is not None:
            raw = _json.dumps(self.json, separators=(",", ":")).encode()
            return raw, self.content_type or "application/json"
        return b"", self.content_type


ReplySource = Reply | Callable[["RecordedRequest"], Reply]


@dataclass
class RecordedRequest:
    """A request exactly as the server read it off the socket."""

    method: str
    request_line: str
    raw_path: str  # the request target as sent: path + "?" + query, percent-encoding untouched
    path: str  # raw_path without the query string (still percent-encoded)
    query_string: str
    headers: list[tuple[str, str]]  # in wire order, names with their wire casing
    body: bytes
    http_version: str
    connection_id: int
    received_at: float  # time.monotonic() when the request had been read

    @property
    def query(self) -> list[tuple[str, str]]:
        """The decoded query pairs, in order (repeated keys kept)."""
        return parse_qsl(self.query_string, keep_blank_values=True)

    def header(self, name: str, default: str | None = None) -> str | None:
        """The (first) value of a header, name matched case-insensitively."""
        values = self.header_values(name)
        return values[0] if values else default

    def header_values(self, name: str) -> list[str]:
        lname = name.lower()
        return [v for k, v in self.headers if k.lower() == lname]

    def json(self) -> Any:
        return _json.loads(self.body)


def free_port() -> int:
    """A loopback port that nothing listens on (bound, noted, closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffer the reply so status line, headers and body leave in one write, and turn
    # Nagle off: otherwise a write-write-read pattern meets delayed ACKs (~40 ms a reply).
    wbufsize = -1
    server: _Server

    def setup(self) -> None:
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().setup()
        self.connection_id = self.server.owner._connection_opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.owner._connection_closed(self.connection_id, self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError, OSError):
            self.close_connection = True

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # CRLF after the chunk
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        owner = self.server.owner
        parts = self.requestline.split(" ")
        target = parts[1] if len(parts) >= 2 else self.path
        path, _, query_string = target.partition("?")
        record = RecordedRequest(
            method=self.command,
            request_line=self.requestline,
            raw_path=target,
            path=path,
            query_string=query_string,
            headers=list(self.headers.items()),
            body=self._read_body(),
            http_version=self.request_version,
            connection_id=self.connection_id,
            received_at=time.monotonic(),  # evaluated after the body has been read
        )
        reply = owner._record_and_take(record)

        if reply.delay > 0 and owner._stopping.wait(reply.delay):
            self._drop(reset=False)
            return
        if reply.action is not None:
            self._drop(reset=reply.action == "reset")
            return

        if reply.chunks is not None:
            self._send_chunks(reply, owner)
            return
        raw, ctype = reply.payload()
        self.send_response(reply.status, reply.reason)
        names = {k.lower() for k in reply.headers}
        if ctype is not None and "content-type" not in names:
            self.send_header("Content-Type", ctype)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(raw)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if any(k.lower() == "connection" and v.lower() == "close"
               for k, v in reply.headers.items()):
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(raw)
        self.wfile.flush()

    def _send_chunks(self, reply: Reply, owner: LoopbackServer) -> None:
        """The body in `reply.chunks`, each its own HTTP chunk, flushed after `chunk_delay`."""
        assert reply.chunks is not None
        self.send_response(reply.status, reply.reason)
        self.send_header("Content-Type", reply.content_type or "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()
        try:
            for piece in reply.chunks:
                if reply.chunk_delay and owner._stopping.wait(reply.chunk_delay):
                    break
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
                reply.chunks_sent += 1
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _drop(self, *, reset: bool) -> None:
        """End the connection without an answer; with `reset`, by a TCP RST."""
        self.close_connection = True
        try:
            if reset:
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: LoopbackServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up is part of the tests, not an error to print


class LoopbackServer:
    """A scripted HTTP server on 127.0.0.1; use `start()`/`stop()` or `with`."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.default: ReplySource = Reply(599, body="no reply scripted for this request")
        self._queue: deque[ReplySource] = deque()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._open: dict[int, socket.socket] = {}
        self._next_connection = 0
        self.connections_opened = 0
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------- lifecycle
    def start(self) -> LoopbackServer:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"loopback-server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, wake delayed replies, drop open connections, join the threads."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            open_sockets = list(self._open.values())
        for sock in open_sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.wait_idle(timeout=2.0)
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._httpd = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------- scripting
    def reply(self, status: int = 200, **kwargs: Any) -> Reply:
        """Queue one reply (the arguments of `Reply`) and return it."""
        reply = Reply(status, **kwargs)
        self.enqueue(reply)
        return reply

    def enqueue(self, *replies: ReplySource) -> None:
        """Queue replies or callables `(RecordedRequest) -> Reply`, answered in order."""
        with self._lock:
            self._queue.extend(replies)

    def script(self, replies: Iterable[ReplySource]) -> None:
        self.enqueue(*replies)

    @property
    def pending(self) -> int:
        """How many scripted replies have not been used yet."""
        with self._lock:
            return len(self._queue)

    # ------------------------------------------------------------- observing
    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._open)

    def wait_idle(self, timeout: float = 2.0) -> bool:
        """Wait until no client connection is open; True if that happened in time."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._open, timeout=timeout)

    def wait_for_requests(self, count: int, timeout: float = 2.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.requests) >= count, timeout=timeout)

    # ------------------------------------------------------------- handler hooks
    def _record_and_take(self, record: RecordedRequest) -> Reply:
        with self._changed:
            self.requests.append(record)
            source = self._queue.popleft() if self._queue else self.default
            self._changed.notify_all()
        return source(record) if callable(source) else source

    def _connection_opened(self, sock: socket.socket) -> int:
        with self._changed:
            self._next_connection += 1
            self.connections_opened += 1
            self._open[self._next_connection] = sock
            self._changed.notify_all()
            return self._next_connection

    def _connection_closed(self, connection_id: int, sock: socket.socket) -> None:
        with suppress(OSError):
            sock.close()
        with self._changed:
            self._open.pop(connection_id, None)
            self._changed.notify_all()
