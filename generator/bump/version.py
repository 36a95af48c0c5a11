"""`--package-version next`: the package's next semantic version, from the version the previous
generation used and what the spec bump changed in the Python API.

A breaking change makes a major release, an addition a minor one, anything else in the API (a
description, a deprecation) a patch; no change keeps the version, so regenerating (or `check`)
with nothing changed gives the same version. Below 1.0.0 the first non-zero part is the major
one, as Cargo and npm read semver for 0.x: a breaking change bumps the minor part (0.4.2 ->
0.5.0) and anything else the patch part (0.4.2 -> 0.4.3). Only the release numbers of the
previous version are kept (1.2 is 1.2.0; 1.3.0rc1 counts as 1.3.0; a pre-release, post-release
or dev suffix is dropped by a bump).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sdkforge.bump.change import Change, Report
from sdkforge.bump.diff import compare
from sdkforge.emit.surface import SURFACE_FILE, Surface
from sdkforge.output.manifest import read_manifest

NEXT = "next"
FIRST = "0.1.0"  # the first version when info.version is not a Python package version
Level = Literal["major", "minor", "patch", "none", "first"]

_RELEASE = re.compile(r"\s*[vV]?(?:\d+!)?(\d+(?:\.\d+)*)")


@dataclass(frozen=True, slots=True)
class Previous:
    """What the output folder says of the generation before: its package version (None when it
    wrote none) and its API surface (None when it has none)."""

    version: str | None
    surface: Surface | None


@dataclass(frozen=True, slots=True)
class Bump:
    version: str
    level: Level
    because: str  # the change that decided it, or why there was nothing to decide
    below_1: str = ""  # below 1.0.0, what the change would have made: "breaking", "addition"

    def sentence(self) -> str:
        """e.g. "2.0.0: major, because `client.pets.list` lost argument `limit`"."""
        if self.level in ("none", "first"):
            return f"{self.version}: {self.because}"
        note = f" (a {self.below_1} below 1.0.0)" if self.below_1 else ""
        return f"{self.version}: {self.level}{note}, because {self.because}"


def first_version(info_version: str, valid: bool) -> Bump:
    """The version of a first generation: info.version when it is a Python package version."""
    if valid:
        text = info_version.strip()
        text = text[1:] if text[:1] in "vV" else text
        return Bump(text, "first", f"the first version, info.version {text!r}")
    return Bump(FIRST, "first", f"the first version ({FIRST}: info.version "
                                f"{info_version.strip()[:40]!r} is not a Python package version)")


def resolve_next(
    previous: Previous | None, surface: Surface, info_version: str, valid: bool
) -> Bump:
    """The version `next` stands for, given what the output folder held before (None: no
    previous generation) and the new API `surface`."""
    if previous is None or previous.version is None:
        return first_version(info_version, valid)
    if previous.surface is None:
        return Bump(previous.version, "none", "the output folder holds no API surface to "
                                              "compare with, the version is kept")
    return next_version(previous.version, compare(previous.surface, surface))


def next_version(previous: str, report: Report) -> Bump:
    """The version after `previous` for the API changes in `report`."""
    decisive = _decisive(report)
    if decisive is None:
        return Bump(previous, "none", "no change to the Python API, the version is kept")
    level: Level = ("major" if decisive.severity == "breaking"
                    else "minor" if decisive.severity == "additive" else "patch")
    match = _RELEASE.match(previous)
    numbers = [int(n) for n in match.group(1).split(".")] if match else [0]
    major, minor, patch = [*numbers, 0, 0][:3]
    below_1 = ""
    if major == 0 and level != "patch":  # 0.x: the minor part is the major one
        below_1 = "breaking change" if level == "major" else "addition"
        level = "minor" if level == "major" else "patch"
    if level == "major":
        version = f"{major + 1}.0.0"
    elif level == "minor":
        version = f"{major}.{minor + 1}.0"
    else:
        version = f"{major}.{minor}.{patch + 1}"
    return Bump(version, level, _because(decisive), below_1)


def _decisive(report: Report) -> Change | None:
    """The change that decides the bump: the first of the most severe kind, in report order
    (the calls' own changes first)."""
    for severity in ("breaking", "additive", "docs"):
        for change in report.changes:
            if change.severity == severity:
                return change
    return None


def _because(change: Change) -> str:
    method, _, argument = change.symbol.partition("(")
    if change.kind == "param" and change.what == "parameter removed" and argument:
        return f"`{method}` lost argument `{argument.rstrip(')')}`"
    return f"`{change.symbol}`: {change.what}"


def read_previous(out: Path) -> Previous:
    """The version and the API surface the generation that wrote `out` left there: the version
    as its manifest records it (`meta`), else as the pyproject.toml it wrote says it."""
    manifest = read_manifest(out)
    recorded = manifest.options.get("meta") if manifest is not None else None
    version = recorded if isinstance(recorded, str) else _pyproject_version(out)
    try:
        surface: Surface | None = Surface.from_json(
            (out / SURFACE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        surface = None
    return Previous(version, surface)


def _pyproject_version(out: Path) -> str | None:
    try:
        data = tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    project = data.get("project")
    version = project.get("version") if isinstance(project, dict) else None
    return version if isinstance(version, str) else None
