"""Overlays: OpenAPI Overlay Specification 1.0 documents applied to the loaded spec, before it is
resolved and validated, so a fix to a spec one does not own survives the next download.

An overlay (YAML or JSON) is `overlay: 1.0.x`, `info`, an optional `extends` and `actions`, each
a `target` (an RFC 9535 JSONPath query over the spec) with an `update` or `remove: true`.
Overlays apply in the order given, their actions in document order, each to the spec as the
actions before it left it. Every node a target selects is changed:

- `update` on an object is merged into it: objects merge recursively, arrays get the update's
  items appended, anything else is replaced;
- `update` on an array appends the update to it (an array update's items, one by one);
- `remove: true` removes the node from the object or array holding it (`update` is then unused).

A target that selects nothing is a warning naming the overlay and the action (a spec bump may
have moved what it fixed). An overlay that cannot be applied as written is an error at its place
in the overlay file, and nothing is applied. Only the spec's root document is overlaid.
Which nodes an overlay wrote is kept (`Provenance`), so findings about them point into it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sdkforge.diagnostics import Diagnostics, join_pointer
from sdkforge.read.load import Document, load
from sdkforge.read.provenance import Provenance

_VERSION = re.compile(r"1\.0\.\d+")
_TOP = {"overlay", "info", "extends", "actions"}
_ACTION = {"target", "description", "update", "remove"}


@dataclass(frozen=True, slots=True)
class Action:
    file: str  # the overlay's name
    index: int  # its place in the overlay's `actions`
    target: str
    query: Any  # the compiled JSONPath
    description: str
    update: Any  # None when it removes
    remove: bool

    @property
    def at(self) -> str:
        return f"/actions/{self.index}"

    @property
    def named(self) -> str:
        """The action as a finding names it: its index, and its description when it has one."""
        described = " ".join(self.description.split())
        if len(described) > 60:
            described = described[:57] + "..."
        return f"action {self.index} ({described!r})" if described else f"action {self.index}"


@dataclass(frozen=True, slots=True)
class Applied:
    document: Document  # the spec, its data overlaid (its text as read, for lines)
    overlays: list[Document]  # the overlay documents, in the order applied
    provenance: Provenance  # which nodes of the data the overlays wrote


def apply_overlays(document: Document, paths: Sequence[Path], found: Diagnostics) -> Applied:
    """Load, check and apply the overlays at `paths` to `document`'s data (in place), adding
    what is wrong to `found`. When an overlay cannot be read as one, nothing is applied (the
    errors in `found` say why); raise SpecError when a file is not YAML or JSON at all."""
    overlays = [load(path, "overlay file") for path in paths]
    provenance = Provenance()
    errors = len(found.failing(strict=False))
    actions = [action for overlay in overlays for action in _actions(overlay, found)]
    if len(found.failing(strict=False)) > errors:
        return Applied(document, overlays, provenance)
    for action in actions:
        _apply(document.data, action, provenance, found)
    edits = hashlib.sha256(b"\0".join(o.source for o in overlays)).hexdigest()
    return Applied(replace(document, edits=edits), overlays, provenance)


def _actions(overlay: Document, found: Diagnostics) -> list[Action]:
    """The actions of `overlay`, checked, with their targets compiled; its problems in `found`."""
    name, data = overlay.name, overlay.data
    if not isinstance(data, dict):
        found.error(name, "", "not an overlay: the top level is not a mapping",
                    "an overlay has `overlay: 1.0.0`, `info` and `actions`")
        return []
    version = data.get("overlay")
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        found.error(name, "/overlay" if "overlay" in data else "",
                    f"not an Overlay 1.0 document: `overlay` is {_shown(version)}",
                    "sdkforge applies OpenAPI Overlay Specification 1.0.x documents: "
                    "`overlay: 1.0.0`")
    if not isinstance(data.get("info"), dict):
        found.warning(name, "/info" if "info" in data else "",
                      "the overlay has no `info` object (its title and version)")
    for key in sorted(k for k in data if k not in _TOP and not str(k).startswith("x-")):
        found.warning(name, join_pointer("", key), f"unknown overlay field {key!r} is ignored")
    actions = data.get("actions")
    if not isinstance(actions, list) or not actions:
        found.error(name, "/actions" if "actions" in data else "",
                    "the overlay has no `actions` (a list of at least one action)")
        return []
    checked = (_action(name, index, raw, found) for index, raw in enumerate(actions))
    return [action for action in checked if action is not None]


def _action(file: str, index: int, raw: Any, found: Diagnostics) -> Action | None:
    at = f"/actions/{index}"
    if not isinstance(raw, dict):
        found.error(file, at, "an action must be a mapping with `target` and `update` or "
                              "`remove`")
        return None
    for key in sorted(k for k in raw if k not in _ACTION and not str(k).startswith("x-")):
        found.warning(file, join_pointer(at, key), f"unknown action field {key!r} is ignored")
    description: Any = raw.get("description", "")
    if not isinstance(description, str):
        found.warning(file, f"{at}/description", "`description` is not a string; ignored")
        description = ""
    target, query = raw.get("target"), None
    if not isinstance(target, str) or not target.startswith("$"):
        found.error(file, f"{at}/target" if "target" in raw else at,
                    f"an action's `target` must be a JSONPath query starting with `$`; "
                    f"it is {_shown(target)}")
    else:
        query = _compiled(file, f"{at}/target", target, found)
    remove = raw.get("remove", False)
    if not isinstance(remove, bool):
        found.error(file, f"{at}/remove", f"`remove` must be true or false; it is {_shown(remove)}")
        return None
    if not remove and "update" not in raw:
        found.error(file, at, "the action has neither `update` nor `remove: true`",
                    "an action changes what its target selects: give one of them")
        return None
    if remove and "update" in raw:
        found.warning(file, f"{at}/update", "`update` is ignored: the action has `remove: true`")
    if query is None:
        return None
    update = None if remove else raw["update"]
    return Action(file, index, str(target), query, description, update, remove)


def _compiled(file: str, at: str, target: str, found: Diagnostics) -> Any:
    """The JSONPath query `target` compiled (RFC 9535, strictly), or None with an error."""
    import jsonpath  # only runs with overlays pay for importing it

    try:
        return _environment().compile(target)
    except (jsonpath.JSONPathError, RecursionError) as exc:
        lines = str(exc).splitlines() or [type(exc).__name__]
        token = getattr(exc, "token", None)
        column = f" (at character {token.index + 1})" if token is not None and token.index >= 0 \
            else ""
        found.error(file, at, f"`target` is not a valid RFC 9535 JSONPath query: "
                              f"{lines[0]}{column}: {target}")
        return None


_ENV: list[Any] = []


def _environment() -> Any:
    if not _ENV:
        import jsonpath

        _ENV.append(jsonpath.JSONPathEnvironment(strict=True))
    return _ENV[0]


def _apply(data: Any, action: Action, provenance: Provenance, found: Diagnostics) -> None:
    """Apply one action to every node its target selects (selected before any is changed)."""
    try:
        selected = list(dict.fromkeys(tuple(m.parts) for m in action.query.finditer(data)))
    except Exception as exc:  # the library failing on odd data: go on without the action
        found.warning(action.file, f"{action.at}/target",
                      f"{action.named} could not be evaluated on this spec, and is skipped: "
                      f"{type(exc).__name__}: {exc}")
        return
    if not selected:
        found.warning(action.file, f"{action.at}/target",
                      f"{action.named} selects nothing in the spec: {action.target}",
                      "the spec may have moved or dropped what it changed")
        return
    for parts in reversed(selected) if action.remove else selected:
        if action.remove:
            _remove(data, parts, action, provenance, found)
        else:
            _update(data, parts, action, provenance, found)


def _node(data: Any, parts: Sequence[str | int]) -> Any:
    """The node at `parts`, or _GONE when an earlier change took it away."""
    for part in parts:
        if isinstance(data, dict):
            data = data.get(part, _GONE) if isinstance(part, str) else _GONE
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return _GONE
        if data is _GONE:
            return _GONE
    return data


_GONE: Any = object()


def _remove(data: Any, parts: tuple[str | int, ...], action: Action, provenance: Provenance,
            found: Diagnostics) -> None:
    if not parts:
        found.error(action.file, f"{action.at}/target",
                    f"{action.named} would remove the whole spec")
        return
    parent = _node(data, parts[:-1])
    if _node(data, parts) is _GONE:  # inside a node removed already
        return
    length = len(parent) if isinstance(parent, list) else None  # later items move up
    provenance.removed(join_pointer("", *parts[:-1]), parts[-1], length)
    del parent[parts[-1]]


def _update(data: Any, parts: tuple[str | int, ...], action: Action, provenance: Provenance,
            found: Diagnostics) -> None:
    node = _node(data, parts)
    pointer = join_pointer("", *parts)
    at = f"{action.at}/update"
    if isinstance(node, dict):
        if not isinstance(action.update, dict):
            found.error(action.file, at,
                        f"{action.named} selects an object (#{pointer}), so `update` must be "
                        f"an object; it is {_kind(action.update)}")
            return
        _merge(node, action.update, pointer, (action.file, at), provenance)
    elif isinstance(node, list):
        _append(node, action.update, pointer, (action.file, at), provenance)
    elif node is not _GONE:
        found.error(action.file, f"{action.at}/target",
                    f"{action.named} selects {_kind(node)} (#{pointer}): an update changes "
                    "objects and arrays",
                    "target the object holding it and update that key")


def _merge(node: dict[str, Any], update: dict[str, Any], pointer: str, source: tuple[str, str],
           provenance: Provenance) -> None:
    file, at = source
    for key, value in update.items():
        here, there = join_pointer(pointer, key), join_pointer(at, key)
        current = node.get(key, _GONE)
        if isinstance(current, dict) and isinstance(value, dict):
            _merge(current, value, here, (file, there), provenance)
        elif isinstance(current, list) and isinstance(value, list):
            _append(current, value, here, (file, there), provenance)
        else:
            node[key] = _copy(value)
            provenance.wrote(here, file, there)


def _append(node: list[Any], update: Any, pointer: str, source: tuple[str, str],
            provenance: Provenance) -> None:
    file, at = source
    items = list(enumerate(update)) if isinstance(update, list) else [(None, update)]
    for index, item in items:
        provenance.wrote(join_pointer(pointer, len(node)), file,
                         at if index is None else join_pointer(at, index))
        node.append(_copy(item))


def _copy(value: Any) -> Any:
    """A copy of a JSON value, so no two places of the spec share a node an action may change."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    return {bool: "a boolean", str: "a string", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__)


def _shown(value: Any) -> str:
    if value is None:
        return "missing"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
