"""The command line: exit codes, located one-paragraph errors, untouched output on failure."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "specs" / "mixpeek-trigger-history.yaml"
SHARED = ROOT.parent / "shared" / "specs"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sdkforge.cli", *map(str, args)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def existing_output(tmp_path: Path) -> Path:
    out = tmp_path / "client"
    result = run("generate", SEED, "-o", out, "-q")
    assert result.returncode == 0, result.stderr
    return out


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: int,
                         *needles: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


def test_generate_writes_package_readme_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "client"
    result = run("generate", SEED, "-o", out)
    assert result.returncode == 0, result.stderr
    assert (out / "mixpeek" / "__init__.py").is_file()
    assert (out / "mixpeek" / "py.typed").is_file()
    assert (out / "README.md").read_text().count("get_history") >= 1
    assert (out / ".sdkforge-manifest.json").is_file()
    assert "wrote" in result.stdout


def test_package_name_option(tmp_path: Path) -> None:
    out = tmp_path / "client"
    assert run("generate", SEED, "-o", out, "--package-name", "acme-sdk").returncode == 0
    assert (out / "acme_sdk" / "_client.py").read_text().count("class AcmeSdk(") == 1


def test_check_passes_when_current_and_fails_when_stale(existing_output: Path) -> None:
    assert run("check", SEED, "-o", existing_output).returncode == 0
    target = existing_output / "mixpeek" / "models" / "error_detail.py"
    target.write_text(target.read_text() + "# edited\n")  # a hand edit generate would keep
    runtime = existing_output / "mixpeek" / "errors.py"  # one it would not
    runtime.write_text(runtime.read_text() + "# edited\n")
    (existing_output / "mixpeek" / "models" / "trigger_history_request.py").unlink()
    result = run("check", SEED, "-o", existing_output)
    assert_clean_failure(result, 1, "stale", "changed: mixpeek/errors.py",
                         "added: mixpeek/models/trigger_history_request.py")
    assert "error_detail.py" not in result.stderr


def test_files_sdkforge_did_not_write_are_kept_and_ignored_by_check(existing_output: Path) -> None:
    (existing_output / "mixpeek" / "_custom.py").write_text("MINE = 1\n")
    (existing_output / "conftest.py").write_text("")
    assert run("check", SEED, "-o", existing_output).returncode == 0
    assert run("generate", SEED, "-o", existing_output, "-q").returncode == 0
    assert (existing_output / "mixpeek" / "_custom.py").read_text() == "MINE = 1\n"
    assert (existing_output / "conftest.py").exists()


def test_a_file_no_longer_generated_is_removed_and_reported(
    existing_output: Path, tmp_path: Path
) -> None:
    smaller = tmp_path / "smaller.yaml"
    smaller.write_text(SEED.read_text()
                       .replace("    ValidationError:\n", "    ValidationErrorGone:\n")
                       .replace("#/components/schemas/ValidationError'",
                                "#/components/schemas/ValidationErrorGone'"))
    result = run("check", smaller, "-o", existing_output)
    assert_clean_failure(result, 1, "removed: mixpeek/models/validation_error.py")
    assert run("generate", smaller, "-o", existing_output, "-q").returncode == 0
    assert not (existing_output / "mixpeek" / "models" / "validation_error.py").exists()


def test_missing_file(existing_output: Path) -> None:
    before = snapshot(existing_output)
    result = run("generate", ROOT / "specs" / "nope.yaml", "-o", existing_output)
    assert_clean_failure(result, 1, "nope.yaml", "not found")
    assert snapshot(existing_output) == before


def test_unreadable_file(tmp_path: Path, existing_output: Path) -> None:
    if os.geteuid() == 0:
        spec = tmp_path  # root reads everything; a folder is unreadable as a spec all the same
    else:
        spec = tmp_path / "locked.yaml"
        spec.write_text(SEED.read_text())
        spec.chmod(0)
    before = snapshot(existing_output)
    result = run("generate", spec, "-o", existing_output)
    assert_clean_failure(result, 1, str(spec))
    assert snapshot(existing_output) == before


def test_malformed_yaml_names_line_and_column(tmp_path: Path, existing_output: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("openapi: 3.1.0\ninfo:\n  title: x\n  version: '1'\npaths: {\n  /a: [\n")
    before = snapshot(existing_output)
    result = run("generate", spec, "-o", existing_output)
    assert_clean_failure(result, 1, "bad.yaml", "malformed YAML", "line")
    assert snapshot(existing_output) == before


def test_malformed_json(tmp_path: Path) -> None:
    spec = tmp_path / "bad.json"
    spec.write_text('{"openapi": "3.1.0",\n "info": }')
    assert_clean_failure(run("generate", spec, "-o", tmp_path / "out"), 1, "bad.json",
                         "malformed JSON", "line 2")
    assert not (tmp_path / "out").exists()


def test_not_an_openapi_document(tmp_path: Path, existing_output: Path) -> None:
    spec = tmp_path / "compose.yaml"
    spec.write_text("services:\n  web:\n    image: nginx\n")
    before = snapshot(existing_output)
    assert_clean_failure(run("generate", spec, "-o", existing_output), 1, "compose.yaml",
                         "not an OpenAPI document")
    assert snapshot(existing_output) == before


def test_swagger_2_is_refused_clearly(tmp_path: Path) -> None:
    spec = SHARED / "public" / "oai-v2.0-petstore.yaml"
    result = run("generate", spec, "-o", tmp_path / "out")
    assert_clean_failure(result, 1, "Swagger 2.0", "not OpenAPI 3", "#/swagger")
    assert not (tmp_path / "out").exists()


def test_dangling_ref_names_pointer_and_line(tmp_path: Path, existing_output: Path) -> None:
    spec = tmp_path / "dangling.yaml"
    spec.write_text(SEED.read_text().replace("#/components/schemas/ErrorDetail",
                                             "#/components/schemas/ErrorDetials"))
    before = snapshot(existing_output)
    result = run("generate", spec, "-o", existing_output)
    assert_clean_failure(result, 1, "dangling.yaml", "ErrorDetials", "does not resolve",
                         "#/components/schemas/ErrorResponse/properties/error/$ref")
    seed_lines = SEED.read_text().splitlines()
    ref_line = seed_lines.index("          $ref: '#/components/schemas/ErrorDetail'")
    assert ":" + str(ref_line + 1) in result.stderr
    assert snapshot(existing_output) == before


def test_invalid_spec_is_an_error_with_its_place(tmp_path: Path, existing_output: Path) -> None:
    spec = tmp_path / "invalid.yaml"
    spec.write_text(SEED.read_text().replace(
        "        - name: trigger_id\n          in: path\n",
        "        - name: trigger_id\n          in: body\n",
    ))
    before = snapshot(existing_output)
    result = run("generate", spec, "-o", existing_output)
    assert_clean_failure(result, 1, "invalid.yaml:27:11 at", "/parameters/0/in:",
                         '`in` must be one of "query", "header", "path" or "cookie"; got "body"',
                         "describe the body in `requestBody`")
    assert snapshot(existing_output) == before


def test_a_misspelt_key_is_a_warning_that_suggests_the_right_one(tmp_path: Path) -> None:
    spec = tmp_path / "misspelt.yaml"
    spec.write_text(SEED.read_text().replace(
        "        '200':\n          description: Successful Response\n",
        "        '200':\n          descriptio: Successful Response\n",
    ))
    result = run("generate", spec, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert ("misspelt.yaml:42:11 at #/paths/~1v1~1clusters~1triggers~1{trigger_id}~1history/post"
            "/responses/200/descriptio: `responses/200` has an unexpected key `descriptio` "
            "(did you mean `description`? As written, it is ignored)") in result.stderr
    assert "/responses/200: `responses/200` has no `description`" in result.stderr


def test_duplicate_required_entry_is_a_warning_and_strict_makes_it_an_error(tmp_path: Path) -> None:
    spec = tmp_path / "dup.yaml"
    spec.write_text(SEED.read_text().replace(
        "        - trigger_id\n        - executions\n",
        "        - trigger_id\n        - trigger_id\n        - executions\n",
    ))
    lenient = run("generate", spec, "-o", tmp_path / "out")
    assert lenient.returncode == 0, lenient.stderr
    assert "warning:" in lenient.stderr and "required" in lenient.stderr
    strict = run("generate", spec, "-o", tmp_path / "strict", "--strict")
    assert_clean_failure(strict, 1, "warning:", "required", "stopped by --strict, which makes the")
    assert not (tmp_path / "strict").exists()


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("keep me")
    assert_clean_failure(run("generate", SEED, "-o", target), 2, "not a folder")
    assert target.read_text() == "keep me"


def test_non_empty_foreign_output_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "src"
    out.mkdir()
    (out / "mine.py").write_text("x = 1\n")
    assert_clean_failure(run("generate", SEED, "-o", out), 2, "not written by sdkforge", "--force")
    assert snapshot(out) == {"mine.py": b"x = 1\n"}


def test_unwritable_output_parent(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run("generate", SEED, "-o", blocker / "out")
    assert_clean_failure(result, 2, "out")


def test_bad_usage_exits_2() -> None:
    assert run("generate", SEED).returncode == 2
    assert run("frobnicate").returncode == 2


def test_diagnostics_show_control_and_bidi_characters_from_the_spec_escaped(tmp_path: Path) -> None:
    # A hostile path or name must not recolour the terminal, reorder text or forge report lines.
    spec = tmp_path / "ansi.json"
    spec.write_text('{"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {'
                    '"/a\\u001b[31m\\nerror: all good\\u202e": {"get": {"responses": {"200": '
                    '{"description": "ok", "content": {"application/json": '
                    '{"schema": {"$ref": "#/nope"}}}}}}}}}')
    result = run("generate", spec, "-o", tmp_path / "out")
    assert_clean_failure(result, 1, "\\x1b[31m\\x0aerror: all good\\u202e")
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert not any(line.startswith("error: all good") for line in result.stderr.splitlines())


def test_main_tunes_the_garbage_collector_only_while_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sdkforge import cli

    seen = []
    real = cli.generate

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.get_threshold())
        return real(*args, **kwargs)

    monkeypatch.setattr(cli, "generate", spy)
    before = gc.get_threshold()
    assert cli.main(["generate", str(SEED), "-o", str(tmp_path / "out"), "-q", "--no-cache"]) == 0
    assert seen == [cli._GC_THRESHOLDS] != [before]
    assert gc.get_threshold() == before


def test_quiet_keeps_a_one_line_count_of_the_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sdkforge import cli

    features = str(ROOT / "specs" / "features.yaml")
    assert cli.main(["generate", features, "-o", str(tmp_path / "out"), "-q", "--no-cache"]) == 0
    quiet = capsys.readouterr().err.splitlines()
    assert cli.main(["generate", features, "-o", str(tmp_path / "out2"), "--no-cache"]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines()
                if line.startswith("warning:")]
    assert warnings and quiet == [
        f"sdkforge: {len(warnings)} warnings about the spec (run without -q to see them)"
    ]


def test_a_package_name_another_installed_package_has_is_warned_about(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: Shadow, version: '1'}\npaths: {}\n")
    # hypothesis is installed beside sdkforge (a dev dependency): the same import name.
    result = run("generate", spec, "-o", tmp_path / "a", "--package-name", "hypothesis", "-q")
    assert result.returncode == 0
    assert "`hypothesis` is already importable here, from the `hypothesis` distribution" in (
        result.stderr)
    assert "--package-name" in result.stderr
    result = run("generate", spec, "-o", tmp_path / "b", "-q")
    assert result.returncode == 0 and "importable" not in result.stderr


def test_the_previous_output_itself_is_not_another_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sdkforge.output.shadow import installed_elsewhere

    (tmp_path / "out" / "acme_sdk").mkdir(parents=True)
    (tmp_path / "out" / "acme_sdk" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "out"))
    assert installed_elsewhere("acme_sdk", tmp_path / "out") is None
    elsewhere = installed_elsewhere("acme_sdk", tmp_path / "elsewhere")
    assert elsewhere == str(tmp_path / "out" / "acme_sdk")
    assert installed_elsewhere("no_such_package_anywhere", tmp_path / "out") is None


def test_warnings_of_one_kind_are_reported_once_with_a_count_and_where_the_others_are() -> None:
    from sdkforge.diagnostics import Diagnostic, rendered

    def pattern(pointer: str, regex: str) -> Diagnostic:
        return Diagnostic("warning", "s.yaml", pointer, f"`pattern` {regex!r} is not ECMA-262",
                          "kept as documentation")

    items = [pattern("/a", r"\p{L}"), Diagnostic("error", "s.yaml", "/x", "no `name`"),
             pattern("/b", r"\A"), Diagnostic("warning", "s.yaml", "/e", "`enum` holds 1.5"),
             pattern("/c", "a++"), pattern("/d", "b++"), pattern("/f", "c++"),
             Diagnostic("error", "s.yaml", "/y", "no `name`")]
    assert rendered(items) == [
        "warning: s.yaml at #/a: `pattern` '\\\\p{L}' is not ECMA-262 (kept as documentation)",
        "  and 4 more like it: #/b, #/c, #/d, ...",
        "error: s.yaml at #/x: no `name`",
        "warning: s.yaml at #/e: `enum` holds 1.5",
        "error: s.yaml at #/y: no `name`",  # errors are each listed
    ]
    assert rendered(items, limit=2)[-1] == "... and 2 more"  # the `enum` warning, an error
