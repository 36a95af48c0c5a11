"""IR text cases: a short spec fragment beside the IR and names sdkforge makes of it.

Each `tests/ir_cases/*.test` file holds cases:

    -- case: a short name
    <a YAML spec fragment: `components` and `paths`; `openapi` and `info` are added when missing>
    -- ir
    <the expected text of `sdkforge.names.printer.print_api`>

A case runs load -> resolve -> build -> names in a few milliseconds, without validation or
rendering. `pytest tests/test_ir_cases.py --update-ir-cases` rewrites the expected text with
what sdkforge prints now: review the diff, it is the behaviour change.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from sdkforge.diagnostics import Diagnostics
from sdkforge.model.build import build
from sdkforge.names.assign import assign
from sdkforge.names.printer import print_api
from sdkforge.read.load import load
from sdkforge.read.resolve import resolve

CASES = Path(__file__).resolve().parent / "ir_cases"
_HEADER = re.compile(r"^-- case: (.+)$", re.M)


@dataclass
class Case:
    file: Path
    name: str
    spec: str
    expected: str


def read_cases(path: Path) -> list[Case]:
    text = path.read_text(encoding="utf-8")
    parts = _HEADER.split(text)  # [text before the first case, name, body, name, body, ...]
    cases = []
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        spec, _, expected = body.partition("\n-- ir\n")
        expected = expected.strip("\n")
        expected = expected + "\n" if expected else ""
        cases.append(Case(path, name.strip(), spec.strip("\n") + "\n", expected))
    return cases


def write_cases(path: Path, cases: list[Case]) -> None:
    parts = [f"-- case: {c.name}\n{c.spec}-- ir\n{c.expected}" for c in cases]
    path.write_text("\n".join(parts), encoding="utf-8")


def named_ir(spec: str, tmp: Path) -> str:
    data = yaml.safe_load(spec) or {}
    data.setdefault("openapi", "3.1.0")
    data.setdefault("info", {"title": "Cases", "version": "1"})
    data.setdefault("paths", {})
    path = tmp / "spec.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    found = Diagnostics()
    api = build(resolve(load(path), found), found)
    text = print_api(api, assign(api))
    notes = [f"! {d.level}: {d.pointer}: {d.message}" for d in found.items]
    return text + "".join(f"{n}\n" for n in notes)


ALL = [case for path in sorted(CASES.glob("*.test")) for case in read_cases(path)]


@pytest.mark.parametrize("case", ALL, ids=[f"{c.file.stem}:{c.name}" for c in ALL])
def test_ir_case(case: Case, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    actual = named_ir(case.spec, tmp_path)
    if request.config.getoption("--update-ir-cases"):
        cases = read_cases(case.file)
        for c in cases:
            if c.name == case.name:
                c.expected = actual
        write_cases(case.file, cases)
        return
    assert actual == case.expected, (
        f"{case.file.name}, case {case.name!r}: the IR changed; if that is intended, run "
        f"pytest tests/test_ir_cases.py --update-ir-cases and review the diff\n"
        + textwrap.indent(actual, "    ")
    )


def test_cases_exist_and_have_names() -> None:
    assert len(ALL) >= 10
    names = [(c.file.stem, c.name) for c in ALL]
    assert len(set(names)) == len(names), "two cases share a name"
