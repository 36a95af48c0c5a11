"""Which spec problems stop generation, and what sdkforge says about them (read/advice.py).

Each kind of problem that leaves the meaning plain is shown on a small spec: the run exits 0
with the warning at its place, the package imports and has what the warning says, and
`--strict` exits 1 on that same finding. Problems that make a client impossible or ambiguous
are errors, each said in at most three lines, naming the deepest node that broke the one rule
that failed, with no dump of a node.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sdkforge import cli
from sdkforge.config import GenerateOptions
from sdkforge.diagnostics import Diagnostics
from sdkforge.errors import SpecError
from sdkforge.pipeline import generate
from sdkforge.read.load import load
from sdkforge.read.validate import validate

PET = "/components/schemas/Pet/properties"
GET_PET = "/paths/~1pets~1{pet_id}/get"
LIST_PETS = "/paths/~1pets/get"


def base(version: str) -> dict[str, Any]:
    return {
        "openapi": version, "info": {"title": "Pets", "version": "1"},
        "paths": {
            "/pets/{pet_id}": {"get": {
                "operationId": "getPet",
                "parameters": [{"name": "pet_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Pet"}}}}},
            }},
            "/pets": {"get": {"operationId": "listPets",
                              "responses": {"200": {"description": "ok"}}}},
        },
        "components": {"schemas": {"Pet": {
            "type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}},
        }}},
    }


def prop(name: str, schema: dict[str, Any], required: bool = False) -> Callable[[Any], None]:
    def change(spec: Any) -> None:
        pet = spec["components"]["schemas"]["Pet"]
        pet["properties"][name] = schema
        if required:
            pet["required"].append(name)
    return change


def at(*keys: str, value: Any = None, drop: bool = False) -> Callable[[Any], None]:
    """Set (or drop) the value at `keys`, a path into the spec."""
    def change(spec: Any) -> None:
        node = spec
        for key in keys[:-1]:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if drop:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return change


QUERYSTRING = {"name": "q", "in": "querystring",
               "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}}}

# id: version, change, pointer of the warning, words it says, what the package then has
WARNINGS: dict[str, tuple[str, Callable[[Any], None], str, str, str]] = {
    "pattern-3.0-anchors": (
        "3.0.3", prop("code", {"type": "string", "pattern": r"\A[a-z]+\z"}), f"{PET}/code/pattern",
        "is not a regular expression the validator can read", "code: str | None = None"),
    "pattern-3.0-possessive": (
        "3.0.3", prop("code", {"type": "string", "pattern": "^a++$"}), f"{PET}/code/pattern",
        "is not a regular expression the validator can read", "code: str | None = None"),
    "pattern-3.1-unicode-class": (
        "3.1.0", prop("code", {"type": "string", "pattern": r"^\p{L}+$"}), f"{PET}/code/pattern",
        "is not a regular expression the validator can read", "code: str | None = None"),
    "stray-key-3.0-operation-title": (
        "3.0.3", at("paths", "/pets", "get", "title", value="List"), f"{LIST_PETS}/title",
        "`get` has an unexpected key `title` (did you mean `summary`?", "def list("),
    "stray-key-3.1-response": (
        "3.1.0", at("paths", "/pets", "get", "responses", "200", "note", value="x"),
        f"{LIST_PETS}/responses/200/note", "`responses/200` has an unexpected key `note`",
        "def list("),
    "const-in-3.0": (
        "3.0.3", prop("kind", {"type": "string", "const": "cat"}, required=True),
        f"{PET}/kind/const", "`const` is OpenAPI 3.1, not 3.0; it is read as OpenAPI 3.1",
        'kind: Literal["cat"]'),
    "type-list-in-3.0": (
        "3.0.3", prop("kind", {"type": ["string", "null"]}, required=True), f"{PET}/kind/type",
        "`type: [string, null]` is OpenAPI 3.1, not 3.0; it is read as OpenAPI 3.1 reads it",
        "kind: str | None\n"),
    "examples-in-3.0": (
        "3.0.3", prop("tags", {"type": "array", "items": {"type": "string"},
                               "examples": [["a"]]}),
        f"{PET}/tags/examples", "`examples` in a schema is OpenAPI 3.1",
        "tags: list[str] | None = None"),
    "nullable-in-3.1": (
        "3.1.0", prop("kind", {"type": "string", "nullable": True}, required=True),
        f"{PET}/kind/nullable", "`nullable` is OpenAPI 3.0, and this is a 3.1 document",
        "kind: str | None\n"),
    "empty-enum-3.0": (
        "3.0.3", prop("color", {"type": "string", "enum": []}), f"{PET}/color/enum",
        "`enum` must not be empty", "color: str | None = None"),
    "empty-enum-3.1": (
        "3.1.0", prop("color", {"type": "string", "enum": []}), f"{PET}/color/enum",
        "`enum` is empty, so no value is valid", "color: str | None = None"),
    "repeated-enum-value": (
        "3.0.3", prop("size", {"type": "string", "enum": ["s", "s", "m"]}), f"{PET}/size/enum",
        '`enum` lists "s" more than once', 'Literal["s", "m"]'),
    "querystring-parameter": (
        "3.1.0", at("paths", "/pets", "get", "parameters", value=[QUERYSTRING]),
        f"{LIST_PETS}/parameters/0/in",
        "`in: querystring` is OpenAPI 3.2, and this is an OpenAPI 3.1 document: the parameter "
        "is skipped (the operation is kept)", "def list("),
    "response-without-description": (
        "3.0.3", at("paths", "/pets", "get", "responses", "200", "description", drop=True),
        f"{LIST_PETS}/responses/200", "`responses/200` has no `description`", "def list("),
    "empty-required-3.0": (  # drf-spectacular writes it (Label Studio: 34 of them)
        "3.0.3", prop("owner", {"type": "object", "required": [],
                                "properties": {"id": {"type": "string"}}}),
        f"{PET}/owner/required", "`required` must not be empty", "id: str | None = None"),
    "null-schema": (  # Directus
        "3.0.3", at("paths", "/pets", "get", "responses", "200", "content",
                    value={"application/json": {"schema": None}}),
        f"{LIST_PETS}/responses/200/content/application~1json/schema",
        "`schema` must be an object, got null", "def list("),
    "documentation-of-the-wrong-type": (
        "3.1.0", at("paths", "/pets", "get", "summary", value=5), f"{LIST_PETS}/summary",
        "`summary` must be a string, got 5", "def list("),
}


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], spec: Any,
        *flags: str) -> tuple[int, str, Path]:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    out = tmp_path / ("strict" if "--strict" in flags else "out")
    code = cli.main(["generate", str(path), "-o", str(out), "--no-cache", *flags])
    return code, capsys.readouterr().err, out


def the_line(stderr: str, level: str, pointer: str) -> str:
    found = [line for line in stderr.splitlines()
             if re.match(rf"{level}: \S*spec\.json:\d+:\d+ at #{re.escape(pointer)}: ", line)]
    assert len(found) == 1, (pointer, stderr)
    return found[0]


@pytest.mark.parametrize("case", sorted(WARNINGS))
def test_a_plain_problem_is_a_warning_and_strict_refuses_it(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    version, change, pointer, words, generated = WARNINGS[case]
    spec = base(version)
    change(spec)
    code, stderr, out = run(tmp_path, capsys, spec)
    assert code == 0, stderr
    assert words in the_line(stderr, "warning", pointer)
    assert "error:" not in stderr
    package = out / "pets"
    text = "".join(p.read_text() for p in sorted(package.rglob("*.py")))
    assert generated in text
    imported = subprocess.run(
        [sys.executable, "-c", "import pets, pets.models; pets.PetsClient(base_url='http://x')"],
        cwd=out, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    code, stderr, strict_out = run(tmp_path, capsys, spec, "--strict")
    assert code == 1
    assert words in the_line(stderr, "warning", pointer)
    assert not strict_out.exists()


def test_a_querystring_parameter_is_skipped_and_its_operation_kept(tmp_path: Path) -> None:
    spec = base("3.0.3")
    spec["paths"]["/pets"]["get"]["parameters"] = [QUERYSTRING, {
        "name": "limit", "in": "query", "schema": {"type": "integer"}}]
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    found = generate(GenerateOptions(path))
    resource = found.files["pets/resources/pets.py"]
    listing = resource[resource.index("def list("):]
    assert "limit: int | NotGiven = NOT_GIVEN" in listing[:600] and "q:" not in listing[:600]


# ---------------------------------------------------------------- errors, and their words
ERRORS: dict[str, tuple[Callable[[Any], None], str, str, str]] = {
    # id: change, pointer, message, hint
    "type-date": (
        prop("born", {"type": "date"}), f"{PET}/born/type",
        '`type` must be one of "array", "boolean", "integer", "number", "object" or "string"; '
        'got "date"', "write `type: string` with `format: date`"),
    "type-holding-a-schema": (
        prop("kind", {"type": {"type": "string", "enum": ["cat", "dog"]}}), f"{PET}/kind/type",
        "`type` must be a string, got an object",
        "it holds a schema: write that schema's keys directly under `kind`"),
    "body-parameter": (
        at("paths", "/pets", "get", "parameters",
           value=[{"name": "b", "in": "body", "schema": {"type": "object"}}]),
        f"{LIST_PETS}/parameters/0/in",
        '`in` must be one of "path", "query", "header" or "cookie"; got "body"',
        "OpenAPI 3 has no body parameters: describe the body in `requestBody`"),
    "required-yes": (
        at("paths", "/pets/{pet_id}", "get", "parameters", "0", "required", value="yes"),
        f"{GET_PET}/parameters/0/required", '`required` must be a boolean, got "yes"', ""),
    "properties-as-a-list": (
        at("components", "schemas", "Pet", "properties", value=[{"name": "x"}]),
        "/components/schemas/Pet/properties", "`properties` must be an object, got an array", ""),
    "parameter-without-name": (
        at("paths", "/pets/{pet_id}", "get", "parameters", "0", "name", drop=True),
        f"{GET_PET}/parameters/0", "`parameters/0` has no `name`", "add `name`"),
    "path-template-mismatch": (
        at("paths", "/pets/{pet_id}", "get", "parameters", "0", "name", value="id"),
        GET_PET, 'the path has `{pet_id}`, but the operation declares no path parameter "pet_id"',
        "declare it under `parameters` with `in: path` and `required: true`"),
    "path-without-slash": (
        lambda spec: spec["paths"].update({"pets": spec["paths"].pop("/pets")}), "/paths/pets",
        "`paths` has `pets`, which does not start with `/`",
        "a path starts with `/`; it is read relative to the server's URL"),
    "response-code-that-is-not-one": (
        at("paths", "/pets", "get", "responses", "2xx", value={"description": "ok"}),
        f"{LIST_PETS}/responses/2xx", "`responses` has `2xx`, which is not a status code",
        "write a code such as `200` or `4XX`, or `default`"),
    "duplicate-operation-id": (
        at("paths", "/pets", "get", "operationId", value="getPet"),
        f"{LIST_PETS}/operationId", '`operationId` "getPet" is used by another operation too',
        "make it unique: an operation's id names its method"),
}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_name_the_deepest_node_and_the_one_rule_in_few_words(
    case: str, version: str, tmp_path: Path
) -> None:
    change, pointer, message, hint = ERRORS[case]
    spec = base(version)
    change(spec)
    if version.startswith("3.1"):  # the 3.1 meta-schema lists `in` in its own order
        message = message.replace('"path", "query", "header" or "cookie"',
                                  '"query", "header", "path" or "cookie"')
        message = message.replace('"number", "object" or "string"',
                                  '"null", "number", "object", "string" or an array')
        message = message.replace("`type` must be a string, got an object", (
            '`type` must be one of "array", "boolean", "integer", "null", "number", "object", '
            '"string" or an array; got an object'))
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        generate(GenerateOptions(path))
    errors = [d for d in caught.value.diagnostics if d.level == "error"]
    assert [(d.pointer, d.message, d.hint) for d in errors][:1] == [(pointer, message, hint)]
    for found in caught.value.diagnostics:
        assert found.line is not None, found  # the place in the file, too
        words = found.message + found.hint
        assert len(words) <= 300 and len(found.render().splitlines()) <= 3, found.render()
        assert not re.search(r"""[{\[]\s*["'{\[]""", words), words  # no dump of a node


def findings(tmp_path: Path, spec: Any) -> list[tuple[str, str, str]]:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    found = Diagnostics()
    validate(load(path), spec["openapi"][:3], found)
    return [(d.level, d.pointer, d.message) for d in found.items]


def test_a_3_0_oneof_failure_is_reported_as_the_rules_inside_it(tmp_path: Path) -> None:
    # openapi-spec-validator says the schema "is not valid under any of the schemas listed in
    # the 'oneOf' keyword", at the component, followed by the component's text.
    spec = base("3.0.3")
    spec["components"]["schemas"]["Pet"]["properties"]["age"] = {
        "type": "object", "properties": {"years": {"type": "integer", "minimum": "one"}},
        "additionalProperties": {"type": "string", "format": 5}}
    assert findings(tmp_path, spec) == [
        ("warning", f"{PET}/age/properties/years/minimum", '`minimum` must be a number, got "one"'),
        ("error", f"{PET}/age/additionalProperties/format", "`format` must be a string, got 5"),
    ]


def test_a_schema_reached_through_refs_is_reported_where_it_is_written(tmp_path: Path) -> None:
    spec = base("3.1.0")
    spec["components"]["schemas"]["Owner"] = {"type": "object", "required": "name"}
    spec["components"]["schemas"]["Pet"]["properties"]["owner"] = {
        "$ref": "#/components/schemas/Owner"}
    assert [f[1] for f in findings(tmp_path, spec)] == ["/components/schemas/Owner/required"]


def test_a_warning_first_in_a_schema_does_not_hide_an_error_after_it(tmp_path: Path) -> None:
    # openapi-spec-validator checks each schema against its dialect and reports only the first
    # failure; in 3.1 nothing else checks schemas.
    spec = base("3.1.0")
    spec["components"]["schemas"]["Pet"]["properties"].update({
        "code": {"type": "string", "pattern": r"\A[a-z]\z"}, "born": {"type": "date"}})
    assert {f[:2] for f in findings(tmp_path, spec)} == {
        ("warning", f"{PET}/code/pattern"), ("error", f"{PET}/born/type")}


def test_python_warnings_about_a_specs_patterns_stay_off_the_terminal(tmp_path: Path) -> None:
    spec = base("3.1.0")
    prop("code", {"type": "string", "pattern": "^[[a-z]]+$"})(spec)  # `re`: "nested set"
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-W", "default", "-m", "sdkforge.cli", "generate", str(path), "-o",
         str(tmp_path / "out"), "--no-cache"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "re.compile" not in done.stderr, done.stderr


def test_an_error_sdkforge_cannot_word_is_still_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sdkforge.read import findings as findings_module

    def broken(failure: Any, version: str) -> Any:
        raise RuntimeError("a bug in the wording")

    monkeypatch.setattr(findings_module, "advise", broken)
    spec = base("3.1.0")
    at("paths", "/pets", "get", "parameters", value=[{"name": "b", "in": "body"}])(spec)
    found = findings(tmp_path, spec)
    assert found and all(level == "error" for level, _, _ in found), found
    assert not any("{" in message for _, _, message in found)
