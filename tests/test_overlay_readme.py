"""Every overlay the README shows is a file under tests/overlays/readme/ that a test applies:
the README's YAML blocks that open with such a path are those files, byte for byte, and each
file is shown. The Mixpeek ones are applied in test_overlay_mixpeek.py; the one for a spec
without an operationId here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sdkforge import cli

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tests" / "overlays" / "readme"
_BLOCK = re.compile(r"```yaml\n(# (tests/overlays/readme/[\w.-]+)\n.*?)```", re.DOTALL)


def test_readme_overlays_are_the_tested_files() -> None:
    shown = {path: text for text, path in _BLOCK.findall(
        (ROOT / "README.md").read_text(encoding="utf-8"))}
    files = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
             for path in sorted(FOLDER.glob("*.yaml"))}
    assert sorted(shown) == sorted(files)
    for path, text in files.items():
        assert shown[path] == text, f"the README's {path} differs from the file"


def test_an_operation_id_added_names_the_method(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = ROOT / "tests" / "overlays" / "pets.yaml"
    out = tmp_path / "out"
    assert cli.main([
        "generate", str(spec), "-o", str(out), "--no-cache", "-q"]) == 0
    before = (out / "pets" / "resources" / "pets.py").read_text(encoding="utf-8")
    assert "    def get_pet_id(" in before
    code = cli.main(["generate", str(spec), "-o", str(out), "--no-cache", "-q",
                     "--overlay", str(FOLDER / "operation-id.yaml")])
    assert code == 0, capsys.readouterr().err
    after = (out / "pets" / "resources" / "pets.py").read_text(encoding="utf-8")
    assert "    def get(" in after and "def get_pet_id(" not in after
