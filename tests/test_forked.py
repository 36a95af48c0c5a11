"""sdkforge.forked: a function in a forked child, what it returned or why it did not."""

from __future__ import annotations

import os

import pytest

from sdkforge.forked import ChildFailed, Forked, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="this platform does not fork")


def _fails() -> int:
    raise ValueError("no such thing")


def test_the_result_comes_back() -> None:
    assert Forked(lambda: {"a": [1, 2]}).result() == {"a": [1, 2]}


def test_an_exception_in_the_child_is_said_by_type_and_text() -> None:
    with pytest.raises(ChildFailed, match=r"^ValueError: no such thing$"):
        Forked(_fails).result()


def test_a_child_that_dies_is_said_with_its_exit_code() -> None:
    with pytest.raises(ChildFailed, match=r"^the validator process ended with exit code 3$"):
        Forked(lambda: os._exit(3), "validator").result()


def test_leaving_without_the_result_ends_a_child_still_sending() -> None:
    big = "x" * (1 << 22)  # more than a pipe holds: the child blocks until it is read or closed
    with Forked(lambda: big) as child:
        pass
    assert child._child.exitcode == 0


def test_busy_while_the_child_works_and_not_once_it_has_sent() -> None:
    import time

    read, write = os.pipe()
    child = Forked(lambda: os.read(read, 1))  # works until the parent writes a byte
    assert child.busy()
    os.write(write, b"x")
    deadline = time.monotonic() + 10
    while child.busy() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not child.busy()
    assert child.result() == b"x"
    assert not child.busy()  # its result taken: nothing runs
