"""What a generated client sends when the values it is given are hostile, over loopback:
path parameters stay one segment, header values cannot add headers or be mangled, query
values are encoded, secrets stay out of error messages, and TLS is verified unless the
caller brings their own httpx client. Sync and async alike."""

from __future__ import annotations

import http.server
import importlib
import json
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote

import httpx
import pytest

import mixpeek
from sdkforge.config import GenerateOptions
from sdkforge.output.write import write
from sdkforge.pipeline import generate

from .harness import Harness, harnesses
from .server import LoopbackServer

HISTORY = {"trigger_id": "t", "executions": [], "total": 0, "offset": 0, "limit": 50}
PREFIX, SUFFIX = "/v1/clusters/triggers/", "/history"


@pytest.fixture
def make_client(kind: str, server: LoopbackServer) -> Iterator[Callable[..., Harness]]:
    with harnesses(kind, server, max_retries=0, timeout=5.0) as make:
        yield make


@pytest.mark.parametrize("value", [
    "../", "../../admin", "..", ".", "%2e%2e",
    "%2e%2e%2f..%2fadmin", "..%2F", "/", "a/b", "?admin=1", "#x",
    "a/../../b", "\\..\\admin", "a;b=c", "%00", "\x00", "ü/..",
])
def test_a_path_parameter_is_always_one_segment_that_decodes_to_itself(
    make_client: Callable[..., Harness], server: LoopbackServer, value: str
) -> None:
    server.reply(200, json=HISTORY)
    make_client().history(value)
    (request,) = server.requests
    raw_path = request.raw_path
    assert raw_path.startswith(PREFIX) and raw_path.endswith(SUFFIX), raw_path
    segment = request.raw_path[len(PREFIX):-len(SUFFIX)]
    assert not set(segment) & set("/?#\\;") and segment not in (".", ".."), segment
    assert unquote(segment) == value
    assert request.query_string == ""


@pytest.mark.parametrize(("headers", "message"), [
    ({"X-Note": "日本"}, "outside latin-1"),
    ({"X-Note": "emoji \U0001f600"}, "outside latin-1"),
    ({"X-Note": "nul\x00byte"}, "control character"),
    ({"X-Note": "bell\x07"}, "control character"),
    ({"X Note": "1"}, "not a valid HTTP header name"),
    ({"X-Note:": "1"}, "not a valid HTTP header name"),
    ({"": "1"}, "not a valid HTTP header name"),
    ({"X-Nöte": "1"}, "not a valid HTTP header name"),
])
def test_header_names_and_values_that_would_be_mangled_are_refused_before_sending(
    make_client: Callable[..., Harness], server: LoopbackServer,
    headers: dict[str, str], message: str
) -> None:
    server.reply(200, json=HISTORY)
    with pytest.raises(ValueError, match=message):
        make_client().history("t", extra_headers=headers)
    assert server.requests == []
    assert server.connections_opened == 0


def test_latin1_header_values_are_sent_as_latin1(make_client: Callable[..., Harness],
                                                 server: LoopbackServer) -> None:
    server.reply(200, json=HISTORY)
    make_client().history("t", extra_headers={"X-Note": "café\tau lait"})
    assert server.requests[0].header("X-Note") == "café\tau lait"


CREDS_SPEC = """
openapi: 3.1.0
info: {title: Creds, version: '1'}
paths:
  /a:
    get:
      responses: {'204': {description: none}}
security: [{bearer: [], key: []}]  # both together: each is checked on the wire
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    key: {type: apiKey, in: header, name: X-Key}
"""


@pytest.fixture(scope="module")
def creds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("creds")
    (folder / "creds.yaml").write_text(CREDS_SPEC)
    write(folder / "out", generate(GenerateOptions(folder / "creds.yaml")).files)
    sys.path.insert(0, str(folder / "out"))
    try:
        yield importlib.import_module("creds")
    finally:
        sys.path.remove(str(folder / "out"))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"api_key": "sk-SECRET-1\r\nX-Evil: 1"}, "CR or LF"),
    ({"api_key": "sk-SECRET-1-€"}, "outside latin-1"),
    ({"key": "k-SECRET-1\n"}, "CR or LF"),
    ({"key": "k-SECRET-1\x00"}, "control character"),
])
def test_credentials_that_would_break_headers_are_refused_without_echoing_them(
    kind: str, creds: ModuleType, kwargs: dict[str, str], message: str
) -> None:
    cls = creds.Creds if kind == "sync" else creds.AsyncCreds
    with pytest.raises(ValueError, match=message) as info:
        cls(base_url="http://127.0.0.1:9", **kwargs)
    assert "SECRET" not in str(info.value) and "SECRET" not in repr(info.value)


def test_latin1_credentials_reach_the_wire_as_latin1(creds: ModuleType,
                                                     server: LoopbackServer) -> None:
    server.reply(204)
    with creds.Creds(base_url=server.url, api_key="clé", key="naïve", max_retries=0) as client:
        client.a.get()
    assert server.requests[0].header("Authorization") == "Bearer clé"
    assert server.requests[0].header("X-Key") == "naïve"


def test_query_values_are_percent_encoded_one_by_one(make_client: Callable[..., Harness],
                                                     server: LoopbackServer) -> None:
    server.reply(200, json=HISTORY)
    hostile = "a&b=c#d e/?%20+ü\r\n"
    make_client().history("t", extra_query={"q": hostile, "k&x=1": "v"})
    request = server.requests[0]
    assert request.query == [("q", hostile), ("k&x=1", "v")]
    assert request.query_string.count("&") == 1 and "#" not in request.raw_path


# ------------------------------------------------------------------ TLS

@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate (which is also its CA file)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # named by the http.server API
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = json.dumps(HISTORY).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{httpd.server_port}", cert
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_tls_certificates_are_verified_by_default(kind: str, tls_server: tuple[str, Path]) -> None:
    url, _ = tls_server
    harness = Harness(kind, base_url=url, max_retries=0, timeout=5.0)
    try:
        with pytest.raises(mixpeek.APIConnectionError,
                           match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
            harness.history("t")
    finally:
        harness.close()


def test_a_caller_supplied_http_client_decides_verification(
    kind: str, tls_server: tuple[str, Path]
) -> None:
    url, cert = tls_server
    http_client: httpx.Client | httpx.AsyncClient = (
        httpx.Client(verify=ssl.create_default_context(cafile=str(cert))) if kind == "sync"
        else httpx.AsyncClient(verify=ssl.create_default_context(cafile=str(cert)))
    )
    harness = Harness(kind, base_url=url, max_retries=0, timeout=5.0, http_client=http_client)
    try:
        assert harness.history("t").total == 0
    finally:
        harness.close()
        harness_close = http_client.close() if isinstance(http_client, httpx.Client) else None
        assert harness_close is None
