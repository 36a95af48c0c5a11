"""One API over the sync and async seed clients, so a behaviour test runs for both."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import mixpeek

from .server import LoopbackServer


class Harness:
    """Runs calls of either client kind:
    `h.run(h.client.cluster_triggers.get_history(...))`.

    For the sync client the call has already happened when `run` gets its value; for the async
    client `run` awaits the coroutine on one event loop kept for the whole test.
    """

    def __init__(self, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        self._runner = asyncio.Runner() if kind == "async" else None
        self._closed = False
        self.client: Any = self.run(self._make(kwargs))

    async def _amake(self, kwargs: dict[str, Any]) -> mixpeek.AsyncMixpeek:
        return mixpeek.AsyncMixpeek(**kwargs)

    def _make(self, kwargs: dict[str, Any]) -> Any:
        return mixpeek.Mixpeek(**kwargs) if self._runner is None else self._amake(kwargs)

    def run(self, value: Any) -> Any:
        return value if self._runner is None else self._runner.run(value)

    def history(self, *args: Any, client: Any = None, **kwargs: Any) -> Any:
        target = self.client if client is None else client
        return self.run(target.cluster_triggers.get_history(*args, **kwargs))

    def close_client(self, client: Any) -> None:
        self.run(client.close())

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.run(self.client.close())
        finally:
            if self._runner is not None:
                self._runner.close()


@contextmanager
def harnesses(kind: str, server: LoopbackServer,
              **defaults: Any) -> Iterator[Callable[..., Harness]]:
    """`make(**kwargs)` builds a client of `kind` aimed at the server; all are closed afterwards."""
    made: list[Harness] = []

    def make(**kwargs: Any) -> Harness:
        harness = Harness(kind, **{"base_url": server.url, **defaults, **kwargs})
        made.append(harness)
        return harness

    try:
        yield make
    finally:
        for harness in made:
            harness.close()
