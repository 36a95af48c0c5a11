"""The API surface of a big package is made on the second core (`emit.surface.Beside`): its
text is what making it here gives, the surface read back from that text is the surface, and
it is made here when the child cannot make it."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from sdkforge.emit import surface as surface_module
from sdkforge.emit.surface import Beside, Entry, Surface
from sdkforge.forked import can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="this platform does not fork")


def big() -> Surface:
    entries = {f"model:M{i}": Entry("model", f"M{i}", f"M{i}", f"#/components/schemas/M{i}",
                                    doc=f"d{i % 7}", usage="out") for i in range(200)}
    entries.update({f"model:M{i}/field:f": Entry(
        "field", f"M{i}.f", "f", f"#/components/schemas/M{i}/properties/f",
        parent=f"model:M{i}", type=("int", "None"), required=bool(i % 2)) for i in range(200)})
    entries["operation:list"] = Entry("method", "client.m.list", "list", "/paths/~1m/get",
                                      parent="resource:m", endpoint="GET /m", position=0)
    return Surface("T", "1", "t", entries)


class Counted:
    """`big`, counting the calls made in this process (a child's calls are lost with it)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> Surface:
        self.calls += 1
        return big()


def started(make: Callable[[], Surface], expected: int) -> Beside:
    """A `Beside` the pipeline has started for an API of `expected` entries."""
    beside = Beside(make)
    beside.start(expected)
    return beside


def test_below_the_threshold_it_is_made_here_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(surface_module, "Forked", None)  # forking would fail the test
    make = Counted()
    made = started(make, 10)
    assert make.calls == 0  # nothing before it is asked for
    assert made.text() == big().to_json() and made.surface() == big()
    assert make.calls == 1


def test_in_range_a_child_makes_the_text_and_the_surface_is_read_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(surface_module, "_FORK_FROM", 100)
    make = Counted()
    made = started(make, 401)
    assert made.text() == big().to_json()
    assert make.calls == 0  # made in the child
    assert made.surface() == big()  # from the text: what `to_json` was given
    assert make.calls == 0


def test_a_child_that_dies_leaves_it_to_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(surface_module, "_FORK_FROM", 100)
    parent = os.getpid()

    def dies_in_the_child() -> Surface:
        if os.getpid() != parent:
            os._exit(9)
        return big()

    assert started(dies_in_the_child, 401).text() == big().to_json()


def test_above_the_range_it_is_made_here_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(surface_module, "_FORK_FROM", 100)
    monkeypatch.setattr(surface_module, "_FORK_UNTIL", 300)
    monkeypatch.setattr(surface_module, "Forked", None)
    assert started(big, 401).text() == big().to_json()


def test_a_real_surface_reads_back_from_its_text() -> None:
    """The round trip `Beside` relies on, on a generated API (every kind of entry)."""
    from pathlib import Path

    from sdkforge.config import GenerateOptions
    from sdkforge.pipeline import analyse

    spec = Path(__file__).resolve().parent.parent / "specs" / "features.yaml"
    made = analyse(GenerateOptions(spec)).surface
    assert {e.kind for e in made.entries.values()} >= {"method", "param", "model", "field",
                                                       "enum", "value", "client-arg"}
    assert Surface.from_json(made.to_json()) == made
    assert list(Surface.from_json(made.to_json()).entries) == list(made.entries)  # one order


def test_a_run_that_fails_closes_the_child_instead_of_leaving_it_blocked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(surface_module, "_FORK_FROM", 100)
    big_text = Surface("T", "1", "t", {f"model:M{i}": Entry(
        "model", f"M{i}", f"M{i}", "#/x" * 50) for i in range(5000)})  # more than a pipe holds
    made = started(lambda: big_text, 401)
    child = made._child
    assert child is not None
    made.close()
    assert child._child.exitcode is not None  # joined: it ended
