"""A `Report` as a person reads it (text, markdown) or a program does (JSON).

Every form opens with the summary (counts by kind and by what changed), then the breaking
changes: first those to the calls a caller writes (`client.<resource>.<method>(...)`), then the
model-level ones, grouped under the calls they reach. Additions and documentation changes
follow in the same order. Markdown is written to fit a pull-request comment: the breaking
changes one a line and never folded; the rest folded in `<details>`, changes of one kind to one
group said in one line, and cut to `BUDGET` characters with a pointer to `--full`, which lists
every change one a line with where the spec says it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from itertools import groupby

from sdkforge.bump.change import HEADINGS, SEVERITIES, Change, Report, Severity
from sdkforge.emit.surface import Surface

BUDGET = 55_000  # characters of markdown: GitHub takes comments up to 65,536
SHOWN_CALLS = 3  # calls named in a group's heading, unless --full
FOLD_OVER = 10  # sections of more changes than this are folded, unless --full

# What changed, as the summary counts it: entry kinds -> rows.
CATEGORIES = {"method": "methods", "param": "arguments", "model": "models", "field": "fields",
              "enum": "enums", "value": "enums", "alias": "type aliases",
              "resource": "resources", "client-arg": "client arguments"}
ROWS = ("methods", "arguments", "resources", "client arguments", "models", "fields", "enums",
        "type aliases")
COLUMNS = {"breaking": "breaking", "additive": "additions", "docs": "other"}

Group = tuple[tuple[tuple[str, str], ...], list[Change]]


def summary(report: Report) -> dict[str, dict[str, int]]:
    """{severity: {what changed ("methods", "fields"...): how many}}, rows with changes only."""
    counts: dict[str, dict[str, int]] = {s: {} for s in SEVERITIES}
    for change in report.changes:
        row = CATEGORIES.get(change.kind, change.kind)
        counts[change.severity][row] = counts[change.severity].get(row, 0) + 1
    return counts


def totals(report: Report) -> str:
    if not report.changes:
        return "No changes to the Python API."
    words = {"breaking": ("breaking change", "breaking changes"),
             "additive": ("addition", "additions"),
             "docs": ("documentation change", "documentation changes")}
    return ", ".join(f"{n} {words[s][n != 1]}" for s in SEVERITIES
                     if (n := report.count(s)) or s == "breaking") + "."


def groups(changes: Sequence[Change]) -> Iterator[Group]:
    """The changes of one severity, in report order, as (the calls they reach, the changes):
    the calls' own changes first, as one group with no calls named."""
    for (_, affects), items in groupby(changes, key=lambda c: (c.call, c.affects)):
        yield affects, list(items)


def _rows(report: Report) -> list[tuple[str, list[int]]]:
    counts = summary(report)
    rows = [(row, [counts[s].get(row, 0) for s in SEVERITIES]) for row in ROWS]
    return [(row, values) for row, values in rows if any(values)]


def _calls_phrase(affects: tuple[tuple[str, str], ...], full: bool, code: str) -> str:
    if not affects:
        return "used by no method (a model, enum or alias only exported)"
    parts = []
    for way, items in groupby(affects, key=lambda a: a[0]):
        calls = [call for _, call in items]
        shown = calls if full else calls[:SHOWN_CALLS]
        names = ", ".join(f"{code}{call}{code}" for call in shown)
        more = len(calls) - len(shown)
        parts.append(("taken by " if way == "takes" else "returned by ") + names
                     + (f" and {more} more" if more else ""))
    return "; ".join(parts)


# ------------------------------------------------------------------ text

def render_text(report: Report, full: bool = False) -> str:
    """Text: every change, with where the spec says it; `full` names every call of a group."""
    lines = [f"{_title(report.old)} -> {_title(report.new)}", "", totals(report)]
    rows = _rows(report)
    if rows:
        width = max(len(row) for row, _ in rows)
        lines += ["", " " * (width + 2) + "".join(f"{COLUMNS[s]:>10}" for s in SEVERITIES)]
        lines += [f"  {row:<{width}}" + "".join(f"{n:>10}" for n in values)
                  for row, values in rows]
    for severity in SEVERITIES:
        items = [c for c in report.changes if c.severity == severity]
        if not items:
            continue
        lines += ["", f"{HEADINGS[severity]} ({len(items)}):"]
        for affects, group in groups(items):
            if group[0].call:
                lines.append("  to calls:")
            else:
                lines.append(f"  in types {_calls_phrase(affects, full, '')}:")
            lines += [f"    {c.symbol}: {c.what}{_also(c, '')}  [{c.pointer}]" for c in group]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ markdown

def render_markdown(report: Report, heading: str = "##", full: bool = False) -> str:
    """Markdown; unless `full`, folded and cut to fit a pull-request comment (`BUDGET`)."""
    title = f"{heading} {_md(_title(report.old))} -> {_md(_title(report.new))}"
    lines = [title, "", totals(report)]
    rows = _rows(report)
    if rows:
        lines += ["", "| | " + " | ".join(COLUMNS[s] for s in SEVERITIES) + " |",
                  "|---|" + "---:|" * len(SEVERITIES)]
        lines += [f"| {row} | " + " | ".join(str(n) for n in values) + " |"
                  for row, values in rows]
    sections: dict[Severity, list[str]] = {}
    folded: list[tuple[Severity, list[Change]]] = []
    for severity in SEVERITIES:
        items = [c for c in report.changes if c.severity == severity]
        if not items:
            continue
        if severity == "breaking" or full or len(items) <= FOLD_OVER:
            sections[severity] = ["", f"{heading}# {HEADINGS[severity]} ({len(items)})",
                                  *_md_section(items, heading, full)]
        else:
            folded.append((severity, items))
    budget = BUDGET - sum(len(line) + 1 for part in (lines, *sections.values()) for line in part)
    for index, (severity, items) in enumerate(folded):  # shares of what the rest leave
        sections[severity] = _folded(severity, items, budget // (len(folded) - index))
        budget -= sum(len(line) + 1 for line in sections[severity])
    for severity in SEVERITIES:
        lines += sections.get(severity, [])
    return "\n".join(lines) + "\n"


def _md_section(items: Sequence[Change], heading: str, full: bool) -> list[str]:
    lines: list[str] = []
    for affects, group in groups(items):
        if group[0].call:
            lines += ["", f"{heading}## Calls", ""]
        else:
            lines += ["", f"In types {_calls_phrase(affects, full, '`')}:", ""]
        lines += [f"- `{_code(c.symbol)}`: {_md(c.what)}{_also(c, '`')}"
                  + (f" (`{_code(c.pointer)}`)" if full else "") for c in group]
    return lines


def _folded(severity: Severity, items: Sequence[Change], budget: int) -> list[str]:
    """A `<details>` section: per group, the changes that say the same thing on one line, each
    line naming as many symbols as lets the section fit `budget` (the same number for all)."""
    counts = summary_of(items)
    head = ["", "<details>", f"<summary>{HEADINGS[severity]} ({len(items)}: {counts})</summary>"]
    tail = ["", "</details>"]
    room = budget - sum(len(line) + 1 for line in head + tail)
    for parts in (_grouped(items), _flat(items)):  # the flat one when the groups do not fit
        if _size(parts, 1) <= room:
            break
    low, high = 1, max((len(symbols) for _, symbols in parts), default=1)
    while low < high:  # the most symbols a line may name and still fit
        middle = (low + high + 1) // 2
        if _size(parts, middle) <= room:
            low = middle
        else:
            high = middle - 1
    lines = _lines(parts, low)
    kept: list[str] = []
    used = len(_CUT) + 40
    for index, line in enumerate(lines):
        used += len(line) + 1
        if used > room:
            left = sum(1 for rest in lines[index:] if rest.startswith("- "))
            kept += ["", _CUT.format(f"{left} more line" + ("s" if left != 1 else ""))]
            break
        kept.append(line)
    return head + kept + tail


_CUT = "- ... {} left out here: `sdkforge diff --full` lists every change"
Parts = list[tuple[str, list[str]]]  # (a heading, or what changed; the symbols it changed)


def _grouped(items: Sequence[Change]) -> Parts:
    parts: Parts = []
    for affects, group in groups(items):
        parts.append(("Calls:" if group[0].call
                      else f"In types {_calls_phrase(affects, False, '`')}:", []))
        parts += _by_what(group)
    return parts


def _flat(items: Sequence[Change]) -> Parts:
    calls = [c for c in items if c.call]
    types = [c for c in items if not c.call]
    return ([("Calls:", []), *_by_what(calls)] if calls else []) + (
        [("In types:", []), *_by_what(types)] if types else [])


def _by_what(changes: Sequence[Change]) -> Parts:
    by_what: dict[str, list[str]] = {}
    for change in changes:
        by_what.setdefault(change.what, []).append(f"`{_code(change.symbol)}`")
    return list(by_what.items())


def summary_of(items: Sequence[Change]) -> str:
    counts: dict[str, int] = {}
    for change in items:
        row = CATEGORIES.get(change.kind, change.kind)
        counts[row] = counts.get(row, 0) + 1
    return ", ".join(f"{counts[row]} {row}" for row in ROWS if row in counts)


def _lines(parts: Sequence[tuple[str, list[str]]], cap: int) -> list[str]:
    lines: list[str] = []
    for text, symbols in parts:
        if not symbols:
            lines += ["", text, ""]
            continue
        more = len(symbols) - cap
        shown = ", ".join(symbols[:cap]) + (f" and {more} more (`--full` lists them)"
                                            if more > 0 else "")
        lines.append(f"- {_md(text)}: {shown}")
    return lines


def _size(parts: Sequence[tuple[str, list[str]]], cap: int) -> int:
    return sum(len(line) + 1 for line in _lines(parts, cap))


# ------------------------------------------------------------------ JSON

def render_json(report: Report) -> str:
    data = {
        "old": {"title": report.old.title, "version": report.old.version},
        "new": {"title": report.new.title, "version": report.new.version},
        "counts": {s: report.count(s) for s in SEVERITIES},
        "summary": summary(report),
        "changes": [{**asdict(c), "call": c.call,
                     "affects": [{"way": way, "call": call} for way, call in c.affects]}
                    for c in report.changes],
    }
    return json.dumps(data, indent=2) + "\n"


def _title(surface: Surface) -> str:
    return f"{surface.title} {surface.version}".strip() or surface.package


def _also(change: Change, code: str) -> str:
    return f" (field {code}{_code(change.field)}{code})" if change.field else ""


def _md(text: str) -> str:
    """Spec text is data: keep it from forming markdown or HTML."""
    return "".join("\\" + ch if ch in "\\`*_[]<>" else ch for ch in text.replace("\n", " "))


def _code(text: str) -> str:
    return text.replace("`", "'").replace("\n", " ")
