"""openapi-spec-validator's walk of the spec, over the plain data sdkforge already loaded.

The validator's own checks (path templates, duplicate ids and parameters, `required` names,
each schema's meta-schema check) step through the document with jsonschema-path: every step,
`in` and read resolves its whole path again through a cache and the `referencing` library,
about 7 microseconds each; on GitHub's spec (845 operations) that is 500,000 of them, three
quarters of validating it. `PlainPath` answers the same calls from the node it holds, and
follows a `$ref` the way `resolve` already checked it (relative to the file it is written in),
so a step costs one lookup. Only what needs the `referencing` registry (a `default` checked
against its schema) goes through a real jsonschema-path path, built when first asked for.

It offers the part of `SchemaPath` that openapi-spec-validator's keyword validators use: `/`,
`in`, `keys`, `items`, iteration, `[key]`, `len`, `read_value`, `read_str`, `read_bool`,
`get`, `exists`, `resolve`, `parts` and `_clone_with_parts`. A validator that asks for
anything else gets an AttributeError, and `validate` walks again with jsonschema-path.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sdkforge.read.resolve import Location, Resolved

_MISSING: Any = object()  # the node of a path that leads nowhere
_NOTSET: Any = object()


class Space:
    """What every path of one walk shares: the loaded documents, and the jsonschema-path root
    that `resolve` needs, made on first use (`real()`)."""

    __slots__ = ("documents", "real")

    def __init__(self, documents: Resolved, make_real: Callable[[], Any]) -> None:
        self.documents = documents
        self.real = functools.cache(make_real)


class PlainPath:
    """A place in the spec as openapi-spec-validator walked to it (`parts`), and the node
    there, with every `$ref` on the way followed."""

    __slots__ = ("_file", "_node", "_space", "parts")

    def __init__(self, space: Space, parts: tuple[Any, ...], node: Any, file: str) -> None:
        self.parts = parts
        self._node = node
        self._file = file  # the document the node is written in: where its `$ref`s start
        self._space = space

    @classmethod
    def root(cls, space: Space) -> PlainPath:
        return cls(space, (), space.documents.root.data, "")

    def __truediv__(self, key: Any) -> PlainPath:
        node, file = _step(self._node, key), self._file
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            try:
                node, loc = self._space.documents.deref(node, Location(file, ""))
            except (LookupError, ValueError):  # `resolve` reported it already
                node = _MISSING
            else:
                file = loc.file
        return PlainPath(self._space, (*self.parts, key), node, file)

    def __contains__(self, key: Any) -> bool:
        node = self._node
        if type(node) is dict or isinstance(node, Mapping):
            return key in node
        if isinstance(node, list):
            return isinstance(key, int) and 0 <= key < len(node)
        return False

    def keys(self) -> Any:
        node = self._node
        if isinstance(node, dict):
            return node.keys()
        if isinstance(node, list):
            return range(len(node))
        if isinstance(node, Mapping):
            return list(node.keys())
        raise self._missing()

    def __iter__(self) -> Iterator[PlainPath]:
        for key in self.keys():
            yield self / key

    def items(self) -> Iterator[tuple[Any, PlainPath]]:
        for key in self.keys():
            yield key, self / key

    def __len__(self) -> int:
        return len(self.keys())

    def __getitem__(self, key: Any) -> Any:
        """The member's value, or its path when it is an object or an array (pathable's
        rule: the member as written, its `$ref` not followed)."""
        if self._node is _MISSING:
            raise self._missing()
        node = _step(self._node, key)
        if node is _MISSING:
            raise KeyError(key)
        if isinstance(node, Mapping | list):
            return self / key
        return node

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def exists(self) -> bool:
        return self._node is not _MISSING

    def read_value(self) -> Any:
        if self._node is _MISSING:
            raise self._missing()
        return self._node

    def read_str(self, default: Any = _NOTSET) -> Any:
        return self._read(str, "a string", default)

    def read_bool(self, default: Any = _NOTSET) -> Any:
        if self._node is not _MISSING and not isinstance(self._node, bool) \
                and default is not _NOTSET:
            return default
        return self._read(bool, "a bool", default)

    def _read(self, kind: type, said: str, default: Any) -> Any:
        if self._node is _MISSING:
            if default is not _NOTSET:
                return default
            raise self._missing()
        if not isinstance(self._node, kind):
            raise TypeError(f"Expected {said} value, got {type(self._node)}")
        return self._node

    @contextmanager
    def resolve(self) -> Iterator[Any]:
        """jsonschema-path's resolution of this place: its node and a `referencing` resolver
        for the `$ref`s inside it (what checking a `default` against its schema needs)."""
        with self._space.real()._clone_with_parts(self.parts).resolve() as resolved:
            yield resolved

    def _clone_with_parts(self, parts: tuple[Any, ...]) -> PlainPath:
        path = PlainPath.root(self._space)
        for part in parts:
            path = path / part
        return path

    def _missing(self) -> KeyError:
        return KeyError(self.parts[-1]) if self.parts else KeyError()

    def __str__(self) -> str:
        return "/".join(str(part) for part in self.parts)

    def __repr__(self) -> str:
        return f"PlainPath({str(self)!r})"


def _step(node: Any, key: Any) -> Any:
    """A member of a node, as pathable's step finds it (`_MISSING` where it does not)."""
    if node is _MISSING or getattr(type(node), "__getitem__", None) is None:
        return _MISSING
    try:
        return node[key]
    except (KeyError, IndexError, TypeError):
        return _MISSING
