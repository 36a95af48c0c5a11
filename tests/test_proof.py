"""generate proves its models package before it reports success (emit/proof.py): a fault of
sdkforge's own that would make the package fail at import is exit 3, never exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdkforge import cli
from sdkforge.emit.model_views import ClassView, ModelModuleView
from sdkforge.emit.proof import problems
from sdkforge.model import ir
from sdkforge.names import classes
from sdkforge.names.allocate import ClassName, ModuleName

SPEC = """
openapi: 3.1.0
info: {title: Addons, version: '1'}
paths: {}
components:
  schemas:
    AddonHealth:
      type: object
      properties: {status: {type: string}}
    Addon:
      type: object
      properties:
        health:
          allOf: [{$ref: '#/components/schemas/AddonHealth'}, {type: object}]
"""


def _view(
    module: str, *declared: tuple[str, tuple[str, ...]], imports: tuple[str, ...] = ()
) -> ModelModuleView:
    views = tuple(ClassView(ClassName(name), bases[0], "", (), "", bases)
                  for name, bases in declared)
    return ModelModuleView(ModuleName(module), imports, (), views)


def test_a_sound_module_has_no_problems() -> None:
    views = [_view("pet", ("Animal", ("BaseModel",)), ("Pet", ("Animal",))),
             _view("dog", ("Dog", ("Pet",)), imports=("from .pet import Pet",))]
    assert list(problems(views, {"Animal": "pet", "Pet": "pet", "Dog": "dog"})) == []


def test_each_kind_of_fault_is_found() -> None:
    views = [_view("addon_health", ("AddonHealth", ("AddonHealth",))),
             _view("dog", ("Dog", ("Pet",)), ("Dog", ("BaseModel",)))]
    found = list(problems(views, {"AddonHealth": "addon_health", "Cat": "dog"}))
    assert any("class AddonHealth: the class extends itself" in p for p in found)
    assert any("class Dog: its base Pet is neither defined above it nor imported" in p
               for p in found)
    assert any("class Dog: a second class or alias of that name" in p for p in found)
    assert any("exports Cat from models/dog.py, which does not define it" in p for p in found)


def test_the_old_class_x_of_x_fault_stops_generation_with_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The rule that once merged a model into the component it extends (shape without the
    base), put back: the proof stops the run, names sdkforge as the culprit, writes nothing."""

    def old_fingerprint(item: classes.Named) -> str:
        if isinstance(item, ir.Model):
            return repr([(f.wire_name, f.type, f.required) for f in item.fields])
        return repr(item)

    monkeypatch.setattr(classes, "fingerprint", old_fingerprint)
    spec = tmp_path / "addons.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["generate", str(spec), "-o", str(out), "-q", "--no-cache"]) == 3
    err = capsys.readouterr().err
    assert "class AddonHealth: the class extends itself" in err and "bug in sdkforge" in err
    assert not out.exists()
