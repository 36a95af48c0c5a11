"""Run a command once and measure it: wall time, peak RSS, exit code; and summarise runs.

Peak memory comes two ways, both reported:
- `rss_proc`: the RSS of the largest single process, exact (`ru_maxrss` from `os.wait4`, which
  covers the child and every descendant it waited for);
- `rss_tree`: the peak of the summed PSS (proportional set size) of the whole process tree,
  sampled from /proc every 50 ms: tools that format in worker processes, or shell out to ruff,
  pay for every process, while pages a forked worker still shares with its parent count once
  (summing RSS would count them in each process).
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

_PAGE = os.sysconf("SC_PAGE_SIZE")
_TAIL = 2000


@dataclass(frozen=True, slots=True)
class Sample:
    seconds: float
    rss_proc: int = 0  # bytes
    rss_tree: int = 0  # bytes, summed PSS
    failure: str = ""  # empty when the run succeeded
    cpu: float = 0.0  # seconds of CPU the measured code used, where a worker reports it
    note: str = ""  # a non-zero exit the caller tolerated (`run_measured(tolerate=...)`)

    @property
    def ok(self) -> bool:
        return not self.failure


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _pss(pid: int) -> int:
    """The proportional set size of one process in bytes (its RSS where PSS is unavailable)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(root: int) -> int:
    """The summed memory (PSS) of `root` and all its descendants, in bytes."""
    children = _children_map()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss(pid)
        todo.extend(children.get(pid, ()))
    return total


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            self.peak = max(self.peak, tree_rss(self.pid))


def run_measured(
    argv: Sequence[str | Path],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 900.0,
    sample_tree: bool = True,
    expect: Callable[[int], bool] = lambda code: code == 0,
    tolerate: Callable[[int, str], bool] = lambda code, output: False,
) -> Sample:
    """Run `argv` to completion; a non-zero exit (or one `expect` refuses) is a failure, unless
    `tolerate` accepts it (given the exit code and the output): then the sample counts, with the
    exit and the last lines as its note."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(a) for a in argv], cwd=cwd, env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        sampler = _TreeSampler(process.pid, 0.05)
        if sample_tree:
            sampler.start()
        killer = threading.Timer(timeout, lambda: _kill_group(process.pid))
        killer.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        killer.cancel()
        sampler.stop.set()
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    failure = note = ""
    if process.returncode > 0 and tolerate(process.returncode, text):
        note = f"exit {process.returncode}: {_last_lines(text)}"
    elif process.returncode < 0:
        failure = f"killed by signal {-process.returncode}" + (
            f" after the {timeout:.0f} s limit" if seconds >= timeout else ""
        )
    elif not expect(process.returncode):
        failure = f"exit {process.returncode}: {_last_lines(text)}"
    largest = usage.ru_maxrss * 1024  # kilobytes on Linux
    return Sample(seconds, largest, sampler.peak or largest, failure, note=note)


def _kill_group(pid: int) -> None:
    with suppress(OSError):
        os.killpg(pid, signal.SIGKILL)  # the group of the one child this module started


def _last_lines(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " / ".join(lines[-3:])[-_TAIL:] or "(no output)"


@dataclass(slots=True)
class Series:
    """The runs of one tool in one case."""

    samples: list[Sample] = field(default_factory=list)

    @property
    def failure(self) -> str:
        return next((s.failure for s in self.samples if not s.ok), "")

    @property
    def ok(self) -> bool:
        return bool(self.samples) and not self.failure

    def _values(self, key: Callable[[Sample], float]) -> list[float]:
        return [key(s) for s in self.samples if s.ok]

    def median(self, key: Callable[[Sample], float] = lambda s: s.seconds) -> float:
        return statistics.median(self._values(key))

    def min(self, key: Callable[[Sample], float] = lambda s: s.seconds) -> float:
        return min(self._values(key))

    def max(self, key: Callable[[Sample], float] = lambda s: s.seconds) -> float:
        return max(self._values(key))


T = TypeVar("T")


def alternate(tools: Sequence[T], runs: int, run_one: Callable[[T, int], Sample],
              progress: Callable[[str], None] = print,
              label: Callable[[T], str] = str) -> dict[T, Series]:
    """Run each tool `runs` times in turns (A B C A B C ...); a tool that fails is not run again."""
    series: dict[T, Series] = {tool: Series() for tool in tools}
    for index in range(runs):
        for tool in tools:
            if series[tool].failure:
                continue
            sample = run_one(tool, index)
            series[tool].samples.append(sample)
            state = f"{sample.seconds:8.3f} s" if sample.ok else f"FAILED: {sample.failure[:200]}"
            progress(f"    run {index + 1}/{runs} {label(tool):<28} {state}")
    return series
