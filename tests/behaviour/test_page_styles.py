"""Every pagination style, and every way a server says the last page has come, over real sockets.

The client is generated once from `paging.yaml` (one operation per style and end condition). The
loopback server answers each list from ten items `t0`...`t9` and fails a request for a page past
the last one (status 599, which the client raises), so a test passes only when the client stops
where the server said. Each case runs with the sync and the async client, walking the pages with
`iter_all()` and one by one with `has_next_page()` / `next_page()` / `anext_page()`.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sdkforge.config import GenerateOptions
from sdkforge.output.write import write
from sdkforge.pipeline import generate

from .server import LoopbackServer, RecordedRequest, Reply

SPEC = Path(__file__).with_name("paging.yaml")
ITEMS = [f"t{i}" for i in range(10)]
TOKEN, KEY = "tok-123", "k3y"


@pytest.fixture(scope="module")
def paging(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("paging")
    write(out, generate(GenerateOptions(SPEC, package="paging")).files)
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("paging")
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == "paging" or n.startswith("paging.")]:
            del sys.modules[name]


def _past(request: RecordedRequest) -> Reply:
    return Reply(599, json={"error": f"a request past the last page: {request.raw_path}"})


def _things(ids: list[str]) -> list[dict[str, str]]:
    return [{"id": i} for i in ids]


def _number(request: RecordedRequest, name: str, default: int) -> int:
    return int(dict(request.query).get(name, default))


def _slice(page: int, size: int) -> list[dict[str, str]]:
    return _things(ITEMS[(page - 1) * size:page * size])


def numbered(request: RecordedRequest, url: str) -> Reply:
    page, size = _number(request, "page", 1), _number(request, "per_page", 10)
    pages = -(-len(ITEMS) // size)
    if page > pages:
        return _past(request)
    return Reply(json={"data": _slice(page, size), "meta": {"pagination": {"total_pages": pages}}})


def counted(request: RecordedRequest, url: str) -> Reply:
    page, size = _number(request, "page", 1), _number(request, "per_page", 10)
    if (page - 1) * size >= len(ITEMS):
        return _past(request)
    return Reply(json={"items": _slice(page, size), "total": len(ITEMS)})


def unsized(request: RecordedRequest, url: str) -> Reply:
    page = _number(request, "page", 1)  # the server's own page size: 4
    if page > 3:
        return _past(request)
    return Reply(json={"results": _slice(page, 4), "count": len(ITEMS)})


def flagged(request: RecordedRequest, url: str) -> Reply:
    page = _number(request, "page", 1)
    if page > 4:
        return _past(request)
    return Reply(json={"items": _slice(page, 3), "has_next_page": page < 4})


def chained(request: RecordedRequest, url: str) -> Reply:
    page = _number(request, "page", 1)
    if page > 3:
        return _past(request)
    following = f"{url}/chained?page={page + 1}" if page < 3 else None
    return Reply(json={"results": _slice(page, 4), "next": following})


def plain(request: RecordedRequest, url: str) -> Reply:
    page = _number(request, "page_number", 1)
    if page > 3:  # page 3 holds fewer than the pages before it: the last
        return _past(request)
    return Reply(json={"items": _slice(page, 4)})


def even(request: RecordedRequest, url: str) -> Reply:
    page = _number(request, "page_number", 1)
    if page > 3:  # page 3 is empty: with nothing else to go by, the one request past the end
        return _past(request)
    return Reply(json={"items": _slice(page, 5)})


def offsets(request: RecordedRequest, url: str) -> Reply:
    offset, limit = _number(request, "offset", 0), _number(request, "limit", 10)
    if offset >= len(ITEMS):
        return _past(request)
    return Reply(json={"items": _things(ITEMS[offset:offset + limit]),
                       "has_more": offset + limit < len(ITEMS)})


def customers(request: RecordedRequest, url: str) -> Reply:
    after = dict(request.query).get("starting_after")
    start = ITEMS.index(after) + 1 if after else 0
    limit = _number(request, "limit", 10)
    if start >= len(ITEMS):
        return _past(request)
    return Reply(json={"object": "list", "url": "/customers", "data": _things(
        ITEMS[start:start + limit]), "has_more": start + limit < len(ITEMS)})


def issues(request: RecordedRequest, url: str) -> Reply:
    page, size = _number(request, "page", 1), _number(request, "per_page", 10)
    if page > 4:
        return _past(request)
    links = [f'<{url}/issues?per_page={size}&state=open&page=1>; rel="first"']
    if page == 1:  # absolute, with other relations around it
        links.insert(0, f'<{url}/issues?per_page={size}&state=open&page=2>; rel="next"')
    elif page < 4:  # relative to the request, several relation types in one quoted value
        links.append(f'</issues?per_page={size}&state=open&page={page + 1}>; '
                     'title="a, b; c"; rel="prefetch next"')
    links.append(f'<{url}/issues?per_page={size}&state=open&page=4>; rel="last"')
    return Reply(json=_slice(page, 3), headers={"Link": ", ".join(links)})


def users(request: RecordedRequest, url: str) -> Reply:
    token = dict(request.query).get("$skiptoken")
    page = int(token[1:]) if token else 1
    if page > 3:
        return _past(request)
    body: dict[str, Any] = {"value": _slice(page, 4)}
    if page < 3:
        body["@odata.nextLink"] = f"{url}/users?$top=4&$skiptoken=X{page + 1}"
    return Reply(json=body)


@dataclass(frozen=True)
class Case:
    resource: str
    arguments: dict[str, Any]
    serve: Callable[[RecordedRequest, str], Reply]
    pages: int  # requests a walk makes
    sent: Callable[[RecordedRequest], object]  # what each request says of its page
    expected: list[object]


def query(name: str) -> Callable[[RecordedRequest], object]:
    return lambda request: dict(request.query).get(name)


CASES = {
    "page count, nested": Case("numbered", {"per_page": 4}, numbered, 3, query("page"),
                               [None, "2", "3"]),
    "item count and the page size sent": Case("counted", {"per_page": 5}, counted, 2,
                                              query("page"), [None, "2"]),
    "item count and the first page's size": Case("unsized", {}, unsized, 3, query("page"),
                                                 [None, "2", "3"]),
    "has_next_page": Case("flagged", {}, flagged, 4, query("page"), [None, "2", "3", "4"]),
    "a null next": Case("chained", {}, chained, 3, query("page"), [None, "2", "3"]),
    "a page shorter than the one before": Case("plain", {}, plain, 3, query("page_number"),
                                               [None, "2", "3"]),
    "an empty page": Case("even", {}, even, 3, query("page_number"), [None, "2", "3"]),
    "offset and has_more": Case("offsets", {"limit": 4}, offsets, 3, query("offset"),
                                [None, "4", "8"]),
    "the last item's id": Case("customers", {"limit": 3}, customers, 4, query("starting_after"),
                               [None, "t2", "t5", "t8"]),
    "Link headers": Case("issues", {"per_page": 3, "state": "open"}, issues, 4,
                         lambda r: r.raw_path.split("?", 1)[1],
                         ["per_page=3&state=open&api_key=k3y",
                          "per_page=3&state=open&page=2&api_key=k3y",
                          "per_page=3&state=open&page=3&api_key=k3y",
                          "per_page=3&state=open&page=4&api_key=k3y"]),
    "a next URL in the body": Case("users", {"top": 4, "consistency_level": "eventual"}, users, 3,
                                   lambda r: r.raw_path.split("?", 1)[1],
                                   ["%24top=4&api_key=k3y",
                                    "$top=4&$skiptoken=X2&api_key=k3y",
                                    "$top=4&$skiptoken=X3&api_key=k3y"]),
}


def walk(paging: ModuleType, kind: str, url: str, case: Case, mode: str,
         **options: Any) -> list[list[str]]:
    """The ids of each page (mode "step") or of all items in one list (mode "iter")."""
    options = {"base_url": url, "max_retries": 0, "token": TOKEN, "key": KEY, **options}

    def first(client: Any) -> Any:
        return getattr(client, case.resource).list(**case.arguments)

    if kind == "sync":
        with paging.Paging(**options) as client:
            page = first(client)
            if mode == "iter":
                return [[t.id for t in page.iter_all()]]
            pages = [page]
            while pages[-1].has_next_page():
                pages.append(pages[-1].next_page())
            return [[t.id for t in _items(p)] for p in pages]

    async def run() -> list[list[str]]:
        async with paging.AsyncPaging(**options) as client:
            page = await first(client)
            if mode == "iter":
                return [[t.id async for t in page.iter_all()]]
            pages = [page]
            while pages[-1].has_next_page():
                pages.append(await pages[-1].anext_page())
            return [[t.id for t in _items(p)] for p in pages]

    return asyncio.run(run())


def _items(page: Any) -> list[Any]:
    if isinstance(page, list):
        return page
    for name in ("data", "items", "results", "value"):
        if hasattr(page, name):
            return list(getattr(page, name))
    raise AssertionError(f"no items in {page!r}")


@pytest.mark.parametrize("mode", ["iter", "step"])
@pytest.mark.parametrize("name", list(CASES))
def test_pages_end_where_the_server_says(paging: ModuleType, server: LoopbackServer, kind: str,
                                         name: str, mode: str) -> None:
    case = CASES[name]
    server.default = lambda request: case.serve(request, server.url)
    pages = walk(paging, kind, server.url, case, mode)
    assert [i for page in pages for i in page] == ITEMS
    if mode == "step":
        assert all(pages[:-1]) and len(pages) == case.pages
    assert [case.sent(r) for r in server.requests] == case.expected
    assert all(r.header("Authorization") == f"Bearer {TOKEN}" for r in server.requests)
    assert all(dict(r.query)["api_key"] == KEY and r.query_string.count("api_key") == 1
               for r in server.requests)
    if case.resource == "users":  # the call's header parameters go with every page too
        assert all(r.header("ConsistencyLevel") == "eventual" for r in server.requests)


DRF = """
openapi: 3.0.3
info: {title: Tasks, version: '1'}
paths:
  /tasks/:
    get:
      operationId: tasks_list
      parameters:
        - {name: page, in: query, schema: {type: integer}}
        - {name: page_size, in: query, schema: {type: integer}}
      responses:
        '200':
          description: a bare list, Django REST framework's page of it
          content:
            application/json:
              schema:
                type: array
                items: {type: object, properties: {id: {type: string}}}
        '404': {description: Invalid page.}
"""


def test_a_404_past_the_last_page_ends_the_walk(
    make_client: Callable[[str, str], ModuleType], server: LoopbackServer, kind: str
) -> None:
    """Django REST framework answers a page number past the end with 404 ("Invalid page."):
    one page of fewer items than asked for cannot tell that it is the last, so the walk asks
    for the next and ends at the 404, where it used to raise NotFoundError."""
    drf = make_client(DRF, f"drf_{kind}")

    def tasks(request: RecordedRequest) -> Reply:
        if _number(request, "page", 1) > 1:
            return Reply(404, json={"detail": "Invalid page."})
        return Reply(json=_things(ITEMS))

    server.default = tasks
    if kind == "sync":
        with getattr(drf, drf.__all__[0])(base_url=server.url, max_retries=0) as client:
            ids = [t.id for t in client.tasks.list(page_size=20).iter_all()]
    else:
        async def run() -> list[str]:
            async with getattr(drf, drf.__all__[1])(base_url=server.url, max_retries=0) as client:
                return [t.id async for t in (await client.tasks.list(page_size=20)).iter_all()]

        ids = asyncio.run(run())
    assert ids == ITEMS
    assert [dict(r.query).get("page") for r in server.requests] == [None, "2"]


def test_a_write_is_not_a_list_to_page_through(paging: ModuleType, server: LoopbackServer) -> None:
    """A PATCH with offset and limit answering a list (Directus' "update many") is not paged:
    fetching its next page would send the change again."""
    server.default = lambda request: Reply(json={"data": _things(ITEMS[:2])})
    with paging.Paging(base_url=server.url, max_retries=0, token=TOKEN, key=KEY) as client:
        result = client.tasks.update(limit=2, done=True)
    assert [t.id for t in result.data] == ITEMS[:2]
    assert not hasattr(result, "has_next_page") and len(server.requests) == 1


def test_a_next_url_on_another_host_gets_no_credentials(paging: ModuleType,
                                                        server: LoopbackServer,
                                                        kind: str) -> None:
    """The next page is on another origin (`localhost` is not the base URL's `127.0.0.1`):
    it is fetched, with User-Agent and Accept, but with no credential, default header or
    header parameter, any of which may hold a secret."""
    with LoopbackServer() as other:
        other.default = lambda request: Reply(json={"value": [{"id": "elsewhere"}]})
        server.reply(json={"value": _things(["t0"]),
                           "@odata.nextLink": f"http://localhost:{other.port}/users?$skiptoken=Z"})
        case = Case("users", {"consistency_level": "eventual"}, users, 2, query("$skiptoken"),
                    [None])
        (ids,) = walk(paging, kind, server.url, case, "iter",
                      default_headers={"X-Secret": "s"}, default_query={"tenant": "t"})
        assert ids == ["t0", "elsewhere"]
        (request,) = other.requests
        assert request.raw_path == "/users?$skiptoken=Z"
        sent = {name.lower() for name, _ in request.headers}
        assert not sent & {"authorization", "x-secret", "consistencylevel", "cookie"}
        assert request.header("User-Agent", "").startswith("paging/")
        assert request.header("Accept") == "application/json"
    (first,) = server.requests
    assert first.header("X-Secret") == "s" and dict(first.query)["tenant"] == "t"


def test_a_followed_url_on_the_base_origin_keeps_the_default_query_it_lacks(
    paging: ModuleType, server: LoopbackServer, kind: str
) -> None:
    """The client's default query goes with a next URL unless the URL sets that name itself;
    the credentials are not sent twice when the server echoes them in its URL."""
    server.reply(json={"value": _things(["t0"]),
                       "@odata.nextLink": f"{server.url}/users?$skiptoken=Z&tenant=b&api_key=k3y"})
    server.reply(json={"value": _things(["t1"]), "@odata.nextLink": "/users?$skiptoken=Y"})
    server.reply(json={"value": _things(["t2"])})
    case = Case("users", {}, users, 3, query("$skiptoken"), [None])
    (ids,) = walk(paging, kind, server.url, case, "iter",
                  default_query={"tenant": "a", "region": "eu"})
    assert ids == ["t0", "t1", "t2"]
    assert [r.raw_path for r in server.requests] == [
        "/users?tenant=a&region=eu&api_key=k3y",
        "/users?$skiptoken=Z&tenant=b&api_key=k3y&region=eu",
        "/users?$skiptoken=Y&tenant=a&region=eu&api_key=k3y",
    ]


def test_a_next_url_pointing_back_at_the_page_ends_it(paging: ModuleType,
                                                      server: LoopbackServer, kind: str) -> None:
    server.default = lambda request: Reply(json={
        "value": _things(["t0"]), "@odata.nextLink": f"{server.url}{request.raw_path}"})
    case = Case("users", {}, users, 1, query("$skiptoken"), [None])
    assert walk(paging, kind, server.url, case, "iter") == [["t0"]]
    assert len(server.requests) == 1


@pytest.mark.parametrize(("header", "target"), [
    ('<https://a.example/2>; rel="next"', "https://a.example/2"),
    ('<https://a.example/1>; rel="prev", <https://a.example/3>; rel=next', "https://a.example/3"),
    ('<https://a.example/x>; REL="Next"', "https://a.example/x"),
    ('<https://a.example/x?a=1,2>; title="one, two; three"; rel="prefetch next"',
     "https://a.example/x?a=1,2"),
    ('<https://a.example/x>; rel="nextpage", <https://a.example/y>; rel="last"', None),
    ('<https://a.example/x>; rel="prev"; rel="next"', None),  # the first rel counts (RFC 8288)
    ("", None),
])
def test_link_header_values_are_read_as_rfc_8288_writes_them(
    paging: ModuleType, header: str, target: str | None
) -> None:
    from paging._runtime._pagination import next_link

    assert next_link([header]) == target
    assert next_link(['<https://a.example/0>; rel="first"', header]) == target


CONFIGURED = """
openapi: 3.1.0
info: {title: Rows, version: '1'}
paths:
  /rows:
    get:
      operationId: list_rows
      parameters:
        - {name: p, in: query, schema: {type: integer}}
        - {name: n, in: query, schema: {type: integer}}
      responses:
        '200':
          description: nothing here is a conventional name
          content:
            application/json:
              schema:
                type: object
                properties:
                  rows: {type: array, items: {type: object, properties: {id: {type: string}}}}
                  info: {type: object, properties: {page_count: {type: integer}}}
"""


def test_a_configured_page_style_counts_from_its_first_page(
    tmp_path: Path, server: LoopbackServer, kind: str
) -> None:
    """Pages numbered from 0, a page count under a name nobody would guess: configured, the
    client asks for pages 0 (by leaving `p` out), 1 and 2, and not for page 3."""
    from sdkforge.config import Config, PageOverride

    spec = tmp_path / "rows.yaml"
    spec.write_text(CONFIGURED)
    entry = PageOverride("page", "p", "rows", pages=("info", "page_count"), size="n", first=0)
    options = GenerateOptions(spec, package="rows", config=Config(pagination={"list_rows": entry}))
    write(tmp_path / "out", generate(options).files)
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        rows = importlib.import_module("rows")

        def serve(request: RecordedRequest) -> Reply:
            page, size = _number(request, "p", 0), _number(request, "n", 10)
            if page * size >= len(ITEMS):
                return _past(request)
            return Reply(json={"rows": _slice(page + 1, size),
                               "info": {"page_count": -(-len(ITEMS) // size)}})

        server.default = serve
        if kind == "sync":
            with rows.RowsClient(base_url=server.url, max_retries=0) as client:
                ids = [r.id for r in client.rows.list(n=4).iter_all()]
        else:
            async def run() -> list[str]:
                async with rows.AsyncRowsClient(base_url=server.url, max_retries=0) as client:
                    first = await client.rows.list(n=4)
                    return [r.id async for r in first.iter_all()]

            ids = asyncio.run(run())
        assert ids == ITEMS
        assert [dict(r.query).get("p") for r in server.requests] == [None, "1", "2"]
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [n for n in sys.modules if n == "rows" or n.startswith("rows.")]:
            del sys.modules[name]


FILTERED = """
openapi: 3.0.1
info: {title: Items, version: '1'}
paths:
  /items:
    get:
      operationId: read_items
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: offset, in: query, schema: {type: integer}}
        - {name: filter, in: query, schema: {type: string}}
      responses:
        '200':
          description: Directus's list, with both counts when asked for them
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {type: object, properties: {id: {type: string}}}}
                  meta:
                    type: object
                    properties: {total_count: {type: integer}, filter_count: {type: integer}}
"""


def test_a_filtered_list_ends_at_the_count_of_what_the_filter_kept(
    make_client: Callable[[str, str], ModuleType], server: LoopbackServer
) -> None:
    """`total_count` counts the whole collection, `filter_count` what the filter kept: the
    walk counted against the first and asked for pages past the end of a filtered list."""
    items = make_client(FILTERED, "filtered")

    def serve(request: RecordedRequest) -> Reply:
        offset, limit = _number(request, "offset", 0), _number(request, "limit", 10)
        kept = ITEMS[::2]  # the filter keeps 5 of the 10
        if offset >= len(kept):
            return _past(request)
        return Reply(json={"data": _things(kept[offset:offset + limit]),
                           "meta": {"total_count": len(ITEMS), "filter_count": len(kept)}})

    server.default = serve
    with getattr(items, items.__all__[0])(base_url=server.url, max_retries=0) as client:
        ids = [t.id for t in client.items.read(limit=5, filter="even").iter_all()]
    assert ids == ITEMS[::2] and len(server.requests) == 1
