"""Client-side measurements, run in a fresh interpreter per run (cases 5 and 6).

    python -m bench.workers calls {sdkforge,floor,opc} {sync,async} URL CALLS
    python -m bench.workers parse {sdkforge,floor,opc} BODY.json REPEAT

The sdkforge package (`mixpeek`) and openapi-python-client's (`mixpeek_api_client`) for the
seed spec must be importable (the harness puts both on PYTHONPATH). Each prints one JSON
line: {"seconds": ..., "cpu": ...}: wall and CPU time of the timed loop only (imports and
warm-up excluded). CPU time is the steadier number on a shared machine: waiting for a core
counts in the wall time but not in it.
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
        raise SystemExit(f"{client}: the call did not return a parsed TriggerHistoryResponse: {result!r:.200}")


def sync_call(client: str, url: str) -> tuple[Callable[[], Any], Callable[[], None]]:
    """The call to repeat, and how to close what it uses."""
    import httpx

    if client == "sdkforge":
        mixpeek = importlib.import_module("mixpeek")
        sdk = mixpeek.Mixpeek(base_url=url)
        return (lambda: sdk.cluster_triggers.get_trigger_history("trg_1", limit=LIMIT)), sdk.close
    if client == "floor":
        http = httpx.Client()
        return (lambda: json.loads(http.post(url + PATH, json={"limit": LIMIT}).content)), http.close
    package, operation, models = _opc()
    opc = package.Client(base_url=url)
    body = models.TriggerHistoryRequest(limit=LIMIT)
    return (lambda: operation.sync("trg_1", client=opc, body=body)), lambda: opc.get_httpx_client().close()


def async_call(client: str, url: str) -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:
    import httpx

    if client == "sdkforge":
        mixpeek = importlib.import_module("mixpeek")
        sdk = mixpeek.AsyncMixpeek(base_url=url)
        return (lambda: sdk.cluster_triggers.get_trigger_history("trg_1", limit=LIMIT)), sdk.close
    if client == "floor":
        http = httpx.AsyncClient()

        async def floor() -> Any:
            return json.loads((await http.post(url + PATH, json={"limit": LIMIT})).content)

        return floor, http.aclose
    package, operation, models = _opc()
    opc = package.Client(base_url=url)
    body = models.TriggerHistoryRequest(limit=LIMIT)
    return (lambda: operation.asyncio("trg_1", client=opc, body=body)), lambda: opc.get_async_httpx_client().aclose()


def calls(client: str, mode: str, url: str, count: int) -> tuple[float, float]:
    """Wall and CPU seconds of `count` sequential calls."""
    if mode == "sync":
        call, close = sync_call(client, url)
        for _ in range(WARMUP):
            _check(call(), client)
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            call()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        close()
        return seconds, cpu

    async def run() -> tuple[float, float]:
        acall, aclose = async_call(client, url)
        for _ in range(WARMUP):
            _check(await acall(), client)
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            await acall()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        await aclose()
        return seconds, cpu

    return asyncio.run(run())


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
    sdk.cluster_triggers.get_trigger_history("trg_1", limit=1000)
    request = httpx.Request("POST", "http://127.0.0.1:9" + PATH)
    response = httpx.Response(200, content=body, headers={"content-type": "application/json"}, request=request)
    return lambda: sdk._process(response, captured[0])


def parse(client: str, body: bytes, repeat: int) -> tuple[float, float]:
    """The median wall and CPU time of one parse over `repeat` parses, after a warm-up."""
    run = parser(client, body)
    for _ in range(3):
        _check(run(), client)
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str]) -> None:
    command, client = argv[0], argv[1]
    if command == "calls":
        seconds, cpu = calls(client, argv[2], argv[3], int(argv[4]))
    elif command == "parse":
        with open(argv[2], "rb") as handle:
            seconds, cpu = parse(client, handle.read(), int(argv[3]))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps({"seconds": seconds, "cpu": cpu}))


if __name__ == "__main__":
    main(sys.argv[1:])
