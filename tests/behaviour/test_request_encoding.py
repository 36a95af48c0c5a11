"""Requests exactly as the spec says, on the wire: optional bodies left out, bodies that can only
be empty, headers the transport owns, every row of OpenAPI 3.1's style examples (§4.8.12.4) for
path, query, header and cookie parameters, and the `encoding` of form and multipart bodies.

One package is generated from `SPEC` for the module; each test runs with the sync and the async
client against the loopback server, which records the raw request.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import importlib
import inspect
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from sdkforge.config import GenerateOptions
from sdkforge.output.write import write
from sdkforge.pipeline import Generated, generate

from .server import LoopbackServer, RecordedRequest

PACKAGE = "wire_requests"

# One operation per (location, style, explode): the parameter `color` takes any value.
_STYLED = [
    ("path", "simple", False), ("path", "simple", True), ("path", "label", False),
    ("path", "label", True), ("path", "matrix", False), ("path", "matrix", True),
    ("query", "form", False), ("query", "form", True), ("query", "spaceDelimited", False),
    ("query", "pipeDelimited", False), ("query", "spaceDelimited", True),
    ("query", "pipeDelimited", True), ("query", "deepObject", True),
    ("header", "simple", False), ("header", "simple", True),
    ("cookie", "form", False), ("cookie", "form", True),
]


def _operation(location: str, style: str, explode: bool) -> str:
    """The operation (and method) name of a styled case: `query_space_delimited_false`."""
    return "_".join([location, re.sub("([A-Z])", r"_\1", style).lower(), str(explode).lower()])


def _styled_paths() -> str:
    lines = []
    for location, style, explode in _STYLED:
        slot = "/{color}" if location == "path" else ""
        lines += [
            f"  /{location}-{style}-{str(explode).lower()}{slot}:",
            "    get:",
            f"      operationId: {_operation(location, style, explode)}",
            "      tags: [Styles]",
            "      parameters:",
            f"        - {{name: color, in: {location}, required: true, style: {style}, "
            f"explode: {str(explode).lower()}, schema: {{}}}}",
            "      responses: {'204': {description: ok}}",
        ]
    return "\n".join(lines)


SPEC = textwrap.dedent("""
openapi: 3.1.0
info: {title: Wire Requests, version: '1'}
paths:
  /notes:
    post:
      operationId: create_note
      tags: [Notes]
      parameters:
        - {name: Content-Length, in: header, schema: {type: integer}}
        - {name: Content-Type, in: header, schema: {type: string}}
        - {name: X-Trace, in: header, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [text]
              properties:
                text: {type: string}
                pinned: {type: boolean}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: object, properties: {id: {type: integer}}}}}
    put:
      operationId: replace_notes
      tags: [Notes]
      parameters:
        - {name: Accept, in: header, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {pinned: {type: boolean}}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: object}}}
    get:
      operationId: list_notes
      tags: [Notes]
      parameters:
        - {name: Accept, in: header, schema: {type: string}}
        - {name: Host, in: header, schema: {type: string}}
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: object, properties: {}, additionalProperties: false}
      responses:
        '200': {description: ok, content: {text/csv: {schema: {type: string}}}}
  /notes/purge:
    post:
      operationId: purge_notes
      tags: [Notes]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Nothing'}
      responses: {'204': {description: ok}}
  /charges:
    post:
      operationId: create_charge
      tags: [Charges]
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            encoding:
              metadata: {style: deepObject, explode: true}
              items: {style: deepObject, explode: true}
              expand: {style: deepObject, explode: true}
              tags: {style: pipeDelimited, explode: false}
              extra: {contentType: application/json}
            schema:
              type: object
              required: [amount]
              properties:
                amount: {type: integer}
                metadata: {type: object, additionalProperties: true}
                items:
                  type: array
                  items:
                    type: object
                    properties: {price: {type: string}, quantity: {type: integer}}
                expand: {type: array, items: {type: string}}
                tags: {type: array, items: {type: string}}
                shipping:
                  type: object
                  properties: {name: {type: string}, city: {type: string}}
                extra: {type: object, additionalProperties: {type: integer}}
      responses: {'204': {description: ok}}
  /uploads:
    post:
      operationId: upload
      tags: [Charges]
      requestBody:
        content:
          multipart/form-data:
            encoding:
              image:
                contentType: image/png, image/jpeg
                headers:
                  X-Part: {schema: {type: string, const: cover}}
                  X-Free: {schema: {type: string}}
              note: {contentType: text/markdown}
            schema:
              type: object
              required: [image]
              properties:
                image: {type: string, format: binary}
                meta: {type: object, properties: {width: {type: integer}}}
                note: {type: string}
                label: {type: string}
      responses: {'204': {description: ok}}
  /attachments:
    post:
      operationId: attach
      tags: [Charges]
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                note: {type: string}
                file: {type: string, format: binary}
      responses: {'204': {description: ok}}
  /todos/{where}:
    get:
      operationId: find_todos
      tags: [Todos]
      parameters:
        - name: where
          in: path
          required: true
          content: {application/json: {schema: {type: object, additionalProperties: true}}}
        - name: filter
          in: query
          content:
            application/json:
              schema:
                type: object
                properties:
                  limit: {type: integer}
                  where: {type: object, additionalProperties: true}
                  order: {type: array, items: {type: string}}
        - name: X-Scope
          in: header
          content: {application/json: {schema: {type: array, items: {type: string}}}}
        - name: prefs
          in: cookie
          content: {application/json: {schema: {type: object, additionalProperties: true}}}
        - name: note
          in: query
          content: {text/plain: {schema: {type: string}}}
      responses: {'204': {description: ok}}
__STYLED__
components:
  schemas:
    Nothing: {type: object, additionalProperties: false}
""").replace("__STYLED__", _styled_paths())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Generated]]:
    folder = tmp_path_factory.mktemp("wire")
    spec = folder / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    result = generate(GenerateOptions(spec, package=PACKAGE))
    write(folder / "out", result.files)
    sys.path.insert(0, str(folder / "out"))
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    try:
        yield importlib.import_module(PACKAGE), result
    finally:
        sys.path.remove(str(folder / "out"))


Call = Callable[[Callable[[Any], Any]], Any]


@pytest.fixture
def call(kind: str, server: LoopbackServer, generated: tuple[Any, Generated]) -> Iterator[Call]:
    """`call(lambda client: client.notes.create(...))` with the sync or the async client."""
    pkg = generated[0]
    if kind == "sync":
        client = pkg.WireRequests(base_url=server.url, max_retries=0)
        yield lambda use: use(client)
        client.close()
        return
    runner = asyncio.Runner()
    aclient = pkg.AsyncWireRequests(base_url=server.url, max_retries=0)
    yield lambda use: runner.run(use(aclient))
    runner.run(aclient.close())
    runner.close()


def sent(server: LoopbackServer) -> RecordedRequest:
    return server.requests[-1]


# ------------------------------------------------------------------ optional and empty bodies


def test_an_optional_body_left_out_sends_nothing(call: Call, server: LoopbackServer) -> None:
    server.reply(200, json={"id": 1})
    call(lambda c: c.notes.create())
    request = sent(server)
    assert request.body == b"" and request.header("Content-Type") is None
    assert request.header("Content-Length") in (None, "0")

    server.reply(200, json={"id": 2})
    call(lambda c: c.notes.create(text="hi", x_trace="t-1"))
    request = sent(server)
    assert request.json() == {"text": "hi"} and request.header("X-Trace") == "t-1"
    assert request.header("Content-Type") == "application/json"


def test_raw_and_streamed_variants_leave_the_body_out_too(call: Call,
                                                          server: LoopbackServer) -> None:
    server.reply(200, json={"id": 1})
    raw = call(lambda c: c.notes.with_raw_response.create())
    assert raw.status_code == 200 and sent(server).body == b""
    server.reply(200, json={"id": 2})
    call(lambda c: c.notes.with_raw_response.create(text="x", pinned=True))
    assert sent(server).json() == {"text": "x", "pinned": True}


def test_a_required_body_is_sent_even_without_fields(call: Call, server: LoopbackServer) -> None:
    server.reply(200, json={})
    call(lambda c: c.notes.replace())
    assert sent(server).body == b"{}"
    assert sent(server).header("Content-Type") == "application/json"


def test_a_body_that_can_only_be_empty_is_no_argument(
    call: Call, server: LoopbackServer, generated: tuple[Any, Generated]
) -> None:
    pkg, result = generated
    notes = type(pkg.WireRequests(base_url="http://x").notes)
    options = {"self", "extra_headers", "extra_query", "extra_body", "timeout", "max_retries"}
    assert set(inspect.signature(notes.list).parameters) == options | {"accept"}
    assert set(inspect.signature(notes.purge_notes).parameters) == options
    server.reply(200, body="a,b", content_type="text/csv")
    assert call(lambda c: c.notes.list(accept="text/csv")) == "a,b"
    assert sent(server).body == b"" and sent(server).header("Content-Type") is None
    assert sent(server).header("Accept") == "text/csv"  # a CSV response: the caller's to ask
    server.reply(204)
    call(lambda c: c.notes.purge_notes())  # required on a POST: sent, empty
    assert sent(server).body == b"{}"
    warnings = [d.message for d in result.diagnostics if d.level == "warning"]
    assert ("the request body can only be an empty object, on a 'GET' request: it is not an "
            "argument and is never sent") in warnings


def test_transport_owned_headers_are_no_arguments(generated: tuple[Any, Generated]) -> None:
    pkg, result = generated
    notes = type(pkg.WireRequests(base_url="http://x").notes)
    assert set(inspect.signature(notes.create).parameters) >= {"x_trace", "text"}
    for method, gone in ((notes.create, "content_length"), (notes.create, "content_type"),
                         (notes.replace, "accept"), (notes.list, "host")):
        assert gone not in inspect.signature(method).parameters
    warnings = [d.message for d in result.diagnostics if d.level == "warning"]
    for header, why in (("Content-Length", "the HTTP transport writes it"),
                        ("Content-Type", "the request body's media type decides it"),
                        ("Accept", "the client asks for the JSON response it parses"),
                        ("Host", "the HTTP transport writes it")):
        assert any(m.startswith(f"header parameter {header!r} is not an argument: {why}")
                   for m in warnings), (header, warnings)


# ------------------------------------------------------------------ styles, OpenAPI 3.1 §4.8.12.4

BLUE, LIST, RGB = "blue", ["blue", "black", "brown"], {"R": 100, "G": 200, "B": 150}

# (location, style, explode, value, what goes on the wire), from the spec's Style Examples
# table; label unexploded per RFC 6570 §3.2.5, as 3.1.1 corrected the 3.1.0 table.
ROWS = [
    ("path", "simple", False, BLUE, "blue"),
    ("path", "simple", False, LIST, "blue,black,brown"),
    ("path", "simple", False, RGB, "R,100,G,200,B,150"),
    ("path", "simple", True, BLUE, "blue"),
    ("path", "simple", True, LIST, "blue,black,brown"),
    ("path", "simple", True, RGB, "R=100,G=200,B=150"),
    ("path", "label", False, BLUE, ".blue"),
    ("path", "label", False, LIST, ".blue,black,brown"),
    ("path", "label", False, RGB, ".R,100,G,200,B,150"),
    ("path", "label", True, BLUE, ".blue"),
    ("path", "label", True, LIST, ".blue.black.brown"),
    ("path", "label", True, RGB, ".R=100.G=200.B=150"),
    ("path", "matrix", False, "", ";color"),
    ("path", "matrix", False, BLUE, ";color=blue"),
    ("path", "matrix", False, LIST, ";color=blue,black,brown"),
    ("path", "matrix", False, RGB, ";color=R,100,G,200,B,150"),
    ("path", "matrix", True, "", ";color"),
    ("path", "matrix", True, BLUE, ";color=blue"),
    ("path", "matrix", True, LIST, ";color=blue;color=black;color=brown"),
    ("path", "matrix", True, RGB, ";R=100;G=200;B=150"),
    ("query", "form", False, "", "color="),
    ("query", "form", False, BLUE, "color=blue"),
    ("query", "form", False, LIST, "color=blue,black,brown"),
    ("query", "form", False, RGB, "color=R,100,G,200,B,150"),
    ("query", "form", True, "", "color="),
    ("query", "form", True, BLUE, "color=blue"),
    ("query", "form", True, LIST, "color=blue&color=black&color=brown"),
    ("query", "form", True, RGB, "R=100&G=200&B=150"),
    ("query", "spaceDelimited", False, LIST, "color=blue%20black%20brown"),
    ("query", "spaceDelimited", False, RGB, "color=R%20100%20G%20200%20B%20150"),
    ("query", "pipeDelimited", False, LIST, "color=blue|black|brown"),
    ("query", "pipeDelimited", False, RGB, "color=R|100|G|200|B|150"),
    # Exploded, the delimited styles are one pair per item, as form is (the table's n/a aside).
    ("query", "spaceDelimited", True, LIST, "color=blue&color=black&color=brown"),
    ("query", "pipeDelimited", True, LIST, "color=blue&color=black&color=brown"),
    ("query", "deepObject", True, RGB, "color[R]=100&color[G]=200&color[B]=150"),
    ("header", "simple", False, BLUE, "blue"),
    ("header", "simple", False, LIST, "blue,black,brown"),
    ("header", "simple", False, RGB, "R,100,G,200,B,150"),
    ("header", "simple", True, LIST, "blue,black,brown"),
    ("header", "simple", True, RGB, "R=100,G=200,B=150"),
    ("cookie", "form", False, BLUE, "color=blue"),
    ("cookie", "form", False, LIST, "color=blue,black,brown"),
    ("cookie", "form", False, RGB, "color=R,100,G,200,B,150"),
    ("cookie", "form", True, BLUE, "color=blue"),
    ("cookie", "form", True, LIST, "color=blue; color=black; color=brown"),
    ("cookie", "form", True, RGB, "R=100; G=200; B=150"),
]


@pytest.mark.parametrize(("location", "style", "explode", "value", "wire"), ROWS)
def test_each_row_of_the_style_examples(
    call: Call, server: LoopbackServer, location: str, style: str, explode: bool, value: object,
    wire: str,
) -> None:
    method = _operation(location, style, explode)
    server.reply(204)
    if location == "path":
        call(lambda c: getattr(c.styles, method)(value))
    else:
        call(lambda c: getattr(c.styles, method)(color=value))
    request = sent(server)
    prefix = f"/{location}-{style}-{str(explode).lower()}"
    got = {
        "path": request.raw_path.removeprefix(prefix + "/"),
        "query": request.query_string,
        "header": request.header("color"),
        "cookie": request.header("Cookie"),
    }[location]
    assert got == wire


def test_parameters_declared_by_json_content_go_out_as_json_text(
    call: Call, server: LoopbackServer
) -> None:
    """`content: {application/json: ...}` instead of a schema (LoopBack's `filter`): the value
    is JSON text, percent-encoded where it goes, never a styled object or Python's repr."""
    server.reply(204)
    call(lambda c: c.todos.find({"done": False}, filter={"limit": 5, "where": {"title": "a b"},
                                                         "order": ["id ASC"]},
                                x_scope=["read", "write"], prefs={"dark": True}, note="hi there"))
    seen = sent(server)
    assert seen.raw_path.split("?")[0] == "/todos/" + quote('{"done":false}', safe="")
    assert seen.query == [("filter", '{"limit":5,"where":{"title":"a b"},"order":["id ASC"]}'),
                          ("note", "hi there")]
    assert seen.header("X-Scope") == '["read","write"]'
    assert seen.header("Cookie") == "prefs=" + quote('{"dark":true}', safe="")


def test_a_whole_float_goes_out_without_its_fraction(call: Call, server: LoopbackServer) -> None:
    """A `type: number` id comes back from JSON as 7.0; sent on, it is `7`, as the server wrote
    it (an integer-keyed server would not find `/todos/7.0`). Fractions stay as they are."""
    for value, text in ((7.0, "7"), (-2.0, "-2"), (2.5, "2.5"), (1e20, "1e%2B20")):
        server.reply(204)
        call(lambda c, value=value: c.styles.path_simple_false(value))
        assert sent(server).raw_path == f"/path-simple-false/{text}"


def test_a_path_value_stays_one_segment_in_every_style(call: Call,
                                                       server: LoopbackServer) -> None:
    for method in ("path_simple_false", "path_label_true", "path_matrix_true"):
        server.reply(204)
        call(lambda c, m=method: getattr(c.styles, m)(["a/b", "..", "c;d=e"]))
        tail = sent(server).raw_path.split("/", 2)[2]
        assert "/" not in tail and ";d" not in tail and "a%2Fb" in tail


# ------------------------------------------------------------------ body encoding


def test_form_body_follows_its_encoding_as_stripe_declares_it(
    call: Call, server: LoopbackServer
) -> None:
    """deepObject fields as Stripe's own client sends them (`metadata[order_id]=6735`, nested
    objects `a[b][c]=v`, arrays of objects `items[0][price]=x`), other styles as declared, an
    object field without `encoding` as OpenAPI's default (form, exploded), JSON where the
    field's content type says so."""
    server.reply(204)
    call(lambda c: c.charges.create(
        amount=2000, metadata={"order_id": "6735", "a": {"b": {"c": "v"}}},
        items=[{"price": "price_1", "quantity": 2}, {"price": "price_2"}],
        expand=["customer", "invoice"], tags=["x y", "z"],
        shipping={"name": "Ada L", "city": "London"}, extra={"n": 1},
    ))
    request = sent(server)
    assert request.header("Content-Type") == "application/x-www-form-urlencoded"
    assert request.query == []
    from urllib.parse import parse_qsl

    assert parse_qsl(request.body.decode(), keep_blank_values=True) == [
        ("amount", "2000"),
        ("metadata[order_id]", "6735"),
        ("metadata[a][b][c]", "v"),
        ("items[0][price]", "price_1"),
        ("items[0][quantity]", "2"),
        ("items[1][price]", "price_2"),
        ("expand[0]", "customer"),
        ("expand[1]", "invoice"),
        ("tags", "x y|z"),
        ("name", "Ada L"),
        ("city", "London"),
        ("extra", '{"n":1}'),
    ]
    assert b"metadata%5Border_id%5D=6735" in request.body


def _parts(request: RecordedRequest) -> dict[str, Any]:
    content_type = request.header("Content-Type") or ""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.body
    )
    return {part.get_param("name", header="content-disposition"): part
            for part in message.iter_parts()}


def test_multipart_parts_carry_their_encoding(call: Call, server: LoopbackServer,
                                              tmp_path: Path) -> None:
    server.reply(204)
    call(lambda c: c.charges.upload(image=b"\x89PNG", meta={"width": 3}, note="# hi",
                                    label="plain"))
    parts = _parts(sent(server))
    assert parts["image"].get_content_type() == "image/png"  # the encoding's first type
    assert parts["image"]["X-Part"] == "cover" and parts["image"]["X-Free"] is None
    assert parts["image"].get_payload(decode=True) == b"\x89PNG"
    assert parts["meta"].get_content_type() == "application/json"  # an object: JSON
    assert parts["meta"].get_payload(decode=True) == b'{"width":3}'
    assert parts["note"].get_content_type() == "text/markdown"
    assert parts["label"]["Content-Type"] is None  # a plain text part
    server.reply(204)
    call(lambda c: c.charges.upload(image=("a.jpg", b"\xff\xd8", "image/jpeg")))
    parts = _parts(sent(server))
    assert parts["image"].get_content_type() == "image/jpeg"  # the caller's own type wins
    assert set(parts) == {"image"}


def test_multipart_left_out_sends_nothing(call: Call, server: LoopbackServer) -> None:
    server.reply(204)
    call(lambda c: c.charges.upload())
    assert sent(server).body == b"" and sent(server).header("Content-Type") is None


def test_a_required_multipart_body_without_parts_is_still_a_body(
    call: Call, server: LoopbackServer
) -> None:
    """httpx sends no body for no parts; a required one goes out as a multipart with none."""
    server.reply(204)
    call(lambda c: c.charges.attach())
    content_type = sent(server).header("Content-Type") or ""
    boundary = content_type.removeprefix("multipart/form-data; boundary=")
    assert boundary != content_type and sent(server).body == f"--{boundary}--\r\n".encode()
    assert _parts(sent(server)) == {}


def test_a_part_header_without_a_fixed_value_is_reported(
    generated: tuple[Any, Generated]
) -> None:
    warnings = [d.message for d in generated[1].diagnostics if d.level == "warning"]
    assert ("header 'X-Free' of part 'image' has no fixed value (`const`, one `enum` value or "
            "`default`); it is not sent") in warnings
