"""`python -m bench [--quick] [--runs N] [--cases 1,2,...,scale]`: run the benchmark, write the
table.

Exit status: 0 when every tool that has to work worked, whatever the numbers; 1 when sdkforge
failed anywhere, when a floor failed, or when a peer failed where it is expected to work (both
peers on the Mixpeek spec, openapi-python-client on the seed spec). A peer failing on OpenAI's
spec is recorded as "failed" with its reason and does not change the exit status.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import clients, generation, report, synth
from .layout import OPC, PROJECT_BIN, REPO, SDK, SDKFORGE, SHARED, WORK, Spec
from .measure import Series
from .results import Results, Target

RULE = (__doc__ or "").split("Exit status: ", 1)[1].strip().replace("\n", " ")
ALL_CASES = ("1", "2", "3", "4", "5", "6", "scale", "profile")
MIXPEEK = Spec("Mixpeek 2026-01-20", SHARED / "mixpeek" / "openapi-2026-01-20.json")


@dataclass(frozen=True, slots=True)
class Plan:
    runs: int
    cold: tuple[tuple[Spec, int, bool], ...]  # spec, runs, peers may fail on it
    bump: tuple[Spec, Spec]
    import_runs: int
    calls: int
    parse_items: int
    parse_repeat: int
    scale_sizes: tuple[int, ...]
    scale_runs: int
    scale_limit: float
    profile_spec: Spec


def full_plan(runs: int, openai_runs: int, scale_limit: float) -> Plan:
    openai = (Spec("OpenAI", SHARED / "public" / "openai-openapi.yaml"), openai_runs, True)
    return Plan(
        runs=runs,
        cold=((MIXPEEK, runs, False), openai) if openai_runs > 0 else ((MIXPEEK, runs, False),),
        bump=(Spec("Mixpeek 2026-01-03", SHARED / "mixpeek" / "openapi-2026-01-03.json"), MIXPEEK),
        import_runs=max(10, runs), calls=2000, parse_items=1000, parse_repeat=200,
        scale_sizes=(100, 1000, 10000), scale_runs=1, scale_limit=scale_limit, profile_spec=MIXPEEK,
    )


def quick_plan() -> Plan:
    """One run each on small inputs: the whole harness in a few minutes, for development."""
    old = synth.write(WORK / "quick" / "synth-40.json", 40)
    new = synth.write(WORK / "quick" / "synth-40-bumped.json", 40, revision=1)
    seed = Spec("seed (trigger history)", SHARED / "mixpeek" / "trigger-history-seed.yaml")
    petstore = Spec("petstore-expanded", SHARED / "public" / "oai-v3.0-petstore-expanded.yaml")
    return Plan(
        runs=1,
        cold=((seed, 1, False), (petstore, 1, True)),
        bump=(Spec("synth 40", old), Spec("synth 40 bumped", new)),
        import_runs=2, calls=200, parse_items=100, parse_repeat=20,
        scale_sizes=(20, 200), scale_runs=1, scale_limit=300, profile_spec=seed,
    )


def _versions() -> str:
    def output(*argv: str | Path) -> str:
        return subprocess.run(argv, capture_output=True, text=True).stdout

    sdkforge = output(SDKFORGE, "--version").strip()
    black = output(PROJECT_BIN / "black", "--version").splitlines()
    peers = ", ".join(f"{name} {importlib.metadata.version(name)}"
                      for name in ("openapi-python-client", "datamodel-code-generator", "httpx",
                                   "pydantic", "ruff"))
    return f"versions: {sdkforge} ({black[0] if black else 'black ?'}); bench/.venv: {peers}"


def _judge(results: Results, plan: Plan, cold: dict[str, Series], regen: Series | None,
           check: Series | None) -> None:
    """The issue's targets, from the medians of this run."""
    targets = results.targets
    opc, mine = cold.get(OPC), cold.get(SDK)

    def times(a: Series | None, b: Series | None) -> float | None:
        return report.ratio(a, b) if a is not None and b is not None else None

    label = plan.cold[0][0].label
    cold_ratio = times(mine, opc)
    if cold_ratio is not None and mine is not None and opc is not None:
        rss_mine, rss_opc = mine.median(lambda s: s.rss_tree), opc.median(lambda s: s.rss_tree)
        targets.append(Target("1", f"{label}: <= 0.5x {OPC}'s time", f"{cold_ratio:.2f}x",
                              cold_ratio <= 0.5))
        targets.append(Target("1", f"{label}: peak memory <= {OPC}'s",
                              f"{rss_mine / 1e6:.0f} MB vs {rss_opc / 1e6:.0f} MB (tree PSS)",
                              rss_mine <= rss_opc))
    for case, series, goal in (("2", regen, 0.25), ("3", check, 0.2)):
        value = times(series, opc)
        if value is not None:
            targets.append(Target(case, f"<= {goal}x {OPC}'s cold time", f"{value:.2f}x",
                                  value <= goal))
    for row in results.rows:
        if not row.series.ok or row.versus is None or not row.versus.ok:
            continue
        value = row.versus.median() / row.series.median()
        if row.case.startswith("4"):
            extra = (row.versus.median() - row.series.median()) * 1000
            targets.append(Target("4", "<= floor + 60 ms", f"floor + {extra:.0f} ms", extra <= 60))
        elif row.case.startswith(("5", "6")) and row.tool == "floor":
            goal = 1.15 if row.case.startswith("5") else 1.2
            targets.append(Target(row.case[0], f"{row.case[2:]}: <= {goal}x the floor",
                                  f"{value:.2f}x", value <= goal))
        elif row.case.startswith(("5", "6")) and row.tool == OPC:
            targets.append(Target(row.case[0], f"{row.case[2:]}: faster than {OPC}",
                                  f"{value:.2f}x", value < 1.0))


def say(text: str) -> None:
    print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench",
                                     description="sdkforge against its peers (issue 7)")
    parser.add_argument("--quick", action="store_true",
                        help="one run each, small inputs (development)")
    parser.add_argument("--runs", type=int, default=5, help="runs per tool (default 5)")
    parser.add_argument("--openai-runs", type=int, default=5,
                        help="runs per tool on OpenAI's spec (default 5; 0 skips it)")
    parser.add_argument("--scale-limit", type=float, default=420,
                        help="seconds one synthetic-spec run may take")
    parser.add_argument("--cases", default=",".join(ALL_CASES),
                        help=f"comma-separated subset of {','.join(ALL_CASES)}")
    parser.add_argument("-o", "--output", type=Path, default=REPO / "bench" / "results.md")
    args = parser.parse_args(argv)
    cases = set(args.cases.split(","))
    unknown = cases - set(ALL_CASES)
    if unknown:
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")
    WORK.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()
    started = time.monotonic()
    plan = quick_plan() if args.quick else full_plan(args.runs, args.openai_runs, args.scale_limit)
    results = Results()
    if args.quick:
        results.notes.append("quick mode: one run each on small inputs; not a measurement to quote")

    cold: dict[str, Series] = {}
    if "1" in cases:
        for index, (spec, runs, may_fail) in enumerate(plan.cold):
            series = generation.cold(spec, runs, results, say, peers_may_fail=may_fail)
            if index == 0:
                cold = series
        if len(plan.cold) > 1 and plan.cold[1][1] < 5 and not args.quick:
            results.notes.append(f"case 1 on OpenAI's spec ran {plan.cold[1][1]} times per tool, "
                                 "not 5 (--openai-runs)")
    regen = check = None
    folder = None
    if cases & {"2", "3", "4"}:  # cases 3 and 4 use the folder case 2 leaves, so they run it too
        folder = generation.regenerate(*plan.bump, plan.runs, cold.get(OPC), results, say)
        regen = next((r.series for r in results.rows
                      if r.case.startswith("2") and r.tool == SDK), None)
    if folder is not None and "3" in cases:
        generation.check(plan.bump[1], folder, plan.runs, cold.get(OPC), results, say)
        check = next((r.series for r in results.rows
                      if r.case.startswith("3") and r.tool == SDK), None)
    if folder is not None and "4" in cases:
        generation.startup(folder, plan.import_runs, results, say)
    if cases & {"5", "6"}:
        pythonpath = clients.prepare(results)
        if pythonpath is not None and "5" in cases:
            clients.calls(pythonpath, plan.calls, plan.runs, results, say)
        if pythonpath is not None and "6" in cases:
            clients.parse(pythonpath, plan.parse_items, plan.parse_repeat, plan.runs, results, say)
    if "scale" in cases:
        generation.scale(plan.scale_sizes, plan.scale_runs, plan.scale_limit, results, say)
    if "profile" in cases:
        say(f"profile: sdkforge generate {plan.profile_spec.label} under cProfile")
        out = WORK / "profile" / "out"
        profile: list[str | Path] = [PROJECT_BIN / "python", "-m", "bench.profile",
                                     plan.profile_spec.path, out]
        done = subprocess.run(profile, cwd=REPO, capture_output=True, text=True)
        results.profile = (done.stdout if done.returncode == 0
                           else f"profile failed: {done.stderr[-1000:]}")
    _judge(results, plan, cold, regen, check)
    results.notes.append(
        f"the whole benchmark took {(time.monotonic() - started) / 60:.1f} minutes"
    )
    text = report.render(results, report.machine_line(load_start), _versions(), RULE)
    args.output.write_text(text, encoding="utf-8")
    say("")
    say(text)
    say(f"wrote {args.output}")
    return 1 if results.failures else 0


if __name__ == "__main__":
    sys.exit(main())
