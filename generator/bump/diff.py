"""What a spec bump changes in the generated Python API, from two surfaces.

Changes are breaking (a caller's code may stop working or type-checking), additive (new
things to use), or documentation only. Whether a type change breaks depends on which way
data flows: a parameter may widen (accept more) safely, a response field may narrow
(promise more) safely; a model used both ways may do neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from sdkforge.bump.change import SEVERITIES, Change, Report, Severity
from sdkforge.bump.place import place
from sdkforge.emit.surface import Entry, Surface

_KIND_WORDS = {
    "client-arg": "client argument", "resource": "resource", "method": "method",
    "param": "parameter", "model": "model", "field": "field", "enum": "enum",
    "value": "enum value", "alias": "type alias",
}


def compare(old: Surface, new: Surface) -> Report:
    """Every change from `old` to `new`, each once: breaking first, then additions, then
    documentation; in each, the calls' own changes first, then the model-level ones grouped by
    the calls they reach (`placed`)."""
    old_entries = _follow_operations(old.entries, new.entries)
    new_entries = dict(new.entries)
    changes: list[tuple[str, Change]] = []  # (identity of the entry, its change)
    for identity, before in old_entries.items():
        after = new_entries.get(identity)
        if after is None:
            if not _part_of(before, old_entries, new_entries):
                changes.append((identity, _removed(before)))
        else:
            usage = _usage(old_entries, new_entries, before, after)
            changes.extend((identity, c) for c in _changed(before, after, usage))
    for identity, after in new_entries.items():
        if identity not in old_entries and not _part_of(after, new_entries, old_entries):
            changes.append((identity, _added(after, _usage(old_entries, new_entries, None, after))))
    placed = place(changes, Surface(old.title, old.version, old.package, old_entries), new)
    # Merged models appear once per schema key.
    unique = {(c.severity, c.symbol, c.what): c for c in placed}
    order = {s: i for i, s in enumerate(SEVERITIES)}
    ordered = sorted(unique.values(), key=lambda c: (order[c.severity], not c.call,
                                                      not c.affects, c.affects, c.symbol, c.what))
    return Report(old, new, tuple(ordered))


def _part_of(entry: Entry, mine: Mapping[str, Entry], other: Mapping[str, Entry]) -> bool:
    """Whether `entry` came or went with its parent (a method's parameters, a model's fields),
    which the report names alone. A resource's methods are named one by one."""
    parent = mine.get(entry.parent)
    return parent is not None and parent.kind != "resource" and entry.parent not in other


def _follow_operations(old: Mapping[str, Entry], new: Mapping[str, Entry]) -> dict[str, Entry]:
    """Old entries, with an operation whose operationId changed but whose endpoint did not
    (and its parameters) filed under the new identity, so it reads as renamed, not replaced."""
    gone = {e.endpoint: k for k, e in old.items() if e.kind == "method" and k not in new}
    came = {e.endpoint: k for k, e in new.items() if e.kind == "method" and k not in old}
    moves = {gone[endpoint]: came[endpoint] for endpoint in gone.keys() & came.keys()}
    if not moves:
        return dict(old)
    result: dict[str, Entry] = {}
    for identity, entry in old.items():
        prefix, _, rest = identity.partition("/")
        if prefix in moves:
            identity = moves[prefix] + (f"/{rest}" if rest else "")
        if entry.parent in moves:
            entry = replace(entry, parent=moves[entry.parent])
        result[identity] = entry
    return result


def _usage(
    old: Mapping[str, Entry], new: Mapping[str, Entry], before: Entry | None, after: Entry
) -> str:
    """How the model owning a field is used, in either version: "in", "out", "in+out"."""
    uses = set()
    for entries, entry in ((old, before), (new, after)):
        if entry is not None and entry.parent in entries:
            uses.update(entries[entry.parent].usage.split("+"))
    return "+".join(sorted(u for u in uses if u))


def _label(entry: Entry) -> str:
    return _KIND_WORDS[entry.kind]


def _type(members: Iterable[str]) -> str:
    items = sorted(members, key=lambda m: (m == "None", m))
    return " | ".join(items) or "None"


def _removed(entry: Entry) -> Change:
    return Change("breaking", entry.kind, entry.symbol, f"{_label(entry)} removed", entry.pointer)


def _added(entry: Entry, usage: str) -> Change:
    label = _label(entry)
    if entry.kind == "param" and entry.required:
        return Change("breaking", entry.kind, entry.symbol,
                      f"new required {label}: every call must pass it", entry.pointer)
    if entry.kind == "field" and entry.required and "in" in usage:
        return Change("breaking", entry.kind, entry.symbol,
                      f"new required {label}: building the model needs it", entry.pointer)
    return Change("additive", entry.kind, entry.symbol, f"{label} added", entry.pointer)


def _changed(before: Entry, after: Entry, usage: str) -> list[Change]:
    label = _label(after)
    at = after.pointer
    found: list[Change] = []

    def add(severity: Severity, what: str) -> None:
        found.append(Change(severity, after.kind, after.symbol, what, at))

    if before.name != after.name:
        add("breaking", f"{label} renamed from {before.symbol}")
    elif before.kind == "method" and before.parent != after.parent:
        add("breaking", f"{label} moved from {before.symbol}")
    nullable_only = (before.required != after.required
                     and set(before.type) ^ set(after.type) == {"None"})
    if before.type != after.type and not nullable_only:
        old_set, new_set = set(before.type), set(after.type)
        if new_set > old_set:
            text = f"type widened: now also {_type(new_set - old_set)}"
        elif new_set < old_set:
            text = f"type narrowed: no longer {_type(old_set - new_set)}"
        else:
            text = f"type changed from {_type(before.type)} to {_type(after.type)}"
        add(_type_severity(after.kind, old_set, new_set, usage), text)
    if before.required != after.required:
        if after.required:
            breaks = after.kind == "param" or (after.kind == "field" and "in" in usage)
            add("breaking" if breaks else "additive", f"{label} became required")
        else:
            breaks = after.kind == "field" and "out" in usage
            add("breaking" if breaks else "additive",
                f"{label} became optional"
                + (": responses may leave it out (None)" if breaks else ""))
    if before.position != after.position and after.position >= 0 and before.position >= 0:
        add("breaking", f"positional argument moved from place {before.position + 1} "
                        f"to {after.position + 1}")
    if before.deprecated != after.deprecated:
        add("docs", "now deprecated" if after.deprecated else "no longer deprecated")
    if before.doc != after.doc:
        add("docs", "description changed" if after.doc and before.doc else
            ("description added" if after.doc else "description removed"))
    return found


def _type_severity(kind: str, before: set[str], after: set[str], usage: str) -> Severity:
    widened, narrowed = after > before, after < before
    if kind == "param":
        return "additive" if widened else "breaking"
    if kind == "method":  # the return type: callers handle what it returns
        return "additive" if narrowed else "breaking"
    if kind == "field":
        if widened and "out" not in usage:
            return "additive"
        if narrowed and "in" not in usage:
            return "additive"
    return "breaking"
