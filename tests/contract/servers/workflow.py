"""What a workflow is made of: steps that pass, fail or are skipped, and one way to drive the sync
and the async client with the same code."""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import AsyncIterable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import httpx


class Skip(Exception):
    """A step that cannot run, because one it needs failed or the server offers no such thing."""


class Failed(AssertionError):
    """What a step found wrong."""


def check(condition: object, message: str) -> None:
    """Fail the step with `message` unless `condition` holds (assert would vanish under -O)."""
    if not condition:
        raise Failed(message)


@dataclass
class Step:
    name: str
    outcome: str  # "passed", "failed" or "skipped"
    detail: str = ""


@dataclass
class Record:
    """The steps of one workflow run (one server, one client kind), in order."""

    server: str
    kind: str
    steps: list[Step] = field(default_factory=list)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Run the body as the step `name`; an exception fails it (or skips it, for `Skip`) and
        the workflow goes on."""
        try:
            yield
        except Skip as skip:
            self.steps.append(Step(name, "skipped", str(skip)))
        except Exception as error:  # every failure is recorded, and the workflow goes on
            self.steps.append(Step(name, "failed", _describe(error)))
        else:
            self.steps.append(Step(name, "passed"))

    def count(self, outcome: str) -> int:
        return sum(1 for s in self.steps if s.outcome == outcome)


def _describe(error: BaseException) -> str:
    if isinstance(error, Failed):
        return str(error)
    frames = traceback.extract_tb(error.__traceback__)
    where = next((f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames)
                  if "contract/servers" in f.filename), "")
    return f"{type(error).__name__}: {error}" + (f" (at {where})" if where else "")


class Driver:
    """Calls a generated client of either kind: `d.run(client.things.create(...))` is the sync
    call's value, or the async call awaited on one event loop kept for the whole workflow."""

    def __init__(self, kind: str, package: ModuleType, client_class: str, **options: Any) -> None:
        self.kind = kind
        self.package = package
        self.errors: ModuleType = package.errors
        self.models: ModuleType = package.models
        self._loop = asyncio.Runner() if kind == "async" else None
        name = client_class if self._loop is None else "Async" + client_class
        self.requests: list[str] = []  # "METHOD URL" of every request sent, in order
        self._http = self._http_client()
        self.client: Any = self.run(self._make(getattr(package, name),
                                               {**options, "http_client": self._http}))

    def _http_client(self) -> httpx.Client | httpx.AsyncClient:
        def seen(request: httpx.Request) -> None:
            self.requests.append(f"{request.method} {request.url}")

        async def aseen(request: httpx.Request) -> None:
            seen(request)

        if self._loop is None:
            return httpx.Client(timeout=30, event_hooks={"request": [seen]})
        return httpx.AsyncClient(timeout=30, event_hooks={"request": [aseen]})

    async def _amake(self, cls: Any, options: dict[str, Any]) -> Any:
        return cls(**options)

    def _make(self, cls: Any, options: dict[str, Any]) -> Any:
        return cls(**options) if self._loop is None else self._amake(cls, options)

    def run(self, value: Any) -> Any:
        return value if self._loop is None else self._loop.run(value)

    def collect(self, items: Iterable[Any] | AsyncIterable[Any]) -> list[Any]:
        """Every item of `page.iter_all()`: `for` with the sync client, `async for` with the
        async one."""
        if self._loop is None:
            return list(items)  # type: ignore[arg-type]

        async def gather() -> list[Any]:
            return [item async for item in items]  # type: ignore[union-attr]

        return self._loop.run(gather())

    def next_page(self, page: Any) -> Any:
        return page.next_page() if self._loop is None else self.run(page.anext_page())

    def expect_error(self, call: Callable[[], Any], error: str, status: int) -> Any:
        """Make the call, which must raise the package's `errors.<error>` with `status`; the
        error, for its body to be checked."""
        expected = getattr(self.errors, error)
        try:
            result = self.run(call())
        except expected as raised:
            check(raised.status_code == status,
                  f"{error} carried status {raised.status_code}, not {status}")
            return raised
        except Exception as other:
            raise Failed(f"expected {error} ({status}), got {type(other).__name__}: {other}"
                         ) from other
        raise Failed(f"expected {error} ({status}), the call returned {result!r:.200}")

    def close(self) -> None:
        try:
            self.run(self.client.close())
            self.run(self._http.aclose() if isinstance(self._http, httpx.AsyncClient)
                     else self._http.close())
        finally:
            if self._loop is not None:
                self._loop.close()
