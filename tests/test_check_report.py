"""What `check` prints for a stale folder (bump.stale): the files that differ, files edited by
hand marked, the API change, a totals line, and hints with the user's own command, never
sdkforge's make target, never a generate that would then refuse."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from sdkforge import cli

ROOT = Path(__file__).resolve().parent.parent
ZOO = ROOT / "tests" / "bump"


def sdkforge(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def written(out: Path) -> int:
    manifest = json.loads((out / ".sdkforge-manifest.json").read_text())
    return len(manifest["files"]) + 1  # and the manifest itself


def test_stale_after_a_bump(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert sdkforge(capsys, "generate", ZOO / "zoo.yaml", "-o", out, "-q", "--no-cache")[0] == 0
    assert sdkforge(capsys, "generate", ZOO / "zoo-breaking.yaml", "-o", fresh, "-q",
                    "--no-cache")[0] == 0
    code, stdout, err = sdkforge(capsys, "check", ZOO / "zoo-breaking.yaml", "-o", out,
                                 "--no-cache", "--package-name", "zoo")
    assert code == 1 and stdout == ""
    lines = err.splitlines()
    command = shlex.join(["sdkforge", "generate", str(ZOO / "zoo-breaking.yaml"), "-o", str(out),
                          "--package-name", "zoo", "--no-cache"])
    assert lines[0] == f"{out} is stale: 4 files differ from what `{command}` would write"
    assert lines[1:5] == ["  changed: zoo/resources/pets.py", "  changed: .sdkforge-api.json",
                          "  changed: .sdkforge-bases.zlib", "  changed: .sdkforge-manifest.json"]
    assert lines[5].startswith("  the Python API: 1 breaking change (")
    assert lines[6] == f"4 changed, 0 added, 0 removed of {written(fresh)} files"
    assert lines[7:] == [f"to update it, run: {command}"]
    assert "make" not in err
    # The hint is the command that makes the folder current.
    assert sdkforge(capsys, *shlex.split(command)[1:], "-q")[0] == 0
    assert sdkforge(capsys, "check", ZOO / "zoo-breaking.yaml", "-o", out, "--no-cache")[0] == 0


def test_hand_edits_are_named_with_what_generate_does(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert sdkforge(capsys, "generate", ZOO / "zoo.yaml", "-o", out, "-q", "--no-cache")[0] == 0
    pet = out / "zoo" / "models" / "pet.py"
    header, rest = pet.read_text().split("\n", 1)
    pet.write_text(f"{header}\n# mine\n{rest}")  # away from the end, where the bump adds
    code, _, err = sdkforge(capsys, "check", ZOO / "zoo-added.yaml", "-o", out, "--no-cache")
    command = shlex.join(["sdkforge", "generate", str(ZOO / "zoo-added.yaml"), "-o", str(out),
                          "--no-cache"])
    assert code == 1
    assert "  changed: zoo/models/pet.py  (edited by hand since sdkforge wrote it)" in err
    assert "  the Python API: 0 breaking changes, 1 addition (" in err
    tail = err.splitlines()[-3:]
    assert tail == [
        f"zoo/models/pet.py was edited by hand: `{command}` keeps the edits, merged into the "
        "new output (an edit on lines the spec changed too is marked in the file as a conflict "
        "and listed)",
        f"to update it, run: {command}",
        f"to discard the edits instead: {command} --force",
    ]
    # The hint's command keeps the edit, and the folder is then up to date.
    assert sdkforge(capsys, *shlex.split(command)[1:], "-q")[0] == 0
    assert pet.read_text().split("\n")[1] == "# mine"
    assert sdkforge(capsys, "check", ZOO / "zoo-added.yaml", "-o", out, "--no-cache")[0] == 0
    # An edit to the runtime is not merged: the hint says where it belongs, and --force.
    retries = out / "zoo" / "_runtime" / "_retries.py"
    retries.write_text(retries.read_text() + "# mine\n")
    code, _, err = sdkforge(capsys, "check", ZOO / "zoo.yaml", "-o", out, "--no-cache")
    back = shlex.join(["sdkforge", "generate", str(ZOO / "zoo.yaml"), "-o", str(out),
                       "--no-cache"])
    assert code == 1
    assert ("zoo/_runtime/_retries.py was edited by hand and is sdkforge's own (the runtime or "
            "its records): generate does not merge edits there; put a runtime change in "
            "--templates (runtime/<module>.py)") in err
    assert err.splitlines()[-1] == f"to update it, discarding those edits: {back} --force"
    assert sdkforge(capsys, *shlex.split(back)[1:], "-q")[0] == 2  # refused, as the hint said
    assert sdkforge(capsys, *shlex.split(back)[1:], "--force", "-q")[0] == 0


def test_configured_runs_are_told_the_short_command(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sdkforge]\nspec = "spec.yaml"\noutput = "out"\n')
    spec = tmp_path / "spec.yaml"
    spec.write_text((ZOO / "zoo.yaml").read_text())
    monkeypatch.chdir(tmp_path)
    assert sdkforge(capsys, "generate", "-q", "--no-cache")[0] == 0
    spec.write_text((ZOO / "zoo-doc.yaml").read_text())
    code, _, err = sdkforge(capsys, "check", "--no-cache")
    assert code == 1
    assert err.splitlines()[-1] == "to update it, run: sdkforge generate --no-cache"
    assert "would write" in err.splitlines()[0] and "documentation change" in err


def test_the_hint_repeats_the_overlays(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    out, overlay = tmp_path / "out", tmp_path / "fix.yaml"
    overlay.write_text("overlay: 1.0.0\ninfo: {title: Fix, version: '1'}\nactions:\n"
                       "  - target: $.info\n    update: {description: Fixed here.}\n")
    assert sdkforge(capsys, "generate", ZOO / "zoo.yaml", "-o", out, "-q", "--no-cache",
                    "--overlay", overlay)[0] == 0
    code, _, err = sdkforge(capsys, "check", ZOO / "zoo-added.yaml", "-o", out, "--no-cache",
                            "--overlay", overlay)
    command = shlex.join(["sdkforge", "generate", str(ZOO / "zoo-added.yaml"), "-o", str(out),
                          "--no-cache", "--overlay", str(overlay)])
    assert code == 1 and err.splitlines()[-1] == f"to update it, run: {command}"
    assert sdkforge(capsys, *shlex.split(command)[1:], "-q")[0] == 0
    assert sdkforge(capsys, "check", ZOO / "zoo-added.yaml", "-o", out, "--no-cache",
                    "--overlay", overlay)[0] == 0
