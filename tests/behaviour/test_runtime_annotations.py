"""Every annotation of a generated package resolves at run time: `typing.get_type_hints` on
each method of each resource class (sync and async, derived or written out, and the wrappers)
and on each Param, and pydantic's `TypeAdapter` builds a schema of every Param and validates
dicts through one, as tool frameworks that call SDK methods from a schema do. A call still
imports no Param module (`test_dict_inputs`).

On the feature spec in its default settings and in a large API's (untyped wrappers, derived
async methods, unpacked options), and on a small spec whose Params name each other in a cycle
(Node -> Edge -> Node, one module) and across modules (Root -> Node)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pydantic
import pytest

from sdkforge.config import Config, GenerateOptions
from sdkforge.output.write import write
from sdkforge.pipeline import generate

from .packages import generated_package, imported

ROOT = Path(__file__).resolve().parents[2]

GRAPH = """
openapi: 3.1.0
info: {title: Graphs, version: "1"}
paths:
  /graphs:
    post:
      operationId: createGraph
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Graph"}
      responses:
        "200":
          description: the graph
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Graph"}
components:
  schemas:
    Color: {type: string, enum: [red, green]}
    Graph:
      type: object
      required: [name]
      properties:
        name: {type: string}
        root: {$ref: "#/components/schemas/Root"}
        nodes: {type: array, items: {$ref: "#/components/schemas/Node"}}
    Root:
      type: object
      properties:
        label: {type: string}
        node: {$ref: "#/components/schemas/Node"}
    Node:
      type: object
      required: [id]
      properties:
        id: {type: string}
        color: {$ref: "#/components/schemas/Color"}
        edges: {type: array, items: {$ref: "#/components/schemas/Edge"}}
    Edge:
      type: object
      required: [target]
      properties:
        target: {$ref: "#/components/schemas/Node"}
        weight: {type: number}
"""


def _resource_methods(package: ModuleType) -> Iterator[tuple[str, object]]:
    """(qualified name, function) of every method the package's resource modules define."""
    resources = importlib.import_module(f"{package.__name__}.resources")
    for info in pkgutil.iter_modules(resources.__path__):
        module = importlib.import_module(f"{resources.__name__}.{info.name}")
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            for name, member in vars(cls).items():
                if inspect.isfunction(member) and not name.startswith("__"):
                    yield f"{module.__name__}.{cls.__name__}.{name}", member


def _params(package: ModuleType) -> list[type]:
    params = importlib.import_module(f"{package.__name__}.params")
    return [getattr(params, name) for name in params.__all__]


def _assert_all_resolve(package: ModuleType) -> int:
    methods = list(_resource_methods(package))
    assert methods
    for where, method in methods:
        try:
            typing.get_type_hints(method, include_extras=True)
        except Exception as exc:  # the test's message names the method
            pytest.fail(f"{where}: {type(exc).__name__}: {exc}")
    for param in _params(package):
        typing.get_type_hints(param, include_extras=True)
        pydantic.TypeAdapter(param)  # builds the schema: every nested annotation resolved
    return len(methods)


@pytest.fixture(scope="module")
def graphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated_package(tmp_path_factory.mktemp("graphs"), GRAPH, "graphs") as package:
        yield package


def test_params_naming_each_other_resolve_and_validate(graphs: ModuleType) -> None:
    folder = Path(graphs.__file__).parent / "params"
    texts = {path.stem: path.read_text(encoding="utf-8") for path in folder.glob("*.py")}
    root = next(text for text in texts.values() if "class RootParam" in text)
    # a Param of another module is named through the package, never by importing its module
    assert "_params.NodeParam" in root
    assert not [name for name, text in texts.items()
                if name != "__init__" and "from ." in text.replace("from ..", "")]
    assert _assert_all_resolve(graphs) >= 2
    hints = typing.get_type_hints(graphs.resources.graphs.Graphs.create)
    given = [{"id": "a", "color": "red",
              "edges": [{"target": {"id": "b", "edges": [{"target": {"id": "c"}}]},
                         "weight": 2}]}]
    nodes = pydantic.TypeAdapter(hints["nodes"]).validate_python(given)  # models, first
    assert nodes[0].edges[0].target.edges[0].target.id == "c"
    assert pydantic.TypeAdapter(graphs.params.NodeParam).validate_python(given[0]) == given[0]
    with pytest.raises(pydantic.ValidationError):  # a Node without its required id
        pydantic.TypeAdapter(graphs.params.NodeParam).validate_python({"color": "red"})
    with pytest.raises(pydantic.ValidationError):  # not a Color
        pydantic.TypeAdapter(graphs.params.NodeParam).validate_python({"id": "a", "color": "x"})


def test_a_param_module_loads_alone(graphs: ModuleType) -> None:
    """Importing one Param's module imports none of the Params it names."""
    for name in [name for name in sys.modules if name.startswith("graphs.params")]:
        del sys.modules[name]
    vars(graphs).pop("params", None)
    module = importlib.import_module(graphs.params.RootParam.__module__)
    loaded = [name for name in sys.modules if name.startswith("graphs.params.")]
    assert loaded == [module.__name__]
    assert typing.get_type_hints(module.RootParam)["node"] is graphs.params.NodeParam


@pytest.mark.parametrize("large", [False, True], ids=["default", "large-api-settings"])
def test_every_annotation_of_the_feature_package_resolves(
    tmp_path: Path, large: bool
) -> None:
    config = (Config(typed_wrappers=False, derived_async=True, unpacked_options=True) if large
              else Config())
    generated = generate(GenerateOptions(ROOT / "specs" / "features.yaml", config=config))
    write(tmp_path / "out", generated.files)
    with imported(tmp_path / "out", generated.package) as package:
        assert _assert_all_resolve(package) > 20
