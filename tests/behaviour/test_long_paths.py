"""Paths inside an installed package stay within 150 characters, bytecode included, however long
the package, tag and schema names are (Windows refuses paths over 260 characters, and
site-packages takes its share of them)."""

from __future__ import annotations

import compileall
import importlib
from pathlib import Path

import pytest

from sdkforge.names.modules import MAX_PATH

from .packages import generated_package

_WORDS = "reusable policy settings referencing configuration assignment collection value"
TAG = f"{_WORDS} {_WORDS} management"  # an 80-character attribute before the cap
SCHEMA = "".join(word.title() for word in (_WORDS + " " + _WORDS).split())

SPEC = f"""
openapi: 3.0.3
info: {{title: Long names, version: "1"}}
paths:
  /settings/{{id}}:
    get:
      operationId: getSetting
      tags: ["{TAG}"]
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
      responses:
        "200":
          description: the setting
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/{SCHEMA}"}}
components:
  schemas:
    {SCHEMA}:
      type: object
      properties:
        value: {{type: string}}
"""


@pytest.mark.parametrize("length", [20, 60, 80])
def test_no_path_is_over_the_limit_with_bytecode(tmp_path: Path, length: int) -> None:
    package = ("long_package_name_" * 5)[:length].rstrip("_")
    with generated_package(tmp_path, SPEC, package) as pkg:
        root = tmp_path / "out"
        assert compileall.compile_dir(root / package, quiet=1)
        paths = [str(p.relative_to(root)) for p in (root / package).rglob("*") if p.is_file()]
        longest = max(paths, key=len)
        assert len(longest) <= MAX_PATH, longest
        assert any("__pycache__" in p for p in paths)
        # what was cut still works: the resource, its method, the model
        client = getattr(pkg, pkg.__all__[0])(base_url="http://127.0.0.1:9")
        resource = next(getattr(client, name) for name in dir(client)
                        if name.startswith("reusable_policy"))
        assert callable(resource.get_setting)
        models = importlib.import_module(f"{package}.models")
        (name,) = [n for n in models.__all__ if n.startswith("ReusablePolicy")]
        model = getattr(models, name)
        assert model.model_validate({"value": "x"}).value == "x"
