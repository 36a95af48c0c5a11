"""Limits on untrusted spec files: size, nesting depth, alias expansion, duplicate keys.

`load` reads a spec through these checks before any later stage walks it:
- a file larger than `max_spec_bytes()` (64 MiB, or `$SDKFORGE_MAX_SPEC_MB`) is not read;
- YAML nesting is measured on libyaml's event stream before the document is built, since
  libyaml's composer recurses in C and crashes the process on very deep input;
- YAML aliases are shared when loaded, but every later stage walks the document as a tree:
  a "billion laughs" document would expand exponentially there, so the expanded size is
  counted (once per shared node) and capped, and recursive aliases are refused;
- a mapping with the same key twice is refused at its place: every parser silently keeps
  one of the two, so part of what the author wrote would be dropped without a word.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import yaml

from sdkforge.diagnostics import escape_pointer_token
from sdkforge.errors import SpecError, fail

MAX_DEPTH = 100  # nested mappings and lists; real specs stay under 25
MAX_ALIAS_NODES = 1_000_000  # extra nodes that YAML aliases may add when expanded
SIZE_ENV = "SDKFORGE_MAX_SPEC_MB"
DEFAULT_MAX_MB = 64

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def max_spec_bytes(name: str) -> int:
    raw = os.environ.get(SIZE_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_MB * 1024 * 1024
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = -1.0
    if not megabytes > 0:
        raise fail(name, "", f"{SIZE_ENV}={raw!r} is not a positive number of megabytes",
                   f"unset it for the default of {DEFAULT_MAX_MB}")
    return int(megabytes * 1024 * 1024)


def too_large(name: str, size: int, limit: int, kind: str = "spec file") -> SpecError:
    return fail(name, "", f"{kind} is {size:,} bytes, more than the limit of {limit:,}",
                f"set {SIZE_ENV} to raise the limit if you trust this file")


class DuplicateKey(Exception):
    pass


_STR, _MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"


class UniqueKeyLoader(_SafeLoader):  # type: ignore[misc]  # PyYAML's loaders are untyped
    """The safe loader, with every scalar mapping key read as the text written (an OpenAPI
    document is JSON, whose keys are strings: `200:` is the response code "200", and a property
    `on:` is "on", not the YAML 1.1 boolean True), refusing a mapping that repeats a key once
    so read (merge keys `<<` may override)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE:
                if key_node.value in seen:
                    raise DuplicateKey()
                seen.add(key_node.value)
        # The keys merged in by `<<` too (the base class flattens no more).
        self.flatten_mapping(node)
        node.value = [
            (_as_string(key_node), value_node) if isinstance(key_node, yaml.ScalarNode)
            else (key_node, value_node)
            for key_node, value_node in node.value
        ]
        return super().construct_mapping(node, deep=deep)


def _as_string(node: yaml.ScalarNode) -> yaml.ScalarNode:
    if node.tag == _STR:
        return node
    return yaml.ScalarNode(_STR, node.value, node.start_mark, node.end_mark, node.style)


UniqueKeyLoader.add_constructor("tag:yaml.org,2002:map", UniqueKeyLoader.construct_yaml_map)


def json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`object_pairs_hook` for `json.loads` refusing a repeated key."""
    result = dict(pairs)
    if len(result) != len(pairs):
        raise DuplicateKey()
    return result


def duplicate_key_error(text: str, name: str) -> SpecError:
    """Find the first repeated key (a slow path, taken only when there is one) and say where."""
    try:
        root = yaml.compose(text, Loader=_SafeLoader)
    except (yaml.YAMLError, RecursionError):
        root = None
    for pointer, key_node in _mapping_keys(root):
        return fail(
            name, pointer,
            f"duplicate key {key_node.value!r} at line {key_node.start_mark.line + 1}, "
            f"column {key_node.start_mark.column + 1}: parsers keep only one of the two",
            "remove or rename one of them",
        )
    return fail(name, "", "the document repeats a key in one of its mappings",
                "remove or rename one of them")


def _mapping_keys(root: yaml.Node | None) -> Iterator[tuple[str, yaml.Node]]:
    """(pointer of the mapping, key node) for each repeated key, depth first."""
    stack: list[tuple[yaml.Node | None, str]] = [(root, "")]
    done: set[int] = set()
    while stack:
        node, pointer = stack.pop()
        if node is None or id(node) in done:
            continue
        done.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            children = []
            for key_node, value in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE:
                    if key_node.value in seen:
                        yield pointer, key_node
                    seen.add(key_node.value)
                    token = escape_pointer_token(str(key_node.value))
                    children.append((value, f"{pointer}/{token}"))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed([(v, f"{pointer}/{i}") for i, v in enumerate(node.value)]))


def check_yaml_depth(text: str, name: str) -> None:
    """Refuse YAML nested deeper than MAX_DEPTH, from the event stream (no recursion)."""
    depth = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
                raise _too_deep(name, where)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _too_deep(name: str, where: str = "") -> SpecError:
    return fail(name, "", f"the document nests more than {MAX_DEPTH} levels deep{where}",
                "no OpenAPI document needs that; is this file generated by mistake?")


# The bytes of JSON text that are structure, the brackets as parentheses: strings are cut out
# by their quotes once escaped backslashes and quotes are gone.
_STRUCTURE = bytes.maketrans(b"[]{}", b"()()")
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')


def check_json_depth(source: bytes, name: str) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH. JSON has no aliases, so depth is all that
    `check_shape` would measure. Without a walk: the brackets outside strings, as parentheses,
    lose their innermost pairs once per pass, so a document MAX_DEPTH deep is empty after
    MAX_DEPTH passes (GitHub's spec: 18 passes over 0.7 MB; 120 ms with the regular
    expressions that cut out strings from the text, 25 ms so). `source`: the text as UTF-8."""
    data = source.replace(b"\\\\", b"").replace(b'\\"', b"")
    parens = b"".join(data.translate(_STRUCTURE, _NOT_STRUCTURE).split(b'"')[::2])
    for _ in range(MAX_DEPTH):
        inner = parens.replace(b"()", b"")
        if len(inner) == len(parens):  # empty, or not balanced (the parser said why)
            return
        parens = inner
    if parens:
        raise _too_deep(name)


def check_shape(data: Any, name: str) -> None:
    """Refuse recursive aliases, alias expansion beyond MAX_ALIAS_NODES and depth beyond MAX_DEPTH.

    One pass over the distinct nodes: each node's expanded size and depth are computed once,
    so a billion-laughs document costs as little to measure as it takes to load.
    """
    sizes: dict[int, tuple[int, int]] = {}  # id -> (expanded nodes, depth)
    distinct = 0  # nodes counted once each, however often aliases repeat them
    active: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        ident = id(node)
        values = list(node.values()) if isinstance(node, dict) else node
        if children_done:
            active.discard(ident)
            size, depth = 1, 1
            distinct += 1
            for child in values:
                if isinstance(child, (dict, list)):
                    child_size, child_depth = sizes[id(child)]
                    size += child_size
                    depth = max(depth, child_depth + 1)
                else:
                    size += 1
                    distinct += 1
            if depth > MAX_DEPTH:
                raise _too_deep(name)
            if size > distinct + MAX_ALIAS_NODES:
                raise fail(name, "", "YAML aliases expand this document by more than "
                           f"{MAX_ALIAS_NODES:,} nodes (an alias bomb?)",
                           "write the repeated parts out, or use $ref")
            sizes[ident] = (size, depth)
            continue
        if ident in sizes:
            continue
        if ident in active:
            raise fail(name, "", "a YAML alias refers to a node that contains it "
                       "(a recursive document)", "use $ref for recursive schemas")
        active.add(ident)
        stack.append((node, True))
        stack.extend((child, False) for child in values if isinstance(child, (dict, list)))
