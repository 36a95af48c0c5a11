"""The run's summary (`SUMMARY.md`): counts by outcome, operations against methods, the type
checkers' sample, and the reasons behind refusals, warnings and failures, grouped.

Pure functions of the per-spec records, so `test_summary.py` checks them on made-up records.
Messages are grouped after `normalise` takes out what is particular to one spec (quoted names,
pointers, numbers), so one rule broken in many specs is one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Words kept when quoted: the spec's own vocabulary, not its names.
KEYWORDS = frozenset("""
    $ref type items enum const not allOf anyOf oneOf required properties additionalProperties
    patternProperties discriminator mapping propertyName format pattern nullable default example
    examples minimum maximum exclusiveMinimum exclusiveMaximum multipleOf minLength maxLength
    minItems maxItems uniqueItems readOnly writeOnly deprecated title description callbacks
    webhooks operationId parameters requestBody responses content schema schemas components
    paths servers security securitySchemes in name style explode allowReserved headers links
    tags info openapi swagger x-nullable
    object array string integer number boolean null regex date date-time time uri uri-reference
    email hostname ipv4 ipv6 uuid byte binary int32 int64 float double password
""".split()) | {"type: array", "type: object"}

_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
_BACKTICK = re.compile(r"`([^`\n]*)`")
_POINTER = re.compile(r"(?<![\w~])#?(?:/[^\s'\"`,;:()\[\]]*)+")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")
_SPACES = re.compile(r"\s+")
MAX_KEY = 220


def normalise(text: str) -> str:
    """The text's rule, without what is particular to one spec: its first line; JSON objects and
    lists of quoted values as `{…}`, `[…]`; quoted and back-quoted text other than the spec's
    keywords as `…`; JSON pointers and paths as `<ptr>`; numbers as `N`."""
    line = _collapse(text.strip().splitlines()[0] if text.strip() else "")

    def quoted(found: re.Match[str]) -> str:
        inner = found.group()[1:-1]
        return found.group() if inner in KEYWORDS else found.group()[0] + "…" + found.group()[0]

    def backticked(found: re.Match[str]) -> str:
        return found.group() if found.group(1) in KEYWORDS else "`…`"

    line = _QUOTED.sub(quoted, line)
    line = _BACKTICK.sub(backticked, line)
    line = _POINTER.sub("<ptr>", line)
    line = _NUMBER.sub("N", line)
    line = _SPACES.sub(" ", line).strip()
    return line if len(line) <= MAX_KEY else line[:MAX_KEY] + "…"


def _collapse(line: str) -> str:
    """Objects (`{"a": 1}`, and one cut short: `{"a": ...`) as `{…}`, lists holding quoted
    values as `[…]`; other brackets (`list[int]`, `[reportUnknownMemberType]`) stay."""
    out: list[str] = []
    i = 0
    while i < len(line):
        char = line[i]
        end = _closing(line, i) if char in "{[" else None
        if end is not None and (char == "{" or any(q in line[i:end] for q in "'\"")):
            out.append("{…}" if char == "{" else "[…]")
            i = end + 1
        elif end is None and line.startswith('{"', i):
            out.append("{…")
            break
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _closing(line: str, start: int) -> int | None:
    """Where the bracket at `start` closes (quoted text skipped), None when it does not."""
    depth = 0
    quote = ""
    escaped = False
    for index in range(start, len(line)):
        char = line[index]
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index
    return None


@dataclass(slots=True)
class Group:
    key: str
    count: int = 0  # occurrences
    specs: set[str] = field(default_factory=set)
    example_spec: str = ""
    example: str = ""


def group(items: Iterable[tuple[str, str]], key: Any = normalise) -> list[Group]:
    """(spec id, text) pairs grouped by `key(text)`: most specs first, then most occurrences;
    the example is the first spec (by id) showing the group."""
    groups: dict[str, Group] = {}
    for spec, text in items:
        k = key(text)
        found = groups.setdefault(k, Group(k))
        found.count += 1
        found.specs.add(spec)
        if not found.example_spec or spec < found.example_spec:
            found.example_spec, found.example = spec, text
    return sorted(groups.values(), key=lambda g: (-len(g.specs), -g.count, g.key))


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def outcome_counts(records: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(("generated", "imported", "import-failed", "import-timeout",
                            "refused", "internal-error", "crash", "timeout", "harness-error"), 0)
    for r in records:
        outcome = str(r.get("outcome"))
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome == "generated":
            status = str((r.get("import") or {}).get("status"))
            name = {"ok": "imported", "failed": "import-failed"}.get(status, "import-timeout")
            counts[name] += 1
    return counts


def not_judged(records: Sequence[Mapping[str, Any]]) -> int:
    """Runs that make the harness fail: sdkforge crashed, or a run could not be judged."""
    counts = outcome_counts(records)
    return sum(counts[k] for k in ("crash", "timeout", "harness-error", "import-timeout"))


def refusal_texts(record: Mapping[str, Any]) -> list[str]:
    """Why a run stopped: its errors, else the lines sdkforge printed."""
    errors = [d["message"] for d in record.get("diagnostics") or [] if d.get("level") == "error"]
    if errors:
        return errors
    lines = [m for m in record.get("messages") or [] if not m.endswith("nothing was written.")]
    return lines[:1] or [f"exit code {record.get('exit_code')} without a message"]


def crash_text(record: Mapping[str, Any]) -> str:
    if record.get("traceback"):
        return str(record["traceback"])
    messages = [m for m in record.get("messages") or [] if "internal error" in m]
    if messages:
        return str(messages[0])
    return f"exit code {record.get('exit_code')}"


def internal_text(record: Mapping[str, Any]) -> str:
    messages = record.get("messages") or []
    first = next((m for m in messages if m.startswith("sdkforge: internal error on ")), "")
    # "sdkforge: internal error on /path/spec.json: the message"
    return first.split(": ", 2)[-1] if first else str((messages[:1] or ["(no message)"])[0])
