"""The Rust meta-schema check agrees with openapi-spec-validator's Python one.

It may only ever say "valid" where the Python check does: on the schemas of the real specs in
../shared and on hand-written broken ones. Where it finds a schema invalid the Python check
runs, so the findings stay exactly what openapi-spec-validator finds (in sdkforge's words).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema.exceptions import SchemaError
from openapi_schema_validator import OAS30Validator, OAS31Validator, oas31_format_checker
from openapi_spec_validator.validation.keywords import SchemaValidator

from sdkforge.diagnostics import Diagnostics
from sdkforge.read import metaschema
from sdkforge.read.load import Document, load
from sdkforge.read.validate import _validator_class, validate

ROOT = Path(__file__).resolve().parent.parent
SHARED_SPECS = ROOT.parent / "shared" / "specs"
# Python takes ~30 s over every distinct schema of the real specs; a fixed sample of one in
# SAMPLE keeps this test under 10 s. SDKFORGE_METASCHEMA_ALL=1 compares them all.
SAMPLE = 1 if os.environ.get("SDKFORGE_METASCHEMA_ALL") == "1" else 8


def python_valid(version: str, schema: Any) -> bool:
    """openapi-spec-validator's own meta-schema check (keywords.py, `_get_schema_checker`)."""
    try:
        if version == "3.1":
            OAS31Validator.check_schema(schema, format_checker=oas31_format_checker)
        else:
            OAS30Validator.check_schema(schema)
    except SchemaError:
        return False
    return True


def rust_valid(version: str, schema: Any) -> bool:
    if version == "3.1":
        twin = metaschema.rust_meta_validator(OAS31Validator, oas31_format_checker)
    else:
        twin = metaschema.rust_meta_validator(OAS30Validator, OAS30Validator.FORMAT_CHECKER)
    assert twin is not None, "jsonschema-rs could not compile the meta-schema"
    return metaschema.fast_valid(twin, schema)


_SCHEMA_MAPS = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
_SCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "prefixItems", "items"}
_SCHEMA_ONE = {"items", "additionalProperties", "additionalItems", "not", "if", "then", "else",
               "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems"}


def subschemas(schema: Any) -> Iterator[Any]:
    """The schema and every schema nested in it."""
    yield schema
    if not isinstance(schema, dict):
        return
    for keyword, value in schema.items():
        if keyword in _SCHEMA_MAPS and isinstance(value, dict):
            for inner in value.values():
                yield from subschemas(inner)
        elif keyword in _SCHEMA_LISTS and isinstance(value, list):
            for inner in value:
                yield from subschemas(inner)
        elif keyword in _SCHEMA_ONE:
            yield from subschemas(value)


def schema_objects(node: Any) -> Iterator[Any]:
    """Every Schema Object in an OpenAPI document (under `schema` and `components/schemas`),
    nested ones included."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema":
                yield from subschemas(value)
            elif key == "schemas" and isinstance(value, dict):
                for schema in value.values():
                    yield from subschemas(schema)
            elif key not in ("example", "examples"):
                yield from schema_objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from schema_objects(item)


def real_specs() -> list[Document]:
    if not SHARED_SPECS.is_dir():
        pytest.skip(f"the real specs are not here: {SHARED_SPECS} is absent")
    paths = sorted(SHARED_SPECS.glob("mixpeek/*.json")) + sorted(SHARED_SPECS.glob("public/*.yaml"))
    paths += sorted(SHARED_SPECS.glob("public/*.json"))
    documents = [load(path) for path in paths]
    return [d for d in documents
            if isinstance(d.data, dict) and str(d.data.get("openapi", "")).startswith("3.")]


def test_rust_says_what_python_says_on_the_real_specs() -> None:
    distinct: dict[str, tuple[str, Any]] = {}
    for document in real_specs():
        version = "3.1" if str(document.data["openapi"]).startswith("3.1") else "3.0"
        for schema in schema_objects(document.data):
            distinct.setdefault(f"{version}\0{json.dumps(schema, sort_keys=True, default=repr)}",
                                (version, schema))
    assert len(distinct) > 10_000, "the real specs hold fewer schemas than they did"
    # The real 3.0 specs are small: the 3.1 schemas are checked as 3.0 schemas too (against
    # draft 4's meta-schema; many fail there, and Python is quicker at it).
    checks = [(version, key, schema) for key, (version, schema) in distinct.items()]
    checks += [("3.0", "3.0" + key[3:], schema)
               for key, (version, schema) in distinct.items() if version == "3.1"]
    compared = python_path = 0
    for version, key, schema in checks:
        rust = rust_valid(version, schema)
        # Every schema Rust finds invalid, and a fixed sample of those it finds valid.
        if rust and int(hashlib.sha256(key.encode()).hexdigest(), 16) % SAMPLE:
            continue
        compared += 1
        python = python_valid(version, schema)
        assert python or not rust, (
            f"Rust finds valid what Python does not ({version}): {key[4:300]}")
        if not metaschema.plain_json(schema):
            python_path += 1  # data Rust is not given (a YAML date in an example): Python judges it
        else:  # and Rust is not stricter either: each such verdict costs a Python check
            assert rust == python, (
                f"Rust finds invalid what Python does not ({version}): {key[4:300]}")
    assert compared >= len(checks) // SAMPLE - 100
    assert python_path <= 3


# Broken schemas, some valid ones beside them, and data only Python reads.
CASES: list[Any] = [
    {"type": "strin"}, {"type": ["string", "strin"]},
    {"type": 1}, {"type": []}, {"type": ["string", "string"]},
    {"required": "name"}, {"required": ["a", "a"]}, {"required": [1]}, {"required": []},
    {"properties": []}, {"properties": {"a": 1}},
    {"properties": {"a": {"type": "bad"}}}, {"properties": {1: {}}},
    {"pattern": "("}, {"pattern": "(?<n>a)"},
    {"pattern": "\\p{L}"}, {"pattern": 5}, {"pattern": "a{,3}"},
    {"pattern": "(?i)a"}, {"pattern": "\\d+$"},
    {"patternProperties": {"(": {}}}, {"propertyNames": {"pattern": "("}},
    {"items": {"pattern": "[z-a]"}}, {"pattern": datetime.date(2026, 1, 20)}, {"pattern": b"a"},
    {"format": 5}, {"format": "whatever"},
    {"type": "integer", "format": "int32"}, {"format": "regex"},
    {"$ref": 1}, {"$ref": "#/a b"}, {"$ref": "%%%"},
    {"$id": "foo#bar"}, {"$id": 3}, {"$anchor": "a\n"},
    {"$anchor": "1a"}, {"$schema": "not a uri"},
    {"$dynamicRef": 2}, {"$comment": 1}, {"$vocabulary": {"a": 1}},
    {"nullable": True}, {"nullable": "yes"}, {"items": {"nullable": True, "type": "string"}},
    {"minLength": -1}, {"minLength": 1.0}, {"minLength": 1.5},
    {"minLength": True}, {"maxItems": "3"},
    {"maxLength": 2**70}, {"maxLength": -(2**70)},
    {"maxLength": float("nan")}, {"maxLength": float("inf")},
    {"minimum": float("inf")}, {"minimum": "zero"},
    {"multipleOf": 0}, {"multipleOf": 0.0}, {"multipleOf": -1},
    {"enum": []}, {"enum": [1, 1.0]}, {"enum": [1, True]},
    {"enum": [0, False]}, {"enum": [{"a": 1}, {"a": 1.0}]},
    {"enum": [[1], [True]]}, {"enum": "a"}, {"enum": [2**70, 2.0**70]},
    {"enum": [2**53 + 1, float(2**53 + 1)]}, {"enum": [datetime.date(2026, 1, 20)]},
    {"default": datetime.date(2026, 1, 20)},
    {"exclusiveMinimum": True}, {"exclusiveMinimum": 1}, {"exclusiveMaximum": False, "maximum": 3},
    {"discriminator": {"mapping": {}}}, {"properties": {"a": {"discriminator": {"mapping": {}}}}},
    {"discriminator": {"propertyName": "a", "extra": 1}},
    {"discriminator": {"propertyName": "a", "x-foo": 1}},
    {"discriminator": {"propertyName": "a", "mapping": {"a": 1}}}, {"discriminator": "a"},
    {"externalDocs": {}}, {"externalDocs": {"url": "x", "y": 1}}, {"xml": {"attribute": "yes"}},
    {"xml": {"namespace": "not a uri"}}, {"items": {"xml": {"wrapped": 1}}},
    {"$defs": {"a": {"xml": {"prefix": 1}}}},
    {"allOf": [{"anyOf": [{"oneOf": [{"not": {"xml": {"prefix": 1}}}]}]}]},
    {"if": {"discriminator": {}}},
    {"prefixItems": [{"externalDocs": 1}]}, {"dependentSchemas": {"a": {"discriminator": {}}}},
    {"items": [{}]}, {"items": [{"type": "bad"}]},
    {"additionalProperties": 1}, {"allOf": []}, {"allOf": {}},
    {"oneOf": [1]}, {"anyOf": [True, False]},
    {"dependentRequired": {"a": "b"}}, {"$defs": {"a": 3}},
    {"definitions": {"a": 3}}, {"contentMediaType": 1},
    {"deprecated": "yes"}, {"readOnly": 1}, {"examples": {}},
    {"description": 5}, {"title": None}, {"if": 1},
    {"then": {"type": "bad"}}, {"unevaluatedProperties": "no"},
    {"dependencies": {"a": 1}}, {"additionalItems": 1}, {"contains": 1}, {"const": float("nan")},
    True, False, {}, {"type": "null"}, {"type": ["string", "null"]},
]


def nested(depth: int, innermost: str = "bad") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": innermost}
    for _ in range(depth):
        schema = {"items": schema}
    return schema


# Rust's `$` does not match before a final newline, Python's does: Python has the last word.
STRICTER: list[Any] = [{"$anchor": "a\n"}]


@pytest.mark.parametrize("version", ["3.1", "3.0"])
def test_rust_never_finds_valid_what_python_does_not(version: str) -> None:
    for case in [*CASES, nested(metaschema.MAX_DEPTH - 2), nested(metaschema.MAX_DEPTH + 5)]:
        rust, python = rust_valid(version, case), python_valid(version, case)
        assert python or not rust, case
        if metaschema.plain_json(case) and case not in STRICTER:
            assert rust == python, case


def test_data_rust_cannot_read_as_python_does_takes_the_python_path() -> None:
    cyclic: dict[str, Any] = {}
    cyclic["properties"] = {"a": cyclic}
    for odd in [cyclic, nested(metaschema.MAX_DEPTH + 1), {"properties": {1: {}}},
                {"title": ("a",)}, {"enum": [datetime.date(2026, 1, 20)]},
                {"minimum": float("nan")}, {"maximum": float("-inf")}]:
        assert not metaschema.plain_json(odd)
    assert metaschema.plain_json({"properties": {"a": {"type": "integer", "maximum": 2**70,
                                                       "enum": [1.5, None, True]}}})


def test_id_registry_answers_in_from_a_set() -> None:
    ids = metaschema.IdRegistry()
    for number in (3, 1, 3):
        ids.append(number)
    assert ids == [3, 1, 3] and 1 in ids and 3 in ids and 2 not in ids
    for version in ("3.0", "3.1"):  # and sdkforge's validators keep their schema ids in them
        validator = _validator_class(version)({"openapi": f"{version}.0"})
        keywords = validator.keyword_validators_registry
        assert isinstance(keywords["schema"].visited_schema_ids, metaschema.IdRegistry)
        assert isinstance(keywords["schema"].meta_checked_schema_ids, metaschema.IdRegistry)


def spec(version: str, schemas: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"openapi": version, "info": {"title": "Meta", "version": "1"}, "paths": {},
            "components": {"schemas": schemas}, **extra}


def findings(tmp_path: Path, data: dict[str, Any]) -> list[tuple[str, str, str]]:
    path = tmp_path / "spec.yaml"  # YAML: it carries the dates, bytes and NaN of the cases
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    document = load(path)
    found = Diagnostics()
    validate(document, "3.1" if data["openapi"].startswith("3.1") else "3.0", found)
    return [(d.level, d.pointer, d.message) for d in found.items]


def python_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metaschema, "rust_meta_validator", lambda cls, checker: None)


DIALECTS: list[dict[str, Any]] = [
    # Valid in the OAS dialect
    {"$schema": "http://json-schema.org/draft-04/schema#", "exclusiveMinimum": 5},
    {"$schema": "https://json-schema.org/draft/2020-12/schema", "discriminator": {}},
    {"$schema": "https://spec.openapis.org/oas/3.1/dialect/base", "discriminator": {}},
    {"$schema": "https://example.com/no-such-dialect", "type": "string"},
    {"$schema": 31, "type": "string"},
]


@pytest.mark.parametrize("version", ["3.1.0", "3.0.3"])
def test_findings_are_openapi_spec_validators(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str,
) -> None:
    # Each case in a spec of its own: some stop openapi-spec-validator altogether.
    # So deep (within the 100 levels `load` allows) that the Python check runs out of stack, and
    # `validate` says the document nests too deeply; so it must stay.
    cases = CASES + DIALECTS + [nested(metaschema.MAX_DEPTH + 5), nested(90, "string")]
    fast = [findings(tmp_path, spec(version, {"Case": case})) for case in cases]
    python_only(monkeypatch)
    assert fast == [findings(tmp_path, spec(version, {"Case": case})) for case in cases]
    assert sum(1 for found in fast if found) > 50
    if version.startswith("3.1"):  # a schema naming draft 4 is checked against draft 4
        assert fast[len(CASES)] == [
            ("warning", "/components/schemas/Case/exclusiveMinimum",
             "`exclusiveMinimum` must be a boolean, got 5"),
        ]


def test_the_documents_dialect_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = spec("3.1.0", {"Old": {"exclusiveMinimum": 5}, "Fine": {"type": "string"}},
                jsonSchemaDialect="http://json-schema.org/draft-04/schema#")
    fast = findings(tmp_path, data)
    assert [f[1] for f in fast] == ["/components/schemas/Old/exclusiveMinimum"]
    python_only(monkeypatch)
    assert fast == findings(tmp_path, data)


def test_valid_schemas_never_reach_the_python_check(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    original, every_error = SchemaValidator._validate_schema_meta, metaschema.every_error
    checked: list[Any] = []

    def counting(self: SchemaValidator, schema: Any, value: Any) -> Any:
        checked.append(value)
        return original(self, schema, value)

    def counting_every(cls: type[Any], checker: Any, value: Any) -> Any:
        checked.append(value)
        return every_error(cls, checker, value)

    monkeypatch.setattr(SchemaValidator, "_validate_schema_meta", counting)
    monkeypatch.setattr(metaschema, "every_error", counting_every)
    schemas = {
        f"Thing{i}": {"type": "object", "properties": {"n": {"type": "integer", "minimum": i}}}
        for i in range(20)
    }
    assert findings(tmp_path, spec("3.1.0", schemas)) == []
    assert checked == []
    schemas["Broken"] = {"required": "n"}
    assert [f[1] for f in findings(tmp_path, spec("3.1.0", schemas))] == [
        "/components/schemas/Broken/required"
    ]
    assert checked == [{"required": "n"}]
