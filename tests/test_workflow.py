"""The regenerate-on-every-bump loop: the manifest owns only what sdkforge wrote, edited runtime
files are refused (hand edits elsewhere: test_hand_edits.py), `check` notices other versions
and options without running black, the format cache, `--changelog`, `--templates`, `--meta`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import venv
from pathlib import Path

import black
import pytest

from sdkforge import cli
from sdkforge.cache import Cache
from sdkforge.config import GenerateOptions
from sdkforge.emit import format as format_stage
from sdkforge.output import uptodate
from sdkforge.output.bases import BASES, read_bases
from sdkforge.output.manifest import MANIFEST

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "specs" / "mixpeek-trigger-history.yaml"
FEATURES = ROOT / "specs" / "features.yaml"


def sdkforge(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def fresh_process_memo() -> None:
    """These tests count black runs: start without what earlier tests formatted in this process."""
    format_stage._MEMO.clear()


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def bumped_seed(tmp_path: Path) -> Path:
    """The seed spec with one field more in the response and one enum value less."""
    text = SEED.read_text(encoding="utf-8")
    assert "total:" in text
    spec = tmp_path / "bumped.yaml"
    spec.write_text(text.replace(
        "        total:\n", "        page_token:\n          type: string\n        total:\n", 1,
    ), encoding="utf-8")
    return spec


def test_foreign_files_survive_and_removed_modules_go(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cache: Path
) -> None:
    out = tmp_path / "out"
    assert sdkforge(capsys, "generate", FEATURES, "-o", out, "--cache-dir", cache, "-q")[0] == 0
    package = next(p for p in out.iterdir() if p.is_dir())
    (package / "_custom.py").write_text("CUSTOM = 1\n")
    (out / "conftest.py").write_text("# mine\n")
    (package / "models" / "notes.txt").write_text("mine too\n")
    # A smaller spec: most modules of the old package disappear.
    assert sdkforge(capsys, "generate", SEED, "-o", out, "--package-name", package.name,
                    "--cache-dir", cache, "-q")[0] == 0
    assert (package / "_custom.py").read_text() == "CUSTOM = 1\n"
    assert (out / "conftest.py").read_text() == "# mine\n"
    assert (package / "models" / "notes.txt").is_file()
    manifest = json.loads((out / MANIFEST).read_text())
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert on_disk == set(manifest["files"]) | {MANIFEST, BASES, f"{package.name}/_custom.py",
                                                "conftest.py", f"{package.name}/models/notes.txt"}


def test_an_edited_runtime_file_is_refused_and_kept_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cache: Path
) -> None:
    out = tmp_path / "out"
    assert sdkforge(capsys, "generate", SEED, "-o", out, "--cache-dir", cache)[0] == 0
    retries = out / "mixpeek" / "_runtime" / "_retries.py"
    retries.write_text(retries.read_text() + "# my fix\n")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bumped = bumped_seed(tmp_path)
    bumped.write_text(bumped.read_text().replace(
        "        - trigger_id\n        - executions\n",
        "        - trigger_id\n        - trigger_id\n        - executions\n",
    ))
    code, _, err = sdkforge(capsys, "generate", bumped, "-o", out, "--cache-dir", cache)
    assert code == 2
    assert "mixpeek/_runtime/_retries.py" in err and "--force" in err
    assert "nothing was written" in err and "--templates override" in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    # The spec's findings first
    assert "warning:" in err and err.index("warning:") < err.index("changed since")
    code, _, err = sdkforge(capsys, "generate", bumped_seed(tmp_path), "-o", out,
                            "--cache-dir", cache, "--force")
    assert code == 0, err
    assert "# my fix" not in retries.read_text()


def test_check_fails_on_other_options_or_generator_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cache: Path
) -> None:
    out = tmp_path / "out"
    assert sdkforge(capsys, "generate", SEED, "-o", out, "--cache-dir", cache, "-q")[0] == 0
    assert sdkforge(capsys, "check", SEED, "-o", out, "--cache-dir", cache)[0] == 0
    code, _, err = sdkforge(capsys, "check", SEED, "-o", out, "--client-name", "Other",
                            "--cache-dir", cache)
    assert code == 1 and "generated with option client=Mixpeek; now client=Other" in err
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["generator_version"] = "0.0.1"
    (out / MANIFEST).write_text(json.dumps(manifest))
    code, _, err = sdkforge(capsys, "check", SEED, "-o", out, "--cache-dir", cache)
    assert code == 1 and "written by sdkforge 0.0.1" in err


def test_check_runs_no_formatter_when_nothing_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert sdkforge(capsys, "generate", FEATURES, "-o", out, "--no-cache", "-q")[0] == 0

    def no_black(*args: object, **kwargs: object) -> str:
        raise AssertionError("black ran")

    monkeypatch.setattr(black, "format_str", no_black)
    code, stdout, err = sdkforge(capsys, "check", FEATURES, "-o", out, "--no-cache")
    assert code == 0, err
    assert "up to date" in stdout
    # A file edited on disk is not vouched for by the manifest: it is formatted and compared;
    # an edit generate would keep is up to date, one in the runtime is a change.
    monkeypatch.undo()
    target = next(out.rglob("_client.py"))
    target.write_text(target.read_text() + "\n# edit\n")
    code, stdout, err = sdkforge(capsys, "check", FEATURES, "-o", out, "--no-cache")
    assert code == 0 and "up to date" in stdout and "1 with your edits" in stdout, err
    target = next(out.rglob("_retries.py"))
    target.write_text(target.read_text() + "\n# edit\n")
    code, _, err = sdkforge(capsys, "check", FEATURES, "-o", out, "--no-cache")
    assert code == 1 and "changed: " in err and "_retries.py" in err


def test_check_trusts_the_record_of_the_run_that_wrote_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    cache: Path,
) -> None:
    spec, out = tmp_path / "features.yaml", tmp_path / "out"
    shutil.copy(FEATURES, spec)
    code, _, generated_err = sdkforge(capsys, "generate", spec, "-o", out, "--cache-dir", cache)
    assert code == 0 and "warning:" in generated_err

    def no_generation(*args: object, **kwargs: object) -> object:
        raise AssertionError("generated again")

    monkeypatch.setattr(cli, "generate", no_generation)
    code, stdout, err = sdkforge(capsys, "check", spec, "-o", out, "--cache-dir", cache)
    assert code == 0, err
    assert "up to date" in stdout and err == generated_err  # the same findings, unchanged spec
    monkeypatch.undo()
    # A runtime file edited by hand: the record does not vouch for it, the full check sees it.
    target = next(out.rglob("_retries.py"))
    original = target.read_bytes()
    target.write_bytes(original + b"# edit\n")
    code, _, err = sdkforge(capsys, "check", spec, "-o", out, "--cache-dir", cache)
    assert code == 1 and "changed: " in err and "_retries.py" in err
    target.write_bytes(original)
    # A hand edit generate keeps: the full check finds it up to date and records it, so the
    # next check trusts the record; the archive of merge bases is vouched for too.
    client = next(out.rglob("_client.py"))
    client.write_bytes(client.read_bytes() + b"# edit\n")
    code, stdout, _ = sdkforge(capsys, "check", spec, "-o", out, "--cache-dir", cache)
    assert code == 0 and "1 with your edits" in stdout
    monkeypatch.setattr(cli, "generate", no_generation)
    assert sdkforge(capsys, "check", spec, "-o", out, "--cache-dir", cache)[0] == 0
    assert uptodate.trusted(Cache(cache), GenerateOptions(spec=spec), out) is not None
    (out / BASES).write_bytes(b"damaged")
    assert uptodate.trusted(Cache(cache), GenerateOptions(spec=spec), out) is None
    monkeypatch.undo()
    code, _, err = sdkforge(capsys, "check", spec, "-o", out, "--cache-dir", cache)
    assert code == 1 and f"added: {BASES}" in err
    # The spec did not change the file: what sdkforge wrote is what it writes, no archive needed.
    assert sdkforge(capsys, "generate", spec, "-o", out, "--cache-dir", cache)[0] == 0
    assert client.read_bytes().endswith(b"# edit\n") and read_bases(out) is not None
    # A spec edited since: no record for it either.
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "components:\n", "components:\n  x-note: 1\n", 1).replace(
        "  schemas:\n", "  schemas:\n    Extra:\n      type: object\n"
        "      properties:\n        extra_name:\n          type: string\n", 1),
        encoding="utf-8")
    code, _, err = sdkforge(capsys, "check", spec, "-o", out, "--cache-dir", cache)
    assert code == 1 and "extra" in err
    # Another sdkforge (its code or templates changed, not its version): no record either.
    shutil.copy(FEATURES, spec)
    options = GenerateOptions(spec=spec)
    assert uptodate.trusted(Cache(cache), options, out) is not None
    monkeypatch.setattr(uptodate, "_own_code", lambda: "another sdkforge")
    assert uptodate.trusted(Cache(cache), options, out) is None


def test_format_cache_serves_a_second_output_and_a_bump(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cache: Path
) -> None:
    # The built-in templates need no black at all (spot formatting); custom ones go to black
    # whole, and that is what the cache saves.
    code, stdout, _ = sdkforge(capsys, "generate", FEATURES, "-o", tmp_path / "plain",
                               "--cache-dir", cache)
    assert code == 0 and "black ran on 0; 0 unchanged, 0 from the cache" in stdout
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "version.py.jinja").write_text("# custom\n__version__ = {{ version }}\n")
    first, second = tmp_path / "first", tmp_path / "second"
    code, stdout, _ = sdkforge(capsys, "generate", FEATURES, "-o", first, "--cache-dir", cache,
                               "--templates", templates)
    assert code == 0 and "black ran on 0;" not in stdout
    code, stdout, _ = sdkforge(capsys, "generate", FEATURES, "-o", second, "--cache-dir", cache,
                               "--templates", templates)
    assert code == 0 and "black ran on 0; 0 unchanged" in stdout
    def files(folder: Path) -> dict[Path, bytes]:
        return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    assert files(first) == files(second)
    # After a bump only the files whose rendered text changed go through black.
    seed = tmp_path / "seed"
    code, stdout, _ = sdkforge(capsys, "generate", bumped_seed(tmp_path), "-o", seed, "--no-cache",
                               "--templates", templates)
    code, stdout, _ = sdkforge(capsys, "generate", SEED, "-o", seed, "--no-cache",
                               "--templates", templates)
    assert code == 0
    ran = int(stdout.split("black ran on ")[1].split(";")[0])
    assert 1 <= ran <= 3, stdout


def test_unusable_cache_is_skipped_with_a_note(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    code, _, err = sdkforge(capsys, "generate", SEED, "-o", tmp_path / "out",
                            "--cache-dir", blocker)
    assert code == 0
    assert "the cache in" in err and "going on without it" in err


def test_changelog_appends_each_bump(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     cache: Path) -> None:
    out, changelog = tmp_path / "out", tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n")
    assert sdkforge(capsys, "generate", SEED, "-o", out, "--changelog", changelog,
                    "--cache-dir", cache)[0] == 0
    assert "First generation: 1 methods" in changelog.read_text()
    assert sdkforge(capsys, "generate", bumped_seed(tmp_path), "-o", out, "--changelog", changelog,
                    "--cache-dir", cache)[0] == 0
    text = changelog.read_text()
    assert text.startswith("# Changelog\n")
    assert "### Additions" in text and "`TriggerHistoryResponse.page_token`: field added" in text
    # Regenerating the same spec changes nothing, and says nothing.
    assert sdkforge(capsys, "generate", bumped_seed(tmp_path), "-o", out, "--changelog", changelog,
                    "--cache-dir", cache)[0] == 0
    assert changelog.read_text() == text


def test_custom_templates_override_by_relative_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cache: Path
) -> None:
    plain, custom = tmp_path / "plain", tmp_path / "custom"
    templates = tmp_path / "templates"
    (templates / "runtime").mkdir(parents=True)
    (templates / "README.md.jinja").write_text(
        "# {{ title_doc }} SDK\n{% include '_footer.jinja' %}\n"
    )
    (templates / "_footer.jinja").write_text("Maintained by the platform team.")
    for name in ("errors.py", "_retries.py"):  # the public module, and a private one in _runtime/
        runtime = (ROOT / "templates" / "runtime" / name).read_text()
        (templates / "runtime" / name).write_text(runtime + "\n\nCUSTOM_MARKER = True\n")
    assert sdkforge(capsys, "generate", SEED, "-o", plain, "--cache-dir", cache, "-q")[0] == 0
    code, _, err = sdkforge(capsys, "generate", SEED, "-o", custom, "--templates", templates,
                            "--cache-dir", cache, "-q")
    assert code == 0, err
    readme = (custom / "README.md").read_text()
    # trim_blocks eats the newline
    assert readme == "# Mixpeek API SDK\nMaintained by the platform team."
    assert "CUSTOM_MARKER = True" in (custom / "mixpeek" / "errors.py").read_text()
    assert "CUSTOM_MARKER = True" in (custom / "mixpeek" / "_runtime" / "_retries.py").read_text()
    same = [p.relative_to(plain) for p in plain.rglob("*.py")
            if p.name not in ("errors.py", "_retries.py")]
    assert same and all((plain / p).read_bytes() == (custom / p).read_bytes() for p in same)
    # check knows the templates changed.
    (templates / "_footer.jinja").write_text("Maintained by someone else.")
    code, _, err = sdkforge(capsys, "check", SEED, "-o", custom, "--templates", templates,
                            "--cache-dir", cache)
    assert code == 1 and "generated with option templates=" in err


@pytest.mark.parametrize(("name", "text", "needle"), [
    ("READMe.md.jinja", "x", "READMe.md.jinja overrides no built-in template"),
    ("README.md.jinja", "{% for x in %}", "README.md.jinja, line 1"),
    ("README.md.jinja", "{{ no_such_thing }}", "'no_such_thing' is undefined"),
    ("runtime/errors.py", "def broken(:\n", "black cannot read the generated mixpeek/errors.py"),
    # A runtime module that is no more (split into _base_client, _request, ...) is not a partial.
    ("runtime/_http.py", "x = 1\n", "runtime/_http.py overrides no built-in template"),
])
def test_broken_templates_are_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           name: str, text: str, needle: str) -> None:
    templates = tmp_path / "templates"
    (templates / name).parent.mkdir(parents=True, exist_ok=True)
    (templates / name).write_text(text)
    code, _, err = sdkforge(capsys, "generate", SEED, "-o", tmp_path / "out",
                            "--templates", templates, "--no-cache")
    assert code in (1, 2) and needle in err, err
    assert not (tmp_path / "out").exists()


def test_meta_pyproject_and_version(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    cache: Path) -> None:
    import tomllib

    out = tmp_path / "out"
    assert sdkforge(capsys, "generate", SEED, "-o", out, "--meta",
                    "--cache-dir", cache, "-q")[0] == 0
    meta = tomllib.loads((out / "pyproject.toml").read_text())
    assert meta["project"]["name"] == "mixpeek" and meta["project"]["version"] == "0.82"
    assert any(d.startswith("httpx") for d in meta["project"]["dependencies"])
    assert meta["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["mixpeek"]
    assert sdkforge(capsys, "generate", SEED, "-o", out, "--meta", "--package-version", "2.0.1",
                    "--cache-dir", cache, "-q")[0] == 0
    assert tomllib.loads((out / "pyproject.toml").read_text())["project"]["version"] == "2.0.1"
    # Without --meta the pyproject.toml, which sdkforge wrote, goes again.
    assert sdkforge(capsys, "generate", SEED, "-o", out, "--cache-dir", cache, "-q")[0] == 0
    assert not (out / "pyproject.toml").exists()
    odd = tmp_path / "odd.yaml"
    odd.write_text(SEED.read_text().replace("version: '0.82'", "version: 'v2 (beta)'").replace(
        'version: "0.82"', 'version: "v2 (beta)"'))
    code, _, err = sdkforge(capsys, "generate", odd, "-o", tmp_path / "odd", "--meta",
                            "--cache-dir", cache)
    assert code == 0 and "is not a Python package version" in err and "#/info/version" in err
    assert 'version = "0.0.0"' in (tmp_path / "odd" / "pyproject.toml").read_text()


@pytest.mark.slow
def test_meta_output_installs_with_pip_into_a_fresh_virtualenv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert sdkforge(capsys, "generate", SEED, "-o", out, "--meta", "--no-cache", "-q")[0] == 0
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(out)],
        capture_output=True, text=True, timeout=600, env=environ
    )
    assert install.returncode == 0, install.stderr[-2000:]
    probe = ("import importlib.resources, mixpeek; "
             "assert importlib.resources.files('mixpeek').joinpath('py.typed').is_file(); "
             "c = mixpeek.Mixpeek(base_url='http://127.0.0.1:1'); "
             "print(type(c).__name__, mixpeek.__file__)")
    ran = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path, env=environ)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("Mixpeek ") and str(env_dir) in ran.stdout
    shutil.rmtree(env_dir)


def test_pre_commit_hooks_run_from_the_project_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"sdkforge-check", "sdkforge-generate"}
    shutil.copy(SEED, tmp_path / "openapi.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sdkforge]\nspec = "openapi.yaml"\noutput = "sdk"\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SDKFORGE_CACHE_DIR", str(tmp_path / "cache"))

    def hook(name: str) -> int:
        entry = hooks[name]["entry"].split()
        assert entry[0] == "sdkforge" and hooks[name]["pass_filenames"] is False
        return sdkforge(capsys, *entry[1:])[0]

    assert hook("sdkforge-check") == 1  # nothing generated yet
    generated_client = tmp_path / "sdk" / "mixpeek" / "_client.py"
    assert hook("sdkforge-generate") == 0 and generated_client.is_file()
    assert hook("sdkforge-check") == 0
