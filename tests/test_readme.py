"""What a user meets first: the generated README, read as text (it must lay out as markdown),
and the package's names.

Golden files cannot catch a template's whitespace fault once it is in them (the method lists
once collapsed onto one line per resource and the golden README held that), so this reads the
rendered text itself."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from sdkforge.config import GenerateOptions
from sdkforge.pipeline import generate

ROOT = Path(__file__).resolve().parent.parent


def test_each_method_is_one_list_item_and_each_resource_its_own_section() -> None:
    result = generate(GenerateOptions(ROOT / "specs" / "features.yaml"))
    readme = result.files["README.md"]
    methods = [e for e in result.surface.entries.values() if e.kind == "method"]
    resources = [e for e in result.surface.entries.values() if e.kind == "resource"]
    listed = readme.split("## Resources and methods", 1)[1]
    items = [line for line in listed.splitlines() if line.startswith("- `")]
    assert len(items) == len(methods) > 10
    assert all(line.count("- `") <= 1 for line in readme.splitlines())
    for method in methods:  # `- `name(...)` -> `type`: summary`, the method's own line
        assert any(re.match(rf"- `{re.escape(method.name)}\(", line) for line in items), method.name
    headings = [line for line in readme.splitlines() if line.startswith("### ")]
    assert len(headings) == len(resources)
    for heading in headings:  # a blank line before every section heading, as markdown wants
        before = readme.splitlines()[readme.splitlines().index(heading) - 1]
        assert before == "", heading
    assert readme.endswith("\n") and not readme.endswith("\n\n\n")


def test_the_example_passes_the_credentials_most_operations_send() -> None:
    """A README example that builds the client without credentials makes a first call that
    is a 401: it passes the most used scheme's arguments and names their variables."""
    readme = generate(GenerateOptions(ROOT / "specs" / "features.yaml")).files["README.md"]
    assert 'client = features.Features(api_key="...")' in readme
    assert "# api_key: your credential, or leave it out and set $FEATURES_API_KEY" in readme
    seed = generate(GenerateOptions(ROOT / "specs" / "mixpeek-trigger-history.yaml")).files
    assert "client = mixpeek.Mixpeek()  #" in seed["README.md"]  # it declares no credentials


HEADERS_SPEC = """
openapi: 3.1.0
info: {title: Flows, version: '1'}
servers: [{url: 'https://flows.example'}]
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
  parameters:
    version: {name: x-flows-api-version, in: header, schema: {type: string}}
paths:
  /flows:
    get:
      operationId: listFlows
      security: [{token: []}]
      parameters: [{$ref: '#/components/parameters/version'}]
      responses: {'204': {description: ok}}
  /health:
    get:
      operationId: health
      parameters: [{$ref: '#/components/parameters/version'}]
      responses: {'204': {description: ok}}
"""


def test_a_header_setting_is_not_shown_as_the_credential(tmp_path: Path) -> None:
    """A header every operation takes (an API version) becomes a client setting; the example
    still passes the declared credential, and a header setting shown alone is called one."""
    spec = tmp_path / "flows.yaml"
    spec.write_text(HEADERS_SPEC, encoding="utf-8")
    readme = generate(GenerateOptions(spec)).files["README.md"]
    assert 'client = flows.FlowsClient(api_key="...")' in readme
    assert "# api_key: your credential, or leave it out and set $FLOWS_API_KEY" in readme
    unsecured = HEADERS_SPEC.replace("      security: [{token: []}]\n", "").replace(
        "  securitySchemes:\n    token: {type: http, scheme: bearer}\n", "")
    spec.write_text(unsecured, encoding="utf-8")
    readme = generate(GenerateOptions(spec)).files["README.md"]
    assert 'client = flows.FlowsClient(flows_api_version="...")' in readme
    assert ("# flows_api_version: a header every call sends, or leave it out and set "
            "$FLOWS_FLOWS_API_VERSION") in readme


def test_the_package_shows_its_api_not_its_helper_imports(
    make_client: Callable[[str, str], ModuleType],
) -> None:
    pkg = make_client("""
    openapi: 3.1.0
    info: {title: Shop, version: '1'}
    paths:
      /things:
        get:
          responses: {'204': {description: none}}
    """, "shop")
    shown = dir(pkg)
    assert "Shop" in shown and "NotFoundError" in shown and "models" in shown
    assert not {"Any", "TYPE_CHECKING", "annotations"} & set(shown)
    assert shown == sorted(pkg.__all__)


def test_a_long_list_of_methods_is_written_to_api_md(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    # The README is the package's long description (`--meta`): its metadata holds it and PyPI
    # shows it. Past `README_METHODS_UP_TO`, the methods are listed in API.md beside it.
    from sdkforge.emit import render
    from sdkforge.output.write import write

    options = GenerateOptions(ROOT / "specs" / "features.yaml", meta=True)
    inline = generate(options).files
    assert "API.md" not in inline
    section = inline["README.md"][inline["README.md"].index("## Resources and methods"):]
    section = section[:section.index("\n## Event streams")]  # the list's text, newlines aside
    monkeypatch.setattr(render, "README_METHODS_UP_TO", len(section) - 10)
    result = generate(options)
    readme, reference = result.files["README.md"], result.files["API.md"]
    assert section in reference and "## Resources and methods" in readme
    assert section not in readme and "- `follow_events(" not in readme
    assert reference.startswith("<!-- Generated by sdkforge.")
    assert "[API.md](API.md)" in readme and "## Event streams" in readme
    resources = [e for e in result.surface.entries.values() if e.kind == "resource"]
    row = re.compile(r"\| `client\.\w+` \| \d+ \|")  # resource, methods
    rows = [line for line in readme.splitlines() if row.fullmatch(line)]
    assert len(rows) == len(resources) > 5
    assert len(readme) < len(inline["README.md"]) - len(section) // 2
    assert 'readme = "README.md"' in result.files["pyproject.toml"]
    write(tmp_path, result.files)  # the manifest lists it, so `check` and `clean` know it
    assert "API.md" in json.loads((tmp_path / ".sdkforge-manifest.json").read_text())["files"]
    monkeypatch.setattr(render, "README_METHODS_UP_TO", len(section))
    assert "API.md" not in generate(options).files
