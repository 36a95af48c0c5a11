"""A server process on 127.0.0.1: started in its own process group, waited for, always stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx


class ServerFailed(Exception):
    """The server did not start, or stopped by itself; the message ends with its log."""


def free_port() -> int:
    """A port nothing listens on now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Running:
    """A started server: where it listens, its log, how long it took to answer."""

    url: str
    log: Path
    process: subprocess.Popen[bytes]
    ready_seconds: float = 0.0

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _wait_ready(server: Running, ready_path: str, timeout: float) -> None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if server.process.poll() is not None:
            raise ServerFailed(f"exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(server.url + ready_path, timeout=2).status_code == 200:
                server.ready_seconds = time.monotonic() - start
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise ServerFailed(f"not ready after {timeout:.0f} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM to the server's own process group (it may have started workers), then SIGKILL."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(grace)
        except ProcessLookupError:
            pass
    else:  # the leader is gone; a worker it left behind is still in its group
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def serve(command: Sequence[str], *, port: int, cwd: Path, env: Mapping[str, str],
          ready_path: str, timeout: float = 90.0) -> Iterator[Running]:
    """Start `command` (which listens on `port`), yield once `ready_path` answers 200, stop it on
    the way out, whatever happened in between."""
    log = cwd / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(command), cwd=cwd, env={**os.environ, **env}, stdin=subprocess.DEVNULL,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    server = Running(f"http://127.0.0.1:{port}", log, process)
    try:
        _wait_ready(server, ready_path, timeout)
        yield server
    finally:
        _stop(process)
