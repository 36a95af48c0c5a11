"""Cases 5 and 6: the generated clients at run time, against the floor and openapi-python-client.

Both clients are generated from the seed spec (`specs/mixpeek-trigger-history.yaml`) into
bench/.work/clients at bench time. Each run is a fresh `bench/.venv` interpreter
(`bench.workers`) in which the three clients take turns, sharing one httpx and one pydantic.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from functools import partial
from pathlib import Path

from . import bodies, loopback
from .layout import (
    OPC,
    PEER_BIN,
    PEER_PYTHON,
    REPO,
    SDK,
    SEED,
    WORK,
    env,
    fresh,
    generate_argv,
    tool_env,
)
from .measure import Sample, Series, run_measured
from .results import Results, Row

Progress = Callable[[str], None]
CLIENTS = (SDK, "floor", "opc")
BLOCK = 100  # calls per client per turn in case 5
LABELS = {SDK: SDK, "floor": "floor", "opc": OPC}
FLOORS = {
    "calls": "raw httpx.{Client}.post + json.loads",
    "parse": "pydantic TypeAdapter(TriggerHistoryResponse).validate_json",
}


def prepare(results: Results) -> list[Path] | None:
    """Generate the seed spec's client with sdkforge and with openapi-python-client."""
    paths = []
    for tool in (SDK, OPC):
        root = fresh(WORK / "clients" / tool)
        sample = run_measured(generate_argv(tool, SEED, root / "out"), cwd=root,
                              env=tool_env(tool, root / ".cache"))
        if not sample.ok:
            results.failures.append(
                f"cases 5-6: {tool} could not generate the seed client: {sample.failure}"
            )
            return None
        paths.append(root / "out")
    return paths


def _worker(pythonpath: list[Path], *args: str) -> dict[str, Sample]:
    """One fresh interpreter measuring all three clients in turns: a sample for each."""
    done = subprocess.run([PEER_PYTHON, "-m", "bench.workers", *args], cwd=REPO,
                          capture_output=True, text=True, env=env(PEER_BIN, pythonpath=pythonpath),
                          timeout=900)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        failed = Sample(0.0, failure=f"exit {done.returncode}: {' / '.join(lines[-3:])}")
        return {client: failed for client in CLIENTS}
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    return {client: Sample(float(measured[client]["seconds"]), cpu=float(measured[client]["cpu"]))
            for client in CLIENTS}


def _runs(runs: int, measure: Callable[[], dict[str, Sample]], progress: Progress,
          what: str) -> dict[str, Series]:
    series = {client: Series() for client in CLIENTS}
    for index in range(runs):
        samples = measure()
        for client, sample in samples.items():
            series[client].samples.append(sample)
        shown = ", ".join(f"{LABELS[c]} {s.seconds * 1000:.1f} ms" if s.ok
                          else f"{LABELS[c]} FAILED: {s.failure[:200]}"
                          for c, s in samples.items())
        progress(f"    run {index + 1}/{runs} {what}: {shown}")
        if any(not s.ok for s in samples.values()):
            break
    return series


def _cpu_note(series: Series, mine: Series | None) -> str:
    """The client's own CPU time (steadier than wall time on a shared machine) and its ratio."""
    if not series.ok:
        return ""
    cpu = series.median(lambda s: s.cpu)
    note = f"client CPU {cpu * 1000:.1f} ms"
    if mine is not None and mine.ok:
        note += f" (sdkforge ÷ tool {mine.median(lambda s: s.cpu) / cpu:.2f}x)"
    return note


def calls(pythonpath: list[Path], count: int, runs: int, results: Results,
          progress: Progress) -> None:
    """Case 5: `count` sequential calls of the seed endpoint against a loopback server."""
    body = WORK / "clients" / "history-10.json"
    body.write_bytes(bodies.trigger_history(SEED, 10))
    with loopback.apart(body, PEER_PYTHON) as port:
        url = f"http://127.0.0.1:{port}"
        progress(f"case 5: {count} sequential calls against {url} "
                 "(a 10-item TriggerHistoryResponse each)")
        series: dict[str, dict[str, Series]] = {}
        for mode in ("sync", "async"):
            worker = partial(_worker, pythonpath, "calls", mode, url, str(count), str(BLOCK))
            series[mode] = _runs(runs, worker, progress, mode)
    for mode in ("sync", "async"):
        case = f"5 {count:,} calls, {mode}"
        mine = series[mode][SDK]
        for client in CLIENTS:
            versus = None if client == SDK else mine
            note = _cpu_note(series[mode][client], versus)
            if client == "floor":
                client_class = "Client" if mode == "sync" else "AsyncClient"
                note += "; " + FLOORS["calls"].format(Client=client_class)
            results.add(Row(case, LABELS[client], series[mode][client], "ms", versus, note=note))


def parse(pythonpath: list[Path], items: int, repeat: int, runs: int, results: Results,
          progress: Progress) -> None:
    """Case 6: bytes of a TriggerHistoryResponse with `items` executions -> the parsed model."""
    body = WORK / "clients" / f"history-{items}.json"
    body.write_bytes(bodies.trigger_history(SEED, items))
    progress(f"case 6: parse a {items}-item TriggerHistoryResponse "
             f"({body.stat().st_size:,} bytes), median of {repeat}")
    series = _runs(runs, lambda: _worker(pythonpath, "parse", str(body), str(repeat)),
                   progress, "parse")
    case = f"6 parse {items:,} items"
    notes = {SDK: "the runtime's response step for the method's own Call", "floor": FLOORS["parse"],
             "opc": "TriggerHistoryResponse.from_dict(json.loads(body))"}
    for client in CLIENTS:
        versus = None if client == SDK else series[SDK]
        note = f"{_cpu_note(series[client], versus)}; {notes[client]}"
        results.add(Row(case, LABELS[client], series[client], "ms", versus, note=note))
