"""`sdkforge diff`: every kind of change on small spec pairs, the report formats, the exit
code, and a sample of the real Mixpeek bump 2026-01-03 -> 2026-01-20 checked by reading the
specs."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from sdkforge.bump.change import Change
from sdkforge.bump.diff import compare
from sdkforge.bump.render import render_markdown, render_text
from sdkforge.config import GenerateOptions
from sdkforge.diagnostics import Diagnostics
from sdkforge.emit.surface import Entry, Surface, members, surface
from sdkforge.model.build import build
from sdkforge.names.assign import assign
from sdkforge.pipeline import analyse
from sdkforge.read.load import load
from sdkforge.read.resolve import resolve

ROOT = Path(__file__).resolve().parent.parent
MIXPEEK = ROOT.parent / "shared" / "specs" / "mixpeek"

Spec = dict[str, Any]


def base_spec() -> Spec:
    pet = {
        "type": "object", "required": ["id", "name"], "description": "A pet.",
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                       "tag": {"type": "string"},
                       "status": {"$ref": "#/components/schemas/Status"}},
    }
    new_pet = {"type": "object", "required": ["name"],
               "properties": {"name": {"type": "string"}, "tag": {"type": "string"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Zoo", "version": "1.0.0"},
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets", "tags": ["pets"], "summary": "List pets.",
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer"},
                         "description": "How many."},
                        {"name": "status", "in": "query",
                         "schema": {"$ref": "#/components/schemas/Status"}},
                    ],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {
                        "schema": {"type": "array",
                                   "items": {"$ref": "#/components/schemas/Pet"}}}}}},
                },
                "post": {
                    "operationId": "createPet", "tags": ["pets"],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/NewPet"}}}},
                    "responses": {"201": {"description": "ok", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Pet"}}}}},
                },
            },
            "/owners/{ownerId}/pets/{petId}": {
                "get": {
                    "operationId": "getPet", "tags": ["pets"],
                    "parameters": [
                        {"name": "ownerId", "in": "path", "required": True,
                         "schema": {"type": "string"}},
                        {"name": "petId", "in": "path", "required": True,
                         "schema": {"type": "integer"}},
                    ],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Pet"}}}}},
                },
            },
        },
        "components": {"schemas": {
            "Pet": pet, "NewPet": new_pet,
            "Status": {"type": "string", "enum": ["available", "sold"]},
        }},
    }


def surface_of(spec: Spec, tmp_path: Path, name: str) -> Surface:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return analyse(GenerateOptions(path)).surface


def changes(tmp_path: Path, mutate: Callable[[Spec], None]) -> list[Change]:
    old = base_spec()
    new = copy.deepcopy(old)
    mutate(new)
    return list(compare(surface_of(old, tmp_path, "old"), surface_of(new, tmp_path, "new")).changes)


def found(items: list[Change]) -> set[tuple[str, str, str]]:
    return {(c.severity, c.symbol, c.what) for c in items}


def op(spec: Spec, path: str, method: str) -> dict[str, Any]:
    result: dict[str, Any] = spec["paths"][path][method]
    return result


def schemas(spec: Spec) -> dict[str, Any]:
    result: dict[str, Any] = spec["components"]["schemas"]
    return result


def test_same_spec_has_no_changes(tmp_path: Path) -> None:
    assert changes(tmp_path, lambda s: None) == []


def test_removed_method_model_field_and_enum_value_are_breaking(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        del s["paths"]["/owners/{ownerId}/pets/{petId}"]
        del schemas(s)["Pet"]["properties"]["tag"]
        schemas(s)["Status"]["enum"] = ["available"]
        listed = op(s, "/pets", "get")["responses"]["200"]["content"]["application/json"]
        listed["schema"]["items"] = {"type": "string"}
        schemas(s)["Pet"]["description"] = "A pet."  # unchanged
    result = changes(tmp_path, mutate)
    assert {("breaking", "client.pets.get", "method removed"),
            ("breaking", "Pet.tag", "field removed"),
            ("breaking", 'Status["sold"]', "enum value removed")} <= found(result)
    removed = next(c for c in result if c.symbol == "client.pets.get")
    assert removed.pointer == "#/paths/~1owners~1{ownerId}~1pets~1{petId}/get"
    # The parameters of a removed method are not listed one by one.
    assert not any(c.symbol.startswith("client.pets.get(") for c in result)


def test_removed_model_is_breaking(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        body = op(s, "/pets", "post")["requestBody"]["content"]["application/json"]
        body["schema"] = {"type": "object"}
        del schemas(s)["NewPet"]
    result = changes(tmp_path, mutate)
    assert ("breaking", "NewPet", "model removed") in found(result)
    assert not any(c.symbol.startswith("NewPet.") for c in result)


def test_renamed_operation_and_moved_method(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        op(s, "/pets", "get")["operationId"] = "findPets"
        op(s, "/pets", "post")["tags"] = ["animals"]
    result = found(changes(tmp_path, mutate))
    assert ("breaking", "client.pets.find",
            "method renamed from client.pets.list") in result
    # In its new resource the method keeps the words that no longer repeat the resource's.
    assert ("breaking", "client.animals.create_pet",
            "method renamed from client.pets.create") in result
    assert ("additive", "client.animals", "resource added") in result
    # The parameters of the renamed method are the same parameters: no noise.
    assert not any(symbol.startswith("client.pets.find(") for _, symbol, _ in result)


def test_removed_resource(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        for item in s["paths"].values():
            for operation in item.values():
                operation["tags"] = ["animals"]
    result = found(changes(tmp_path, mutate))
    assert ("breaking", "client.pets", "resource removed") in result
    assert ("breaking", "client.animals.list_pets",
            "method renamed from client.pets.list") in result


def test_parameters_required_added_and_types(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        params = op(s, "/pets", "get")["parameters"]
        params[0]["required"] = True  # limit became required
        params.append({"name": "owner", "in": "query", "required": True,
                       "schema": {"type": "string"}})
        params.append({"name": "sort", "in": "query", "schema": {"type": "string"}})
        params[1]["schema"] = {"type": "integer"}  # status: enum -> int
    result = found(changes(tmp_path, mutate))
    assert ("breaking", "client.pets.list(limit)", "parameter became required") in result
    assert ("breaking", "client.pets.list(owner)",
            "new required parameter: every call must pass it") in result
    assert ("additive", "client.pets.list(sort)", "parameter added") in result
    assert ("breaking", "client.pets.list(status)",
            "type changed from Status to int") in result


def test_parameter_widened_is_additive(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        limit = op(s, "/pets", "get")["parameters"][0]
        limit["schema"] = {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    result = found(changes(tmp_path, mutate))
    assert result == {("additive", "client.pets.list(limit)", "type widened: now also str")}


def test_positional_arguments_reordered(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        s["paths"] = {("/pets/{petId}/owners/{ownerId}" if k.startswith("/owners") else k): v
                      for k, v in s["paths"].items()}
    result = found(changes(tmp_path, mutate))
    assert ("breaking", "client.pets.get(pet_id)",
            "positional argument moved from place 2 to 1") in result
    assert ("breaking", "client.pets.get(owner_id)",
            "positional argument moved from place 1 to 2") in result


def test_fields_follow_the_direction_data_flows(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        schemas(s)["NewPet"]["required"] = ["name", "tag"]  # request model: breaking
        schemas(s)["Pet"]["required"] = ["id", "name", "tag"]  # response model: a promise, additive
        # Response widened: breaking
        schemas(s)["Pet"]["properties"]["name"] = {"type": ["string", "null"]}
        schemas(s)["NewPet"]["properties"]["age"] = {"type": "integer"}
        schemas(s)["NewPet"]["properties"]["species"] = {"type": "string"}
        schemas(s)["NewPet"]["required"].append("species")  # a new required request field: breaking
        schemas(s)["Pet"]["properties"]["id"] = {"type": "string"}  # changed: breaking
    items = changes(tmp_path, mutate)
    result = found(items)
    # NewPet is only createPet's body, flattened into its arguments: each change to its
    # fields is said once, as the argument's, naming the field.
    assert ("breaking", "client.pets.create(tag)", "parameter became required") in result
    assert ("additive", "client.pets.create(age)", "parameter added") in result
    assert ("breaking", "client.pets.create(species)",
            "new required parameter: every call must pass it") in result
    assert not any(symbol.startswith("NewPet.") for _, symbol, _ in result)
    assert {c.symbol: c.field for c in items if c.kind == "param"} == {
        "client.pets.create(tag)": "NewPet.tag", "client.pets.create(age)": "NewPet.age",
        "client.pets.create(species)": "NewPet.species"}
    assert ("additive", "Pet.tag", "field became required") in result
    assert ("breaking", "Pet.name", "type widened: now also None") in result
    assert ("breaking", "Pet.id", "type changed from int to str") in result
    # Pet comes back from three calls: its changes say so.
    pet_id = next(c for c in items if c.symbol == "Pet.id")
    assert pet_id.affects == (("returns", "client.pets.create"), ("returns", "client.pets.get"),
                              ("returns", "client.pets.list"))


def test_field_became_optional_in_a_response_is_one_breaking_change(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        schemas(s)["Pet"]["required"] = ["id"]
    result = changes(tmp_path, mutate)
    assert found(result) == {("breaking", "Pet.name",
                              "field became optional: responses may leave it out (None)")}
    assert result[0].pointer == "#/components/schemas/Pet/properties/name"


def test_response_type_changes(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        get_pet = op(s, "/owners/{ownerId}/pets/{petId}", "get")
        content = get_pet["responses"]["200"]["content"]["application/json"]
        content["schema"] = {"$ref": "#/components/schemas/NewPet"}
    result = found(changes(tmp_path, mutate))
    assert ("breaking", "client.pets.get", "type changed from Pet to NewPet") in result


def test_additions(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        s["paths"]["/toys"] = {"get": {"operationId": "listToys", "tags": ["toys"],
                                       "responses": {"204": {"description": "none"}}}}
        schemas(s)["Toy"] = {"type": "object", "properties": {"name": {"type": "string"}}}
        schemas(s)["Status"]["enum"] = ["available", "sold", "pending"]
    result = found(changes(tmp_path, mutate))
    assert {("additive", "client.toys", "resource added"),
            ("additive", "client.toys.list", "method added"),
            ("additive", "Toy", "model added"),
            ("additive", 'Status["pending"]', "enum value added")} <= result
    assert all(severity == "additive" for severity, _, _ in result)
    assert not any(symbol == "Toy.name" for _, symbol, _ in result)  # part of the new model


def test_documentation_only_changes(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        op(s, "/pets", "get")["summary"] = "List every pet."
        op(s, "/pets", "get")["parameters"][0]["description"] = "At most this many."
        schemas(s)["Pet"]["description"] = "An animal."
        op(s, "/pets", "post")["deprecated"] = True
    result = found(changes(tmp_path, mutate))
    assert result == {
        ("docs", "client.pets.list", "description changed"),
        ("docs", "client.pets.list(limit)", "description changed"),
        ("docs", "Pet", "description changed"),
        ("docs", "client.pets.create", "now deprecated"),
    }


def test_report_orders_breaking_first_and_formats(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        del schemas(s)["Pet"]["properties"]["tag"]
        schemas(s)["Status"]["enum"].append("pending")
        schemas(s)["Pet"]["description"] = "An animal."
    old, new = base_spec(), copy.deepcopy(base_spec())
    mutate(new)
    report = compare(surface_of(old, tmp_path, "old"), surface_of(new, tmp_path, "new"))
    assert [c.severity for c in report.changes] == ["breaking", "additive", "docs"]
    text = render_text(report)
    assert (text.index("Breaking changes (1)") < text.index("Additions (1)")
            < text.index("Documentation changes (1)"))
    assert "Pet.tag: field removed  [#/components/schemas/Pet/properties/tag]" in text
    markdown = render_markdown(report)
    assert "### Breaking changes" in markdown and "- `Pet.tag`: field removed" in markdown


def test_markdown_keeps_spec_text_as_data(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        schemas(s)["Pet"]["properties"]["x`<script>*x*</script>`"] = {"type": "string"}
        s["info"]["title"] = "Zoo <b>*bold*</b> [link](http://x)"
    report = compare(surface_of(base_spec(), tmp_path, "old"),
                     surface_of(mutate_copy(mutate), tmp_path, "new"))
    for markdown in (render_markdown(report), render_markdown(report, full=True)):
        # Outside code spans nothing is markup (but the report's own folding); inside them a
        # backtick cannot close the span early.
        outside = re.sub(r"`[^`]*`|</?(details|summary)>", "", markdown)
        assert "<" not in outside.replace("\\<", "") and "[link]" not in outside
    assert "<script>" in markdown  # still readable, as code (the pointer, with --full)


def mutate_copy(mutate: Callable[[Spec], None]) -> Spec:
    spec = base_spec()
    mutate(spec)
    return spec


def test_surface_round_trips_through_json(tmp_path: Path) -> None:
    current = surface_of(base_spec(), tmp_path, "spec")
    assert Surface.from_json(current.to_json()) == current
    with pytest.raises(ValueError):
        Surface.from_json('{"format": 99, "entries": {}}')


def test_surface_file_is_one_compact_row_an_entry(tmp_path: Path) -> None:
    current = surface_of(base_spec(), tmp_path, "spec")
    lines = current.to_json().splitlines()
    rows = [json.loads(line.rstrip(",")) for line in lines[1:-1]]
    assert len(rows) == len(current.entries)
    assert all(isinstance(row, list) for row in rows)  # no field names repeated an entry
    # identities are written as what they share with the one before and the rest
    assert sum(row[0] for row in rows) > 0
    assert len(current.to_json()) < len(_format_1(current)) / 2


def test_surface_of_format_1_is_still_read(tmp_path: Path) -> None:
    """A folder generated before the compact format: its surface reads as the same entries."""
    current = surface_of(base_spec(), tmp_path, "spec")
    assert Surface.from_json(_format_1(current)) == current


def test_malformed_surface_is_a_value_error(tmp_path: Path) -> None:
    text = surface_of(base_spec(), tmp_path, "spec").to_json()
    data = json.loads(text)
    data["entries"][1][2] = 7  # kind not a string
    for bad in (json.dumps(data), text.replace('"entries": [', '"entries": [[1],', 1)):
        with pytest.raises(ValueError, match="malformed"):
            Surface.from_json(bad)


def _format_1(surface: Surface) -> str:
    """The surface as sdkforge wrote it before format 2: one object per entry, defaults left
    out, type members as a list."""
    defaults = Entry("value", "", "", "")
    entries = {}
    for identity, entry in sorted(surface.entries.items()):
        values = {}
        for name in sorted(Entry.__slots__):
            value = getattr(entry, name)
            if name in ("kind", "symbol", "name", "pointer") or value != getattr(defaults, name):
                values[name] = list(value) if isinstance(value, tuple) else value
        entries[identity] = values
    return json.dumps({"format": 1, "title": surface.title, "version": surface.version,
                       "package": surface.package, "entries": entries})


def test_members_split_only_top_level_unions() -> None:
    assert members("list[A | B] | None") == ("None", "list[A | B]")
    assert members("dict[str, int | None] | NotGiven") == ("dict[str, int | None]",)


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sdkforge.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_cli_formats_and_fail_on_breaking(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(yaml.safe_dump(base_spec()), encoding="utf-8")
    changed = base_spec()
    del schemas(changed)["Pet"]["properties"]["tag"]
    new.write_text(yaml.safe_dump(changed), encoding="utf-8")
    as_json = run("diff", old, new, "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["counts"] == {"breaking": 1, "additive": 0, "docs": 0}
    assert data["changes"][0]["symbol"] == "Pet.tag"
    assert data["summary"] == {"breaking": {"fields": 1}, "additive": {}, "docs": {}}
    assert data["changes"][0]["affects"][0] == {"way": "returns", "call": "client.pets.create"}
    failing = run("diff", old, new, "--fail-on-breaking")
    assert failing.returncode == 1 and "Breaking changes (1)" in failing.stdout
    assert run("diff", old, old, "--fail-on-breaking").returncode == 0
    markdown = run("diff", old, new, "--format", "markdown")
    assert markdown.stdout.startswith("## Zoo 1.0.0 -> Zoo 1.0.0")
    broken = run("diff", old, tmp_path / "missing.yaml")
    assert broken.returncode == 1 and "Traceback" not in broken.stderr


def real_surface(version: str) -> Surface:
    """The surface without validation (the slow part; the real specs are valid)."""
    diagnostics = Diagnostics()
    api = build(resolve(load(MIXPEEK / f"openapi-{version}.json"), diagnostics), diagnostics)
    return surface(api, assign(api, "mixpeek", "Mixpeek"))


@pytest.mark.slow
def test_real_mixpeek_bump_report() -> None:
    """Each expected entry was checked by reading the two specs (see the closing note of
    issue 5)."""
    report = compare(real_surface("2026-01-03"), real_surface("2026-01-20"))
    result = found(list(report.changes))
    expected = {
        # components.schemas.SmsConfig is gone, and NotificationChannel's enum lost "sms".
        ("breaking", "SmsConfig", "model removed"),
        ("breaking", 'NotificationChannel["sms"]', "enum value removed"),
        # VectorIndex.name left `required` and became anyOf [string, null]; VectorIndex is a
        # response model.
        ("breaking", "VectorIndex.name",
         "field became optional: responses may leave it out (None)"),
        # POST /v1/internal/batches/{batch_id}/trigger-tier/{tier_num} was removed.
        ("breaking", "client.private.trigger_next_tier", "method removed"),
        # POST /v1/private/organizations now answers OrganizationModel, not
        # OrganizationModelResponse.
        ("breaking", "client.private.create_organization_private",
         "type changed from OrganizationModelResponse to OrganizationModel"),
        # ClusterApplicationConfig gained optional `priority` (integer, default 0).
        ("additive", "ClusterApplicationConfig.priority", "field added"),
    }
    assert expected <= result
    assert report.count("breaking") < report.count("additive")


def test_markdown_groups_model_changes_under_calls_and_folds_the_rest(tmp_path: Path) -> None:
    def mutate(s: Spec) -> None:
        del schemas(s)["Pet"]["properties"]["tag"]  # returned by all three calls
        op(s, "/pets", "get")["parameters"][0]["description"] = "How many, at most."
        for index in range(12):  # more additions than are shown unfolded
            schemas(s)[f"Toy{index}"] = {"type": "object",
                                         "properties": {"n": {"type": "string"}}}
    report = compare(surface_of(base_spec(), tmp_path, "old"),
                     surface_of(mutate_copy(mutate), tmp_path, "new"))
    markdown = render_markdown(report)
    unfolded, _, folded = markdown.partition("<details>")
    assert "| fields | 1 | 0 | 0 |" in unfolded and "| models | 0 | 12 | 0 |" in unfolded
    assert ("In types returned by `client.pets.create`, `client.pets.get`, `client.pets.list`:"
            "\n\n- `Pet.tag`: field removed") in unfolded
    assert "<summary>Additions (12: 12 models)</summary>" in folded
    assert "- model added: `Toy0`, `Toy1`" in folded
    # The docs section is short: shown as it is, after the additions.
    assert "### Documentation changes (1)" in folded.partition("</details>")[2]
    full = render_markdown(report, full=True)
    assert "<details>" not in full
    assert "- `Toy11`: model added (`#/components/schemas/Toy11`)" in full
    text = render_text(report)
    assert "  in types returned by client.pets.create, client.pets.get, client.pets.list:" in text


@pytest.mark.slow
def test_real_mixpeek_bump_fits_a_pull_request_comment() -> None:
    """The bump issue 20 measured: 2025-12-19 -> 2026-01-20, 190 KB of markdown before."""
    report = compare(real_surface("2025-12-19"), real_surface("2026-01-20"))
    markdown = render_markdown(report)
    assert len(markdown.encode("utf-8")) < 60_000
    # Every breaking change is on a line of its own, outside any <details>.
    outside = re.sub(r"<details>.*?</details>", "", markdown, flags=re.S)
    breaking = [c for c in report.changes if c.severity == "breaking"]
    shown = {line for line in outside.splitlines() if line.startswith("- `")}
    assert all(any(line.startswith(f"- `{c.symbol}`: ") for line in shown) for c in breaking)
    assert len([line for line in shown if "<details>" not in line]) >= len(breaking)
    # ... the calls' own first.
    calls = markdown.index("#### Calls")
    assert calls < markdown.index("In types ") and markdown.index("In types ") < markdown.index(
        "<details>")
    # Nothing listed twice, folded or not, in either form.
    for form in (markdown, render_markdown(report, full=True)):
        items = [line for line in form.splitlines()
                 if line.startswith("- ") and "left out here" not in line]
        assert len(items) == len(set(items))
    # A request model's field change is said by the flattened argument at that call, and is
    # listed as the field's only for the other calls that reach the model (CreateObjectRequest
    # is create's body and also create_batch's list item).
    by_field: dict[str, set[str]] = {}
    for c in report.changes:
        if c.field:
            by_field.setdefault(c.field, set()).add(c.symbol.partition("(")[0])
    assert len(by_field) > 10
    for c in report.changes:
        if c.kind == "field" and c.symbol in by_field:
            assert not {call for _, call in c.affects} & by_field[c.symbol]
    # The summary counts are the changes listed.
    full = render_markdown(report, full=True)
    table = dict(re.findall(r"^\| ([a-z ]+) \| (\d+ \| \d+ \| \d+) \|$", full, re.M))
    columns = [sum(int(row.split(" | ")[i]) for row in table.values()) for i in range(3)]
    listed = [sum(1 for line in part.splitlines() if line.startswith("- `"))
              for part in re.split(r"^### .*$", full, flags=re.M)[1:]]
    assert columns == listed == [report.count("breaking"), report.count("additive"),
                                 report.count("docs")]
    assert f"### Breaking changes ({report.count('breaking')})" in markdown
