"""Overlays (read/overlay.py): the Overlay 1.0 rules of update and remove, their order, a target
that selects nothing, invalid overlays located in the overlay file, and findings placed where
the node was written (the spec, or the overlay)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sdkforge.diagnostics import Diagnostic, Diagnostics
from sdkforge.errors import SpecError
from sdkforge.pipeline import Findings
from sdkforge.read.load import load
from sdkforge.read.overlay import apply_overlays
from sdkforge.read.provenance import SPEC, Provenance
from sdkforge.read.resolve import resolve

HERE = Path(__file__).resolve().parent / "overlays"
PETS = HERE / "pets.yaml"


def overlaid(*names: str, spec: Path = PETS) -> tuple[Any, list[Diagnostic]]:
    found = Diagnostics()
    applied = apply_overlays(load(spec), [HERE / name for name in names], found)
    return applied.document.data, found.items


def test_update_merges_objects_replaces_primitives_and_appends_arrays() -> None:
    data, found = overlaid("merge.yaml")
    assert found == []
    get = data["paths"]["/pets"]["get"]
    assert get["summary"] == "List the pets"  # added
    assert get["operationId"] == "list_all_pets"  # replaced
    assert get["tags"] == ["pets", "animals"]  # appended
    assert [p["name"] for p in get["parameters"]] == ["limit", "kind", "sort", "offset"]
    response = get["responses"]["200"]
    assert response["description"] == "Every pet"
    assert "application/json" in response["content"]  # merged, not replaced
    assert data["tags"] == [{"name": "pets"}, {"name": "internal"}, {"name": "animals"}]
    assert [s["url"] for s in data["servers"]] == [
        "https://pets.example.com", "https://eu.pets.example.com", "https://us.pets.example.com"]


def test_remove_takes_each_selected_node_from_its_parent() -> None:
    data, found = overlaid("remove.yaml")
    assert found == []
    assert data["paths"]["/admin/reindex"] == {}
    assert [p["name"] for p in data["paths"]["/pets"]["get"]["parameters"]] == ["kind"]
    assert data["tags"] == [{"name": "pets"}]
    assert "get" in data["paths"]["/pets/{pet_id}"]


def test_overlays_apply_in_order_each_on_what_the_previous_left() -> None:
    data, found = overlaid("first.yaml", "second.yaml")
    assert found == []
    assert data["info"]["title"] == "Third"
    assert "description" not in data["info"]
    data, _ = overlaid("second.yaml", "first.yaml")
    assert data["info"] == {"title": "Second", "version": "1.0", "description": "from first.yaml"}


def test_updated_values_are_copies() -> None:
    data, _ = overlaid("merge.yaml", "merge.yaml")
    tags = data["paths"]["/pets"]["get"]["tags"]
    assert tags == ["pets", "animals", "animals"]
    data["servers"][1]["url"] = "changed"
    assert data["servers"][3]["url"] == "https://eu.pets.example.com"


def test_a_target_that_selects_nothing_is_one_warning_naming_the_action() -> None:
    data, found = overlaid("nomatch.yaml")
    assert [d.level for d in found] == ["warning"]
    warning = found[0]
    assert warning.file == str(HERE / "nomatch.yaml")
    assert warning.pointer == "/actions/0/target"
    assert "action 0 ('Rename listOwners') selects nothing" in warning.message
    assert "$.paths['/owners'].get" in warning.message
    assert data["paths"]["/pets"]["get"]["operationId"] == "pets"  # the next action still applies
    assert len(warning.render().splitlines()) == 1


INVALID = [
    ("bad-target.yaml", 4, "/actions/0/target", "not a valid RFC 9535 JSONPath query"),
    ("not-jsonpath.yaml", 4, "/actions/0/target", "must be a JSONPath query starting with `$`"),
    ("no-change.yaml", 4, "/actions/0", "neither `update` nor `remove: true`"),
    ("update-type.yaml", 5, "/actions/0/update", "so `update` must be an object; it is an array"),
    ("primitive-target.yaml", 4, "/actions/0/target", "selects a string (#/info/title)"),
    ("no-version.yaml", None, "", "not an Overlay 1.0 document"),
    ("other-version.yaml", 1, "/overlay", "not an Overlay 1.0 document: `overlay` is '2.0.0'"),
    ("no-actions.yaml", None, "", "the overlay has no `actions`"),
    ("remove-root.yaml", 4, "/actions/0/target", "would remove the whole spec"),
]


@pytest.mark.parametrize(("name", "line", "pointer", "words"), INVALID)
def test_an_invalid_overlay_is_an_error_located_in_it(
    name: str, line: int | None, pointer: str, words: str
) -> None:
    findings = Findings(load(PETS))
    before = load(PETS).data
    findings.overlay((HERE / "invalid" / name,))
    with pytest.raises(SpecError) as raised:
        findings.stop(strict=False)
    errors = [d for d in raised.value.diagnostics if d.level == "error"]
    assert len(errors) == 1, errors
    error = errors[0]
    assert (error.file, error.pointer) == (str(HERE / "invalid" / name), pointer)
    assert error.line == line, error.render()
    assert words in error.message
    if name not in ("update-type.yaml", "primitive-target.yaml", "remove-root.yaml"):
        assert findings.document.data == before  # nothing applied


def test_a_file_that_is_not_yaml_is_an_error_naming_it() -> None:
    with pytest.raises(SpecError) as raised:
        overlaid("invalid/not-yaml.yaml")
    (error,) = raised.value.diagnostics
    assert error.file.endswith("not-yaml.yaml")
    assert "malformed YAML" in error.message
    with pytest.raises(SpecError, match="overlay file not found"):
        overlaid("invalid/absent.yaml")
    with pytest.raises(SpecError, match="is a folder, not an overlay file"):
        overlaid("invalid")


def test_findings_point_into_the_spec_or_the_overlay_that_wrote_the_node() -> None:
    spec = HERE / "broken.yaml"
    findings = Findings(load(spec))
    document = findings.overlay((HERE / "shift.yaml",))
    resolve(document, findings.read)
    with pytest.raises(SpecError) as raised:
        findings.stop(strict=False)
    places = {(d.file, d.pointer, d.line) for d in raised.value.diagnostics}
    # The spec's third parameter, now the second: still found at its line in the spec.
    assert (str(spec), "/paths/~1things/get/parameters/2/$ref", 12) in places
    # The overlay's parameter, appended third: found in the overlay.
    assert (str(HERE / "shift.yaml"), "/actions/1/update/parameters/0/$ref", 9) in places
    assert len(places) == 2


def test_provenance_follows_writes_and_removals() -> None:
    record = Provenance()
    assert not record and record.origin("/a/0") is None
    record.wrote("/a/3", "o.yaml", "/actions/0/update")
    record.wrote("/b", "o.yaml", "/actions/1/update/b")
    assert record.origin("/b/c/0") == ("o.yaml", "/actions/1/update/b/c/0")
    record.removed("/a", 1, 4)  # a spec item, before the written one
    assert record.origin("/a/0") is None
    assert record.origin("/a/1/x") == (SPEC, "/a/2/x")
    assert record.origin("/a/2/y") == ("o.yaml", "/actions/0/update/y")
    assert record.origin("/a/3") is None  # past the end: nothing recorded there any more
    record.removed("/b", "c", None)
    assert record.origin("/b") == ("o.yaml", "/actions/1/update/b")
    record.wrote("/b", "p.yaml", "/actions/0/update")  # written again: the old record goes
    assert record.origin("/b/c") == ("p.yaml", "/actions/0/update/c")
