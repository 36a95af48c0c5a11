"""Where a report lists each change: a call's own changes under the call; a model-level change
(a field, a model, an enum value) with the calls it reaches; and a change to a request model's
field that a flattened body's argument already shows, once, as that argument's change.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace

from sdkforge.bump.change import Change
from sdkforge.bump.reach import Users, owner, users
from sdkforge.emit.surface import Entry, Surface


def place(changes: Sequence[tuple[str, Change]], old: Surface, new: Surface) -> list[Change]:
    """`changes` (each with the identity of its entry) with the calls each model-level change
    reaches (`Change.affects`), and without the field changes an argument's change restates."""
    if all(change.call for _, change in changes):
        return [change for _, change in changes]

    def entry(identity: str) -> Entry:
        return new.entries.get(identity) or old.entries[identity]

    # The arguments changed, by (pointer, aspect): the methods whose argument it is.
    restated: dict[tuple[str, str], set[str]] = {}
    for identity, change in changes:
        if change.kind == "param" and change.pointer:
            key = (change.pointer, _aspect(change.what))
            restated.setdefault(key, set()).add(entry(identity).parent)
    before, after = users(old), users(new)
    folded: dict[tuple[str, str], str] = {}  # (pointer, aspect) -> the field's symbol
    placed: list[Change] = []
    for identity, change in changes:
        if change.call:
            placed.append(change)
            continue
        uses = _uses(owner(identity, entry(identity)), before, after)
        key = (change.pointer, _aspect(change.what))
        if change.kind == "field" and key in restated:
            uses = {(way, m) for way, m in uses if not (way == "takes" and m in restated[key])}
            folded[key] = change.symbol
            if not uses:
                continue  # the arguments' changes say it, at each call
        affects = tuple(sorted({(way, entry(method).symbol) for way, method in uses}))
        placed.append(replace(change, affects=affects))
    return [replace(c, field=folded[(c.pointer, _aspect(c.what))])
            if c.kind == "param" and (c.pointer, _aspect(c.what)) in folded else c
            for c in placed]


def _uses(identity: str, before: Users, after: Users) -> AbstractSet[tuple[str, str]]:
    return before.calls_reaching(identity) | after.calls_reaching(identity)


def _aspect(what: str) -> str:
    """What a change is about, in words a parameter's change and a field's share."""
    for aspect, marks in (("type", ("type ",)), ("required", ("became required",)),
                          ("optional", ("became optional",)),
                          ("removed", (" removed",)), ("added", (" added", "new required")),
                          ("deprecated", ("deprecated",)), ("doc", ("description",))):
        if any(mark in what for mark in marks):
            return aspect
    return what
