"""`--package-version next`: the next semantic version from the previous generation's and the
API diff (bump.version), through the command: the small zoo specs in tests/bump/ (each one
change from zoo.yaml), the first generation, `check` with nothing changed, the configuration,
and the real Mixpeek bump 2025-12-19 -> 2026-01-20."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sdkforge import cli
from sdkforge.bump.change import Change, Report
from sdkforge.bump.version import next_version
from sdkforge.emit.surface import Surface

ROOT = Path(__file__).resolve().parent.parent
ZOO = ROOT / "tests" / "bump"
MIXPEEK = ROOT.parent / "shared" / "specs" / "mixpeek"


def sdkforge(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def version_in(out: Path) -> str:
    match = re.search(r'^version = "([^"]+)"', (out / "pyproject.toml").read_text(), re.M)
    assert match is not None
    return match.group(1)


def generate_next(capsys: pytest.CaptureFixture[str], spec: Path, out: Path,
                  *more: str | Path) -> str:
    code, stdout, err = sdkforge(capsys, "generate", spec, "-o", out, "--meta",
                                 "--package-version", "next", "--no-cache", *more)
    assert code == 0, err
    return stdout


def test_first_generation_takes_info_version(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    stdout = generate_next(capsys, ZOO / "zoo.yaml", tmp_path / "out")
    assert version_in(tmp_path / "out") == "1.4.2"
    assert "package version 1.4.2: the first version, info.version '1.4.2'" in stdout


def test_first_generation_without_a_pep440_info_version(capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path) -> None:
    spec = tmp_path / "zoo.yaml"
    spec.write_text((ZOO / "zoo.yaml").read_text().replace("version: 1.4.2",
                                                           "version: 'v2 (beta)'"))
    stdout = generate_next(capsys, spec, tmp_path / "out")
    assert version_in(tmp_path / "out") == "0.1.0"
    assert "0.1.0: the first version (0.1.0: info.version 'v2 (beta)' is not" in stdout


@pytest.mark.parametrize(("bumped", "version", "because"), [
    ("zoo-breaking.yaml", "2.0.0", "major, because `client.pets.list` lost argument `limit`"),
    ("zoo-added.yaml", "1.5.0", "minor, because `Pet.age`: field added"),
    ("zoo-doc.yaml", "1.4.3", "patch, because `Pet`: description changed"),
])
def test_next_follows_the_api_diff(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                   bumped: str, version: str, because: str) -> None:
    out, changelog = tmp_path / "out", tmp_path / "CHANGES.md"
    generate_next(capsys, ZOO / "zoo.yaml", out, "--changelog", changelog)
    stdout = generate_next(capsys, ZOO / bumped, out, "--changelog", changelog)
    assert version_in(out) == version
    assert f"package version {version}: {because}" in stdout
    assert f"Version {version}: {because}." in changelog.read_text()
    # Nothing changed since: the version stays, no entry is added, `check` agrees.
    text = changelog.read_text()
    stdout = generate_next(capsys, ZOO / bumped, out, "--changelog", changelog)
    assert version_in(out) == version and "the version is kept" in stdout
    assert changelog.read_text() == text
    code, stdout, err = sdkforge(capsys, "check", ZOO / bumped, "-o", out, "--meta",
                                 "--package-version", "next", "--no-cache")
    assert code == 0 and "is up to date" in stdout, err


def test_an_unchanged_spec_with_every_kind_of_entry_keeps_its_version(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The surface a generation computes equals the one the next reads back from the output
    folder: the features spec has server variables, whose enum members were once written in
    one quoting and read back in another, a "breaking change" on every regeneration."""
    out = tmp_path / "out"
    spec = ROOT / "specs" / "features.yaml"
    generate_next(capsys, spec, out)
    first = version_in(out)
    stdout = generate_next(capsys, spec, out)
    assert version_in(out) == first and "the version is kept" in stdout, stdout


def test_check_with_next_sees_a_bump(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate_next(capsys, ZOO / "zoo.yaml", out)
    code, _, err = sdkforge(capsys, "check", ZOO / "zoo-added.yaml", "-o", out, "--meta",
                            "--package-version", "next", "--no-cache")
    assert code == 1 and "changed: pyproject.toml" in err
    version = version_in(out)
    assert f"  generated as package version {version} (--meta); now " in err


def test_next_from_the_configuration(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.sdkforge]\nspec = "spec.yaml"\noutput = "out"\nmeta = true\n'
                      'package-version = "next"\n')
    spec = tmp_path / "spec.yaml"
    spec.write_text((ZOO / "zoo.yaml").read_text())
    assert sdkforge(capsys, "generate", "--config", config, "--no-cache")[0] == 0
    spec.write_text((ZOO / "zoo-breaking.yaml").read_text())
    assert sdkforge(capsys, "generate", "--config", config, "--no-cache")[0] == 0
    assert version_in(tmp_path / "out") == "2.0.0"


def report(*severities: str) -> Report:
    empty = Surface("t", "1", "p")
    return Report(empty, empty, tuple(
        Change(severity, "method", f"client.r.m{i}", "x", "")  # type: ignore[arg-type]
        for i, severity in enumerate(severities)))


@pytest.mark.parametrize(("previous", "severities", "expected"), [
    ("1.4.2", ("docs", "breaking"), "2.0.0"),
    ("1.4.2", ("docs", "additive"), "1.5.0"),
    ("1.4.2", ("docs",), "1.4.3"),
    ("1.4.2", (), "1.4.2"),
    # 0.x, as Cargo and npm read semver: breaking bumps the minor part, the rest the patch
    ("0.81", ("breaking",), "0.82.0"),
    ("0.4.2", ("additive",), "0.4.3"),
    ("0.4.2", ("docs",), "0.4.3"),
    # only the release numbers count; suffixes go
    ("1.3.0rc1", ("breaking",), "2.0.0"),
    ("v2.1", ("additive",), "2.2.0"),
    ("2.0.0.post3", ("docs",), "2.0.1"),
])
def test_next_version_rules(previous: str, severities: tuple[str, ...], expected: str) -> None:
    assert next_version(previous, report(*severities)).version == expected


@pytest.mark.slow
def test_real_mixpeek_bump_is_a_0x_breaking_release(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    out, changelog = tmp_path / "out", tmp_path / "CHANGES.md"
    generate_next(capsys, MIXPEEK / "openapi-2025-12-19.json", out, "--changelog", changelog)
    assert version_in(out) == "0.81"
    stdout = generate_next(capsys, MIXPEEK / "openapi-2026-01-20.json", out,
                           "--changelog", changelog)
    assert version_in(out) == "0.82.0"  # info.version is 0.81 in both: the API decides
    decided = ("0.82.0: minor (a breaking change below 1.0.0), because "
               "`client.bucket_objects.create` lost argument `metadata`")
    assert f"package version {decided}" in stdout
    entry = changelog.read_text().split("\n## ")[-1]
    assert f"Version {decided}." in entry and len(entry) < 60_000
