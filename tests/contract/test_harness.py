"""The contract harness's pure parts, without Prism: values made from schemas, OpenAPI's
style/explode table, and whose fault a recorded call is."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from tests.contract import wire
from tests.contract.classify import Spec, judge
from tests.contract.synth import Synth, _from_regex
from tests.contract.validator import Checker

DOC: dict[str, Any] = {
    "openapi": "3.0.3",
    "components": {
        "schemas": {
            "Point": {"type": "object", "required": ["x", "y"],
                      "properties": {"x": {"type": "integer", "minimum": 5},
                                     "y": {"type": "string", "minLength": 12},
                                     "id": {"type": "string", "readOnly": True},
                                     "note": {"type": "string", "nullable": True}}},
            "Cat": {"type": "object", "required": ["kind"],
                    "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}}},
            "Dog": {"type": "object", "required": ["kind"],
                    "properties": {"kind": {"type": "string"}}},
            "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"},
                              {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {"propertyName": "kind",
                                      "mapping": {"cat": "#/components/schemas/Cat",
                                                  "dog": "#/components/schemas/Dog"}}},
        },
    },
    "paths": {
        "/things/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "array", "items": {"type": "string"}}}],
            "post": {
                "parameters": [
                    {"name": "tags", "in": "query", "explode": False,
                     "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "limit", "in": "query", "required": True,
                     "schema": {"type": "integer", "maximum": 10}},
                ],
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Point"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Point"}}}}},
            },
        },
    },
}
OP = "#/paths/~1things~1{id}/post"


def synth() -> Synth:
    checker = Checker(DOC)
    return Synth(DOC, check=lambda s, v: checker.error(s, v))


def test_values_keep_to_the_schema_and_leave_read_only_out() -> None:
    point = {"$ref": "#/components/schemas/Point"}
    few, every = synth().value(point, False), synth().value(point, True)
    assert few == {"x": 5, "y": "contractxxxx"[:12].ljust(12, "x")}
    assert set(every) == {"x", "y", "note"}
    assert Checker(DOC).error(point, every) is None


def test_a_discriminated_union_gets_the_tag_its_mapping_names() -> None:
    pet = synth().value({"$ref": "#/components/schemas/Pet"}, True)
    assert pet["kind"] == "cat" and Checker(DOC).error({"$ref": "#/components/schemas/Pet"},
                                                       pet) is None


@pytest.mark.parametrize("pattern, low, high", [
    (r"^[A-Z]{2}-\d{3,}$", 0, None), (r"^(ab|cd)+x?$", 5, 9), (r"AppleCloud/([0-9]+\.)+", 0, 40),
    (r"^[^/]+$", 3, 3),
])
def test_strings_match_their_pattern_and_length(pattern: str, low: int, high: int | None
                                                ) -> None:
    found = _from_regex(pattern, low, high)
    assert found is not None and re.search(pattern, found)
    assert low <= len(found) and (high is None or len(found) <= high)


def test_numbers_keep_to_their_bounds() -> None:
    s = synth()
    assert s.value({"type": "integer", "minimum": 3, "multipleOf": 5}, False) == 5
    assert s.value({"type": "integer", "exclusiveMaximum": 0}, False) == -1
    assert s.value({"type": "number", "minimum": 0.5}, False) == 0.5


@pytest.mark.parametrize("where, style, explode, value, wanted", [
    ("query", "form", True, ["a", "b"], [("n", "a"), ("n", "b")]),
    ("query", "form", False, ["a", "b"], [("n", "a,b")]),
    ("query", "spaceDelimited", False, ["a", "b"], [("n", "a b")]),
    ("query", "pipeDelimited", False, ["a", "b"], [("n", "a|b")]),
    ("query", "deepObject", True, {"x": 1, "y": True}, [("n[x]", "1"), ("n[y]", "true")]),
    ("query", "form", True, {"x": 1}, [("x", "1")]),
    ("query", "form", False, {"x": 1, "y": 2}, [("n", "x,1,y,2")]),
    ("path", "simple", False, ["a", "b"], "a,b"),
    ("path", "simple", True, {"x": 1, "y": 2}, "x=1,y=2"),
    ("path", "label", False, ["a", "b"], ".a,b"),
    ("path", "label", True, ["a", "b"], ".a.b"),
    ("path", "matrix", False, ["a", "b"], ";n=a,b"),
    ("path", "matrix", True, ["a", "b"], ";n=a;n=b"),
    ("path", "matrix", True, {"x": 1}, ";x=1"),
    ("header", "simple", False, {"x": 1, "y": 2}, "x,1,y,2"),
    ("query", "deepObject", True, {"x": {"deep": 1}}, None),
])
def test_the_style_table(where: str, style: str, explode: bool, value: Any, wanted: Any
                         ) -> None:
    assert wire.expected(where, style, explode, "n", value) == wanted


def call(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "operation": "operation:post", "endpoint": "POST /things/{id}", "pointer": OP,
        "mode": "all", "flavour": "sync", "outcome": "status", "client_headers": {},
        "args": [{"name": "tags", "where": "query", "wire": "tags", "value": ["a", "b"],
                  "invalid": None},
                 {"name": "limit", "where": "query", "wire": "limit", "value": 1,
                  "invalid": None}],
        "signature": [{"name": "tags", "where": "query", "wire": "tags", "required": False},
                      {"name": "limit", "where": "query", "wire": "limit", "required": True},
                      {"name": "x", "where": "body", "wire": "x", "required": False},
                      {"name": "y", "where": "body", "wire": "y", "required": False}],
        "request": {"method": "POST", "url": "http://h/things/a?tags=a&tags=b&limit=1",
                    "headers": {}, "body": ""},
    }
    return {**base, **overrides}


def rejected(*violations: dict[str, Any]) -> dict[str, Any]:
    import json

    return {"status": 422, "headers": {}, "body": json.dumps({"validation": list(violations)})}


def test_a_parameter_sent_against_the_style_table_is_the_clients_fault() -> None:
    verdict = judge(call(response=rejected({"location": ["query", "tags"], "code": "type",
                                            "message": "must be array"})), Spec(DOC))
    assert verdict.fault == "client"
    assert "query array style=form explode=false" in verdict.findings[0].cause


def test_a_parameter_sent_as_the_table_says_is_the_mocks_fault() -> None:
    sent = {"method": "POST", "url": "http://h/things/a?tags=a,b&limit=1", "headers": {},
            "body": ""}
    verdict = judge(call(request=sent, response=rejected(
        {"location": ["query", "tags"], "code": "type", "message": "must be array"})), Spec(DOC))
    assert verdict.fault == "mock"


def test_an_invalid_synthesized_value_is_the_harness_fault() -> None:
    args = [{"name": "limit", "where": "query", "wire": "limit", "value": 99,
             "invalid": "(root): 99 is greater than the maximum of 10"}]
    verdict = judge(call(args=args, response=rejected(
        {"location": ["query", "limit"], "code": "maximum", "message": "must be <= 10"})),
        Spec(DOC))
    assert verdict.fault == "harness"


def test_an_optional_body_sent_empty_and_a_required_field_made_optional() -> None:
    sent = {"method": "POST", "url": "http://h/things/a?limit=1",
            "headers": {"content-type": "application/json"}, "body": "{}"}
    missing = {"location": ["body"], "code": "required",
               "message": "Request body must have required property 'y'"}
    empty = judge(call(mode="required", args=[], request=sent, response=rejected(missing)),
                  Spec(DOC))
    assert [f.cause for f in empty.findings] == [
        "optional body sent although no body field was given"]
    given = [{"name": "x", "where": "body", "wire": "x", "value": 5, "invalid": None}]
    partial = judge(call(mode="required", args=given, request={**sent, "body": '{"x": 5}'},
                         response=rejected(missing)), Spec(DOC))
    assert partial.findings[0].cause == \
        "body field required by the schema optional in the signature"


def test_an_empty_required_body_with_no_field_required_is_the_mocks() -> None:
    """A required form body whose schema requires no field, sent empty with its content type:
    Prism reads it as no body; with a field required, the client should have asked for it."""
    doc = copy.deepcopy(DOC)
    body = doc["paths"]["/things/{id}"]["post"]["requestBody"]
    body["required"] = True
    body["content"] = {"application/x-www-form-urlencoded": {
        "schema": {"type": "object", "properties": {"note": {"type": "string"}}}}}
    sent = {"method": "POST", "url": "http://h/things/a?limit=1",
            "headers": {"content-type": "application/x-www-form-urlencoded"}, "body": ""}
    said = {"location": ["body"], "code": "required", "message": "Body parameter is required"}
    empty = judge(call(mode="required", args=[], request=sent, response=rejected(said)),
                  Spec(doc))
    assert [(f.fault, f.cause) for f in empty.findings] == [
        ("mock", "required application/x-www-form-urlencoded body with no field required: "
                 "the empty body sent is taken for none")]
    body["content"]["application/x-www-form-urlencoded"]["schema"]["required"] = ["note"]
    needed = judge(call(mode="required", args=[], request=sent, response=rejected(said)),
                   Spec(doc))
    assert [f.fault for f in needed.findings] == ["client"]


def test_a_parse_failure_is_the_mocks_when_the_response_breaks_the_schema() -> None:
    bad = {"status": 200, "headers": {"content-type": "application/json"},
           "body": '{"x": 1, "y": "short"}'}
    good = {**bad, "body": '{"x": 6, "y": "long enough!"}'}
    parse = {"outcome": "parse", "error": "APIResponseValidationError", "message": "m"}
    assert judge(call(**parse, response=bad), Spec(DOC)).fault == "mock"
    assert judge(call(**parse, response=good), Spec(DOC)).fault == "client"


def test_routing_and_security() -> None:
    missing = {"status": 404, "headers": {}, "body": "{}"}
    wrong = {"method": "POST", "url": "http://h/other?limit=1", "headers": {}, "body": ""}
    assert judge(call(request=wrong, response=missing), Spec(DOC)).fault == "client"
    assert judge(call(response=missing), Spec(DOC)).fault == "mock"
    secured = {**DOC, "security": [{"key": []}], "components": {
        **DOC["components"], "securitySchemes": {"key": {"type": "apiKey", "in": "header",
                                                         "name": "X-Key"}}}}
    refused = {"status": 401, "headers": {}, "body": "{}"}
    assert judge(call(response=refused), Spec(secured)).fault == "client"
    sent = {"method": "POST", "url": "http://h/things/a?limit=1", "headers": {"x-key": "k"},
            "body": ""}
    assert judge(call(request=sent, response=refused), Spec(secured)).fault == "mock"


def test_violations_beside_the_specs_own_error_answer_are_read_from_the_header() -> None:
    import json

    header = json.dumps([{"location": ["request", "query", "limit"], "severity": "Error",
                          "code": "type", "message": "must be integer"},
                         {"location": ["response", "body"], "severity": "Error",
                          "code": "type", "message": "the mock's own answer"}])
    response = {"status": 400, "headers": {"sl-violations": header}, "body": '{"spec": 1}'}
    verdict = judge(call(response=response), Spec(DOC))
    assert len(verdict.findings) == 1 and verdict.findings[0].cause.startswith("query primitive")


def test_a_name_sent_twice_is_not_the_standard_encoding() -> None:
    sent = {"method": "POST", "url": "http://h/things/a?limit=1&limit=2&tags=a,b", "headers": {},
            "body": ""}
    verdict = judge(call(request=sent, response=rejected(
        {"location": ["query", "limit"], "code": "type", "message": "must be integer"})),
        Spec(DOC))
    assert verdict.fault == "client"


def test_multipart_arrays_are_one_part_per_item() -> None:
    doc = {**DOC, "paths": {"/up": {"post": {"requestBody": {"content": {
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}},
        "responses": {"204": {"description": "done"}}}}}}
    body = ('--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nx\r\n'
            '--b--\r\n')
    record = call(pointer="#/paths/~1up/post", endpoint="POST /up",
                  args=[{"name": "file", "where": "body", "wire": "file", "value": ["x"],
                         "invalid": None}],
                  request={"method": "POST", "url": "http://h/up", "body": body,
                           "headers": {"content-type": "multipart/form-data; boundary=b"}},
                  response=rejected({"location": ["body", "file"], "code": "type",
                                     "message": "Request body property file must be array"}))
    assert judge(record, Spec(doc)).fault == "mock"
    record["args"][0]["value"] = ["x", "y"]
    assert judge(record, Spec(doc)).fault == "client"


def test_the_summary_counts_each_call_once_and_lists_every_cause() -> None:
    from tests.contract.summary import render, tally

    spec = Spec(DOC)
    lines = [call(outcome="ok"), call(response=rejected(
        {"location": ["query", "tags"], "code": "type", "message": "must be array"},
        {"location": ["query", "limit"], "code": "type", "message": "must be integer"}))]
    record = {"id": "x/y", "why": "because", "status": "ok",
              **tally(lines, [judge(line, spec) for line in lines])}
    # The accepted call sent `tags` exploded where the spec says explode: false.
    assert record["counts"]["calls"] == 2 and record["counts"]["rejected/client"] == 1
    assert record["counts"]["accepted, miswired"] == 1 and record["counts"]["ok"] == 0
    text = render([record], {"commit": "c", "source": "s", "prism": "p", "seconds": 60,
                             "jobs": 2, "command": "python -m tests.contract", "run": "r"})
    assert "| `x/y` | ok | 1 | 2 | 0 | 1 | 1 |" in text
    assert "query array style=form explode=false: sent differently" in text
    assert "query primitive style=form explode=true" in text


def test_python_repr_on_the_wire_is_the_clients_and_blamed_on_its_own_parameter() -> None:
    sent = {"method": "POST", "url": "http://h/things/a?limit=1&tags=%5B%27a%27%2C%20%27b%27%5D",
            "headers": {}, "body": ""}
    verdict = judge(call(outcome="ok", request=sent), Spec(DOC))
    assert verdict.kind == "miswired"
    assert [f.cause for f in verdict.findings] == [
        "query array style=form explode=false: Python's repr()/str() sent on the wire"]
    numbers = {**sent, "url": "http://h/things/a?limit=1.0&tags=a,b"}
    assert judge(call(outcome="ok", request=numbers), Spec(DOC)).kind == "ok"
