"""`$ref`s from untrusted specs: cycles reported, nothing outside the spec's folder read,
URLs refused unless allowed, unusable targets named."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=120,
    )


def write_spec(folder: Path, body: str, name: str = "openapi.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / name
    spec.write_text("openapi: 3.1.0\ninfo: {title: Refs, version: '1'}\n" + textwrap.dedent(body))
    return spec


def refused(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


def test_allof_cycles_are_reported_at_their_place(tmp_path: Path) -> None:
    # Found by the fuzz campaign: `A: allOf [B]`, `B: allOf [A]` recursed until RecursionError.
    spec = write_spec(tmp_path, """
    paths: {}
    components:
      schemas:
        A:
          allOf:
            - $ref: '#/components/schemas/B'
            - {type: object, properties: {a: {type: string}}}
        B:
          allOf:
            - $ref: '#/components/schemas/A'
        C:
          allOf:
            - allOf: [{$ref: '#/components/schemas/C'}]
            - {type: object, properties: {c: {type: string}}}
        Recursive:
          allOf:
            - {type: object, properties: {child: {$ref: '#/components/schemas/Recursive'}}}
    """)
    result = run("generate", spec, "-o", tmp_path / "out")
    refused(result, "`allOf` cycle: #/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A",
            "at #/components/schemas/A/allOf/0/$ref", "#/components/schemas/C/allOf/0/allOf/0/$ref")
    assert result.stderr.count("`allOf` cycle") == 2, result.stderr  # one per cycle; Recursive is fine
    assert not (tmp_path / "out").exists()


def test_a_schema_that_only_refers_around_a_cycle_is_reported(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, """
    paths: {}
    components:
      schemas:
        A: {$ref: '#/components/schemas/B'}
        B: {$ref: '#/components/schemas/A'}
    """)
    refused(run("generate", spec, "-o", tmp_path / "out"), "cycle of references that never reaches a schema",
            "#/components/schemas/A/$ref")
