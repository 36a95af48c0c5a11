"""A minimal keep-alive HTTP/1.1 server on 127.0.0.1 that answers every request with one body.

Run as its own process (`python -m bench.loopback BODY.json [CONTENT-TYPE]`) so it works on the
second core and costs the measured client as little as possible: the tests' scripted server
records every request and would make every client look closer to the floor than it is. It prints
its port on the first line of stdout and serves until stdin closes or it is terminated.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_MAX_HEAD = 64 * 1024


class _Protocol(asyncio.Protocol):
    def __init__(self, reply: bytes) -> None:
        self.reply = reply
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:  # one reply per complete request; pipelined requests are answered in order
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > _MAX_HEAD and self.transport is not None:
                    self.transport.close()
                return
            length = _content_length(bytes(self.buffer[:end]))
            if len(self.buffer) < end + 4 + length:
                return
            del self.buffer[: end + 4 + length]
            if self.transport is not None:
                self.transport.write(self.reply)


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip() or b"0")
    return 0


def http_reply(body: bytes, content_type: str = "application/json") -> bytes:
    head = (
        "HTTP/1.1 200 OK\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    return head.encode("ascii") + body


async def _serve(body: bytes, content_type: str = "application/json") -> None:
    loop = asyncio.get_running_loop()
    reply = http_reply(body, content_type)
    server = await loop.create_server(lambda: _Protocol(reply), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    closed = asyncio.Event()
    loop.add_reader(sys.stdin.fileno(), closed.set)
    async with server:
        await closed.wait()


@contextmanager
def apart(body: Path, python: str | Path = sys.executable,
          content_type: str = "application/json") -> Iterator[int]:
    """This server, run by `python` in a process of its own, answering every request with the
    file `body` as `content_type`: its port. It is stopped when the block ends (its stdin
    closed)."""
    server = subprocess.Popen([str(python), "-m", "bench.loopback", str(body), content_type],
                              cwd=REPO,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        yield int(server.stdout.readline())
    finally:
        if server.stdin is not None:
            server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.terminate()
            server.wait()


def main() -> None:
    content_type = sys.argv[2] if len(sys.argv) > 2 else "application/json"
    asyncio.run(_serve(Path(sys.argv[1]).read_bytes(), content_type))


if __name__ == "__main__":
    main()
