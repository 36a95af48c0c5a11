"""What a user meets first: the generated README, read as text (it must lay out as markdown),
and the package's names.

Golden files cannot catch a template's whitespace fault once it is in them (the method lists
once collapsed onto one line per resource and the golden README held that), so this reads the
rendered text itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

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
