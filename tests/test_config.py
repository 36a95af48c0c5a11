"""[tool.sdkforge] in pyproject.toml: options, header lifting and pagination overrides."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sdkforge.config import GenerateOptions, load_config
from sdkforge.errors import ConfigError
from sdkforge.pipeline import generate

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "specs" / "mixpeek-trigger-history.yaml"

SPEC = """
openapi: 3.1.0
info: {title: Configured, version: '1'}
paths:
  /things:
    get:
      operationId: list_things
      parameters:
        - {name: X-Namespace, in: header, schema: {type: string}}
        - {name: X-Request-Id, in: header, schema: {type: string}}
        - {name: marker, in: query, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  things: {type: array, items: {type: string}}
                  meta: {type: object, properties: {next_marker: {type: string}}}
  /other:
    get:
      operationId: get_other
      parameters:
        - {name: X-Request-Id, in: header, schema: {type: string}}
      responses: {'204': {description: ok}}
"""


def write(tmp_path: Path, toml: str) -> Path:
    (tmp_path / "spec.yaml").write_text(SPEC)
    config = tmp_path / "pyproject.toml"
    config.write_text(toml)
    return config


def test_headers_are_renamed_kept_or_lifted_and_pagination_is_declared(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """
[tool.sdkforge]
spec = "spec.yaml"
output = "out"
package-name = "conf"
client-name = "ConfClient"

[tool.sdkforge.headers]
"X-Namespace" = "tenant"
"X-Request-Id" = false

[tool.sdkforge.pagination.list_things]
style = "cursor"
param = "marker"
items = "things"
cursor = "meta.next_marker"
"""))
    assert config.spec == tmp_path / "spec.yaml" and config.output == tmp_path / "out"
    options = GenerateOptions(config.spec, package=config.package_name, client=config.client_name,
                              config=config)
    files = generate(options).files
    client = files["conf/_client.py"]
    assert "class ConfClient(SyncAPIClient):" in client
    assert "tenant: str | None = None" in client and "CONF_TENANT" in client
    resource = files["conf/resources/things.py"]
    # Kept as a parameter although shared
    assert "x_request_id: str | NotGiven = NOT_GIVEN" in resource
    assert "x_namespace" not in resource
    flat = "".join(resource.split())
    assert 'PageSpec("cursor","query","marker","things",cursor=("meta","next_marker"' in flat


def test_pagination_can_be_turned_off(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, '[tool.sdkforge]\n[tool.sdkforge.pagination]\nlist_things = false\n')
    )
    files = generate(GenerateOptions(tmp_path / "spec.yaml", config=config)).files
    assert "PageSpec" not in files["configured/resources/things.py"]


ITEM_CURSOR_SPEC = """
openapi: 3.1.0
info: {title: Configured, version: '1'}
paths:
  /charges:
    get:
      operationId: list_charges
      parameters:
        - {name: from_id, in: query, schema: {type: string}}
        - {name: count, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  rows: {type: array, items: {$ref: '#/components/schemas/Charge'}}
                  meta: {type: object, properties: {more: {type: boolean}}}
components:
  schemas:
    Charge:
      type: object
      properties: {id: {type: string}, amount: {type: integer}}
"""


def test_a_configured_item_cursor_and_end_field_reach_the_page_spec(tmp_path: Path) -> None:
    """Nothing here is detected (`from_id`, `rows`, `meta.more` are no conventional names):
    the entry alone makes the method page by the last item's id, until `meta.more` is false."""
    (tmp_path / "spec.yaml").write_text(ITEM_CURSOR_SPEC)
    plain = generate(GenerateOptions(tmp_path / "spec.yaml")).files
    assert "PageSpec" not in plain["configured/resources/charges.py"]
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.sdkforge.pagination.list_charges]\nstyle = "cursor"\n'
                      'param = "from_id"\nitems = "rows"\nitem-cursor = "id"\n'
                      'has-more = "meta.more"\nsize = "count"\n')
    files = generate(GenerateOptions(tmp_path / "spec.yaml", config=load_config(config))).files
    flat = "".join(files["configured/resources/charges.py"].split())
    assert ('PageSpec("cursor","query","from_id","rows",has_more=("meta","more"),'
            'item_cursor="id",size="count",)') in flat
    row = ("| `client.charges.list` | cursor: `from_id` = the last item's `id` "
           "| `meta.more` is false or an empty page |")
    assert row in files["README.md"]


@pytest.mark.parametrize(("entry", "message"), [
    ('style = "page"\nparam = "count"\nitems = "rows"\npages = "meta.pages"\n',
     "the configured pages path 'meta.pages' is not in the response"),
    ('style = "cursor"\nparam = "from_id"\nitems = "rows"\nitem-cursor = "uuid"\n',
     "the configured item-cursor 'uuid' is not a field of the items"),
    ('style = "page"\nparam = "page"\nitems = "rows"\n',
     "names a parameter ('page') the operation does not have"),
    ('style = "url"\nitems = "meta"\nnext = "meta.more"\n',
     "names an items field ('meta') the response does not have as a list"),
])
def test_a_configured_field_the_operation_lacks_is_a_located_warning(
    tmp_path: Path, entry: str, message: str
) -> None:
    (tmp_path / "spec.yaml").write_text(ITEM_CURSOR_SPEC)
    config = tmp_path / "pyproject.toml"
    config.write_text(f"[tool.sdkforge.pagination.list_charges]\n{entry}")
    result = generate(GenerateOptions(tmp_path / "spec.yaml", config=load_config(config)))
    assert "PageSpec" not in result.files["configured/resources/charges.py"]
    (found,) = [d for d in result.diagnostics if message in d.message]
    assert found.level == "warning" and found.pointer == "/paths/~1charges/get"
    assert found.message.startswith("list_charges: ") and found.line is not None


@pytest.mark.parametrize(("toml", "needle"), [
    ('[tool.sdkforge]\nstrikt = true\n', "unknown key 'strikt'"),
    ('[tool.sdkforge.headers]\n"X-A" = 3\n', "'X-A' must be a Python argument name or false"),
    ('[tool.sdkforge.pagination.x]\nstyle = "cursor"\nparam = "c"\nitems = "i"\n',
     "needs 'cursor'"),
    ('[tool.sdkforge.pagination.x]\nstyle = "offset"\nparam = "o"\nitems = "i"\nsize = 3\n',
     "pagination.x: 'size' must be a non-empty string"),
    ('[tool.sdkforge.pagination.x]\nstyle = "offset"\nparam = "o"\nlimit = "l"\n',
     "pagination.x: unknown key 'limit'"),
    ('[tool.sdkforge.pagination.x]\nstyle = "pages"\n',
     "pagination.x: 'style' must be offset, page, cursor, link or url"),
    ('[tool.sdkforge.pagination.x]\nstyle = "page"\nitems = "i"\n',
     "pagination.x: 'param' is required (a string) for the page style"),
    ('[tool.sdkforge.pagination.x]\nstyle = "cursor"\nparam = "c"\ncursor = "a.b"\n'
     'item-cursor = "id"\n', "pagination.x: a cursor style needs 'cursor'"),
    ('[tool.sdkforge.pagination.x]\nstyle = "url"\n', "pagination.x: a url style needs 'next'"),
    ('[tool.sdkforge.pagination.x]\nstyle = "page"\nparam = "p"\nfirst = -1\n',
     "pagination.x: 'first' must be a page number"),
    ('[tool.sdkforge.pagination.x]\nstyle = "page"\nparam = "p"\nhas-more = ""\n',
     "pagination.x: 'has-more' must be a non-empty string"),
])
def test_bad_configuration_names_the_key(tmp_path: Path, toml: str, needle: str) -> None:
    with pytest.raises(ConfigError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        load_config(write(tmp_path, toml))


def test_cli_reads_the_config_and_flags_override_it(tmp_path: Path) -> None:
    write(tmp_path,
          '[tool.sdkforge]\nspec = "spec.yaml"\noutput = "out"\npackage-name = "from_config"\n')
    run = [sys.executable, "-m", "sdkforge.cli", "generate", "-q"]
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    assert subprocess.run(run, cwd=tmp_path, env=env, capture_output=True).returncode == 0
    assert (tmp_path / "out" / "from_config" / "__init__.py").is_file()
    done = subprocess.run([*run, "--package-name", "flagged"], cwd=tmp_path, env=env,
                          capture_output=True)
    assert done.returncode == 0 and (tmp_path / "out" / "flagged" / "__init__.py").is_file()
    (tmp_path / "pyproject.toml").write_text("[tool.sdkforge]\nnope = 1\n")
    bad = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert (bad.returncode == 2 and "unknown key 'nope'" in bad.stderr
            and "Traceback" not in bad.stderr)


def test_workflow_options_come_from_the_config_and_flags_override_them(tmp_path: Path) -> None:
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "README.md.jinja").write_text("custom readme\n")
    config = write(tmp_path, """
[tool.sdkforge]
spec = "spec.yaml"
output = "out"
templates = "tpl"
meta = true
package-version = "3.1.4"
changelog = "CHANGES.md"
cache-dir = "cache"
""")
    loaded = load_config(config)
    assert (loaded.templates == tmp_path / "tpl" and loaded.meta
            and loaded.package_version == "3.1.4")
    assert loaded.changelog == tmp_path / "CHANGES.md" and loaded.cache_dir == tmp_path / "cache"
    run = subprocess.run(
        [sys.executable, "-m", "sdkforge.cli", "generate", "--config", str(config), "-q"],
        capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert run.returncode == 0, run.stderr
    out = tmp_path / "out"
    assert (out / "README.md").read_text() == "custom readme\n"
    assert 'version = "3.1.4"' in (out / "pyproject.toml").read_text()
    assert (tmp_path / "CHANGES.md").read_text().startswith("## Configured 1")
    assert any((tmp_path / "cache").rglob("*")), "the configured cache folder is used"
    run = subprocess.run(
        [sys.executable, "-m", "sdkforge.cli", "generate", "--config", str(config), "-q",
         "--package-version", "4.0.0"],
        capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert 'version = "4.0.0"' in (out / "pyproject.toml").read_text()


@pytest.mark.parametrize(("toml", "needle"), [
    ("meta = 'yes'", "'meta' must be true or false"),
    ("templats = 'x'", "unknown key 'templats'"),
    ("package-version = ''", "'package-version' must be a non-empty string"),
])
def test_bad_workflow_options_name_the_key(tmp_path: Path, toml: str, needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        load_config(write(tmp_path, f"[tool.sdkforge]\n{toml}\n"))
