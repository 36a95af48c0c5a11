"""jsonschema-path's SchemaNode, given sdkforge's fast path for plain dicts and lists,
answers exactly as pathable's general step does, without the Protocol check."""

from __future__ import annotations

import sys
import typing
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from jsonschema_path.nodes import SchemaNode
from pathable.accessors import SubscriptableAccessor

from sdkforge.read import schemapath

GENERAL = SubscriptableAccessor._get_subnode.__func__  # type: ignore[attr-defined]


class Frozen(Mapping[str, Any]):
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class Sub(dict[str, Any]):
    pass


SHARED = {"k": 1}
NODES: list[Any] = [
    {"a": SHARED, "0": "zero", 1: "one"}, [SHARED, "b"],
    Sub(a=SHARED), Frozen({"a": SHARED}), ("a", SHARED),
    "text", 7, None, 1.5,
]
PARTS: list[Any] = ["a", "missing", 0, 1, -1, 5, "0", ["unhashable"], None]


def outcome(function: Any, node: Any, part: Any) -> tuple[str, Any]:
    try:
        return "value", function(SchemaNode, node, part)
    except Exception as exc:  # the exception's type and arguments are part of the contract
        return type(exc).__name__, exc.args


@pytest.fixture(scope="module", autouse=True)
def installed() -> None:
    schemapath.install()


@pytest.mark.parametrize("node", NODES, ids=lambda n: type(n).__name__)
def test_every_node_and_part_gives_what_the_general_step_gives(node: Any) -> None:
    fast = SchemaNode._get_subnode.__func__  # type: ignore[attr-defined]
    assert fast is not GENERAL
    for part in PARTS:
        expected, got = outcome(GENERAL, node, part), outcome(fast, node, part)
        assert got[0] == expected[0], (node, part)
        if got[0] == "value":
            assert got[1] is expected[1], (node, part)
        else:
            assert got[1] == expected[1], (node, part)


def test_plain_nodes_skip_the_protocol_check(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = typing._get_protocol_attrs  # type: ignore[attr-defined]

    def counted(cls: type) -> Any:
        calls.append(cls)
        return original(cls)

    monkeypatch.setattr(typing, "_get_protocol_attrs", counted)
    assert SchemaNode._get_subnode({"a": [1, 2]}, "a") == [1, 2]
    assert SchemaNode._get_subnode([1, 2], 1) == 2
    assert calls == []
    if sys.version_info < (3, 12):  # where the counter sees the Protocol check at all
        SchemaNode._get_subnode(Frozen({"a": 1}), "a")  # the general path: still asks the Protocol
        assert calls


def test_installing_twice_keeps_one_fast_path() -> None:
    first = SchemaNode._get_subnode.__func__  # type: ignore[attr-defined]
    schemapath.install()
    assert SchemaNode._get_subnode.__func__ is first  # type: ignore[attr-defined]
