"""Prism (`@stoplight/prism-cli`, pinned; installed by `make contract` into the contract cache)
in mock mode: request validation on (`--errors`), dynamic responses from the schemas
(`--dynamic`) with a fixed `--seed` so two runs answer the same."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

VERSION = "5.14.2"  # 5.15+ needs node 24; the machine's node is 20
SEED = "17"
START_TIMEOUT = 420.0  # stripe.com (2.5 MB) takes minutes on a loaded machine


def prism_bin(cache: Path) -> Path:
    return cache / "npm" / "node_modules" / ".bin" / "prism"


def check_prism(cache: Path) -> str | None:
    """Why the pinned Prism is not there (None when it is)."""
    package = cache / "npm" / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    try:
        found = json.loads(package.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return (f"no Prism under {cache}/npm: run `make contract`, or `npm install --no-save "
                f"--prefix {cache}/npm @stoplight/prism-cli@{VERSION}`")
    return None if found == VERSION else f"Prism {found} under {cache}, not the pinned {VERSION}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mock:
    """One Prism process for one spec; `start` waits until it listens, `stop` ends it and the
    node processes it started (its own process group)."""

    def __init__(self, cache: Path, spec: Path, log: Path) -> None:
        self.cache, self.spec, self.log = cache, spec, log
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> str | None:
        """None when listening, else why not (the end of its log)."""
        command = [str(prism_bin(self.cache)), "mock", str(self.spec), "-h", "127.0.0.1",
                   "-p", str(self.port), "--errors", "--dynamic", "--seed", SEED]
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return f"prism exited with {self.process.returncode}: {self._tail()}"
            if b"Prism is listening" in self.log.read_bytes():
                return None
            time.sleep(0.3)
        self.stop()
        return f"prism did not listen within {START_TIMEOUT:.0f} s: {self._tail()}"

    def alive(self, grace: float = 2.0) -> bool:
        """Whether it still runs `grace` seconds on (a crash takes a moment to end it)."""
        deadline = time.monotonic() + grace
        while self.process is not None and self.process.poll() is None:
            if time.monotonic() > deadline:
                return True
            time.sleep(0.1)
        return False

    def crash_report(self) -> str:
        """What the log says about the crash: the error line and the first frame."""
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        errors = [i for i, x in enumerate(lines) if "Error" in x and "at " not in x]
        if not errors:
            return self._tail()
        start = errors[-1]
        return " | ".join(x.strip() for x in lines[start:start + 2])[:500]

    def restart(self) -> str | None:
        self.stop()
        self.restarts += 1
        self.log = self.log.with_name(f"prism-{self.restarts}.log")
        self.port = free_port()
        return self.start()

    def _tail(self) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return " | ".join(line.strip() for line in text.splitlines()[-4:])[-600:]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
