"""The fuzz oracle itself: it must notice a payload that runs, a package that fails to import,
and a generator that stops escaping (otherwise a green campaign would mean nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .oracle import FuzzFailure, Importer, Oracle
from .strategies import MARKER_ENV, MARKER_FILE


def fake_package(root: Path, body: str) -> Path:
    (root / "pkg" / "models").mkdir(parents=True)
    (root / "pkg" / "models" / "__init__.py").write_text("__all__: list[str] = []\n")
    (root / "pkg" / "__init__.py").write_text(
        f"{body}\nclass Pkg:\n    def __init__(self, **kw): pass\n"
        "    def close(self): pass\nAsyncPkg = Pkg\n"
    )
    return root


@pytest.mark.parametrize(("body", "expect"), [
    (f"open({MARKER_FILE!r}, 'w').close()", "pwned"),
    (f"import os; os.environ[{MARKER_ENV!r}] = '1'", "pwned"),
    ("import os; os.environ['HOME'] = '/elsewhere'", "pwned"),
    ("raise RuntimeError('broken')", "error"),
    ("import sys; sys.exit(3)", "error"),
    ("import os; os._exit(0)", "died"),
    ("", "ok"),
])
def test_the_import_worker_reports_what_an_import_did(tmp_path: Path, body: str,
                                                      expect: str) -> None:
    importer = Importer(tmp_path / "work")
    try:
        answer = importer.check(fake_package(tmp_path / "out", body), "pkg", "Pkg")
        if expect == "pwned":
            assert answer["pwned"], answer
        elif expect == "error":
            assert not answer["ok"] and not answer["pwned"], answer
        elif expect == "died":
            assert answer["error"] == "the import process died"
        else:
            assert answer == {"ok": True, "error": "", "pwned": []}
        # The worker goes on (or is restarted) for the next package.
        assert importer.check(fake_package(tmp_path / "next", ""), "pkg", "Pkg")["ok"]
    finally:
        importer.close()


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Oracle", "version": "1"},
    "paths": {},
    "components": {"schemas": {"Thing": {
        "type": "object", "properties": {"a": {"type": "string"}},
        "description": f'x"""; import os; os.environ.__setitem__("{MARKER_ENV}", "1"); """',
    }}},
}


def test_the_oracle_catches_a_generator_that_stops_escaping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer = Importer(tmp_path / "work")
    try:
        oracle = Oracle(tmp_path / "specs", importer)
        assert oracle.check(SPEC, "json").outcome == "generated"  # escaped: harmless
        monkeypatch.setattr("sdkforge.emit.model_views.docstring",
                            lambda text, indent: f'"""{text}"""' if text else "")
        with pytest.raises(FuzzFailure, match="PAYLOAD RAN"):
            oracle.check(SPEC, "json")
    finally:
        importer.close()
