"""Error bodies (issue 17, point 7) over real sockets, sync and async: a 4xx/5xx body becomes the
spec's error model only when its content type is JSON and it validates; otherwise the error
carries the decoded JSON or the text. The spec's error schema has only optional fields, the kind
that "parses" anything: a proxy's `{}` or `404` in plain text must stay text. Every error keeps
its response, status and body, in the plain, raw and streamed calls alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest

from .packages import ClientOfKind as Api
from .packages import generated_package
from .server import LoopbackServer

SPEC = """
openapi: 3.1.0
info: {title: Errs, version: '1'}
paths:
  /items/{item_id}:
    get:
      operationId: get_item
      parameters: [{name: item_id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
        '404':
          description: not found
          content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}
        default:
          description: anything else
          content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}
components:
  schemas:
    Problem:
      type: object
      properties:
        title: {type: string}
        status: {type: integer}
        detail: {type: string}
"""

PROBLEM = {"title": "Not Found", "status": 404, "detail": "no item i1"}


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated_package(tmp_path_factory.mktemp("errs"), SPEC, "errs") as module:
        yield module


# How each test reaches the one operation: plain, raw and streamed.
METHODS = {"plain": "items.get", "raw": "items.with_raw_response.get",
           "stream": "items.with_streaming_response.get"}


@pytest.fixture
def api(pkg: ModuleType, kind: str, server: LoopbackServer) -> Iterator[Api]:
    made = Api(pkg, kind, server.url)
    yield made
    made.close()


def error_of(api: Api, pkg: ModuleType, how: str = "plain") -> Any:
    with pytest.raises(pkg.APIStatusError) as caught:
        api.call(METHODS[how], "i1")
    return caught.value


@pytest.mark.parametrize("how", ["plain", "raw", "stream"])
def test_a_json_body_that_matches_is_the_error_model(
    api: Api, pkg: ModuleType, server: LoopbackServer, how: str
) -> None:
    server.reply(404, json=PROBLEM)
    err = error_of(api, pkg, how)
    assert type(err) is pkg.NotFoundError and err.status_code == 404
    assert type(err.body) is pkg.models.Problem and err.body.detail == "no item i1"
    assert isinstance(err.response, httpx.Response) and err.response.json() == PROBLEM


def test_a_problem_json_body_is_json_too(api: Api, pkg: ModuleType, server: LoopbackServer) -> None:
    server.reply(404, json=PROBLEM, content_type="application/problem+json")
    assert type(error_of(api, pkg).body) is pkg.models.Problem


@pytest.mark.parametrize(("text", "content_type"), [
    ("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
    ("{}", "text/plain"),  # JSON by accident: would be a Problem with every field None
    ("404", "text/plain"),  # would be the number 404, not the text
    ('{"title": "Not Found"}', None),  # no content type at all
])
@pytest.mark.parametrize("how", ["plain", "raw", "stream"])
def test_a_body_that_is_not_json_by_its_content_type_stays_text(
    api: Api, pkg: ModuleType, server: LoopbackServer, text: str, content_type: str | None,
    how: str,
) -> None:
    server.reply(502, body=text.encode(), content_type=content_type)
    err = error_of(api, pkg, how)
    assert type(err) is pkg.InternalServerError and err.status_code == 502
    assert err.body == text
    assert err.response.status_code == 502 and err.response.text == text
    assert text[:40] in str(err)


def test_a_json_body_that_does_not_match_is_kept_decoded(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    server.reply(404, json=["not", "an", "object"])
    assert error_of(api, pkg).body == ["not", "an", "object"]
    server.reply(400, json={"title": 7, "status": "bad"})
    err = error_of(api, pkg)
    assert type(err) is pkg.BadRequestError and err.body == {"title": 7, "status": "bad"}


def test_a_broken_json_body_is_kept_as_text(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    server.reply(500, body=b'{"title": "Internal', content_type="application/json")
    err = error_of(api, pkg)
    assert type(err) is pkg.InternalServerError and err.body == '{"title": "Internal'
