"""Client-side measurements, run in a fresh interpreter per run (cases 5 and 6).

    python -m bench.workers calls {sync,async} URL CALLS BLOCK
    python -m bench.workers parse BODY.json REPEAT

The three clients (sdkforge's, the floor, openapi-python-client's) run in one process, taking
turns: `calls` in blocks of BLOCK calls, `parse` one parse each, the first in each round
rotating. A load that comes and goes on a shared machine then falls on all three alike,
which separate processes one after another cannot promise.

The sdkforge package (`mixpeek`) and openapi-python-client's (`mixpeek_api_client`) for the
seed spec must be importable (the harness puts both on PYTHONPATH). Prints one JSON line:
{client: {"seconds": ..., "cpu": ...}}, wall and CPU time of the timed work only (imports
and warm-up excluded). CPU time is the steadier number on a shared machine: waiting for a
core counts in the wall time but not in it.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

CLIENTS = ("sdkforge", "floor", "opc")
PATH = "/v1/clusters/triggers/trg_1/history"
WARMUP = 50
LIMIT = 10  # the request asks for 10 items; the server's canned body has as many


def _opc() -> tuple[Any, Any, Any]:
    package = importlib.import_module("mixpeek_api_client")
    operation = importlib.import_module(
        "mixpeek_api_client.api.cluster_triggers.get_trigger_history_v1_clusters_triggers_trigger_id_history_post"
    )
    models = importlib.import_module("mixpeek_api_client.models")
    return package, operation, models


def _check(result: Any, client: str) -> None:
    total = result["total"] if isinstance(result, dict) else getattr(result, "total", None)
    if not isinstance(total, int):
        raise SystemExit(
            f"{client}: the call did not return a parsed TriggerHistoryResponse: {result!r:.200}"
        )


def sync_call(client: str, url: str) -> tuple[Callable[[], Any], Callable[[], None]]:
    """The call to repeat, and how to close what it uses."""
    import httpx

    if client == "sdkforge":
        mixpeek = importlib.import_module("mixpeek")
        sdk = mixpeek.Mixpeek(base_url=url)
        return (lambda: sdk.cluster_triggers.get_history("trg_1", limit=LIMIT)), sdk.close
    if client == "floor":
        http = httpx.Client()
        return (lambda: json.loads(http.post(url + PATH, json={"limit": LIMIT}).content),
                http.close)
    package, operation, models = _opc()
    opc = package.Client(base_url=url)
    body = models.TriggerHistoryRequest(limit=LIMIT)
    return (lambda: operation.sync("trg_1", client=opc, body=body),
            lambda: opc.get_httpx_client().close())


def async_call(
    client: str, url: str
) -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:
    import httpx

    if client == "sdkforge":
        mixpeek = importlib.import_module("mixpeek")
        sdk = mixpeek.AsyncMixpeek(base_url=url)
        return (lambda: sdk.cluster_triggers.get_history("trg_1", limit=LIMIT)), sdk.close
    if client == "floor":
        http = httpx.AsyncClient()

        async def floor() -> Any:
            return json.loads((await http.post(url + PATH, json={"limit": LIMIT})).content)

        return floor, http.aclose
    package, operation, models = _opc()
    opc = package.Client(base_url=url)
    body = models.TriggerHistoryRequest(limit=LIMIT)
    return (lambda: operation.asyncio("trg_1", client=opc, body=body),
            lambda: opc.get_async_httpx_client().aclose())


def _order(index: int) -> tuple[str, ...]:
    """The clients in turn, starting one further each round, so none always goes first."""
    shift = index % len(CLIENTS)
    return CLIENTS[shift:] + CLIENTS[:shift]


def calls(mode: str, url: str, count: int, block: int) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of `count` sequential calls per client, in interleaved blocks."""
    totals = {client: [0.0, 0.0] for client in CLIENTS}
    rounds = max(1, count // block)
    if mode == "sync":
        sync = {client: sync_call(client, url) for client in CLIENTS}
        for client, (call, _) in sync.items():
            for _ in range(WARMUP):
                _check(call(), client)
        for index in range(rounds):
            for client in _order(index):
                call = sync[client][0]
                started, cpu = time.perf_counter(), time.process_time()
                for _ in range(block):
                    call()
                totals[client][0] += time.perf_counter() - started
                totals[client][1] += time.process_time() - cpu
        for _, close in sync.values():
            close()
        return {client: (wall, cpu) for client, (wall, cpu) in totals.items()}

    async def run() -> None:
        both = {client: async_call(client, url) for client in CLIENTS}
        for client, (acall, _) in both.items():
            for _ in range(WARMUP):
                _check(await acall(), client)
        for index in range(rounds):
            for client in _order(index):
                acall = both[client][0]
                started, cpu = time.perf_counter(), time.process_time()
                for _ in range(block):
                    await acall()
                totals[client][0] += time.perf_counter() - started
                totals[client][1] += time.process_time() - cpu
        for _, aclose in both.values():
            await aclose()

    asyncio.run(run())
    return {client: (wall, cpu) for client, (wall, cpu) in totals.items()}


def parser(client: str, body: bytes) -> Callable[[], Any]:
    """Bytes of a 200 response -> the parsed TriggerHistoryResponse, the way each client does it."""
    if client == "opc":
        _, _, models = _opc()
        return lambda: models.TriggerHistoryResponse.from_dict(json.loads(body))
    import httpx
    import pydantic

    mixpeek = importlib.import_module("mixpeek")
    if client == "floor":
        adapter = pydantic.TypeAdapter(mixpeek.models.TriggerHistoryResponse)
        return lambda: adapter.validate_json(body)
    # sdkforge: the runtime's own response step (`_process`: JSON, validation, page state) for the
    # exact `Call` the generated method builds, captured instead of sent.
    sdk = mixpeek.Mixpeek(base_url="http://127.0.0.1:9")
    captured: list[Any] = []
    sdk.request = captured.append
    sdk.cluster_triggers.get_history("trg_1", limit=1000)
    request = httpx.Request("POST", "http://127.0.0.1:9" + PATH)
    response = httpx.Response(200, content=body, headers={"content-type": "application/json"},
                              request=request)
    return lambda: sdk._process(response, captured[0])


def parse(body: bytes, repeat: int) -> dict[str, tuple[float, float]]:
    """Per client, the median wall and CPU time of one parse over `repeat` interleaved parses."""
    parsers = {client: parser(client, body) for client in CLIENTS}
    for client, run in parsers.items():
        for _ in range(3):
            _check(run(), client)
    walls: dict[str, list[float]] = {client: [] for client in CLIENTS}
    cpus: dict[str, list[float]] = {client: [] for client in CLIENTS}
    for index in range(repeat):
        for client in _order(index):
            started, cpu = time.perf_counter(), time.process_time()
            parsers[client]()
            walls[client].append(time.perf_counter() - started)
            cpus[client].append(time.process_time() - cpu)
    return {client: (statistics.median(walls[client]), statistics.median(cpus[client]))
            for client in CLIENTS}


def main(argv: list[str]) -> None:
    command = argv[0]
    if command == "calls":
        measured = calls(argv[1], argv[2], int(argv[3]), int(argv[4]))
    elif command == "parse":
        with open(argv[1], "rb") as handle:
            measured = parse(handle.read(), int(argv[2]))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps({client: {"seconds": wall, "cpu": cpu}
                      for client, (wall, cpu) in measured.items()}))


if __name__ == "__main__":
    main(sys.argv[1:])
