"""Lines and columns of JSON pointers (read/locate.py): JSON is scanned, YAML composed; both
place a member where its key starts and an array item where it starts."""

from __future__ import annotations

import json

import yaml

from sdkforge.read.locate import locate_many

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "T", "version": "1"},
    "paths": {"/pets/{id}": {"get": {
        "parameters": [{"name": "id", "in": "path"}, {"name": "a/b~c", "in": "query"}],
        "responses": {"200": {"description": "ok"}},
    }}},
    "components": {"schemas": {"Pét \"quoted\"": {"type": "string", "enum": ["a", "b"]}}},
}
OP = "/paths/~1pets~1{id}/get"
POINTERS = [
    "", "/info/title", f"{OP}/parameters/1", f"{OP}/parameters/1/name", f"{OP}/responses/200",
    "/components/schemas/Pét \"quoted\"/enum/1", "/nope", f"{OP}/parameters/7",
]


def places_by_text(text: str) -> dict[str, tuple[int, int]]:
    """What a reader sees: the line and column of the first character of each node's key."""
    lines = text.splitlines()

    def find(needle: str, after: tuple[int, int] = (1, 0)) -> tuple[int, int]:
        for number in range(after[0], len(lines) + 1):
            start = after[1] if number == after[0] else 0
            column = lines[number - 1].find(needle, start)
            if column >= 0:
                return number, column + 1
        raise AssertionError(needle)

    return {"": (1, 1)} | {p: place for p, place in [
        ("/info/title", find('"title"')),
        (f"{OP}/parameters/1", find('{"name": "a/b~c"')),
        (f"{OP}/parameters/1/name", find('"name": "a/b~c"')),
        (f"{OP}/responses/200", find('"200"')),
        ('/components/schemas/Pét "quoted"/enum/1', find('"b"')),
    ]}


def test_json_is_placed_as_written_on_one_line_or_many() -> None:
    for text in (json.dumps(SPEC, ensure_ascii=False),
                 json.dumps(SPEC, ensure_ascii=False, separators=(",", ":")).replace(":", ": ")):
        assert locate_many(text, POINTERS) == places_by_text(text)
    pretty = json.dumps(SPEC, indent=2, ensure_ascii=False)
    found = locate_many(pretty, POINTERS)
    assert set(found) == set(POINTERS) - {"/nope", f"{OP}/parameters/7"}
    for pointer, (line, column) in found.items():
        if pointer:
            key = pointer.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
            text = pretty.splitlines()[line - 1][column - 1:]
            assert text.startswith((json.dumps(key, ensure_ascii=False), "{", '"')), (pointer, text)


def test_json_keys_written_with_escapes_are_found() -> None:
    text = '{"a\\u002fb": {"\\u00e9": [1, {"x": 2}]}}'
    assert locate_many(text, ["/a~1b/é/1/x"]) == {"/a~1b/é/1/x": (1, text.index('"x"') + 1)}


def test_yaml_places_keys_and_items_where_they_start() -> None:
    text = yaml.safe_dump(SPEC, allow_unicode=True, sort_keys=False)
    found = locate_many(text, POINTERS)
    lines = text.splitlines()
    line, column = found[f"{OP}/parameters/1/name"]
    assert lines[line - 1][column - 1:].startswith("name: a/b~c")
    line, column = found[f"{OP}/parameters/1"]
    assert lines[line - 1][column - 1:].startswith("name: a/b~c")  # the item's first key
    line, column = found[f"{OP}/responses/200"]
    assert lines[line - 1][column - 1:].startswith("'200':")
    assert "/nope" not in found and f"{OP}/parameters/7" not in found


def test_text_that_is_not_json_after_all_is_read_as_yaml() -> None:
    text = "{openapi: 3.1.0, info: {title: T}}"
    assert locate_many(text, ["/info/title"]) == {"/info/title": (1, 25)}


def test_values_off_the_way_are_skipped_whole() -> None:
    schemas = {f"S{i}": {"type": "object", "properties": {"p": {"type": "string", "x": [
        "}", "]", "\\\"", {"p": 1}]}}} for i in range(1000)}
    text = json.dumps({"openapi": "3.1.0", "components": {"schemas": schemas}})
    found = locate_many(text, ["/components/schemas/S999/properties/p", "/openapi"])
    assert found["/openapi"] == (1, 2)
    column = found["/components/schemas/S999/properties/p"][1]
    assert text[column - 1:].startswith('"p": {"type"') and text.rfind('"S999"') < column
