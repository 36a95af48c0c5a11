"""A long inline enum of parameters (8 values or more) is an alias of the models package (in its
module of aliases), named after its parameter in the operation of the shortest path that takes
it; signatures name it where they spelt out its values in every method (Microsoft Graph's
`$select`, `$orderby`, `$expand`). A short one stays spelt out, and one a component alias already
names keeps that name."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import get_type_hints

import pytest
from behaviour.packages import generated_files, imported
from behaviour.server import LoopbackServer

from sdkforge.output.write import write

_LONG = "[id, name, size, color, owner, created, updated, tags]"
_OTHER = "[id, 'id desc', name, 'name desc', size, 'size desc', color, 'color desc']"


def _op(op_id: str, params: str) -> str:
    return f"""
    get:
      operationId: {op_id}
      tags: [things]
      parameters: [{params}]
      responses:
        "200": {{description: ok, content: {{application/json: {{schema: {{type: string}}}}}}}}"""


def _select(values: str, name: str = "$select") -> str:
    return (f'{{name: "{name}", in: query, style: form, explode: false, '
            f"schema: {{type: array, items: {{type: string, enum: {values}}}}}}}")


_KIND = '{name: kind, in: query, schema: {$ref: "#/components/schemas/Kind"}}'

SPEC = f"""
openapi: 3.0.3
info: {{title: Enums, version: "1"}}
paths:
  /owners/{{owner}}/things:{_op("listOwnerThings",
                                 _select(_LONG) + ", {name: owner, in: path, required: true, "
                                 "schema: {type: string}}")}
  /things:{_op("listThings", _select(_LONG) + ", " + _select(_OTHER, "$orderby"))}
  /things/short:{_op("listShort", _select("[a, b, c]"))}
  /things/named:{_op("listNamed", _KIND)}
  /others/of/things:{_op("listOthers", _select(_LONG)).replace("tags: [things]", "tags: [others]")}
components:
  schemas:
    Kind:
      anyOf:
        - {{type: string, enum: {_OTHER}}}
        - {{type: integer}}
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return generated_files(tmp_path_factory.mktemp("spec"), SPEC, "enums")


def test_each_long_enum_is_one_alias_named_by_the_shortest_path(files: dict[str, str]) -> None:
    module = files["enums/models/aliases.py"]  # with the package's other plain aliases
    assert module.count("Item: TypeAlias = Literal[") == 2
    # `/things` is shorter than `/owners/{owner}/things`, which comes first by path
    assert "\nListThingsSelectItem: TypeAlias = Literal[" in module
    assert "\nListThingsOrderbyItem: TypeAlias = Literal[" in module
    assert "ListOwnerThings" not in module
    assert "Item: TypeAlias = Annotated[" not in module  # only sent: no lenient parsing
    resource = files["enums/resources/things.py"]
    # two methods, each sync and async
    assert resource.count("builtins.list[_models.ListThingsSelectItem]") == 4
    assert resource.count("builtins.list[_models.ListThingsOrderbyItem]") == 2
    assert 'builtins.list[Literal["a", "b", "c"]]' in resource  # short: spelt out
    # the component alias keeps its own name; its values are not named again
    assert "kind: _models.Kind | NotGiven" in resource
    assert '"name desc"' not in resource


def test_a_resource_naming_models_only_through_an_alias_imports_them(
    files: dict[str, str], tmp_path: Path
) -> None:
    resource = files["enums/resources/others.py"]
    assert "_models.ListThingsSelectItem" in resource  # its one use of the models package
    assert "from .. import models as _models" in resource
    write(tmp_path, files)
    with imported(tmp_path, "enums"):
        others = importlib.import_module("enums.resources.others")
        hints = get_type_hints(others.Others.list)
        assert "Literal['id', 'name'" in str(hints["select"])  # the alias resolved


def test_the_alias_is_exported_and_the_values_go_out(files: dict[str, str], tmp_path: Path) -> None:
    write(tmp_path, files)
    with imported(tmp_path, "enums") as package, LoopbackServer() as server:
        from typing import get_args

        assert get_args(package.models.ListThingsSelectItem)[:2] == ("id", "name")
        assert "ListThingsSelectItem" in package.models.__all__
        server.reply(200, json="ok")
        client = package.Enums(base_url=server.url)
        assert client.things.list(select=["id", "tags"]) == "ok"
        assert server.requests[-1].query == [("$select", "id,tags")]
