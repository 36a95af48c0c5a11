"""Dict inputs type-check: a user's call giving plain dicts where a method takes models passes
`mypy --strict` and `pyright --strict`; a wrong key, a wrong literal, a missing required key
or a read-only key is an error under both. On a small spec with every shape
(tests/behaviour/dict_inputs.yaml) and on OpenAI's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sdkforge.config import GenerateOptions
from sdkforge.output.write import write
from sdkforge.pipeline import Generated, generate

ROOT = Path(__file__).resolve().parent
DICTS_SPEC = ROOT / "behaviour" / "dict_inputs.yaml"


def _mypy(folder: Path, package: Path, names: list[str]) -> tuple[int, dict[str, list[int]]]:
    """mypy --strict's exit on the files `names` of `folder` (the package on MYPYPATH), and
    the lines of its errors in each of them."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *names],
        capture_output=True, text=True, cwd=folder, timeout=600,
        env={"MYPYPATH": str(package), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    found: dict[str, set[int]] = {name: set() for name in names}
    for line in done.stdout.splitlines():
        if ": error:" in line:
            name = Path(line.split(":")[0]).name
            assert name in found, done.stdout  # none in the package
            found[name].add(int(line.split(":")[1]))
    return done.returncode, {name: sorted(lines) for name, lines in found.items()}


def _pyright(folder: Path, package: Path, names: list[str]) -> dict[str, list[int]]:
    """The lines of pyright --strict's errors in each of the files `names` of `folder` (the
    package on its path)."""
    config = {"typeCheckingMode": "strict", "pythonVersion": "3.11", "include": names,
              "extraPaths": [str(package)]}
    (folder / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable,
         "--project", str(folder)],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYRIGHT_PYTHON_GLOBAL_NODE": "0"},
    )
    assert done.stdout.lstrip().startswith("{"), done.stdout[-2000:] + done.stderr[-2000:]
    found: dict[str, set[int]] = {name: set() for name in names}
    for d in json.loads(done.stdout)["generalDiagnostics"]:
        if d["severity"] == "error":
            found[Path(d["file"]).name].add(d["range"]["start"]["line"] + 1)
    return {name: sorted(lines) for name, lines in found.items()}


def mypy_errors(folder: Path, package: Path, code: str) -> tuple[int, list[int]]:
    """mypy --strict's exit and the lines of its errors in `code` (the package on MYPYPATH)."""
    (folder / "user.py").write_text(code, encoding="utf-8")
    status, found = _mypy(folder, package, ["user.py"])
    return status, found["user.py"]


def pyright_errors(folder: Path, package: Path, code: str) -> list[int]:
    """The lines of pyright --strict's errors in `code` (the package on its path)."""
    (folder / "user.py").write_text(code, encoding="utf-8")
    return _pyright(folder, package, ["user.py"])["user.py"]


def errors_by_file(folder: Path, package: Path, codes: dict[str, str]) -> dict[str, list[int]]:
    """The lines of mypy --strict's and of pyright --strict's errors in each of `codes` (by file
    name), all checked in one run of each: {"mypy:<name>": lines, "pyright:<name>": lines}."""
    for name, code in codes.items():
        (folder / name).write_text(code, encoding="utf-8")
    _, mypy = _mypy(folder, package, list(codes))
    pyright = _pyright(folder, package, list(codes))
    return {**{f"mypy:{n}": lines for n, lines in mypy.items()},
            **{f"pyright:{n}": lines for n, lines in pyright.items()}}


@pytest.fixture(scope="module")
def dicts_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dicts_types")
    write(out, generate(GenerateOptions(DICTS_SPEC, package="dicts")).files)
    return out


DICTS_GOOD = """
import datetime
from typing import assert_type

import dicts
from dicts.params import CategoryParam, LineParam

client = dicts.Dicts(base_url="http://127.0.0.1:9")
lines: list[LineParam] = [{"sku": "a", "qty": 1, "at": datetime.datetime.now()}]
tree: CategoryParam = {"name": "root", "children": [{"name": "leaf", "children": []}]}
order = client.orders.create_order(
    customer={"name": "Ada", "password": "pw", "born": datetime.date(1815, 12, 10), "tier": "gold",
              "address": {"city": "London", "zip-code": "W1", "class": "first"}},
    lines=lines,
    payment={"kind": "card", "last4": "4242"},
    gift=None,
    labels={"box": {"text": "fragile"}},
    category=tree,
    filter={"status": "open", "price": {"min": 1}},
)
assert_type(order, dicts.models.Order)
client.orders.create_order(
    customer=dicts.models.Customer(name="Ada"),
    lines=[dicts.models.Line(sku="b", qty=2), {"sku": "c", "qty": 3}],
    payment={"kind": "transfer", "iban": "DE89"},
)
client.orders.create_orders(body=[{"sku": "a", "qty": 1}])
client.orders.add_address(address={"city": "Paris"})
"""

DICTS_BAD = """
import dicts
from dicts.params import CardParam

card: CardParam = {"kind": "card", "last4": "4242"}
order = dicts.Dicts(base_url="http://127.0.0.1:9").orders.create_order
order(customer={"name": "Ada", "nmae": "x"}, lines=[], payment=card)
order(customer={"name": "Ada"}, lines=[], payment={"kind": "cash", "last4": "1"})
order(customer={"name": "Ada"}, lines=[{"sku": "a"}], payment=card)
order(customer={"name": "Ada", "id": "c1"}, lines=[], payment=card)
order(customer={"name": "Ada", "tier": "bronze"}, lines=[], payment=card)
order(customer={"name": "Ada"}, lines=[{"sku": "a", "qty": "one"}], payment=card)
order(customer={"name": "A", "address": {"city": "P", "zip_code": "1"}}, lines=[], payment=card)
"""
# One error a line from line 7 on: an unknown key, a tag no variant has, a required key left
# out, a read-only key, a value outside the enum, a wrong value type, a key by its Python name.
DICTS_BAD_LINES = [7, 8, 9, 10, 11, 12, 13]


def test_dict_inputs_type_check_under_mypy(dicts_package: Path, tmp_path: Path) -> None:
    assert mypy_errors(tmp_path, dicts_package, DICTS_GOOD) == (0, [])
    assert mypy_errors(tmp_path, dicts_package, DICTS_BAD) == (1, DICTS_BAD_LINES)


def test_dict_inputs_type_check_under_pyright(dicts_package: Path, tmp_path: Path) -> None:
    assert pyright_errors(tmp_path, dicts_package, DICTS_GOOD) == []
    assert pyright_errors(tmp_path, dicts_package, DICTS_BAD) == DICTS_BAD_LINES


OPENAI_GOOD = """
from typing import assert_type

import {pkg}

client = {pkg}.{client}(api_key="k", base_url="http://127.0.0.1:9")
r = client.chat.create_completion(model="gpt-4o", messages=[{{"role": "user", "content": "hi"}}])
assert_type(r, {pkg}.models.CreateChatCompletionResponse)
client.chat.create_completion(
    model="gpt-4o",
    messages=[
        {{"role": "system", "content": "Be brief."}},
        {{"role": "user", "content": [{{"type": "text", "text": "hi"}}]}},
    ],
)
"""

OPENAI_BAD = """
import {pkg}

client = {pkg}.{client}(api_key="k", base_url="http://127.0.0.1:9")
client.chat.create_completion(model="gpt-4o", messages=[{{"role": "user", "contnt": "hi"}}])
client.chat.create_completion(model="gpt-4o", messages=[{{"role": "usr", "content": "hi"}}])
"""


@pytest.fixture(scope="module")
def openai_package(
    public_clients: dict[str, tuple[Path, Generated]]
) -> Iterator[tuple[Path, str, str]]:
    folder, gen = public_clients["openai-openapi"]
    yield folder, gen.package, gen.client


@pytest.mark.slow
def test_openai_chat_messages_as_dicts_type_check(
    openai_package: tuple[Path, str, str], tmp_path: Path
) -> None:
    folder, pkg, client = openai_package
    codes = {"good.py": OPENAI_GOOD.format(pkg=pkg, client=client),
             "bad.py": OPENAI_BAD.format(pkg=pkg, client=client)}
    assert errors_by_file(tmp_path, folder, codes) == {
        "mypy:good.py": [], "mypy:bad.py": [5, 6], "pyright:good.py": [], "pyright:bad.py": [5, 6]}


def test_the_readme_example_of_dict_inputs_type_checks(tmp_path: Path) -> None:
    readme = (ROOT.parent / "generated" / "features" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Nested inputs: models or plain dicts", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    code = "import features\n\nclient = features.Features()\n" + example
    assert mypy_errors(tmp_path, ROOT.parent / "generated" / "features", code) == (0, [])
    wrong = code.replace('"sku"', '"skuu"', 1)
    assert wrong != code and mypy_errors(tmp_path, ROOT.parent / "generated" / "features",
                                         wrong) == (1, [4])
