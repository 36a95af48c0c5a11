"""Hostile spec files: refused fast, with bounded memory and a clear message, never a crash."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sdkforge.errors import SpecError
from sdkforge.read.limits import MAX_ALIAS_NODES, MAX_DEPTH
from sdkforge.read.load import load

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "specs" / "mixpeek-trigger-history.yaml"
HEAD = "openapi: 3.1.0\ninfo: {title: Load, version: '1'}\npaths: {}\n"


def run_limited(
    spec: Path, out: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    """The CLI with 1 GiB of address space: a document expanded in memory would fail loudly."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "sdkforge.cli", "generate", str(spec), "-o", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, preexec_fn=limit,
        env={**os.environ, **(env or {})},
    )
    return done, time.monotonic() - started


def assert_refused(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    for needle in needles:
        assert needle in done.stderr, (needle, done.stderr)


def billion_laughs(levels: int = 9) -> str:
    lines = [HEAD.rstrip("\n"), "x-lol:", '  l0: &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"  l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_fast_with_bounded_memory(tmp_path: Path) -> None:
    spec = tmp_path / "lol.yaml"
    spec.write_text(billion_laughs())  # 10**9 strings once expanded
    done, elapsed = run_limited(spec, tmp_path / "out")
    assert_refused(done, "lol.yaml", "aliases expand", "alias bomb")
    assert elapsed < 20
    assert not (tmp_path / "out").exists()


def test_aliases_that_expand_modestly_are_fine(tmp_path: Path) -> None:
    spec = tmp_path / "ok.yaml"
    spec.write_text(billion_laughs(levels=3))  # 1,000 strings: a normal use of anchors
    assert load(spec).data["x-lol"]["l3"][9][9][9] == "lol"
    spec.write_text(billion_laughs(levels=7))  # 10 million: over the cap
    with pytest.raises(SpecError, match=f"more than {MAX_ALIAS_NODES:,} nodes"):
        load(spec)


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "loop.yaml"
    spec.write_text(HEAD + "x-loop: &loop\n  again: *loop\n")
    done, _ = run_limited(spec, tmp_path / "out")
    assert_refused(done, "loop.yaml", "recursive")


@pytest.mark.parametrize("kind", ["yaml-flow", "yaml-block", "json"])
def test_documents_nested_thousands_of_levels_deep_are_refused(tmp_path: Path, kind: str) -> None:
    # libyaml's composer recurses in C: 100,000 levels used to crash the process (SIGSEGV).
    n = 100_000
    if kind == "yaml-flow":
        spec, text = tmp_path / "deep.yaml", HEAD + "x-deep: " + "[" * n + "]" * n + "\n"
    elif kind == "yaml-block":
        block = "".join(" " * i + "k:\n" for i in range(1, 3000))
        spec, text = tmp_path / "deep.yaml", HEAD + "x-deep:\n" + block
    else:
        spec, text = tmp_path / "deep.json", '{"openapi": "3.1.0", "x": ' + "[" * n + "]" * n + "}"
    spec.write_text(text)
    done, elapsed = run_limited(spec, tmp_path / "out")
    assert_refused(done, spec.name, "nest")
    assert elapsed < 30


def test_depth_just_under_the_limit_loads(tmp_path: Path) -> None:
    spec = tmp_path / "fine.json"
    spec.write_text(json.dumps({"x": json.loads("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))}))
    load(spec)
    spec.write_text(json.dumps({"x": json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)}))
    with pytest.raises(SpecError, match=f"more than {MAX_DEPTH} levels"):
        load(spec)


def test_depth_counts_the_brackets_outside_strings_only(tmp_path: Path) -> None:
    # Strings full of brackets, escaped quotes and escaped backslashes (which end a string
    # when they come last) are no nesting; the same nesting as real brackets is.
    tricky = ["[" * 300, "]{" * 150, 'a \\"[[[', "x\\", "\\\\\"", "\u005c", "[\"]"]
    spec = tmp_path / "strings.json"
    nested: object = {"s": tricky}
    for _ in range(MAX_DEPTH - 3):  # the outer object, these lists, {"s": ...}, the list
        nested = [nested, "]]]", {"k[": "{{\\"}]
    spec.write_text(json.dumps({"x": nested}))
    load(spec)  # exactly MAX_DEPTH deep
    spec.write_text(json.dumps({"x": [nested]}))
    with pytest.raises(SpecError, match=f"more than {MAX_DEPTH} levels"):
        load(spec)


def test_files_over_the_configured_size_are_refused_without_reading_them_whole(
    tmp_path: Path
) -> None:
    spec = tmp_path / "big.yaml"
    spec.write_text(SEED.read_text() + "x-padding: '" + "a" * 2_000_000 + "'\n")
    done, _ = run_limited(spec, tmp_path / "out", {"SDKFORGE_MAX_SPEC_MB": "1"})
    assert_refused(done, "big.yaml", "more than the limit of 1,048,576", "SDKFORGE_MAX_SPEC_MB")
    done, _ = run_limited(spec, tmp_path / "out", {"SDKFORGE_MAX_SPEC_MB": "3"})
    assert done.returncode == 0, done.stderr
    done, _ = run_limited(spec, tmp_path / "out2", {"SDKFORGE_MAX_SPEC_MB": "lots"})
    assert_refused(done, "SDKFORGE_MAX_SPEC_MB='lots' is not a positive number")


def test_an_endless_device_is_not_read_forever(tmp_path: Path) -> None:
    done, elapsed = run_limited(Path("/dev/zero"), tmp_path / "out", {"SDKFORGE_MAX_SPEC_MB": "1"})
    assert_refused(done, "/dev/zero", "more than the limit")
    assert elapsed < 20


def test_invalid_utf8_names_byte_and_line(tmp_path: Path) -> None:
    spec = tmp_path / "latin1.yaml"
    spec.write_bytes(HEAD.encode() + b"x-name: caf\xe9\n")
    done, _ = run_limited(spec, tmp_path / "out")
    assert_refused(done, "latin1.yaml", "not valid UTF-8", "line 4", "save the file as UTF-8")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_byte_order_marks_are_read(tmp_path: Path, encoding: str) -> None:
    spec = tmp_path / "bom.yaml"
    text = SEED.read_text().replace("Mixpeek", "Mixpeék")
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    spec.write_bytes(raw)
    document = load(spec)
    assert document.data["info"]["title"].startswith("Mixpeék")
    # held as the text's UTF-8, without the mark: what the hashes of the run are taken of
    assert document.source == text.encode("utf-8") and document.text == text


def test_the_text_is_held_as_the_bytes_read(tmp_path: Path) -> None:
    """Not as a `str`, which takes 4 bytes a character for all of it once one character is
    outside the Basic Multilingual Plane (an emoji in a description)."""
    spec = tmp_path / "emoji.json"
    spec.write_text(json.dumps({"openapi": "3.1.0", "info": {"title": "Load 🚀", "version": "1"},
                                "paths": {}}, ensure_ascii=False), encoding="utf-8")
    document = load(spec)
    assert document.source == spec.read_bytes()
    assert document.data["info"]["title"] == "Load 🚀" and "🚀" in document.text


def test_nul_bytes_are_refused_with_their_line(tmp_path: Path) -> None:
    spec = tmp_path / "nul.yaml"
    spec.write_bytes(HEAD.encode() + b"x-a: 1\x00\n")
    with pytest.raises(SpecError, match="NUL character \\(line 4\\)"):
        load(spec)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_duplicate_mapping_keys_are_reported_with_place(tmp_path: Path, suffix: str) -> None:
    spec = tmp_path / f"dup{suffix}"
    if suffix == ".yaml":
        spec.write_text(HEAD.replace("paths: {}\n", "")
                        + "paths:\n  /a:\n    get: {responses: {'200': {description: a}}}\n"
                        "  /a:\n    post: {responses: {'200': {description: b}}}\n")
        line = 6
    else:
        spec.write_text('{"openapi": "3.1.0",\n "info": {"title": "x", "version": "1"},\n'
                        ' "paths": {},\n "components": {"schemas": {"A": {}, \n'
                        '  "A": {"type": "string"}}}}')
        line = 5
    done, _ = run_limited(spec, tmp_path / "out")
    pointer = "#/paths" if suffix == ".yaml" else "#/components/schemas"
    assert_refused(done, spec.name, "duplicate key '", f"line {line}", pointer, "remove or rename")


def test_yaml_merge_keys_may_override(tmp_path: Path) -> None:
    spec = tmp_path / "merge.yaml"
    spec.write_text(HEAD + "x-base: &base {a: 1, b: 2}\nx-more:\n  <<: *base\n  b: 3\n")
    assert load(spec).data["x-more"] == {"a": 1, "b": 3}


def test_yaml_keys_are_the_text_written_as_json_keys_are_strings(tmp_path: Path) -> None:
    spec = tmp_path / "keys.yaml"
    spec.write_text(HEAD + "x-keys: {200: a, on: b, off: c, 1.50: d, 2024-01-01: e, null: f, "
                    "yes: g, flag: on}\nx-base: &base {7: seven, on: base}\n"
                    "x-merged: {<<: *base, 8: eight}\n")
    data = load(spec).data
    assert data["x-keys"] == {"200": "a", "on": "b", "off": "c", "1.50": "d", "2024-01-01": "e",
                              "null": "f", "yes": "g", "flag": True}  # values keep their YAML types
    assert data["x-merged"] == {"7": "seven", "on": "base", "8": "eight"}


def test_a_key_written_with_and_without_quotes_is_one_key_twice(tmp_path: Path) -> None:
    spec = tmp_path / "twice.yaml"
    spec.write_text(HEAD.replace("paths: {}\n", "") + "paths:\n  /a:\n    get:\n      responses:\n"
                    "        200: {description: a}\n        '200': {description: b}\n")
    with pytest.raises(SpecError, match="duplicate key '200'"):
        load(spec)


def test_unquoted_response_codes_are_validated_like_quoted_ones(tmp_path: Path) -> None:
    spec = tmp_path / "unquoted.yaml"
    spec.write_text(HEAD.replace("paths: {}\n", "") + "paths:\n  /a:\n    get:\n      responses:\n"
                    "        200: {description: ok}\ncomponents:\n  schemas:\n"
                    "    A: {type: object, required: name}\n")
    done, _ = run_limited(spec, tmp_path / "out")
    assert_refused(done, "#/components/schemas/A/required", "`required` must be an array")
    assert "could not finish" not in done.stderr
