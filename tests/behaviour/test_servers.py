"""Servers: a relative or missing server URL is no default (generation warns, the client asks
for `base_url` or `<PACKAGE>_BASE_URL` at construction, the README shows it), and the default
server's `{variables}` are client options that fill its URL, over real sockets."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from sdkforge.config import GenerateOptions
from sdkforge.output.write import write
from sdkforge.pipeline import generate

from .server import LoopbackServer

Make = Callable[[str, str], ModuleType]

PATHS = """
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}}
"""

RELATIVE = "openapi: 3.1.0\ninfo: {title: Prefixed, version: '1'}\nservers: [{url: /api}]\n" + PATHS
NONE = "openapi: 3.1.0\ninfo: {title: Nowhere, version: '1'}\n" + PATHS


def _generated(tmp_path: Path, text: str, package: str) -> tuple[list[str], str]:
    spec = tmp_path / f"{package}.yaml"
    spec.write_text(textwrap.dedent(text), encoding="utf-8")
    result = generate(GenerateOptions(spec, package=package))
    write(tmp_path / f"out_{package}", result.files)
    return [f"{d.pointer}: {d.message}" for d in result.diagnostics], result.files["README.md"]


@pytest.mark.parametrize(("text", "pointer", "words"), [
    (RELATIVE, "/servers/0/url", "'/api' is relative"),
    (NONE, "/servers", "names no server"),
])
def test_no_usable_server_warns_at_generation(
    tmp_path: Path, text: str, pointer: str, words: str
) -> None:
    found, readme = _generated(tmp_path, text, "srv_warn")
    assert any(f.startswith(pointer + ":") and words in f for f in found), found
    # The README's first example passes a base URL: without one it would fail at once.
    assert '(base_url="https://' in readme


def test_a_scheme_relative_server_is_read_as_https(make_client: Make, tmp_path: Path) -> None:
    """`//api.example.com/v1` (40 specs of the directory, converted from Swagger 2.0 without
    `schemes`) names a host: it is the default base URL over https, with a warning, where the
    client had no default and asked for one."""
    text = RELATIVE.replace("url: /api", "url: '//api.example.com/v1'")
    found, readme = _generated(tmp_path, text, "srv_schemeless")
    assert any(f.startswith("/servers/0/url:") and "read as 'https://api.example.com/v1'" in f
               for f in found), found
    assert "your-host" not in readme  # the README's example needs no base URL of its own
    module = make_client(text, "srv_schemeless_client")
    with getattr(module, module.__all__[0])() as client:
        assert str(client.base_url).rstrip("/") == "https://api.example.com/v1"


def test_relative_server_asks_for_a_base_url(
    make_client: Make, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = make_client(RELATIVE, "srv_relative")
    client_class = getattr(module, module.__all__[0])
    monkeypatch.delenv("SRV_RELATIVE_BASE_URL", raising=False)
    with pytest.raises(ValueError) as caught:
        client_class()
    message = str(caught.value)
    assert "base_url=" in message and "$SRV_RELATIVE_BASE_URL" in message
    assert "https://your-host/api" in message and "'/api'" in message
    # Given either way, the base URL (with the spec's /api prefix) is used as it is.
    server.reply(200, json=["a"])
    assert client_class(base_url=server.url + "/api").things.list() == ["a"]
    monkeypatch.setenv("SRV_RELATIVE_BASE_URL", server.url + "/api")
    server.reply(200, json=["b"])
    with client_class() as client:
        assert client.things.list() == ["b"]
    assert [r.path for r in server.requests] == ["/api/things", "/api/things"]


def test_server_variables_are_client_options(
    make_client: Make, server: LoopbackServer, kind: str
) -> None:
    text = textwrap.dedent(f"""
    openapi: 3.1.0
    info: {{title: Regional, version: '1'}}
    servers:
      - url: 'http://{{host}}:{{port}}/{{region}}'
        variables:
          host: {{default: 127.0.0.1}}
          port: {{default: '{server.port}'}}
          region: {{default: eu, enum: [eu, us], description: Where the data lives}}
      - url: https://backup.example
        description: The fallback
    """) + PATHS
    module = make_client(text, f"srv_vars_{kind}")
    name = module.__all__[0]
    make = getattr(module, name if kind == "sync" else "Async" + name)

    def call(client: object) -> object:
        result = client.things.list()  # type: ignore[attr-defined]
        return asyncio.run(result) if kind == "async" else result

    server.reply(200, json=["eu"])
    assert call(make(max_retries=0)) == ["eu"]
    server.reply(200, json=["us"])
    assert call(make(region="us", max_retries=0)) == ["us"]
    assert [r.path for r in server.requests] == ["/eu/things", "/us/things"]
    source = Path(module.__file__).with_name("_client.py").read_text()  # type: ignore[arg-type]
    assert 'region: Literal["eu", "us"] = "eu",' in source
    readme = (Path(module.__file__).parents[1] / "README.md").read_text()  # type: ignore[arg-type]
    assert "- `region`: fills {region} in the default base URL (one of eu, us)" in readme
    assert "- `https://backup.example`: The fallback" in readme


def test_a_server_url_urllib_cannot_read_is_no_default(tmp_path: Path) -> None:
    """`http://[x/` makes urlsplit raise (an unclosed IPv6 bracket): a warning, not a crash."""
    spec = tmp_path / "bracket.yaml"
    spec.write_text(RELATIVE.replace("url: /api", "url: 'http://[x/api'"), encoding="utf-8")
    assert "http://[x/api" in spec.read_text()
    findings = generate(GenerateOptions(spec, package="srv_bracket")).diagnostics
    assert any("cannot be read as a scheme and a host" in d.message for d in findings), findings
