"""What an operation's `Endpoint(...)` spells: only what differs from the runtime's defaults.
A scalar parameter's `explode` changes nothing in its location's default style, so it is not
written (Microsoft Graph declares `$filter` `form` unexploded in 3,211 operations); a list's
is. Neither `cast_to=None` nor `response_kind="json"` is written. The wire stays as the spec
says."""

from __future__ import annotations

from pathlib import Path

import pytest
from behaviour.packages import generated_files, imported
from behaviour.server import LoopbackServer

from sdkforge.output.write import write


def _param(name: str, where: str, schema: str, explode: str) -> str:
    required = "required: true, " if where == "path" else ""
    return f"{{name: {name}, in: {where}, {required}explode: {explode}, schema: {schema}}}"


_PARAMS = ", ".join([
    _param("id", "path", "{type: integer}", "true"),
    _param("q", "query", "{type: string}", "false"),
    _param("mode", "query", "{type: string, enum: [a, b]}", "false"),
    _param("ids", "query", "{type: array, items: {type: integer}}", "false"),
    _param("X-Tag", "header", "{type: string}", "true"),
])

SPEC = f"""
openapi: 3.0.3
info: {{title: Styles, version: "1"}}
paths:
  /things/{{id}}:
    get:
      operationId: getThing
      tags: [things]
      parameters: [{_PARAMS}]
      responses:
        "200": {{description: ok, content: {{application/json: {{schema: {{type: object}}}}}}}}
    delete:
      operationId: deleteThing
      tags: [things]
      parameters: [{_param("id", "path", "{type: integer}", "false")}]
      responses:
        "204": {{description: gone}}
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return generated_files(tmp_path_factory.mktemp("spec"), SPEC, "styles")


def test_only_what_differs_from_the_defaults_is_written(files: dict[str, str]) -> None:
    text = files["styles/resources/things.py"]
    get = text[text.index("def _get_endpoint"):text.index("\n\n\n", text.index("def _get_end"))]
    assert '        query_styles={"ids": ("form", False)},\n' in get
    assert "path_styles" not in get and "header_styles" not in get
    assert "response_kind" not in get  # json
    delete = text[text.index("def _delete_endpoint"):]
    delete = delete[:delete.index("\n\n\n")]
    assert "cast_to" not in delete and '        response_kind="empty",\n' in delete


def test_the_wire_is_as_the_spec_says(files: dict[str, str], tmp_path: Path) -> None:
    write(tmp_path, files)
    with imported(tmp_path, "styles") as package, LoopbackServer() as server:
        server.reply(200, json={"ok": True})
        client = package.Styles(base_url=server.url)
        got = client.things.get(7, q="x y", mode="b", ids=[1, 2], x_tag="t")
        assert got == {"ok": True}
        request = server.requests[-1]
        assert request.path == "/things/7"
        assert sorted(request.query) == [("ids", "1,2"), ("mode", "b"), ("q", "x y")]
        assert request.header("X-Tag") == "t"
