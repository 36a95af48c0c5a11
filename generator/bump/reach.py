"""Which calls a model-level change reaches: the methods that take or return a model, an enum
or a type alias, directly or nested in other models, found from a surface alone.

A surface names types the way a caller reads them (`list[Pet] | None`, `Pet | PetParam`), so
the names in an entry's type are the models, enums and aliases it refers to. A method whose
body is flattened into keyword arguments takes the body's model without naming it: its
arguments' pointers are the model's fields' pointers, and that is the link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sdkforge.emit.surface import Entry, Surface

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")  # a Literal's values
TYPE_KINDS = frozenset({"model", "enum", "alias"})

# (direction, method identity): "takes" when a call sends it, "returns" when it comes back.
Use = tuple[str, str]


@dataclass(slots=True)
class Users:
    """For each model, enum and alias (by identity): what refers to it: other types, and calls."""

    types: dict[str, set[str]] = field(default_factory=dict)
    calls: dict[str, set[Use]] = field(default_factory=dict)
    _reached: dict[str, frozenset[Use]] = field(default_factory=dict)

    def calls_reaching(self, identity: str) -> frozenset[Use]:
        """The calls that take or return `identity`, through any depth of other types (found
        once a type: the changes to one model's fields share it)."""
        known = self._reached.get(identity)
        if known is None:
            known = self._reached[identity] = frozenset(self._walk(identity))
        return known

    def _walk(self, identity: str) -> set[Use]:
        seen = {identity}
        todo = [identity]
        found: set[Use] = set()
        while todo:
            current = todo.pop()
            found.update(self.calls.get(current, ()))
            for user in self.types.get(current, ()):
                if user not in seen:
                    seen.add(user)
                    todo.append(user)
        return found


def users(surface: Surface) -> Users:
    """Who refers to each type of `surface` (one pass over its entries)."""
    entries = surface.entries
    by_name = {e.name: identity for identity, e in entries.items() if e.kind in TYPE_KINDS}
    by_field_pointer = {e.pointer: e.parent for e in entries.values()
                        if e.kind == "field" and e.pointer}
    result = Users()

    def refers(entry: Entry, user: str | Use) -> None:
        for target in _named(entry.type, by_name):
            if isinstance(user, tuple):
                result.calls.setdefault(target, set()).add(user)
            elif target != user:
                result.types.setdefault(target, set()).add(user)

    for identity, entry in entries.items():
        if entry.kind == "field":
            refers(entry, entry.parent)
        elif entry.kind == "alias":
            refers(entry, identity)
        elif entry.kind == "method":
            refers(entry, ("returns", identity))
        elif entry.kind == "param":
            refers(entry, ("takes", entry.parent))
            model = by_field_pointer.get(entry.pointer)
            if model is not None:  # a flattened body's field: the call takes its model
                result.calls.setdefault(model, set()).add(("takes", entry.parent))
    return result


def _named(members: Iterable[str], by_name: Mapping[str, str]) -> set[str]:
    return {by_name[token] for member in members
            for token in _NAME.findall(_STRING.sub("", member) if "'" in member or '"' in member
                                       else member)
            if token in by_name}


def owner(identity: str, entry: Entry) -> str:
    """The type a model-level entry belongs to: a field's model, a value's enum, or itself."""
    return entry.parent if entry.kind in ("field", "value") else identity
