"""Parameters in query, header and cookie, multipart uploads and non-JSON responses, on the wire.

Each test generates a client from a tiny inline spec and drives it against the loopback server.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import io
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .server import LoopbackServer

Make = Callable[[str, str], ModuleType]

SPEC = """
openapi: 3.1.0
info: {title: Kinds, version: '1'}
servers: [{url: 'https://kinds.example'}]
paths:
  /items/{item_id}:
    get:
      operationId: get_item
      tags: [Items]
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: integer}}
        - {name: pageSize, in: query, schema: {type: integer}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: verbose, in: query, schema: {type: boolean}}
        - {name: X-Request-Id, in: header, schema: {type: string}}
        - {name: session, in: cookie, schema: {type: string}}
      responses:
        '200': {description: ok, content: {text/plain: {schema: {type: string}}}}
  /items/{item_id}/raw:
    get:
      operationId: download_item
      tags: [Items]
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content: {application/octet-stream: {schema: {type: string, format: binary}}}
        '204': {description: empty}
  /uploads:
    post:
      operationId: upload
      tags: [Items]
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file, name]
              properties:
                file: {type: string, format: binary}
                name: {type: string}
                count: {type: integer}
      responses:
        '204': {description: stored}
"""


def parts(body: bytes, content_type: str) -> dict[str, tuple[str | None, bytes]]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    return {
        part.get_param("name", header="content-disposition"): (
            part.get_filename(), part.get_payload(decode=True)
        )
        for part in message.iter_parts()
    }


def test_query_header_and_cookie_parameters(make_client: Make, server: LoopbackServer) -> None:
    kinds = make_client(SPEC, "kinds_params")
    client = getattr(kinds, kinds.__all__[0])(base_url=server.url, max_retries=0)
    server.reply(200, body="hello")
    text = client.items.get(7, page_size=20, tags=["a", "b c"], verbose=True,
                                 x_request_id="r-1", session="s 1")
    assert text == "hello"
    seen = server.requests[-1]
    assert seen.path == "/items/7"
    assert seen.query == [("pageSize", "20"), ("tags", "a"), ("tags", "b c"), ("verbose", "true")]
    assert seen.header("X-Request-Id") == "r-1"
    assert seen.header("Cookie") == "session=s%201"
    server.reply(200, body="again")
    client.items.get(8)
    assert server.requests[-1].query_string == "" and server.requests[-1].header("Cookie") is None


def test_binary_download_and_empty_response(make_client: Make, server: LoopbackServer) -> None:
    kinds = make_client(SPEC, "kinds_binary")
    client = getattr(kinds, kinds.__all__[0])(base_url=server.url, max_retries=0)
    server.reply(200, body=b"\x00\x01\xff", content_type="application/octet-stream")
    assert client.items.download(1) == b"\x00\x01\xff"
    server.reply(204)
    assert client.items.download(1) is None


def test_multipart_upload_from_bytes_file_object_and_tuple(
    make_client: Make, server: LoopbackServer
) -> None:
    kinds = make_client(SPEC, "kinds_multipart")
    client = getattr(kinds, kinds.__all__[0])(base_url=server.url, max_retries=0)
    for upload, filename in (
        (b"\x89PNG", "upload"),
        (io.BytesIO(b"\x89PNG"), "upload"),
        (("cat.png", b"\x89PNG", "image/png"), "cat.png"),
    ):
        server.reply(204)
        assert client.items.upload(file=upload, name="cat", count=3) is None
        seen = server.requests[-1]
        content_type = seen.header("Content-Type") or ""
        assert content_type.startswith("multipart/form-data; boundary=")
        got = parts(seen.body, content_type)
        assert got["file"] == (filename, b"\x89PNG")
        assert got["name"] == (None, b"cat") and got["count"] == (None, b"3")


UPLOAD_31 = """
openapi: 3.1.0
info: {title: Uploads, version: '1'}
servers: [{url: 'https://uploads.example'}]
paths:
  /files:
    post:
      operationId: create_file_files_post
      tags: [Files]
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema: {$ref: '#/components/schemas/Body_create_file_files_post'}
      responses:
        '204': {description: stored}
components:
  schemas:
    Body_create_file_files_post:
      type: object
      required: [file, note]
      properties:
        file: {type: string, contentMediaType: application/octet-stream, title: File}
        note: {type: string, contentMediaType: text/plain}
        thumbnail: {type: string, contentEncoding: base64, contentMediaType: image/png}
"""


def test_an_openapi_31_upload_is_a_file_part(make_client: Make, server: LoopbackServer) -> None:
    """3.1 writes binary data as `contentMediaType` with no `contentEncoding` (FastAPI's
    `UploadFile`): it is sent as a file part, where text media and base64 stay form fields."""
    uploads = make_client(UPLOAD_31, "uploads_31")
    client = getattr(uploads, uploads.__all__[0])(base_url=server.url, max_retries=0)
    server.reply(204)
    assert client.files.create(file=b"\x89PNG", note="hi", thumbnail="iVBO") is None
    seen = server.requests[-1]
    got = parts(seen.body, seen.header("Content-Type") or "")
    assert got == {"file": ("upload", b"\x89PNG"), "note": (None, b"hi"),
                   "thumbnail": (None, b"iVBO")}


def test_raw_response_gives_status_and_headers(make_client: Make, server: LoopbackServer) -> None:
    kinds = make_client(SPEC, "kinds_raw")
    client = getattr(kinds, kinds.__all__[0])(base_url=server.url, max_retries=0)
    server.reply(200, body="hello", headers={"X-Rate-Remaining": "41"})
    raw = client.items.with_raw_response.get(3)
    assert raw.status_code == 200 and raw.headers["x-rate-remaining"] == "41"
    assert raw.parse() == "hello"
    server.reply(404, json={"detail": "nope"})
    try:
        client.items.with_raw_response.get(4)
    except kinds.NotFoundError as error:
        assert error.body == {"detail": "nope"}
    else:
        raise AssertionError("a 404 must raise even in raw mode")


def test_streamed_download_to_file_sync_and_async(make_client: Make, server: LoopbackServer,
                                                  tmp_path: Path) -> None:
    import asyncio

    kinds = make_client(SPEC, "kinds_stream")
    payload = bytes(range(256)) * 4096  # 1 MiB
    server.reply(200, body=payload, content_type="application/octet-stream")
    client = getattr(kinds, kinds.__all__[0])(base_url=server.url, max_retries=0)
    with client.items.with_streaming_response.download(1) as response:
        assert response.headers["content-type"] == "application/octet-stream"
        assert response.write_to_file(tmp_path / "a.bin") == len(payload)
    assert (tmp_path / "a.bin").read_bytes() == payload

    async def run() -> bytes:
        aclient = getattr(kinds, kinds.__all__[1])(base_url=server.url, max_retries=0)
        async with await aclient.items.with_streaming_response.download(1) as streamed:
            chunks = [chunk async for chunk in streamed.iter_bytes()]
        await aclient.close()
        return b"".join(chunks)

    server.reply(200, body=payload, content_type="application/octet-stream")
    assert asyncio.run(run()) == payload


ANY_MEDIA = """
openapi: 3.1.0
info: {title: AnyMedia, version: '1'}
paths:
  /either:
    post:
      operationId: send_either
      tags: [Notes]
      requestBody:
        required: true
        content:
          application/json: {schema: {$ref: '#/components/schemas/Note'}}
          '*/*': {schema: {$ref: '#/components/schemas/Note'}}
      responses: {'204': {description: stored}}
  /aspnet:
    post:
      operationId: send_aspnet
      tags: [Notes]
      requestBody:
        required: true
        content:
          application/*+json: {schema: {$ref: '#/components/schemas/Note'}}
          application/json: {schema: {$ref: '#/components/schemas/Note'}}
          text/json: {schema: {$ref: '#/components/schemas/Note'}}
      responses: {'204': {description: stored}}
  /any:
    post:
      operationId: send_any
      tags: [Notes]
      requestBody:
        required: true
        content:
          '*/*': {schema: {$ref: '#/components/schemas/Note'}}
      responses: {'204': {description: stored}}
components:
  schemas:
    Note:
      type: object
      required: [text]
      properties:
        text: {type: string}
"""


def test_a_media_range_body_is_sent_as_json(make_client: Make, server: LoopbackServer) -> None:
    """A body declared under a media range (`*/*`; ASP.NET's `application/*+json` beside
    `application/json` and `text/json`) is JSON: it is sent as `application/json`, a type a
    server can read, where the range was sent as the Content-Type, and chosen by default over
    `application/json` for sorting first. A range is no choice a caller is offered."""
    kinds = make_client(ANY_MEDIA, "any_media")
    client = getattr(kinds, kinds.__all__[0])(base_url=server.url, max_retries=0)
    for send in (lambda: client.notes.send_either(text="hi"),
                 lambda: client.notes.send_any(text="hi")):
        server.reply(204)
        assert send() is None
        seen = server.requests[-1]
        assert seen.body == b'{"text":"hi"}'
        assert seen.header("Content-Type") == "application/json"
    with pytest.raises(TypeError):
        client.notes.send_either(text="hi", content_type="*/*")
    server.reply(204)
    client.notes.send_aspnet(text="hi", content_type="text/json")
    assert server.requests[-1].header("Content-Type") == "text/json"
    assert server.requests[-1].body == b'{"text":"hi"}'


LIFTED = """
openapi: 3.1.0
info: {title: Lifted, version: '1'}
paths:
  /a:
    get:
      operationId: get_a
      parameters:
        - name: Authorization
          in: header
          description: 'Bearer token, e.g. Bearer sk_123'
          schema: {type: string}
        - {name: X-Tenant, in: header, required: true, schema: {type: string}}
      responses: {'204': {description: ok}}
  /b:
    get:
      operationId: get_b
      parameters:
        - {name: authorization, in: header, schema: {type: string}}
        - {name: X-Tenant, in: header, schema: {type: string}}
        - {name: X-Trace, in: header, schema: {type: string}}
      responses: {'204': {description: ok}}
  /c:
    get:
      operationId: get_c
      responses: {'204': {description: ok}}
"""


def test_shared_header_parameters_become_client_settings(
    make_client: Make, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    lifted = make_client(LIFTED, "lifted")
    client_cls = getattr(lifted, lifted.__all__[0])
    assert "x_tenant" not in client_cls.__init__.__code__.co_varnames  # lifted as `tenant`
    monkeypatch.setenv("LIFTED_TENANT", "acme")
    client = client_cls(base_url=server.url, api_key="Bearer sk_1", max_retries=0)
    for call in (client.a.get, client.b.get):
        server.reply(204)
        call()
        seen = server.requests[-1]
        assert seen.header_values("Authorization") == ["Bearer sk_1"]
        assert seen.header_values("X-Tenant") == ["acme"]
    server.reply(204)
    # a rare header stays a keyword
    client.b.get(x_trace="t1", extra_headers={"X-Tenant": "other"})
    assert server.requests[-1].header_values("X-Tenant") == ["other"]
    assert server.requests[-1].header("X-Trace") == "t1"
    server.reply(204)
    client.c.get()  # the operation never took the headers: none are sent
    assert (server.requests[-1].header("Authorization") is None
            and server.requests[-1].header("X-Tenant") is None)


def test_multipart_upload_from_a_path(make_client: Make, server: LoopbackServer,
                                      tmp_path: Path) -> None:
    kinds = make_client(SPEC, "kinds_path_upload")
    client = getattr(kinds, kinds.__all__[0])(base_url=server.url, max_retries=0)
    photo = tmp_path / "cat photo.png"
    photo.write_bytes(b"\x89PNG-path")
    server.reply(204)
    client.items.upload(file=photo, name="cat")
    seen = server.requests[-1]
    uploaded = parts(seen.body, seen.header("Content-Type") or "")
    assert uploaded["file"] == ("cat photo.png", b"\x89PNG-path")


QUERY_IN_KEY = """
openapi: 3.0.3
info: {title: Keys, version: '1'}
paths:
  /rest?method=favorites.getList:
    get:
      operationId: getList
      tags: [rest]
      parameters:
        - {name: per_page, in: query, schema: {type: integer}}
      responses: {"204": {description: none}}
  /rest?method=favorites.getContext:
    get:
      operationId: getContext
      tags: [rest]
      responses: {"204": {description: none}}
  /rides?page={page}&size={size}:
    get:
      operationId: listRides
      tags: [rides]
      parameters:
        - {name: page, in: query, schema: {type: integer}}
        - {name: size, in: path, required: true, schema: {type: integer}}
      responses: {"204": {description: none}}
"""


def test_a_query_written_into_the_path_key(make_client: Make, server: LoopbackServer) -> None:
    # Real specs (Flickr's, Weatherbit's) key operations by path and query: fixed pairs are sent
    # as written, a `{name}` the operation declares in the query is sent as that parameter.
    pkg = make_client(QUERY_IN_KEY, "keys_query")
    client = getattr(pkg, pkg.__all__[0])(base_url=server.url, max_retries=0)
    server.reply(204)
    client.rest.get_list(per_page=5)
    assert server.requests[-1].path == "/rest"
    assert server.requests[-1].query == [("method", "favorites.getList"), ("per_page", "5")]
    server.reply(204)
    client.rest.get_context()
    assert server.requests[-1].query == [("method", "favorites.getContext")]
    server.reply(204)
    client.rides.list(20, page=2)
    assert server.requests[-1].path == "/rides"
    assert server.requests[-1].query == [("size", "20"), ("page", "2")]


STATUSES = """
openapi: 3.1.0
info: {title: Jobs, version: '1'}
servers: [{url: 'https://jobs.example'}]
paths:
  /jobs:
    post:
      operationId: create_job
      tags: [Jobs]
      responses:
        '200':
          description: done
          content: {application/json: {schema: {$ref: '#/components/schemas/Done'}}}
        '201':
          description: made
          content: {application/json: {schema: {$ref: '#/components/schemas/Made'}}}
        '202': {description: accepted, to be done later}
components:
  schemas:
    Done: {type: object, properties: {id: {type: string}, result: {type: string}}}
    Made: {type: object, properties: {id: {type: string}, location: {type: string}}}
"""


def test_each_success_status_is_parsed_by_its_own_schema(
    make_client: Make, server: LoopbackServer
) -> None:
    """200, 201 and a 202 without content: a 201's body is the 201's model (it used to come
    back as the first that matched, the 200's), and a 202 with no body is None (it used to
    raise "expected a JSON body")."""
    jobs = make_client(STATUSES, "jobs_statuses")
    replies = [(201, {"id": "1", "location": "/jobs/1"}), (200, {"id": "1", "result": "ok"}),
               (202, None)]
    for status, body in replies:
        server.reply(status, **({"json": body} if body else {}))

    def check(results: list[Any]) -> None:
        made, done, accepted = results
        assert type(made).__name__ == "Made" and made.location == "/jobs/1"
        assert type(done).__name__ == "Done" and done.result == "ok"
        assert accepted is None

    with getattr(jobs, jobs.__all__[0])(base_url=server.url, max_retries=0) as client:
        check([client.jobs.create() for _ in replies])
    for status, body in replies:
        server.reply(status, **({"json": body} if body else {}))

    async def run() -> list[Any]:
        async with getattr(jobs, jobs.__all__[1])(base_url=server.url, max_retries=0) as client:
            return [await client.jobs.create() for _ in replies]

    check(asyncio.run(run()))


ARRAY_BODY = """
openapi: 3.0.3
info: {title: Labels, version: '1'}
servers: [{url: 'https://labels.example'}]
paths:
  /labels/:
    post:
      operationId: labels_create
      tags: [Labels]
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: array, items: {type: object, properties: {title: {type: string}}}}
          application/x-www-form-urlencoded:
            schema: {type: array, items: {type: object, properties: {title: {type: string}}}}
          multipart/form-data:
            schema: {type: array, items: {type: object, properties: {title: {type: string}}}}
      responses: {'204': {description: made}}
"""


def test_an_array_body_is_json_only(make_client: Make, server: LoopbackServer) -> None:
    """A form or multipart body is an object's fields: offered for an array (drf-spectacular
    offers all three for every body), it went out empty. The method sends JSON and takes no
    content type."""
    labels = make_client(ARRAY_BODY, "labels_array")
    client = getattr(labels, labels.__all__[0])(base_url=server.url, max_retries=0)
    server.reply(204)
    client.labels.create(body=[{"title": "a"}])
    seen = server.requests[-1]
    assert seen.header("Content-Type") == "application/json"
    assert seen.body == b'[{"title":"a"}]'
    with pytest.raises(TypeError):
        client.labels.create(body=[], content_type="multipart/form-data")


VENDOR_JSON = """
openapi: 3.1.0
info: {title: Articles, version: '1'}
servers: [{url: 'https://articles.example'}]
paths:
  /articles:
    get:
      operationId: list_articles
      tags: [Articles]
      responses:
        '200':
          description: a JSON:API document
          content:
            application/vnd.api+json:
              schema: {type: object, properties: {data: {type: array, items: {}}}}
"""


def test_a_vendor_json_response_is_asked_for_by_its_media_type(
    make_client: Make, server: LoopbackServer
) -> None:
    """A JSON:API server answers 406 to `Accept: application/json`: the client asks for the
    media type the spec gives, unless the caller's default headers set one."""
    articles = make_client(VENDOR_JSON, "articles_vendor")
    make = getattr(articles, articles.__all__[0])
    server.reply(200, json={"data": []}, content_type="application/vnd.api+json")
    assert make(base_url=server.url, max_retries=0).articles.list().data == []
    assert server.requests[-1].header("Accept") == "application/vnd.api+json"
    server.reply(200, json={"data": []}, content_type="application/vnd.api+json")
    make(base_url=server.url, max_retries=0, default_headers={"Accept": "*/*"}).articles.list()
    assert server.requests[-1].header("Accept") == "*/*"
