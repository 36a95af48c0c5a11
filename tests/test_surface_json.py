"""The API surface file of a big package is made on the second core (`Surface.json_beside`):
the same text as made inline, and made inline when the child cannot give it."""

from __future__ import annotations

import os

import pytest

from sdkforge.emit import surface as surface_module
from sdkforge.emit.surface import Entry, Surface
from sdkforge.forked import can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="this platform does not fork")


def big() -> Surface:
    entries = {f"model:M{i}": Entry("model", f"M{i}", f"M{i}", f"#/components/schemas/M{i}",
                                    doc=f"d{i % 7}") for i in range(200)}
    entries.update({f"model:M{i}/field:f": Entry(
        "field", f"M{i}.f", "f", f"#/components/schemas/M{i}/properties/f",
        parent=f"model:M{i}", type=("int", "None"), required=bool(i % 2)) for i in range(200)})
    return Surface("T", "1", "t", entries)


def test_below_the_threshold_it_is_made_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(surface_module, "Forked", None)  # forking would fail the test
    made = big().json_beside()
    assert made() == big().to_json()


def test_from_the_threshold_a_child_makes_the_same_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(surface_module, "_FORK_FROM", 100)
    pids: list[int] = []
    original = Surface.to_json

    def noting(self: Surface) -> str:
        pids.append(os.getpid())  # in the child: lost with it; inline: kept here
        return original(self)

    monkeypatch.setattr(Surface, "to_json", noting)
    text = big().json_beside()()
    assert text == original(big())
    assert Surface.from_json(text) == big()
    assert pids == []  # made in the child


def test_a_child_that_dies_leaves_it_to_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(surface_module, "_FORK_FROM", 100)
    parent = os.getpid()
    original = Surface.to_json

    def dies_in_the_child(self: Surface) -> str:
        if os.getpid() != parent:
            os._exit(9)
        return original(self)

    monkeypatch.setattr(Surface, "to_json", dies_in_the_child)
    assert big().json_beside()() == original(big())


def test_above_the_threshold_it_is_made_inline_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(surface_module, "_FORK_FROM", 100)
    monkeypatch.setattr(surface_module, "_FORK_UNTIL", 300)
    monkeypatch.setattr(surface_module, "Forked", None)  # forking would fail the test
    assert big().json_beside()() == big().to_json()
