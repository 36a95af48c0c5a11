"""Pagination of the seed's history call (offset/limit in the JSON body, `total` and
`executions` in the response) and of a cursor-paged list, against the loopback server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import ModuleType

import pytest

import mixpeek

from .server import LoopbackServer, RecordedRequest, Reply

TOTAL = 1234
PAGE = 100


def history_page(request: RecordedRequest) -> Reply:
    body = request.json()
    offset, limit = body.get("offset", 0), body.get("limit", 50)
    items = [
        {"job_id": f"job_{i}", "triggered_at": "2024-05-01T12:00:00Z", "status": "completed"}
        for i in range(offset, min(offset + limit, TOTAL))
    ]
    return Reply(200, json={"trigger_id": "trg_1", "executions": items, "total": TOTAL,
                            "offset": offset, "limit": limit})


def same_page_forever(request: RecordedRequest) -> Reply:
    items = [{"job_id": f"job_{i}", "triggered_at": "2024-05-01T12:00:00Z", "status": "ok"}
             for i in range(PAGE)]
    return Reply(200, json={"trigger_id": "trg_1", "executions": items, "total": 10**9,
                            "offset": 0, "limit": PAGE})


def test_iterates_every_history_item_in_order_sync(server: LoopbackServer) -> None:
    server.default = history_page
    client = mixpeek.Mixpeek(base_url=server.url, max_retries=0)
    first = client.cluster_triggers.get_history("trg_1", limit=PAGE)
    assert len(first.executions) == PAGE and first.has_next_page()
    jobs = [item.job_id for item in first.iter_all()]
    assert jobs == [f"job_{i}" for i in range(TOTAL)]
    assert len(server.requests) == 13  # 12 full pages and one of 34, no request past the total
    assert [r.json().get("offset", 0) for r in server.requests] == list(range(0, TOTAL, PAGE))
    assert all(r.json()["limit"] == PAGE for r in server.requests)
    second = first.next_page()
    assert second.offset == PAGE and second.executions[0].job_id == f"job_{PAGE}"


def test_iterates_every_history_item_in_order_async(server: LoopbackServer) -> None:
    server.default = history_page

    async def run() -> list[str]:
        async with mixpeek.AsyncMixpeek(base_url=server.url, max_retries=0) as client:
            first = await client.cluster_triggers.get_history("trg_1", limit=PAGE)
            second = await first.anext_page()
            assert second.executions[0].job_id == f"job_{PAGE}"
            return [item.job_id async for item in first.iter_all()]

    assert asyncio.run(run()) == [f"job_{i}" for i in range(TOTAL)]


def test_stops_on_a_server_that_repeats_the_same_page(server: LoopbackServer) -> None:
    server.default = same_page_forever
    client = mixpeek.Mixpeek(base_url=server.url, max_retries=0)
    first = client.cluster_triggers.get_history("trg_1", limit=PAGE)
    assert len(list(first.iter_all())) == PAGE
    assert len(server.requests) == 2  # the second page repeated the first: stop there


def test_a_page_fetches_the_next_one_only_the_way_its_client_can(server: LoopbackServer) -> None:
    """A page knows whether its client is sync or async: the other way is a clear TypeError,
    before any request is sent."""
    server.default = history_page
    client = mixpeek.Mixpeek(base_url=server.url, max_retries=0)
    page = client.cluster_triggers.get_history("trg_1", limit=PAGE)
    with pytest.raises(TypeError, match=r"came from a sync client: use `page.next_page[(][)]`"):
        asyncio.run(page.anext_page())

    async def run() -> None:
        async with mixpeek.AsyncMixpeek(base_url=server.url, max_retries=0) as aclient:
            apage = await aclient.cluster_triggers.get_history("trg_1", limit=PAGE)
            with pytest.raises(TypeError,
                               match=r"came from an async client: use `await page\.anext_page"):
                apage.next_page()

    asyncio.run(run())
    assert len(server.requests) == 2  # the two first pages, nothing more


CURSOR_SPEC = """
openapi: 3.1.0
info: {title: Cursors, version: '1'}
paths:
  /things/list:
    post:
      operationId: list_things
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: cursor, in: query, schema: {anyOf: [{type: string}, {type: 'null'}]}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ThingList'}
components:
  schemas:
    ThingList:
      type: object
      required: [results, pagination]
      properties:
        results: {type: array, items: {$ref: '#/components/schemas/Thing'}}
        pagination: {$ref: '#/components/schemas/Pagination'}
    Thing:
      type: object
      properties:
        id: {type: integer}
    Pagination:
      type: object
      properties:
        next_cursor: {anyOf: [{type: string}, {type: 'null'}]}
"""


def test_cursor_in_a_nested_pagination_object(
    make_client: Callable[[str, str], ModuleType], server: LoopbackServer
) -> None:
    pkg = make_client(CURSOR_SPEC, "cursors")

    def page(request: RecordedRequest) -> Reply:
        start = int(dict(request.query).get("cursor", "0"))
        nxt = str(start + 3) if start + 3 < 10 else None
        return Reply(200, json={"results": [{"id": i} for i in range(start, min(start + 3, 10))],
                                "pagination": {"next_cursor": nxt}})

    server.default = page
    client = getattr(pkg, pkg.__all__[0])(base_url=server.url, max_retries=0)
    first = client.things.list(limit=3)
    assert [t.id for t in first.iter_all()] == list(range(10))
    assert [dict(r.query).get("cursor") for r in server.requests] == [None, "3", "6", "9"]


EXTENDED_SPEC = """
openapi: 3.1.0
info: {title: Extended, version: '1'}
paths:
  /things:
    get:
      operationId: list_things
      parameters:
        - {name: offset, in: query, schema: {type: integer}}
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ThingPage'}
components:
  schemas:
    Envelope:
      type: object
      properties:
        request_id: {type: string}
    ThingPage:
      allOf:
        - $ref: '#/components/schemas/Envelope'
        - type: object
          required: [items, total]
          properties:
            items: {type: array, items: {$ref: '#/components/schemas/Thing'}}
            total: {type: integer}
    Thing:
      type: object
      properties:
        id: {type: integer}
"""


def test_only_pages_carry_page_state(make_client: Callable[[str, str], ModuleType],
                                     server: LoopbackServer) -> None:
    """A page extending a model that is not one still pages; the items and the model it extends
    keep no private state, so pydantic runs no per-instance hook when a page's items are parsed."""
    pkg = make_client(EXTENDED_SPEC, "extended")
    from extended._runtime._models import PageModel

    m = pkg.models
    assert issubclass(m.ThingPage, m.Envelope) and issubclass(m.ThingPage, PageModel)
    assert not issubclass(m.Envelope, PageModel) and not issubclass(m.Thing, PageModel)
    assert m.Thing.__private_attributes__ == {} and m.Envelope.__private_attributes__ == {}
    assert mixpeek.models.TriggerExecutionHistoryItem.__private_attributes__ == {}

    def page(request: RecordedRequest) -> Reply:
        query = dict(request.query)
        offset, limit = int(query.get("offset", "0")), int(query.get("limit", "4"))
        items = [{"id": i} for i in range(offset, min(offset + limit, 10))]
        return Reply(200, json={"request_id": "r", "items": items, "total": 10})

    server.default = page
    client = getattr(pkg, pkg.__all__[0])(base_url=server.url, max_retries=0)
    first = client.things.list(limit=4)
    assert [t.id for t in first.iter_all()] == list(range(10))
    assert [dict(r.query).get("offset") for r in server.requests] == [None, "4", "8"]
