"""How generation grows: sdkforge on specs of several sizes, wall time and peak memory of the
whole process tree, and the fitted growth exponent (least squares on log-log).

    .venv/bin/python -m bench.growth 1000 10000 50000        synthetic specs of N operations
    .venv/bin/python -m bench.growth --spec PATH [--spec PATH] real specs, one row each
    ... --check     also time `sdkforge check` on each freshly written folder, checked once
    ... --runs 3    runs per size, alternating sizes; medians

An exponent of 1.0 is linear; the target (issue 18) is <= 1.1 from 1,000 to 50,000 operations.
Uses this checkout's `.venv/bin/sdkforge` unless `--sdkforge` names another command
(`--sdkforge "python -m sdkforge.cli"` with a PYTHONPATH, to measure another revision).
"""

from __future__ import annotations

import argparse
import shlex
import statistics
from collections.abc import Sequence
from pathlib import Path

from . import synth
from .layout import PROJECT_BIN, SDKFORGE, WORK, env, fresh
from .measure import Sample, run_measured
from .scale_report import fit_exponent

_MB = 1024 * 1024


def _run(command: list[str], args: list[str | Path], root: Path) -> Sample:
    return run_measured([*command, *args], cwd=root, env=env(PROJECT_BIN, cache=root / ".cache"),
                        timeout=1800)


def measure(label: str, spec: Path, command: list[str],
            check: bool) -> tuple[Sample, Sample | None]:
    """A cold generation (no cache); with `check`, a first `check` of its output (which
    generates again, and leaves its record in the cache) is run, then the `check` timed."""
    root = fresh(WORK / "growth" / label)
    out = root / "out"
    generated = _run(command, ["generate", spec, "-o", out, "-q", "--no-cache"], root)
    if not check:
        return generated, None
    _run(command, ["check", spec, "-o", out], root)
    return generated, _run(command, ["check", spec, "-o", out], root)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", help="synthetic spec sizes (operations)")
    parser.add_argument("--spec", type=Path, action="append", default=[])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--sdkforge", default=str(SDKFORGE))
    args = parser.parse_args(argv)
    command = shlex.split(args.sdkforge)
    cases: list[tuple[str, Path, int]] = [(spec.stem, spec.resolve(), 0) for spec in args.spec]
    for size in args.sizes:
        path = WORK / "growth" / f"synth-{size}.json"
        if not path.exists():
            synth.write_apart(path, size)
        cases.append((f"synth-{size}", path, size))
    results: dict[str, list[tuple[Sample, Sample | None]]] = {label: [] for label, _, _ in cases}
    for index in range(args.runs):
        for label, spec, _ in cases:
            generated, checked = measure(label, spec, command, args.check)
            results[label].append((generated, checked))
            extra = f", check {checked.seconds:.2f} s" if checked else ""
            state = generated.failure or (f"{generated.seconds:.1f} s, tree "
                                          f"{generated.rss_tree / _MB:.0f} MB, largest process "
                                          f"{generated.rss_proc / _MB:.0f} MB{extra}")
            print(f"run {index + 1} {label}: {state}", flush=True)
    print("\n| spec | seconds | tree peak MB | largest process MB | check s |")
    print("|---|---:|---:|---:|---:|")
    medians: list[tuple[int, float, float]] = []
    for label, _, size in cases:
        ok = [(g, c) for g, c in results[label] if g.ok]
        if not ok:
            print(f"| {label} | failed | | | |")
            continue
        seconds = statistics.median(g.seconds for g, _ in ok)
        tree = statistics.median(g.rss_tree for g, _ in ok) / _MB
        proc = statistics.median(g.rss_proc for g, _ in ok) / _MB
        checks = [c.seconds for _, c in ok if c is not None and c.ok]
        shown = f"{statistics.median(checks):.2f}" if checks else ""
        print(f"| {label} | {seconds:.1f} | {tree:.0f} | {proc:.0f} | {shown} |")
        if size:
            medians.append((size, seconds, tree))
    if len(medians) >= 2:
        time = fit_exponent([(size, seconds) for size, seconds, _ in medians])
        memory = fit_exponent([(size, tree) for size, _, tree in medians])
        print(f"\ngrowth exponent: time {time:.2f}, tree memory {memory:.2f}")


if __name__ == "__main__":
    main()
