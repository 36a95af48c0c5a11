"""Overlays on the command line and in `[tool.sdkforge]`: `generate` applies them without
touching the spec, the manifest records them, `check` (the full one and the one that trusts the
record of the last run) notices one that changed, came or went, `diff` applies them to both
specs, and an invalid one stops the run with the output untouched."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from sdkforge import cli
from sdkforge.output.manifest import MANIFEST

HERE = Path(__file__).resolve().parent / "overlays"
PETS = HERE / "pets.yaml"


def sdkforge(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def methods(out: Path) -> str:
    return (out / "pets" / "resources" / "pets.py").read_text(encoding="utf-8")


def given(path: Path) -> str:
    """`path` as the manifest and `check` name it: relative to the current folder if under it."""
    return path.relative_to(Path.cwd()).as_posix() if path.is_relative_to(Path.cwd()) else str(path)


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    path = tmp_path / "fix.yaml"
    shutil.copy(HERE / "merge.yaml", path)
    return path


def test_generate_applies_the_overlays_and_leaves_the_spec_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], overlay: Path
) -> None:
    spec, out = tmp_path / "pets.yaml", tmp_path / "out"
    shutil.copy(PETS, spec)
    before = spec.read_bytes()
    code, _, err = sdkforge(capsys, "generate", spec, "-o", out, "--no-cache",
                            "--overlay", overlay, "--overlay", HERE / "discriminator.yaml")
    assert code == 0, err
    assert spec.read_bytes() == before
    assert "def list_all_pets(" in methods(out)  # renamed by the first overlay
    pet = (out / "pets" / "models" / "pet.py").read_text(encoding="utf-8")
    assert 'discriminate("kind", {"cat": "Cat", "dog": "Dog"})' in pet  # the second's fix
    recorded = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["overlays"]
    digest = hashlib.sha256(overlay.read_bytes()).hexdigest()
    assert recorded[0] == {"path": str(overlay), "sha256": digest}
    assert [(Path.cwd() / o["path"]).resolve() for o in recorded][1:] == [
        HERE / "discriminator.yaml"]
    # Without overlays the manifest says nothing of them (outputs from before are unchanged).
    code, _, err = sdkforge(capsys, "generate", spec, "-o", tmp_path / "plain", "--no-cache")
    assert code == 0 and "overlays" not in (tmp_path / "plain" / MANIFEST).read_text()


def test_manifest_paths_are_relative_to_the_folder_sdkforge_runs_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], overlay: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = sdkforge(capsys, "generate", PETS, "-o", "out", "--no-cache",
                            "--overlay", overlay)
    assert code == 0, err
    recorded = json.loads(Path("out", MANIFEST).read_text(encoding="utf-8"))["overlays"]
    assert recorded[0]["path"] == "fix.yaml"


@pytest.mark.parametrize("cached", [False, True], ids=["full-check", "trusted-record"])
def test_check_notices_an_overlay_that_changed_came_or_went(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], overlay: Path, cached: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    cache = ["--cache-dir", str(tmp_path / "cache")] if cached else ["--no-cache"]
    code, _, err = sdkforge(capsys, "generate", PETS, "-o", out, "--overlay", overlay, *cache)
    assert code == 0, err
    if cached:  # nothing changed: answered from the record, without generating

        def no_generation(*args: object, **kwargs: object) -> object:
            raise AssertionError("generated again")

        monkeypatch.setattr(cli, "generate", no_generation)
    code, stdout, err = sdkforge(capsys, "check", PETS, "-o", out, "--overlay", overlay, *cache)
    assert code == 0 and "up to date" in stdout, err
    monkeypatch.undo()
    overlay.write_text(overlay.read_text(encoding="utf-8").replace(
        "operationId: list_all_pets", "operationId: every_pet"), encoding="utf-8")
    code, _, err = sdkforge(capsys, "check", PETS, "-o", out, "--overlay", overlay, *cache)
    assert code == 1
    assert f"overlay {overlay} changed since the output was generated" in err
    assert "changed: pets/resources/pets.py" in err
    code, _, err = sdkforge(capsys, "check", PETS, "-o", out, *cache)
    assert code == 1
    assert f"overlay {overlay} was applied when the output was generated, and is not now" in err
    extra = HERE / "discriminator.yaml"
    code, _, err = sdkforge(capsys, "check", PETS, "-o", out, "--overlay", overlay,
                            "--overlay", extra, *cache)
    assert code == 1
    assert f"overlay {given(extra)} was not applied when the output was generated" in err


def test_overlays_from_the_configuration_relative_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], overlay: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(PETS, project / "pets.yaml")
    shutil.move(overlay, project / "fix.yaml")
    (project / "pyproject.toml").write_text(
        '[tool.sdkforge]\nspec = "pets.yaml"\noutput = "out"\noverlays = ["fix.yaml"]\n',
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # not the project's folder: paths are the configuration's
    config = ["--config", str(project / "pyproject.toml")]
    code, _, err = sdkforge(capsys, "generate", "--no-cache", *config)
    assert code == 0, err
    assert "def list_all_pets(" in methods(project / "out")
    code, stdout, err = sdkforge(capsys, "check", "--no-cache", *config)
    assert code == 0 and "up to date" in stdout, err
    # --overlay replaces the configuration's list.
    code, _, err = sdkforge(capsys, "check", "--no-cache", *config,
                            "--overlay", HERE / "first.yaml")
    assert code == 1 and "fix.yaml was applied when the output was generated" in err


def test_diff_applies_the_same_overlays_to_both_specs(
    capsys: pytest.CaptureFixture[str], overlay: Path
) -> None:
    new = HERE / "pets-v2.yaml"
    code, plain, err = sdkforge(capsys, "diff", PETS, new)
    assert code == 0, err
    code, fixed, err = sdkforge(capsys, "diff", PETS, new, "--overlay", overlay)
    assert code == 0, err
    assert "client.pets.list(" in plain and "list_all_pets" not in plain
    assert "client.pets.list_all_pets(" in fixed and "client.pets.list(" not in fixed
    assert "kind" in fixed  # the bump's change is still reported
    code, same, _ = sdkforge(capsys, "diff", PETS, PETS, "--overlay", overlay)
    assert code == 0 and "list_all_pets" not in same  # applied to both: no change
    # An action that selects nothing in one of the specs is said, for that spec.
    code, _, err = sdkforge(capsys, "diff", PETS, new, "--overlay", HERE / "nomatch.yaml")
    assert code == 0
    assert err.count("selects nothing") == 2 and f"sdkforge: {new}:" in err


def test_an_invalid_overlay_stops_generation_and_leaves_the_output_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], overlay: Path
) -> None:
    out = tmp_path / "out"
    assert sdkforge(capsys, "generate", PETS, "-o", out, "--no-cache")[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = HERE / "invalid" / "update-type.yaml"
    code, _, err = sdkforge(capsys, "generate", PETS, "-o", out, "--no-cache",
                            "--overlay", overlay, "--overlay", bad)
    assert code == 1
    assert f"error: {bad}:5:5 at #/actions/0/update: action 0 selects an object" in err
    assert "nothing was written" in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    code, _, err = sdkforge(capsys, "generate", PETS, "-o", out, "--no-cache",
                            "--overlay", tmp_path / "absent.yaml")
    assert code == 1 and "overlay file not found" in err
    assert os.listdir(out)  # still there


def test_a_warning_names_the_overlay_and_the_action_and_strict_stops_on_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nomatch = HERE / "nomatch.yaml"
    code, _, err = sdkforge(capsys, "generate", PETS, "-o", tmp_path / "out", "--no-cache",
                            "--overlay", nomatch)
    assert code == 0, err
    lines = [line for line in err.splitlines() if "selects nothing" in line]
    assert lines == [f"warning: {nomatch}:4:5 at #/actions/0/target: action 0 "
                     "('Rename listOwners') selects nothing in the spec: "
                     "$.paths['/owners'].get (the spec may have moved or dropped what it "
                     "changed)"]
    code, _, err = sdkforge(capsys, "generate", PETS, "-o", tmp_path / "strict", "--no-cache",
                            "--overlay", nomatch, "--strict")
    assert code == 1 and "stopped by --strict" in err
