"""openapi-spec-validator's checks, walked over the plain loaded data (read/plainpath.py), find
exactly what they find walked with jsonschema-path, as the validator walks them itself: the
same errors, in the same order, with the same messages and paths.

The cases are the checks whose answer depends on the walk: every keyword validator's own
finding (duplicate ids, tags and parameters, path templates, `required` names, defaults that
do not fit, `nullable` in 3.1, an unknown `$schema`, a schema that is not one), reached
through local and cross-file `$ref`s, recursive schemas and odd node types; then the real
specs in ../shared.
"""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sdkforge.diagnostics import Diagnostics
from sdkforge.read.load import load
from sdkforge.read.plainpath import PlainPath
from sdkforge.read.resolve import resolve
from sdkforge.read.validate import _collect, _errors, check_version, validate

SHARED_SPECS = Path(__file__).resolve().parent.parent.parent / "shared" / "specs"

OK = {"200": {"description": "ok"}}


def base(version: str) -> dict[str, Any]:
    return {
        "openapi": version, "info": {"title": "T", "version": "1"},
        "tags": [{"name": "pets"}],
        "paths": {
            "/pets/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "get": {"operationId": "get", "responses": {"200": {
                    "description": "ok", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Pet"}}}}}},
                "put": {"operationId": "put", "requestBody": {
                    "$ref": "#/components/requestBodies/Pet"},
                    "responses": {"default": {"$ref": "#/components/responses/Error"}}},
            },
            "/pets": {"get": {"operationId": "list", "parameters": [
                {"name": "limit", "in": "query",
                 "schema": {"type": "integer", "default": 10}}], "responses": OK}},
        },
        "components": {
            "parameters": {"Id": {"name": "id", "in": "path", "required": True,
                                  "schema": {"type": "string"}}},
            "requestBodies": {"Pet": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Pet"}}}}},
            "responses": {"Error": {"description": "e", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {
                "Pet": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string"},
                    "kids": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                    "kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}]},
                }},
                "Kind": {"type": "string", "enum": ["cat", "dog"], "default": "cat"},
                "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
            },
        },
    }


def at(*keys: Any, value: Any = None, drop: bool = False) -> Callable[[Any], None]:
    def change(spec: Any) -> None:
        node = spec
        for key in keys[:-1]:
            node = node[key]
        if drop:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return change


SCHEMAS = ("components", "schemas")
PETS = ("paths", "/pets", "get")
CASES: dict[str, list[Callable[[Any], None]]] = {
    "valid": [],
    "duplicate-operation-id": [at(*PETS, "operationId", value="get")],
    "path-parameter-missing": [at("paths", "/pets/{id}", "parameters", value=[])],
    "path-parameter-extra": [at(*PETS, "parameters", 0, "in", value="path")],
    "path-template-with-query": [at("paths", "/x?a={a}", value={"get": {"responses": OK}})],
    "duplicate-parameter": [at(*PETS, "parameters", value=[
        {"name": "a", "in": "query"}, {"$ref": "#/components/parameters/A"}]),
        at("components", "parameters", "A", value={"name": "a", "in": "query"})],
    "parameter-without-name": [at(*PETS, "parameters", 0, "name", drop=True)],
    "parameters-not-a-list": [at(*PETS, "parameters", value={"a": {"name": "a", "in": "query"}})],
    "required-not-defined-with-allof": [at(*SCHEMAS, "Cat", value={
        "allOf": [{"$ref": "#/components/schemas/Pet"}], "required": ["name", "ghost"],
        "properties": {"lives": {"type": "integer"}}})],
    "required-not-defined": [at(*SCHEMAS, "Pet", "required", value=["name", "ghost"])],
    "default-wrong": [at(*PETS, "parameters", 0, "schema", "default", value="ten")],
    "default-through-ref": [at(*SCHEMAS, "Kind", "default", value="fish")],
    "default-with-ref-inside": [at(*SCHEMAS, "Box", value={
        "type": "object", "properties": {"kind": {"$ref": "#/components/schemas/Kind"}},
        "default": {"kind": "fish"}})],
    "default-null-nullable": [at(*SCHEMAS, "N", value={
        "type": "string", "nullable": True, "default": None})],
    "default-null": [at(*SCHEMAS, "N", value={"type": "string", "default": None})],
    "schema-not-an-object": [at(*SCHEMAS, "Pet", "properties", "bad", value=5)],
    "schema-meta-invalid": [at(*SCHEMAS, "Error", "properties", "code",
                               value={"type": "date"})],
    "schema-meta-invalid-nested": [at(*SCHEMAS, "Pet", "properties", "kids", "items",
                                      value={"oneOf": [{"type": "strin"}, {"not": {}}]})],
    "duplicate-tag": [at("tags", value=[{"name": "pets"}, {"name": "pets"}])],
    "tag-without-name": [at("tags", value=[{"description": "x"}])],
    "nullable": [at(*SCHEMAS, "Error", "properties", "message", "nullable", value=True),
                 at(*SCHEMAS, "Pet", "properties", "kids", "items",
                    value={"anyOf": [{"type": "string", "nullable": True}]})],
    "unknown-dialect": [at(*SCHEMAS, "Error", "$schema", value="https://example.com/s")],
    "dialect-not-a-string": [at(*SCHEMAS, "Error", "$schema", value=5)],
    "root-dialect": [at("jsonSchemaDialect", value="https://example.com/dialect")],
    "responses-odd": [at(*PETS, "responses", value={"200": "text", "201": [1]})],
    "content-odd": [at("paths", "/pets/{id}", "get", "responses", "200", "content",
                       value={"a/b": {"schema": 5}, "c/d": 3})],
    "path-item-odd": [at("paths", "/pets", value={"get": 5, "parameters": "x"})],
    "schema-a-list": [at(*SCHEMAS, "List", value=[{"type": "string"}])],
}

# Cases the validator has nothing to say about: what is valid in 3.0, and `required` naming an
# undefined property with no `allOf` (openapi-spec-validator checks it only beside one).
QUIET = {("valid", "3.0"), ("valid", "3.1"), ("nullable", "3.0"),
         ("default-null-nullable", "3.0"), ("required-not-defined", "3.0"),
         ("required-not-defined", "3.1")}


def spec_files(tmp_path: Path, version: str, case: str) -> Path:
    spec = base(version)
    # One schema in a second file, with a relative `$ref` back, its own problem and a default.
    spec["components"]["schemas"]["Remote"] = {"$ref": "other.json#/Thing"}
    for change in CASES[case]:
        change(spec)
    other = {"Thing": {"type": "object", "properties": {
        "pet": {"$ref": "main.json#/components/schemas/Pet"},
        "local": {"$ref": "#/Local"}, "bad": {"type": "integr"}}},
        "Local": {"type": "integer", "default": "x", **(
            {"nullable": True} if version.startswith("3.1") else {})}}
    (tmp_path / "other.json").write_text(json.dumps(other), encoding="utf-8")
    path = tmp_path / "main.json"
    path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return path


def walks(path: Path) -> tuple[list[Any], list[Any]]:
    """The validator's errors, walked both ways, as comparable tuples."""
    doc = load(path)
    version = check_version(doc)
    resolved = resolve(doc, Diagnostics())
    found: list[list[Any]] = []
    for plain in (True, False):
        errors: list[Any] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stopped = _collect(_errors(doc, version, resolved, resolved.documents, plain=plain),
                               errors)
        found.append([(type(e).__name__, e.message, [str(p) for p in e.relative_path],
                       e.validator) for e in errors])
        if stopped is not None:  # the same failure both ways, after the same errors
            found[-1].append(("raised", type(stopped).__name__, str(stopped)))
    return found[0], found[1]


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_both_walks_find_the_same(case: str, version: str, tmp_path: Path) -> None:
    plain, through_jsonschema_path = walks(spec_files(tmp_path, version, case))
    assert plain == through_jsonschema_path
    (tmp_path / "valid").mkdir()
    valid = walks(spec_files(tmp_path / "valid", version, "valid"))[0]
    if (case, version[:3]) not in QUIET:  # the validator has something more to say
        assert plain != valid


def test_the_real_specs_give_the_same_findings() -> None:
    """Every spec in ../shared but the two largest Mixpeek versions (the newest stands for them:
    walking with jsonschema-path takes seconds on each). Both walks also agreed on 300 specs of
    the public API directory, compared outside the suite."""
    specs = sorted(p for p in SHARED_SPECS.rglob("*") if p.suffix in (".json", ".yaml", ".yml")
                   and p.name != "openapi-2026-01-03.json")
    assert len(specs) >= 6
    for spec in specs:
        doc = load(spec)
        if "openapi" not in (doc.data or {}):
            continue  # Swagger 2.0
        plain, through_jsonschema_path = walks(spec)
        assert plain == through_jsonschema_path, spec


def test_a_validator_asking_more_than_plainpath_offers_walks_with_jsonschema_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = spec_files(tmp_path, "3.0.3", "duplicate-operation-id")
    expected = Diagnostics()
    validate(load(path), "3.0", expected, resolve(load(path), Diagnostics()).documents)
    assert any("is used by another operation" in d.message for d in expected.items)

    def newer(self: PlainPath) -> Any:  # what a newer openapi-spec-validator might call
        raise AttributeError("'PlainPath' object has no attribute 'newer'")

    monkeypatch.setattr(PlainPath, "keys", newer)
    again = Diagnostics()
    validate(load(path), "3.0", again, resolve(load(path), Diagnostics()).documents)
    assert again.items == expected.items


def test_a_path_reads_as_a_schema_path_does(tmp_path: Path) -> None:
    from sdkforge.read.plainpath import Space

    doc = load(spec_files(tmp_path, "3.0.3", "valid"))
    resolved = resolve(doc, Diagnostics())
    root = PlainPath.root(Space(resolved, lambda: None))
    pet = root / "components" / "schemas" / "Pet"
    assert pet.parts == ("components", "schemas", "Pet")
    kids_items = pet / "properties" / "kids" / "items"
    assert kids_items.read_value() is pet.read_value()  # the `$ref` followed
    assert "required" in pet and "ghost" not in pet and 0 not in pet
    assert list(pet.keys()) == ["type", "required", "properties"]
    assert [p.parts[-1] for p in pet / "required"] == [0]
    assert (pet / "required")[0] == "name"
    assert isinstance(pet["properties"], PlainPath)
    assert pet.get("ghost", 7) == 7 and len(pet) == 3
    assert (pet / "type").read_str() == "object"
    assert (pet / "ghost").read_str("x") == "x"
    with pytest.raises(KeyError):
        (pet / "ghost").read_value()
    with pytest.raises(TypeError):
        (pet / "required").read_str()
    with pytest.raises(KeyError):
        (pet / "type").keys()
    remote = root / "components" / "schemas" / "Remote"
    assert (remote / "properties" / "local" / "type").read_str() == "integer"  # other.json
    assert (remote / "properties" / "pet").read_value() == pet.read_value()  # and back
    assert copy.copy(pet.parts) == pet._clone_with_parts(pet.parts).parts
