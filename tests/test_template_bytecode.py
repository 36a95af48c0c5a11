"""The built-in templates' compiled form is kept beside them (`templates/__pycache__`), as
Python keeps bytecode; a user's `--templates` never are, and a changed template is compiled
again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sdkforge.emit import render

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def builtin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built-in templates, standing in for sdkforge's own."""
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(render, "TEMPLATES", folder)
    return folder


def stored(folder: Path) -> list[Path]:
    return sorted((folder / "__pycache__").glob("*.jinja.cache"))


def test_builtin_templates_are_compiled_once_and_again_when_changed(builtin: Path) -> None:
    (builtin / "probe.jinja").write_text("first {{ value }}\n")
    assert render._environment(None).get_template("probe.jinja").render(value=1) == "first 1\n"
    assert len(stored(builtin)) == 1
    assert render._environment(None).get_template("probe.jinja").render(value=2) == "first 2\n"
    (builtin / "probe.jinja").write_text("changed {{ value }}\n")
    assert render._environment(None).get_template("probe.jinja").render(value=3) == "changed 3\n"


def test_user_templates_are_not_stored_in_sdkforge(builtin: Path, tmp_path: Path) -> None:
    custom = tmp_path / "custom"
    custom.mkdir()
    (custom / "version.py.jinja").write_text("mine {{ version }}\n")
    env = render._environment(custom)
    assert env.get_template("version.py.jinja").render(version="2") == "mine 2\n"
    assert stored(builtin) == []
    env.get_template("client.py.jinja")  # not overridden: a built-in one, kept
    assert len(stored(builtin)) == 1


def test_templates_render_where_nothing_can_be_stored(builtin: Path) -> None:
    (builtin / "__pycache__").write_text("a file where the folder would be")
    (builtin / "probe.jinja").write_text("value {{ value }}\n")
    assert render._environment(None).get_template("probe.jinja").render(value=4) == "value 4\n"
