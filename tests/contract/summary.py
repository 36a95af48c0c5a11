"""Counting judged calls per spec, and SUMMARY.md: the table, the totals, every fault cause with
its count and one example (the request as sent, the mock's complaint)."""

from __future__ import annotations

import datetime
import os
import platform
from collections.abc import Sequence
from typing import Any

from .classify import Verdict

COLUMNS = ("operations", "calls", "ok", "accepted, miswired", "rejected/client", "rejected/mock",
           "rejected/harness", "rejected/unclassified", "parse/client", "parse/mock",
           "parse/unclassified", "exceptions", "mock crashed", "not called/harness",
           "not called/unclassified")


def tally(lines: Sequence[dict[str, Any]], verdicts: Sequence[Verdict]) -> dict[str, Any]:
    counts = dict.fromkeys(COLUMNS, 0)
    counts["operations"] = len({line["operation"] for line in lines})
    offered = {line["operation"] for line in lines if line.get("read_only_offered")}
    faults: dict[str, dict[str, Any]] = {}
    for line, verdict in zip(lines, verdicts, strict=True):
        column = _column(verdict)
        counts[column] += 1
        if verdict.kind != "harness":
            counts["calls"] += 1
        for finding in {(f.fault, f.cause): f for f in verdict.findings}.values():
            group = f"{verdict.kind}|{finding.fault}|{finding.cause}"
            entry = faults.setdefault(group, {"calls": 0, "example": _example(line, finding)})
            entry["calls"] += 1
    return {"counts": counts, "faults": faults, "read_only_offered": len(offered)}


def _column(verdict: Verdict) -> str:
    if verdict.kind == "ok":
        return "ok"
    if verdict.kind == "miswired":
        return "accepted, miswired"
    if verdict.kind == "exception":
        return "exceptions"
    if verdict.kind == "mock-crash":
        return "mock crashed" if verdict.fault == "mock" else "rejected/client"
    if verdict.kind == "harness":
        return f"not called/{'harness' if verdict.fault == 'harness' else 'unclassified'}"
    fault = verdict.fault or "unclassified"
    if verdict.kind == "parse" and fault == "harness":
        fault = "unclassified"
    return f"{verdict.kind}/{fault}"


def _example(line: dict[str, Any], finding: Any) -> dict[str, Any]:
    request = line.get("request") or {}
    response = line.get("response") or {}
    given = {a["name"]: a["value"] for a in line.get("args", [])}
    return {"operation": line["operation"].removeprefix("operation:"),
            "endpoint": line["endpoint"], "mode": line["mode"], "flavour": line["flavour"],
            "args": _short(given, 300),
            "sent": f"{request.get('method', '')} {request.get('url', '')}".strip(),
            "content_type": (request.get("headers") or {}).get("content-type", ""),
            "body": _short(request.get("body") or "", 300),
            "status": response.get("status"), "why": finding.why[:600]}


def _short(value: Any, limit: int) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def line(record: dict[str, Any]) -> str:
    counts = record.get("counts") or {}
    cached = " (cached)" if record.get("cached") else ""
    if record.get("status") != "ok":
        return f"{record['id']}: {record.get('status')} {record.get('message', '')[:200]}{cached}"
    shown = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    return f"{record['id']}: {shown} [{record.get('seconds')} s]{cached}"


def render(records: Sequence[dict[str, Any]], meta: dict[str, Any]) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    spent = sum(r.get("seconds", 0) for r in records)
    out = ["# sdkforge against a validating mock (Prism)", "",
           f"- date: {now}",
           f"- sdkforge: {meta['commit']} (source hash {meta['source']})",
           f"- mock: @stoplight/prism-cli {meta['prism']}, `prism mock SPEC --errors --dynamic "
           f"--seed 17`",
           f"- specs: {len(records)}; machine: {os.cpu_count()} CPUs, {platform.platform()}, "
           f"Python {platform.python_version()}; {meta['jobs']} workers",
           f"- time: this command {meta['seconds'] / 60:.1f} min, "
           f"{sum(1 for r in records if r.get('cached'))} specs reused from the cache; "
           f"making every spec's calls took {spent / 60:.1f} min in all (generation, "
           f"Prism's start, the calls; {meta['jobs']} at a time)",
           f"- command: `{meta['command']}`; per-call records: `{meta['run']}` and each "
           "spec's `calls.jsonl` under the cache's `work/` (not in the repository)", "",
           "Each operation is called four times: required arguments only, then every argument, "
           "on the sync and the async client. A call is *rejected* when the mock refuses the "
           "request (422 validation, 401/403 security, 404/405 routing), *parse* when a 2xx/3xx "
           "answer did not parse, an *exception* when anything else raised; *accepted, "
           "miswired* when the mock accepted a request whose parameters break OpenAPI's style "
           "table (the harness checks every parameter sent itself: Prism ignores cookies, for "
           "one); *not called* when the harness could not make an argument. Whose fault: see "
           "`classify.py`. A call with several complaints counts once, under the client if "
           "any complaint is the client's, then the harness, the mock, unclassified. With "
           "`--errors` Prism also checks its own dynamic answer and, when that breaks the "
           "schema, answers 500 instead "
           "(the mock's fault: such a call does not reach the client's parsing, so parse "
           "failures are counted only over the answers Prism let through).", ""]
    out += _table(records)
    offered = {r["id"]: r.get("read_only_offered", 0) for r in records
               if r.get("read_only_offered")}
    out += [f"Operations whose method offers `readOnly` body properties as optional arguments "
            f"(the harness leaves them out: OpenAPI says a request should not carry them, and "
            f"Prism rejects them): {sum(offered.values())}"
            + (f", in {', '.join(f'`{k}` ({v})' for k, v in sorted(offered.items()))}."
               if offered else "."), ""]
    out += _faults(records)
    out += ["", "## Why these specs", ""]
    out += [f"- `{r['id']}`: {r['why']}" for r in records]
    return "\n".join(out) + "\n"


def _table(records: Sequence[dict[str, Any]]) -> list[str]:
    head = ["spec", "status", *COLUMNS]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * len(COLUMNS)]
    totals = dict.fromkeys(COLUMNS, 0)
    for record in records:
        counts = record.get("counts") or {}
        for column in COLUMNS:
            totals[column] += counts.get(column, 0)
        status = record.get("status", "?")
        if status != "ok":
            status += f": {record.get('message', '')[:120]}".replace("|", "/").replace("\n", " ")
        cells = [f"`{record['id']}`", status, *(str(counts.get(c, 0)) for c in COLUMNS)]
        rows.append("| " + " | ".join(cells) + " |")
    rows.append("| **total** | | " + " | ".join(f"**{totals[c]}**" for c in COLUMNS) + " |")
    return ["## Per spec", "", *rows, ""]


def _faults(records: Sequence[dict[str, Any]]) -> list[str]:
    merged: dict[str, dict[str, Any]] = {}
    for record in records:
        for group, entry in (record.get("faults") or {}).items():
            found = merged.setdefault(group, {"calls": 0, "specs": [], "example": {
                **entry["example"], "spec": record["id"]}})
            found["calls"] += entry["calls"]
            found["specs"].append(record["id"])
    out = ["## Faults, by whose and why", "",
           "Each cause once, with the number of calls and specs it was seen in and the first "
           "example: the operation, the arguments given (JSON values the harness made), the "
           "request as sent and the complaint.", ""]
    for fault in ("client", "mock", "harness", "unclassified"):
        groups = sorted(((g, e) for g, e in merged.items() if g.split("|")[1] == fault),
                        key=lambda ge: (-ge[1]["calls"], ge[0]))
        out += [f"### {fault}: {sum(e['calls'] for _, e in groups)} calls, "
                f"{len(groups)} causes", ""]
        for group, entry in groups:
            kind, _, cause = group.split("|", 2)
            ex = entry["example"]
            specs = sorted(set(entry["specs"]))
            out += [f"- **{kind}: {cause}**: {entry['calls']} calls in {len(specs)} specs "
                    f"({', '.join(specs[:6])}{', ...' if len(specs) > 6 else ''})",
                    f"  - e.g. `{ex['spec']}` {ex['operation']} ({ex['endpoint']}, "
                    f"{ex['mode']} arguments, {ex['flavour']}): args `{_md(ex['args'])}`",
                    f"  - sent `{_md(ex['sent'])}` {_md(ex['content_type'])} "
                    f"body `{_md(ex['body']) or '(none)'}`; answer {ex['status']}",
                    f"  - {_md(ex['why'])}"]
        out.append("")
    return out


def _md(text: Any) -> str:
    return str(text).replace("`", "'").replace("\n", " ").replace("|", "\\|")
