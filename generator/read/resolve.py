"""Stage 3: the `$ref` graph.

Checks every reference once (local pointers, nested `$defs`, refs to refs, relative
files confined to the spec's folder) and offers `deref` to later stages. Recursive
schemas are fine: references are followed lazily, one hop chain at a time.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

from sdkforge.diagnostics import (
    Diagnostics,
    escape_pointer_token,
    join_pointer,
    unescape_pointer_token,
)
from sdkforge.errors import SpecError
from sdkforge.read.load import Document, load, load_remote
from sdkforge.read.remote import is_url

ABSENT: Any = object()  # what `child` gives for a member a JSON value does not have


def child(node: Any, token: str) -> Any:
    """The member `token` of a JSON value (an object's key, an array's index), or ABSENT."""
    if isinstance(node, dict):
        return node.get(token, ABSENT)
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return node[int(token)]
    return ABSENT


@dataclass(frozen=True, slots=True)
class Location:
    """A node's place: the file (relative to the spec's folder; "" for the spec) and pointer."""

    file: str
    pointer: str

    @property
    def key(self) -> str:
        return f"{self.file}#{self.pointer}"

    def at(self, *tokens: str | int) -> Location:
        """The place of a node below this one, `tokens` down."""
        return Location(self.file, join_pointer(self.pointer, *tokens))


@dataclass(slots=True)
class Resolved:
    root: Document
    documents: dict[str, Document] = field(default_factory=dict)
    # The spec's own file name in its folder: a reference to it by name is a reference to ""
    # (a second copy would be loaded, and its nodes would be other nodes).
    root_file: str = field(init=False, default="")
    # Per document, the pointer of each `$anchor` (JSON Schema 2020-12's plain-name fragments:
    # `$ref: '#money'`), found when a reference first names one.
    anchors: dict[str, dict[str, str]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        if not self.root.url:
            self.root_file = self.root.path.resolve().name

    def display_file(self, file: str) -> str:
        return self.documents[file].name

    def get(self, loc: Location) -> Any:
        node = self.documents[loc.file].data
        if loc.pointer and loc.pointer[0] != "/":
            raise KeyError(loc.key)  # an anchor no schema declares
        for token in _tokens(loc.pointer):
            node = child(node, token)
            if node is ABSENT:
                raise KeyError(loc.key)
        return node

    def target(self, ref: str, at: Location) -> Location:
        """Where a `$ref` written at `at` points (no existence check)."""
        file_part, _, fragment = ref.partition("#")
        pointer = unquote(fragment)
        if not file_part:
            file = at.file
        elif is_url(file_part) or is_url(at.file):
            file = urljoin(at.file, file_part) if is_url(at.file) else file_part
        else:
            base = Path(at.file).parent if at.file else Path()
            file = str(Path(_normalise(base / file_part)))
            file = "" if file == self.root_file else file
        if pointer and pointer[0] != "/" and file in self.documents:
            pointer = self._anchored(file).get(pointer, pointer)
        return Location(file, pointer)

    def _anchored(self, file: str) -> dict[str, str]:
        """The pointer of each `$anchor` in the document `file`."""
        found = self.anchors.get(file)
        if found is None:
            found = self.anchors[file] = {}
            pending: list[tuple[Any, str]] = [(self.documents[file].data, "")]
            while pending:
                node, pointer = pending.pop()
                if isinstance(node, dict):
                    if isinstance(node.get("$anchor"), str):
                        found.setdefault(node["$anchor"], pointer)
                    pending.extend((v, f"{pointer}/{escape_pointer_token(str(k))}")
                                   for k, v in node.items())
                elif isinstance(node, list):
                    pending.extend((v, f"{pointer}/{i}") for i, v in enumerate(node))
        return found

    def deref(self, node: Any, loc: Location) -> tuple[Any, Location]:
        """Follow `$ref` chains from `node` to the first node that is not a pure reference."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            if loc.key in seen:
                break
            seen.add(loc.key)
            loc = self.target(node["$ref"], loc)
            node = self.get(loc)
        return node, loc


def _tokens(pointer: str) -> list[str]:
    if not pointer:
        return []
    if "~" not in pointer:  # nearly every pointer: no token to unescape
        return pointer.split("/")[1:]
    return [unescape_pointer_token(t) for t in pointer.split("/")[1:]]


def _normalise(path: Path) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            else:
                parts.append("..")
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def resolve(root: Document, diagnostics: Diagnostics, allow_remote: bool = False) -> Resolved:
    """Load referenced files and report every reference that does not resolve."""
    resolved = Resolved(root=root, documents={"": root})
    base_dir = root.path.resolve().parent
    pending: list[tuple[Any, Location]] = [(root.data, Location("", ""))]
    visited_files = {""}
    all_of: list[tuple[str, Location]] = []
    while pending:
        data, loc = pending.pop()
        for ref, at in _iter_refs(data, loc):
            usable = _check_ref(resolved, ref, at, base_dir, diagnostics, pending, visited_files,
                                allow_remote)
            if usable and _ALL_OF.search(at.pointer):
                all_of.append((ref, at))
    _report_all_of_cycles(resolved, all_of, diagnostics)
    return resolved


_ALL_OF = re.compile(r"/allOf/\d+$")


def _report_all_of_cycles(
    resolved: Resolved, refs: list[tuple[str, Location]], diagnostics: Diagnostics
) -> None:
    """A schema whose `allOf` includes itself, directly or through others, has no finite meaning
    (and sends validators into endless recursion): each such cycle is an error, reported once."""
    edges: dict[str, list[tuple[str, Location]]] = {}
    for ref, at in refs:
        container = Location(at.file, _ALL_OF.sub("", at.pointer))
        try:
            _, included = resolved.deref({"$ref": ref}, at)
        except KeyError:
            continue
        edges.setdefault(container.key, []).append((included.key, at))
        # An inline `allOf` member's own `allOf` belongs to its parent too.
        inner = container.pointer
        while _ALL_OF.search(inner):
            outer = _ALL_OF.sub("", inner)
            member = Location(at.file, inner).key
            edges.setdefault(Location(at.file, outer).key, []).append((member, at))
            inner = outer
    reported: set[frozenset[str]] = set()
    for start in sorted(edges):
        stack: list[tuple[str, list[str], Location | None]] = [(start, [start], None)]
        while stack:
            node, path, first = stack.pop()
            for target, at in edges.get(node, []):
                where = first or at
                if target == start:
                    cycle = frozenset(path)
                    if cycle not in reported:
                        reported.add(cycle)
                        chain = " -> ".join("#" + key.split("#", 1)[1] for key in [*path, start])
                        diagnostics.error(
                            resolved.display_file(where.file), join_pointer(where.pointer, "$ref"),
                            f"`allOf` cycle: {chain}; a schema cannot include itself",
                            "break the cycle: refer back with a property instead of `allOf`",
                        )
                elif target not in path and len(path) < 64:
                    stack.append((target, [*path, target], where))


def _iter_refs(node: Any, loc: Location) -> list[tuple[str, Location]]:
    found: list[tuple[str, Location]] = []
    stack: list[tuple[Any, str]] = [(node, loc.pointer)]
    while stack:
        current, pointer = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                found.append((ref, Location(loc.file, pointer)))
            for key, value in current.items():
                if isinstance(value, (dict, list)):
                    stack.append((value, f"{pointer}/{escape_pointer_token(str(key))}"))
        elif isinstance(current, list):
            for index, value in enumerate(current):
                if isinstance(value, (dict, list)):
                    stack.append((value, f"{pointer}/{index}"))
    found.sort(key=lambda item: item[1].pointer)
    return found


def _referenced_document(
    ref: str, target_file: str, remote: bool, base_dir: Path, error: Callable[..., None]
) -> Document | None:
    """The document a reference points into, loaded; None (with `error` called) when it cannot
    be."""
    file_part = ref.split("#", 1)[0]
    if remote:
        loader: Callable[[], Document] = functools.partial(load_remote, target_file)
    elif target_file.startswith("..") or Path(file_part).is_absolute():
        error(f"reference {ref!r} leaves the spec's folder",
              "references may only point to files inside the folder holding the spec")
        return None
    else:
        path = base_dir / target_file
        if not path.resolve().is_relative_to(base_dir):
            error(f"reference {ref!r} leaves the spec's folder (through a link)")
            return None
        loader = functools.partial(load, path)
    try:
        document = loader()
    except SpecError as exc:  # re-locate it at the reference
        message = "; ".join(d.message for d in exc.diagnostics)
        error(f"reference {ref!r} points to a file that cannot be used: {message}")
        return None
    if not isinstance(document.data, (dict, list)):
        error(f"reference {ref!r} points to a file that is not a JSON or YAML document "
              f"(it reads as a single {type(document.data).__name__})",
              "references must point into a .json, .yaml or .yml file")
        return None
    return document


def _check_ref(
    resolved: Resolved,
    ref: str,
    at: Location,
    base_dir: Path,
    diagnostics: Diagnostics,
    pending: list[tuple[Any, Location]],
    visited_files: set[str],
    allow_remote: bool = False,
) -> bool:
    """Check one reference, loading the file it points into; False when it is unusable."""
    file = resolved.display_file(at.file)
    where = join_pointer(at.pointer, "$ref")
    file_part = ref.split("#", 1)[0]
    remote = bool(file_part) and (is_url(file_part) or is_url(at.file))
    if remote and not allow_remote:
        diagnostics.error(
            file, where, f"remote reference {ref!r} is not allowed",
            "pass --allow-remote-refs to fetch it over http(s), or download the document next to "
            "the spec and reference it by relative path",
        )
        return False
    target = resolved.target(ref, at)
    if target.file and target.file not in resolved.documents:
        document = _referenced_document(ref, target.file, remote, base_dir,
                                        functools.partial(diagnostics.error, file, where))
        if document is None:
            return False
        resolved.documents[target.file] = document
    if target.file not in visited_files:
        visited_files.add(target.file)
        pending.append((resolved.documents[target.file].data, Location(target.file, "")))
    try:
        node = resolved.get(target)
    except KeyError:
        diagnostics.error(
            file, where, f"reference {ref!r} does not resolve: nothing at that pointer",
            "check the spelling of the component name",
        )
        return False
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        try:
            final, _ = resolved.deref(node, target)
        except KeyError:
            return False  # the broken link in the chain is reported at its own place
        if isinstance(final, dict) and isinstance(final.get("$ref"), str):
            diagnostics.error(file, where, f"reference {ref!r} is part of a cycle of references "
                              "that never reaches a schema")
            return False
    return True

