"""`$ref`s from untrusted specs: cycles reported, nothing outside the spec's folder read,
URLs refused unless allowed, unusable targets named."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sdkforge.cli", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=120,
    )


def write_spec(folder: Path, body: str, name: str = "openapi.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / name
    spec.write_text("openapi: 3.1.0\ninfo: {title: Refs, version: '1'}\n" + textwrap.dedent(body))
    return spec


def refused(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


def test_allof_cycles_are_reported_at_their_place(tmp_path: Path) -> None:
    # Found by the fuzz campaign: `A: allOf [B]`, `B: allOf [A]` recursed until RecursionError.
    spec = write_spec(tmp_path, """
    paths: {}
    components:
      schemas:
        A:
          allOf:
            - $ref: '#/components/schemas/B'
            - {type: object, properties: {a: {type: string}}}
        B:
          allOf:
            - $ref: '#/components/schemas/A'
        C:
          allOf:
            - allOf: [{$ref: '#/components/schemas/C'}]
            - {type: object, properties: {c: {type: string}}}
        Recursive:
          allOf:
            - {type: object, properties: {child: {$ref: '#/components/schemas/Recursive'}}}
    """)
    result = run("generate", spec, "-o", tmp_path / "out")
    refused(
        result,
        "`allOf` cycle: #/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A",
        "at #/components/schemas/A/allOf/0/$ref", "#/components/schemas/C/allOf/0/allOf/0/$ref"
    )
    # One per cycle; Recursive is fine
    assert result.stderr.count("`allOf` cycle") == 2, result.stderr
    assert not (tmp_path / "out").exists()


def test_a_schema_that_only_refers_around_a_cycle_is_reported(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, """
    paths: {}
    components:
      schemas:
        A: {$ref: '#/components/schemas/B'}
        B: {$ref: '#/components/schemas/A'}
    """)
    refused(run("generate", spec, "-o", tmp_path / "out"),
            "cycle of references that never reaches a schema", "#/components/schemas/A/$ref")


# ------------------------------------------------------------------ files outside the spec's folder

@pytest.mark.parametrize("ref", [
    "../../etc/passwd#/x", "../outside.yaml#/components/schemas/Secret", "/etc/passwd#/x",
    "sub/../../outside.yaml#/x",
])
def test_references_that_leave_the_spec_folder_are_refused(tmp_path: Path, ref: str) -> None:
    (tmp_path / "outside.yaml").write_text(
        "components: {schemas: {Secret: {description: TOP-SECRET-TEXT}}}\n"
    )
    spec = write_spec(tmp_path / "api", ONE_SCHEMA.format(ref=ref))
    result = run("generate", spec, "-o", tmp_path / "out")
    refused(result, "leaves the spec's folder", "#/components/schemas/Pet/$ref")
    assert "TOP-SECRET-TEXT" not in result.stderr and "root:" not in result.stderr


def test_a_symlink_that_escapes_the_spec_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.yaml").write_text("components: {schemas: {Secret: {type: string}}}\n")
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "common.yaml").symlink_to(tmp_path / "outside.yaml")
    spec = write_spec(tmp_path / "api",
                      ONE_SCHEMA.format(ref="common.yaml#/components/schemas/Secret"))
    refused(run("generate", spec, "-o", tmp_path / "out"),
            "leaves the spec's folder (through a link)")


def test_files_inside_the_spec_folder_are_followed(tmp_path: Path) -> None:
    (tmp_path / "api" / "schemas").mkdir(parents=True)
    (tmp_path / "api" / "schemas" / "pet.yaml").write_text(
        "type: object\nproperties: {name: {type: string}}\n"
    )
    spec = write_spec(tmp_path / "api", ONE_SCHEMA.format(ref="schemas/pet.yaml"))
    result = run("generate", spec, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "name: str | None" in (tmp_path / "out" / "refs" / "models" / "pet.py").read_text()


def test_a_reference_to_the_spec_by_its_own_file_name_is_a_reference_into_it(
    tmp_path: Path,
) -> None:
    from sdkforge.diagnostics import Diagnostics
    from sdkforge.read.load import load
    from sdkforge.read.resolve import Location, resolve

    spec = write_spec(tmp_path / "api", """
        paths: {}
        components:
          schemas:
            Pet:
              type: object
              properties: {owner: {$ref: "./openapi.yaml#/components/schemas/Owner"}}
            Owner: {$ref: "sub/../openapi.yaml#/components/schemas/Person"}
            Person: {type: object, properties: {name: {type: string}}}
    """)
    resolved = resolve(load(spec), Diagnostics())
    assert list(resolved.documents) == [""]  # not loaded a second time by its name
    target = resolved.target("openapi.yaml#/components/schemas/Owner", Location("", ""))
    assert target.key == "#/components/schemas/Owner"
    node, at = resolved.deref({"$ref": "sub/../openapi.yaml#/components/schemas/Person"},
                              Location("", ""))
    assert at.key == "#/components/schemas/Person" and node["type"] == "object"


@pytest.mark.parametrize(("content", "needle"), [
    (b"just some notes, not a spec\n", "not a JSON or YAML document (it reads as a single str)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8",
     "cannot be used: spec file is not valid UTF-8"),
    (b"a: [unclosed\n", "cannot be used: malformed YAML"),
])
def test_a_reference_into_a_file_that_is_not_json_or_yaml_says_so(
    tmp_path: Path, content: bytes, needle: str
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "notes.txt").write_bytes(content)
    spec = write_spec(tmp_path / "api", ONE_SCHEMA.format(ref="notes.txt#/Pet"))
    refused(run("generate", spec, "-o", tmp_path / "out"), needle, "'notes.txt#/Pet'")


# ------------------------------------------------------------------ URLs

ONE_SCHEMA = """
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Pet'}}
components:
  schemas:
    Pet:
      $ref: '{ref}'
"""


class _Files(BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # named by the http.server API
        self.requests.append(self.path)
        body = self.files.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def file_server() -> Iterator[tuple[str, type[_Files]]]:
    handler = type("Files", (_Files,), {"files": {}, "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", handler
    finally:
        server.shutdown()
        server.server_close()


COMMON = (b"components:\n  schemas:\n    Pet:\n      type: object\n      properties:\n"
          b"        tag: {$ref: 'tags.yaml#/Tag'}\n")
TAGS = b"Tag: {type: object, properties: {label: {type: string}}}\n"


def test_url_references_are_refused_without_the_flag_and_nothing_is_fetched(
    tmp_path: Path, file_server: tuple[str, type[_Files]]
) -> None:
    url, files = file_server
    files.files["/common.yaml"] = COMMON
    spec = write_spec(tmp_path, ONE_SCHEMA.format(ref=f"{url}/common.yaml#/components/schemas/Pet"))
    refused(run("generate", spec, "-o", tmp_path / "out"), "remote reference", "is not allowed",
            "--allow-remote-refs")
    assert files.requests == []


def test_url_references_are_fetched_with_the_flag(tmp_path: Path,
                                                  file_server: tuple[str, type[_Files]]) -> None:
    url, files = file_server
    files.files.update({"/specs/common.yaml": COMMON, "/specs/tags.yaml": TAGS})
    spec = write_spec(tmp_path,
                      ONE_SCHEMA.format(ref=f"{url}/specs/common.yaml#/components/schemas/Pet"))
    result = run("generate", spec, "-o", tmp_path / "out", "--allow-remote-refs")
    assert result.returncode == 0, result.stderr
    models = tmp_path / "out" / "refs" / "models"
    # The remote file's own relative $ref
    assert "label: str | None" in (models / "tag.py").read_text()
    # Each fetched once: validation reads the documents resolve fetched (with its limits), not
    # the network.
    assert sorted(files.requests) == ["/specs/common.yaml", "/specs/tags.yaml"]


@pytest.mark.parametrize("ref", ["file:///etc/passwd#/x", "ftp://127.0.0.1/x.yaml#/x"])
def test_only_http_urls_are_fetched_even_with_the_flag(tmp_path: Path, ref: str) -> None:
    spec = write_spec(tmp_path, ONE_SCHEMA.format(ref=ref))
    refused(run("generate", spec, "-o", tmp_path / "out", "--allow-remote-refs"),
            "only http and https references can be fetched")


def test_remote_failures_are_located_errors(tmp_path: Path,
                                            file_server: tuple[str, type[_Files]]) -> None:
    url, files = file_server
    files.files["/big.yaml"] = b"x: '" + b"a" * 3_000_000 + b"'\n"
    spec = write_spec(tmp_path, ONE_SCHEMA.format(ref=f"{url}/missing.yaml#/Pet").replace(
        "  schemas:\n", f"  schemas:\n    Big: {{$ref: '{url}/big.yaml#/x'}}\n"))
    result = subprocess.run(
        [sys.executable, "-m", "sdkforge.cli", "generate", str(spec), "-o", str(tmp_path / "out"),
         "--allow-remote-refs"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "SDKFORGE_MAX_SPEC_MB": "2"},
    )
    refused(result, "the server answered 404", "larger than the limit of 2,097,152 bytes",
            "#/components/schemas/Pet/$ref", "#/components/schemas/Big/$ref")



ANCHORED = """
paths:
  /prices:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties: {price: {$ref: '{ref}'}}
components:
  schemas:
    Money:
      $anchor: money
      type: object
      properties: {amount: {type: string}}
"""


def test_a_reference_to_an_anchor_is_followed_and_an_unknown_one_refused(tmp_path: Path) -> None:
    """`$ref: '#money'` names a schema's `$anchor` (JSON Schema 2020-12): it was read as the
    pointer '' (the whole document) and typed Any with no word said."""
    spec = write_spec(tmp_path / "api", ANCHORED.replace("{ref}", "#money"))
    result = run("generate", spec, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    response = next((tmp_path / "out" / "refs" / "models").glob("*response*.py")).read_text()
    assert "price: Money | None" in response
    spec = write_spec(tmp_path / "api", ANCHORED.replace("{ref}", "#cash"))
    refused(run("generate", spec, "-o", tmp_path / "out2"), "reference '#cash' does not resolve")
