"""What the generated client costs the person who uses it, beside the incumbent SDKs (issue 18).

Shared by `bench.first_call` and `bench.graph_package`: the peers' virtualenv (pinned, in
~/.cache/sdkforge-bench, outside the repository), a loopback server answering one body, a
snippet timed in a fresh interpreter, medians and the markdown table. The peers' venv also runs
sdkforge's clients (put on PYTHONPATH, or installed into it), so both sides share one httpx and
one pydantic.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .layout import REPO, SDKFORGE, WORK
from .loopback import apart

CACHE = Path(os.environ.get("SDKFORGE_BENCH_CACHE", Path.home() / ".cache" / "sdkforge-bench"))
PINS = (
    "openai==3.51.0",
    "msgraph-sdk==1.65.0",
    "mypy==2.4.1",
    "httpx==0.29.0",
    "pydantic==2.14.4",
)
PEERS = CACHE / "peers"
PEER_PYTHON = PEERS / "bin" / "python"
USER_WORK = WORK / "userside"


def ensure_peers() -> Path:
    """The peers' venv with PINS installed (made once; remade when the pins change)."""
    stamp = PEERS / ".pins"
    wanted = "\n".join(PINS)
    if stamp.exists() and stamp.read_text() == wanted:
        return PEER_PYTHON
    subprocess.run([sys.executable, "-m", "venv", "--clear", PEERS], check=True)
    subprocess.run([PEER_PYTHON, "-m", "pip", "install", "--quiet", *PINS], check=True)
    stamp.write_text(wanted)
    return PEER_PYTHON


def generate(spec: Path, out: Path, *extra: str) -> Path:
    """sdkforge's package for `spec` in `out`, reused while `sdkforge check` finds it what this
    sdkforge writes (a second), generated again when not (a change of the generator)."""
    if (out / ".sdkforge-manifest.json").exists():
        check: list[str | Path] = [SDKFORGE, "check", spec, "-o", out, *extra]
        if subprocess.run(check, cwd=REPO, capture_output=True).returncode == 0:
            return out
    argv: list[str | Path] = [SDKFORGE, "generate", spec, "-o", out, "--no-cache", "--quiet",
                              *extra]
    subprocess.run(argv, check=True, cwd=REPO)
    return out


@contextmanager
def loopback(body: bytes, content_type: str = "application/json") -> Iterator[int]:
    """`bench.loopback` in its own process answering every request with `body`: its port."""
    USER_WORK.mkdir(parents=True, exist_ok=True)
    path = USER_WORK / f"body-{os.getpid()}-{abs(hash(body))}.json"
    path.write_bytes(body)
    try:
        with apart(path, content_type=content_type) as port:
            yield port
    finally:
        path.unlink(missing_ok=True)


def run_snippet(python: Path, code: str, env: Mapping[str, str],
                args: Sequence[str] = ()) -> dict[str, float]:
    """Run `code` in a fresh interpreter; it prints one JSON object of numbers as its last line."""
    done = subprocess.run([python, "-c", code, *args], env=dict(env), cwd=USER_WORK,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"snippet failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def alternate(runs: int, takes: Mapping[str, tuple[Path, str, Mapping[str, str], Sequence[str]]]
              ) -> dict[str, list[dict[str, float]]]:
    """Each snippet once untimed (bytecode written), then `runs` fresh runs each, taking turns."""
    USER_WORK.mkdir(parents=True, exist_ok=True)
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in takes}
    for python, code, env, args in takes.values():
        run_snippet(python, code, env, args)
    for index in range(runs):
        names = list(takes)
        order = names[index % len(names):] + names[: index % len(names)]
        for name in order:
            python, code, env, args = takes[name]
            samples[name].append(run_snippet(python, code, env, args))
    return samples


def median(samples: Sequence[Mapping[str, float]], key: str) -> float:
    return statistics.median(sample[key] for sample in samples)


@dataclass(frozen=True, slots=True)
class Row:
    """One measured quantity: sdkforge's value, the peer's (None: not measured), the unit."""

    metric: str
    sdkforge: float | None
    peer: float | None
    unit: str
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.sdkforge is None or not self.peer:
            return None
        return self.sdkforge / self.peer


def _cell(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:,.0f}" + (f" {unit}" if unit else "")


def table(rows: Sequence[Row], peer: str) -> str:
    lines = [f"| | sdkforge | {peer} | ratio | note |", "|---|---|---|---|---|"]
    for row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}x"
        lines.append(f"| {row.metric} | {_cell(row.sdkforge, row.unit)} | "
                     f"{_cell(row.peer, row.unit)} | {ratio} | {row.note} |")
    return "\n".join(lines)
