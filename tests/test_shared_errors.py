"""An error map (`{status: error model}`) that several operations of a resource share is made
by one function of the module, `_errors_1()`, which their endpoints call, where each would
spell it out: Microsoft Graph's 11,422 operations all have the same two-entry map. A short map
used twice stays inline. The shared map must still type each error response."""

from __future__ import annotations

from pathlib import Path

import black
import pytest
from behaviour.packages import generated_files, imported
from behaviour.server import LoopbackServer

from sdkforge.emit.format import black_mode
from sdkforge.output.write import write


def _error(status: str, schema: str) -> str:
    content = f'{{application/json: {{schema: {{$ref: "#/components/schemas/{schema}"}}}}}}'
    return f'\n        "{status}": {{description: error, content: {content}}}'


_ERRORS = _error("400", "Problem") + _error("404", "Problem") + _error("5XX", "Outage")
_CLASH = _error("409", "Problem")
_STRING = "{type: string}"


def _op(method: str, op_id: str, errors: str) -> str:
    return f"""
    {method}:
      operationId: {op_id}
      tags: [things]
      responses:
        "200": {{description: ok, content: {{application/json: {{schema: {_STRING}}}}}}}{errors}"""


SPEC = f"""
openapi: 3.0.3
info: {{title: Shared, version: "1"}}
paths:
  /things/a:{_op("get", "getA", _ERRORS)}{_op("put", "putA", _ERRORS)}
  /things/b:{_op("get", "getB", _ERRORS)}
  /things/c:{_op("get", "getC", _CLASH)}{_op("put", "putC", _CLASH)}
components:
  schemas:
    Problem:
      type: object
      required: [detail]
      properties: {{detail: {{type: string}}}}
    Outage:
      type: object
      properties: {{retry_in: {{type: integer}}}}
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return generated_files(tmp_path_factory.mktemp("spec"), SPEC, "shared")


def test_a_shared_map_is_written_once_and_a_short_one_stays_inline(files: dict[str, str]) -> None:
    text = files["shared/resources/things.py"]
    assert black.format_str(text, mode=black_mode()) == text
    assert text.count("\ndef _errors_1() -> dict[str, object]:\n") == 1
    assert "_errors_2" not in text
    assert text.count("        errors=_errors_1(),\n") == 3
    assert text.count('        errors={"409": _models.Problem},\n') == 2  # short: used twice
    function = text[text.index("def _errors_1"):text.index("# What each operation sends")]
    assert '"400": _models.Problem' in function and '"5XX": _models.Outage' in function


def test_the_shared_map_types_each_error(files: dict[str, str], tmp_path: Path) -> None:
    write(tmp_path, files)
    with imported(tmp_path, "shared") as package, LoopbackServer() as server:
        server.reply(404, json={"detail": "no such thing"})
        server.reply(503, json={"retry_in": 5})
        server.reply(409, json={"detail": "taken"})
        with package.Shared(base_url=server.url, max_retries=0) as client:
            with pytest.raises(package.errors.NotFoundError) as gone:
                client.things.put_a()
            with pytest.raises(package.errors.InternalServerError) as down:
                client.things.get_b()
            with pytest.raises(package.errors.ConflictError) as clash:
                client.things.get_c()
        assert type(gone.value.body).__name__ == "Problem"
        assert gone.value.body.detail == "no such thing"
        assert type(down.value.body).__name__ == "Outage" and down.value.body.retry_in == 5
        assert type(clash.value.body).__name__ == "Problem"
