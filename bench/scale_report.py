"""The markdown of bench/results-scale.md: the comparisons, `check`, the synthetic series with its
fitted growth exponents, the client sections, and the issue's targets judged from this run."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .layout import OPC, SDK
from .measure import Sample, Series

if TYPE_CHECKING:
    from .scale import Compared, Found

GB = 1e9


def tree(sample: Sample) -> float:
    return sample.rss_tree


def largest(sample: Sample) -> float:
    return sample.rss_proc


def _mb(size: float) -> str:
    return f"{size / 1e6:,.0f} MB"


def fit_exponent(points: Sequence[tuple[float, float]]) -> float | None:
    """The least-squares slope of log(y) over log(x): y grows like x to this power."""
    usable = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(usable) < 2:
        return None
    mean_x = sum(x for x, _ in usable) / len(usable)
    mean_y = sum(y for _, y in usable) / len(usable)
    spread = sum((x - mean_x) ** 2 for x, _ in usable)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in usable) / spread


def _ratio(mine: Series, other: Series, *, memory: bool = False) -> str:
    if not (mine.ok and other.ok):
        return ""
    key = tree if memory else (lambda s: s.seconds)
    return f"{mine.median(key) / other.median(key):.2f}x"


def _compared_rows(item: Compared) -> list[str]:
    rows = []
    mine = item.runs.get(SDK, Series())
    for tool, series in item.runs.items():
        label = f"{item.spec.label} ({item.operations:,} ops)"
        if not series.ok:
            reason = series.failure.replace("|", "/")[:160]
            rows.append(f"| {label} | {tool} | failed | | | | | | {reason} |")
            continue
        versus = ("" if tool == SDK else
                  f"{_ratio(mine, series)} / {_ratio(mine, series, memory=True)}")
        per = series.median() / max(item.operations, 1) * 1000
        rows.append(f"| {label} | {tool} | {series.median():.1f} s | {series.min():.1f} s | "
                    f"{series.max():.1f} s | {versus} | {_mb(series.median(tree))} | "
                    f"{_mb(series.median(largest))} | {per:.2f} s per 1,000 ops |")
    if item.check is not None and item.check.ok:
        rows.append(f"| {item.spec.label} | sdkforge check (unchanged) | "
                    f"{item.check.median():.2f} s | {item.check.min():.2f} s | "
                    f"{item.check.max():.2f} s | | {_mb(item.check.median(tree))} | "
                    f"{_mb(item.check.median(largest))} | |")
    return rows


def compared_table(found: Found) -> list[str]:
    return ["| spec | tool | median | min | max | sdkforge ÷ tool: time / memory "
            "| peak memory: tree PSS | largest process RSS | note |",
            "|---|---|---:|---:|---:|---:|---:|---:|---|",
            *(row for item in found.compared for row in _compared_rows(item))]


def synth_table(found: Found) -> list[str]:
    lines = ["| operations | median time | peak memory (tree PSS) | time per 1,000 ops "
             "| exponent from the previous size: time / memory |",
             "|---:|---:|---:|---:|---|"]
    previous: tuple[int, Series] | None = None
    for operations, series in found.synth:
        if not series.ok:
            lines.append(f"| {operations:,} | failed: {series.failure[:120]} | | | |")
            continue
        growth = ""
        if previous is not None and previous[1].ok:
            pairs = [(previous[0], previous[1].median()), (operations, series.median())]
            mems = [(previous[0], previous[1].median(tree)), (operations, series.median(tree))]
            growth = f"{fit_exponent(pairs):.2f} / {fit_exponent(mems):.2f}"
        lines.append(f"| {operations:,} | {series.median():.1f} s | {_mb(series.median(tree))} | "
                     f"{series.median() / operations * 1000:.2f} s | {growth} |")
        previous = (operations, series)
    return lines


def synth_exponents(found: Found) -> tuple[float | None, float | None]:
    """Time and memory exponents fitted over every synthetic size from 1,000 operations up."""
    usable = [(n, s) for n, s in found.synth if n >= 1000 and s.ok]
    return (fit_exponent([(n, s.median()) for n, s in usable]),
            fit_exponent([(n, s.median(tree)) for n, s in usable]))


def _by_label(found: Found, text: str) -> Compared | None:
    return next((c for c in found.compared if c.spec.label.endswith(text)), None)


def _target(goal: str, measured: str, met: bool | None) -> str:
    verdict = "n/a" if met is None else ("yes" if met else "**no**")
    return f"| {goal} | {measured} | {verdict} |"


def _peer_targets(found: Found) -> list[str]:
    rows = []
    for label in ("GitHub REST", "AWS EC2", "Microsoft Graph v1.0"):
        item = _by_label(found, label)
        if item is None:
            continue
        mine, peer = item.runs.get(SDK, Series()), item.runs.get(OPC, Series())
        if not (mine.ok and peer.ok):
            rows.append(_target(f"{label}: <= 0.3x {OPC}'s time, <= 0.5x its memory",
                                "not measured (a tool failed)", None))
            continue
        time_ratio = mine.median() / peer.median()
        memory_ratio = mine.median(tree) / peer.median(tree)
        rows.append(_target(f"{label}: <= 0.3x {OPC}'s time", f"{time_ratio:.2f}x",
                            time_ratio <= 0.3))
        rows.append(_target(f"{label}: <= 0.5x {OPC}'s peak memory", f"{memory_ratio:.2f}x",
                            memory_ratio <= 0.5))
    return rows


def _size_targets(found: Found) -> list[str]:
    rows = []
    v1, beta = _by_label(found, "Graph v1.0"), _by_label(found, "Graph beta")
    if v1 is not None and v1.runs[SDK].ok:
        peak = v1.runs[SDK].median(tree)
        rows.append(_target("Graph v1.0: <= 1 GB peak (tree)", _mb(peak), peak <= GB))
    if v1 is not None and v1.check is not None and v1.check.ok:
        rows.append(_target("Graph v1.0: `check` on unchanged output < 10 s",
                            f"{v1.check.median():.1f} s", v1.check.median() < 10))
    if beta is not None and beta.runs[SDK].ok:
        seconds, peak = beta.runs[SDK].median(), beta.runs[SDK].median(tree)
        rows.append(_target("Graph beta: <= 3 minutes", f"{seconds:.0f} s", seconds <= 180))
        rows.append(_target("Graph beta: <= 1.5 GB peak (tree)", _mb(peak), peak <= 1.5 * GB))
    time_exp, memory_exp = synth_exponents(found)
    for what, exponent in (("time", time_exp), ("memory", memory_exp)):
        if exponent is not None:
            rows.append(_target(f"synthetic 1,000 -> 50,000 operations: {what} exponent <= 1.1",
                                f"{exponent:.2f}", exponent <= 1.1))
    mixpeek = _by_label(found, "2026-01-20")
    if mixpeek is not None and mixpeek.runs[SDK].ok and mixpeek.runs[OPC].ok:
        peer = mixpeek.runs[OPC].median()
        cold = mixpeek.runs[SDK].median() / peer
        rows.append(_target(f"Mixpeek: cold <= 0.25x {OPC}", f"{cold:.2f}x", cold <= 0.25))
        if mixpeek.check is not None and mixpeek.check.ok:
            check = mixpeek.check.median() / peer
            rows.append(_target(f"Mixpeek: `check` <= 0.2x {OPC}'s cold", f"{check:.2f}x",
                                check <= 0.2))
    return rows


# (metric, goal, test on the row): the client-side targets of issue 18.
_CLIENT_GOALS: tuple[tuple[str, str, Callable[[Any], bool]], ...] = (
    ("OpenAI chat completion: import + client + first call",
     "first call in a fresh process (import, client, call) <= openai-python's",
     lambda row: row.ratio <= 1.0),
    ("import of the client class", "Graph: client import <= 0.5x msgraph-sdk's",
     lambda row: row.ratio <= 0.5),
    ("import above `import httpx, pydantic`",
     "Graph: client import within 50 ms of `import httpx, pydantic`",
     lambda row: row.sdkforge <= 50),
    ("client made + first call", "Graph: client made + first call <= 0.5x msgraph-sdk's",
     lambda row: row.ratio <= 0.5),
    ("installed size (bytecode included)", "Graph: installed size < 0.25x msgraph-sdk's",
     lambda row: row.ratio < 0.25),
    ("longest path inside site-packages", "Graph: no path over 150 characters",
     lambda row: row.sdkforge <= 150),
    ("mypy --strict, cold, on the user script", "Graph: mypy --strict <= 0.5x msgraph-sdk's",
     lambda row: row.ratio <= 0.5),
)


def _client_targets(found: Found) -> list[str]:
    rows = []
    by_metric = {row.metric: row for row in found.client_rows}
    for metric, goal, met in _CLIENT_GOALS:
        row = by_metric.get(metric)
        if row is None or row.sdkforge is None or row.ratio is None:
            continue
        measured = (f"{row.sdkforge:,.0f}" if "longest" in metric or "above" in metric
                    else f"{row.ratio:.2f}x")
        rows.append(_target(goal, measured, met(row)))
    return rows


def render(found: Found, machine: str, *, quick: bool) -> str:
    lines = ["# sdkforge at scale (issue 18)", "", machine, "",
             "Generated by `make bench-scale` (`bench/scale.py` says what each case measures). "
             "Every generation is cold: a fresh output folder and an empty cache. Tools "
             "alternate run by run; medians. `sdkforge ÷ tool` below 1 means sdkforge is "
             "faster or smaller. Peak memory: the whole process tree's summed PSS (workers "
             "and formatters included), sampled every 50 ms, and the largest process's RSS.", ""]
    if quick:
        lines += ["**Quick mode: one run each on small inputs; not a measurement to quote.**", ""]
    if found.compared:
        lines += ["## Real specs: sdkforge and openapi-python-client", "",
                  *compared_table(found), ""]
    if found.synth:
        time_exp, memory_exp = synth_exponents(found)
        fitted = ("" if time_exp is None or memory_exp is None else
                  f"Fitted from 1,000 operations up: time grows with exponent {time_exp:.2f}, "
                  f"memory with {memory_exp:.2f}.")
        lines += ["## Synthetic specs (`bench/synth.py`): sdkforge", "", *synth_table(found), "",
                  fitted, ""]
    lines += found.sections
    targets = _peer_targets(found) + _size_targets(found) + _client_targets(found)
    if targets:
        lines += ["## Targets (issue 18; medians, this run)", "", "| target | measured | met |",
                  "|---|---|---|", *targets, ""]
    if found.notes or found.failures:
        lines += ["## Notes", "", *(f"- {note}" for note in found.notes),
                  *(f"- FAILURE: {failure}" for failure in found.failures), ""]
    return "\n".join(lines)
