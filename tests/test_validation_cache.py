"""Validation is paid for once per document: its findings are cached by content, and on big
specs it runs in a second process while the pipeline builds, renders and formats."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from sdkforge import cli
from sdkforge.cache import Cache
from sdkforge.config import GenerateOptions
from sdkforge.errors import SpecError
from sdkforge.pipeline import Services, generate
from sdkforge.read import validate as validate_stage

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "specs" / "mixpeek-trigger-history.yaml"


@pytest.fixture
def in_background(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Validate every spec in the background, and note the process that validated."""
    monkeypatch.setattr(validate_stage, "_BACKGROUND_FROM", 1)
    original = validate_stage.validate
    record = tmp_path / "validated-in"

    def noting(*args: object) -> None:
        record.write_text(str(os.getpid()))
        original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(validate_stage, "validate", noting)
    return record


def big_spec(path: Path, broken: bool) -> Path:
    """A valid 3.1 spec (or one with flaws)."""
    schemas = {
        f"Thing{i}": {"type": "object",
                      "properties": {"name": {"type": "string"}, "size": {"type": "integer"}}}
        for i in range(12)
    }
    if broken:
        schemas["Thing7"]["properties"]["size"] = {"type": "integer", "minimum": "zero"}
        schemas["Thing9"]["required"] = "name"  # an error: required must be a list
    paths = {"/things": {"get": {"operationId": "listThings", "responses": {"200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing1"}}}}}}}}
    spec = {"openapi": "3.1.0", "info": {"title": "Big", "version": "1"}, "paths": paths,
            "components": {"schemas": schemas}}
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def test_findings_are_cached_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache(tmp_path / "cache")
    first = generate(GenerateOptions(SEED), Services(cache=cache))

    def no_validation(*args: object) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(validate_stage, "validate", no_validation)
    second = generate(GenerateOptions(SEED), Services(cache=Cache(tmp_path / "cache")))
    assert second.files == first.files and second.diagnostics == first.diagnostics
    # Another document (one byte differs) is validated afresh.
    changed = tmp_path / "changed.yaml"
    changed.write_text(SEED.read_text() + "\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="validated again"):
        generate(GenerateOptions(changed), Services(cache=Cache(tmp_path / "cache")))


def test_background_validation_stops_generation_and_its_findings_are_cached(
    tmp_path: Path, in_background: Path
) -> None:
    spec = big_spec(tmp_path / "big.json", broken=True)
    for attempt in range(2):  # the second time from the cache, with the same findings
        with pytest.raises(SpecError) as caught:
            generate(GenerateOptions(spec), Services(cache=Cache(tmp_path / "cache")))
        pointers = {d.pointer for d in caught.value.diagnostics if d.level == "error"}
        assert "/components/schemas/Thing9/required" in pointers
        if attempt == 0:
            assert int(in_background.read_text()) != os.getpid()  # validated by a second process
            in_background.unlink()
    assert not in_background.exists()  # the second time it came from the cache
    ok = big_spec(tmp_path / "ok.json", broken=False)
    warnings = generate(GenerateOptions(ok), Services(cache=None)).diagnostics
    assert not [d for d in warnings if d.level == "error"]


def test_background_validation_warnings_come_first_and_strict_fails(
    tmp_path: Path, in_background: Path
) -> None:
    spec = big_spec(tmp_path / "big.json", broken=True)
    text = json.loads(spec.read_text())
    del text["components"]["schemas"]["Thing9"]["required"]
    spec.write_text(json.dumps(text))
    result = generate(GenerateOptions(spec), Services(cache=None))
    assert int(in_background.read_text()) != os.getpid()
    pointers = [d.pointer for d in result.diagnostics]
    assert "/components/schemas/Thing7/properties/size/minimum" in pointers
    with pytest.raises(SpecError):
        generate(GenerateOptions(spec, strict=True), Services(cache=None))


def test_the_output_is_staged_while_validation_runs_and_dropped_when_it_fails(
    tmp_path: Path, in_background: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert cli.main(["generate", str(big_spec(tmp_path / "ok.json", broken=False)), "-o", str(out),
                     "-q", "--no-cache"]) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    noting = validate_stage.validate
    finished = tmp_path / "validated-at"

    def slow(*args: object) -> None:  # runs in the forked validator
        time.sleep(1.5)
        finished.write_text(repr(time.time()))
        noting(*args)  # type: ignore[arg-type]

    staged_at: list[float] = []
    real_stage = cli.stage

    def noting_stage(*args: object, **kwargs: object) -> object:
        staged_at.append(time.time())
        return real_stage(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(validate_stage, "validate", slow)
    monkeypatch.setattr(cli, "stage", noting_stage)
    broken = big_spec(tmp_path / "broken.json", broken=True)
    assert cli.main(["generate", str(broken), "-o", str(out), "-q", "--no-cache"]) == 1
    # Staged before validation ended
    assert staged_at and staged_at[0] < float(finished.read_text())
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    # The staged tree is gone
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_cached_findings_are_keyed_by_the_read_stages_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A change in what a finding is (an error that became a warning) must not be hidden by the
    # findings cached before it: the key holds a digest of generator/read/.
    import shutil

    before = validate_stage.validator_versions()
    copy = tmp_path / "read"
    shutil.copytree(Path(validate_stage.__file__).parent, copy)
    (copy / "advice.py").write_text((copy / "advice.py").read_text() + "\n# changed\n")
    monkeypatch.setattr(validate_stage, "__file__", str(copy / "validate.py"))
    validate_stage.validator_versions.cache_clear()
    try:
        assert validate_stage.validator_versions() != before
    finally:
        monkeypatch.undo()
        validate_stage.validator_versions.cache_clear()
    assert validate_stage.validator_versions() == before


def test_the_key_covers_every_document_and_the_overlays_but_holds_no_copy_of_them() -> None:
    from dataclasses import replace

    from sdkforge.read.load import load

    spec = load(SEED)
    other = replace(spec, source=spec.source.replace(b"trigger", b"Trigger", 1))
    key = validate_stage._cache_key(spec, "3.1", {"": spec, "parts.yaml": spec})
    assert len(key) < 100  # a digest, not the texts
    assert key == validate_stage._cache_key(spec, "3.1", {"": spec, "parts.yaml": spec})
    assert key != validate_stage._cache_key(other, "3.1", {"": spec, "parts.yaml": spec})
    assert key != validate_stage._cache_key(spec, "3.1", {"": spec, "parts.yaml": other})
    assert key != validate_stage._cache_key(spec, "3.1", {"": spec, "more.yaml": spec})
    assert key != validate_stage._cache_key(spec, "3.0", {"": spec, "parts.yaml": spec})
    assert key != validate_stage._cache_key(replace(spec, edits="abc"), "3.1",
                                           {"": spec, "parts.yaml": spec})
