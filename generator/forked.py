"""A function run in a forked child process, on the second core, what it returns sent back
through a pipe: validation beside the pipeline (`read.validate`), half of the formatting
(`emit.format`), a big API's surface file (`emit.surface.Beside`)."""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Whether this process may fork a child: the platform forks, and the process is not a
    daemon (a `multiprocessing.Pool` worker may not have children)."""
    return ("fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)


class ChildFailed(Exception):
    """The child raised (the message: its exception's type and text) or died."""


class Forked(Generic[T]):
    """`function()` in a forked child, started at once (OSError when no process can be had);
    `result` waits for what it returned. Leaving a `with` block closes the pipe before joining
    the child, so a child still sending ends instead of blocking the join."""

    def __init__(self, function: Callable[[], T], name: str = "child") -> None:
        self._name = name
        fork = multiprocessing.get_context("fork")
        self._receive, send = fork.Pipe(duplex=False)
        self._child = fork.Process(target=_run, args=(function, send, self._receive),
                                   daemon=True)
        try:
            self._child.start()
        except OSError:
            self._receive.close()
            raise
        finally:
            send.close()

    def result(self) -> T:
        """What `function` returned; ChildFailed when it raised or its process died."""
        try:
            status, payload = self._receive.recv()
        except (EOFError, OSError):
            status, payload = "died", None
        finally:
            self.close()
        if status == "ok":
            return payload  # type: ignore[no-any-return]  # what `function` returned, unpickled
        if status == "raised":
            raise ChildFailed(payload)
        raise ChildFailed(f"the {self._name} process ended with exit code {self._child.exitcode}")

    def busy(self) -> bool:
        """Whether the child is still at work: it has sent nothing yet and is alive."""
        try:
            return not self._receive.poll()
        except OSError:  # closed: its result was taken
            return False

    def close(self) -> None:
        self._receive.close()
        self._child.join()

    def __enter__(self) -> Forked[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def _run(function: Callable[[], Any], send: Connection, receive: Connection) -> None:
    receive.close()  # the parent's end, copied by the fork: once the parent closes its own, a
    # send fails instead of waiting for a reader that will never come
    try:
        send.send(("ok", function()))
    except BaseException as exc:  # said by the parent's `result`
        with contextlib.suppress(OSError):  # unless the parent stopped listening
            send.send(("raised", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()
