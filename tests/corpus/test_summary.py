"""The corpus harness's own pure logic: reading sdkforge's output back, grouping messages, the
typecheck sample, the summary. Quick: no spec is generated here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .cli_output import parse, traceback_summary
from .directory import Spec, operations
from .generate import Child, classify
from .report import render
from .summary import group, normalise, not_judged, outcome_counts, percentile
from .typecheck import sample

SPEC = "/c/api/acme.com.json"


def test_diagnostics_are_read_back_with_pointer_message_and_continuation() -> None:
    stderr = "\n".join([
        f"warning: {SPEC}:1:148924 at #/components/schemas/Tag/pattern: invalid OpenAPI: "
        "'^[\\p{L}]*$' is not a 'regex'",
        f"error: {SPEC}:3:4 at #/paths/~1a: b/get: `operationId` 'x' is used twice (rename one)",
        "  and a second line",
        f"error: {SPEC}: the document is empty",
        "... and 7 more",
        f"sdkforge: {SPEC}: stopped; nothing was written.",
    ])
    out = parse(stderr)
    assert [(d.level, d.pointer) for d in out.diagnostics] == [
        ("warning", "/components/schemas/Tag/pattern"), ("error", "/paths/~1a"), ("error", "")]
    assert out.diagnostics[0].message == "invalid OpenAPI: '^[\\p{L}]*$' is not a 'regex'"
    assert out.diagnostics[1].message.endswith("(rename one)\n  and a second line")
    assert out.diagnostics[2].message == "the document is empty"
    assert out.hidden == 7
    assert out.other == [f"sdkforge: {SPEC}: stopped; nothing was written."]


def test_warnings_printed_once_for_their_kind_count_as_many() -> None:
    stderr = "\n".join([
        f"warning: {SPEC}:2:7 at #/a/pattern: `pattern` \"x++\" is not readable (ignored)",
        "  and 4 more like it: #/b/pattern, #/c/pattern, ...",
        f"warning: {SPEC} at #/d/nullable: `nullable` is OpenAPI 3.0 (read as nullable)",
    ])
    out = parse(stderr)
    assert [d.pointer for d in out.diagnostics] == [
        "/a/pattern", "/b/pattern", "/c/pattern", "", "", "/d/nullable"]
    assert len({d.message for d in out.diagnostics[:5]}) == 1 and out.hidden == 0


def test_a_traceback_is_summed_up_by_its_exception_and_innermost_sdkforge_frame() -> None:
    stderr = """Traceback (most recent call last):
  File "/w/.venv/bin/sdkforge", line 8, in <module>
  File "/w/generator/model/schemas.py", line 120, in type_of
    return self._walk(node)
  File "/usr/lib/python3.11/json/__init__.py", line 3, in loads
KeyError: 'items'
"""
    assert (traceback_summary(stderr)
            == "KeyError: 'items' [sdkforge/model/schemas.py:120 in type_of]")
    assert traceback_summary("error: nothing like it") == ""


def test_outcome_of_a_run_from_its_exit_code_and_stderr() -> None:
    def child(code: int | None, stderr: str = "") -> Child:
        return Child(code, code is None, "", stderr, 1.0, 1)

    assert [classify(child(c)) for c in (0, 1, 2, 3, -9, 120, None)] == [
        "generated", "refused", "refused", "internal-error", "crash", "crash", "timeout"]
    assert classify(child(1, "Traceback (most recent call last):\n  ...")) == "crash"
    assert classify(child(1, "sdkforge: internal error (KeyError: 'x') while working")) == "crash"


def test_normalise_keeps_the_rule_and_drops_the_spec_s_names_pointers_and_numbers() -> None:
    assert (normalise("'^[\\p{L}]*$' is not a 'regex'") == "'…' is not a 'regex'")
    assert (normalise("`enum` lists \"red\" more than once in #/components/schemas/Car/enum")
            == "`enum` lists \"…\" more than once in <ptr>")
    assert normalise("`Pet.name` has 12 items\nsecond line") == "`…` has N items"
    assert (normalise("listPets: GET /pets/{id} pages by `cursor`")
            == "listPets: GET <ptr> pages by `…`")
    assert normalise("") == ""
    assert (normalise("default: 'no' is not one of ['yes', ' no']; {\"a\": [1, \"}\"]} x")
            == "default: '…' is not one of […]; {…} x")
    assert normalise('invalid: {"content":{"a":"cut short') == "invalid: {…"
    assert normalise("[_runtime/_x.py] got list[int] [reportUnknownMemberType]") == (
        "[_runtime/_x.py] got list[int] [reportUnknownMemberType]")


def test_groups_count_specs_and_occurrences_with_the_first_spec_as_example() -> None:
    groups = group([("b", "'x' is bad"), ("a", "'y' is bad"), ("b", "'z' is bad"),
                    ("c", "other 1")])
    assert [(g.key, len(g.specs), g.count, g.example_spec, g.example) for g in groups] == [
        ("'…' is bad", 2, 3, "a", "'y' is bad"), ("other N", 1, 1, "c", "other 1")]


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 90), percentile(values, 99)) == (50, 90, 99)
    assert percentile([3.0], 99) == 3.0 and percentile([], 50) == 0.0


def _record(spec: str, outcome: str, imported: str = "ok", **more: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"spec": spec, "outcome": outcome, "seconds": 1.0,
                            "peak_rss_kb": 1024, "operations": 2, "diagnostics": [],
                            "messages": []}
    if outcome == "generated":
        base.update(methods=2, dropped_named=0, dropped_silently=0,
                    **{"import": {"status": imported}})
    return {**base, **more}


def test_outcomes_and_what_fails_the_run() -> None:
    records = [_record("a", "generated"), _record("b", "generated", "failed"),
               _record("c", "refused"), _record("d", "internal-error")]
    counts = outcome_counts(records)
    assert (counts["generated"], counts["imported"], counts["import-failed"],
            counts["refused"]) == (2, 1, 1, 1)
    assert not_judged(records) == 0  # refusals and import failures are reported, not failed
    assert not_judged([*records, _record("e", "timeout")]) == 1
    assert not_judged([_record("f", "crash")]) == 1


def test_operations_are_every_method_object_under_paths_including_referenced_items() -> None:
    doc = {"paths": {"/a": {"get": {"operationId": "getA"}, "parameters": [], "post": {}},
                     "/b": {"$ref": "#/x-items/b"}, "/c": None},
           "x-items": {"b": {"delete": {}, "summary": "not an operation"}}}
    found = [(o.endpoint, o.operation_id, o.pointer) for o in operations(doc)]
    assert found == [("GET /a", "getA", "/paths/~1a/get"), ("POST /a", "", "/paths/~1a/post"),
                     ("DELETE /b", "", "/x-items/b/delete")]


def test_the_typecheck_sample_is_stable_spread_over_sizes_and_skips_what_did_not_generate(
) -> None:
    every = [Spec(f"s{i}", Path(f"s{i}.json"), size=i * 100) for i in range(40)]
    generated = {s.id for s in every if s.id != "s39"}
    chosen = sample(every, every, generated, 8)
    assert len(chosen) == 8 and "s39" not in {s.id for s in chosen}
    assert sorted(s.size // 1000 for s in chosen) == [0, 0, 1, 1, 2, 2, 3, 3]
    assert chosen == sample(list(reversed(every)), every, generated, 8)


def test_the_summary_names_every_section() -> None:
    meta = {"date": "d", "commit": "c", "source_hash": "0" * 64, "directory_version": "1",
            "directory_specs": 3, "machine": "m", "total_seconds": 1, "generate_seconds": 1,
            "typecheck_seconds": 0, "jobs": 2, "reused": 0, "typecheck_reused": 0,
            "run_folder": "/r", "subset": "3 of 3", "command": "x"}
    refused = _record("r", "refused", diagnostics=[
        {"level": "error", "pointer": "/p", "message": "`type` 'x' is unknown"}])
    text = render(meta, [_record("a", "generated"), refused], [])
    for heading in ("Subset run", "## Outcomes", "## Operations and methods", "## Type checks",
                    "## Refusal reasons", "## Time and memory"):
        assert heading in text
    assert "`` `type` '…' is unknown ``" in text
