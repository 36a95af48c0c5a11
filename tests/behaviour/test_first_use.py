"""A model's validator is built on that model's first use, not when its module is imported,
and the client imports no model and no resource module until they are used (issue 18, "first
call as cheap as the import"), over real sockets.

The spec's models form a cycle (`Folder` holds `File`s that point back to their `Folder`), so
they share one module, with a class naming one defined after it; `Audit` sits in the same
module and is never used. Generated once; each test imports it afresh, so no class was built
before.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from .packages import ClientOfKind as Api
from .packages import forget, generated_package
from .server import LoopbackServer

SPEC = """
openapi: 3.1.0
info: {title: Folders, version: '1'}
paths:
  /folders/{folder_id}:
    get:
      operationId: get_folder
      parameters: [{name: folder_id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Folder'}}}
        '404':
          description: missing
          content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}
  /audits:
    get:
      operationId: list_audits
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Audit'}}}
components:
  schemas:
    Folder:
      type: object
      required: [name]
      properties:
        name: {type: string}
        files: {type: array, items: {$ref: '#/components/schemas/File'}}
        parent: {$ref: '#/components/schemas/Folder'}
        audit: {$ref: '#/components/schemas/Audit'}
    File:
      type: object
      required: [name, size]
      properties:
        name: {type: string}
        size: {type: integer}
        folder: {$ref: '#/components/schemas/Folder'}
    Audit:
      type: object
      required: [by]
      properties:
        by: {type: string}
        folder: {$ref: '#/components/schemas/Folder'}
    Problem:
      type: object
      required: [detail]
      properties: {detail: {type: string}}
"""

FOLDER = {
    "name": "docs",
    "files": [{"name": "a.txt", "size": 3, "folder": {"name": "docs"}}],
    "parent": {"name": "root", "files": []},
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with generated_package(tmp_path_factory.mktemp("first_use"), SPEC, "folders") as module:
        yield module.__name__


@pytest.fixture
def pkg(generated: str) -> Iterator[ModuleType]:
    forget(generated)
    yield importlib.import_module(generated)
    forget(generated)


@pytest.fixture
def api(pkg: ModuleType, kind: str, server: LoopbackServer) -> Iterator[Api]:
    made = Api(pkg, kind, server.url)
    yield made
    made.close()


def built(cls: type) -> bool:
    return bool(cls.__pydantic_complete__)  # type: ignore[attr-defined]


def test_importing_models_builds_no_validator(pkg: ModuleType) -> None:
    models = pkg.models
    classes = (models.Folder, models.File, models.Audit, models.Problem)
    assert models.Folder.__module__ == models.File.__module__ == models.Audit.__module__
    assert not any(built(cls) for cls in classes)


def test_first_call_builds_only_the_models_it_validates(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    models = pkg.models
    server.reply(200, json=FOLDER)
    folder = api.call("folders.get", "f1")
    assert type(folder) is models.Folder and pkg.mismatches(folder) == ()
    assert [(type(f), f.name, f.size) for f in folder.files] == [(models.File, "a.txt", 3)]
    assert type(folder.files[0].folder) is models.Folder and folder.parent.name == "root"
    # The error model of the call and the unused model of the same module stay unbuilt.
    assert not built(models.Problem) and not built(models.Audit)
    # A model first used on its own validates as well.
    audit = models.Audit.model_validate({"by": "ann", "folder": {"name": "x", "files": []}})
    assert type(audit.folder) is models.Folder and built(models.Audit)


def test_error_model_is_built_when_an_error_comes(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    server.reply(404, json={"detail": "no such folder"})
    with pytest.raises(pkg.NotFoundError) as raised:
        api.call("folders.get", "nope")
    assert type(raised.value.body) is pkg.models.Problem
    assert raised.value.body.detail == "no such folder"


def test_a_body_that_does_not_match_is_kept_on_first_use(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    """The lenient path walks the nested models before any of them was built on its own."""
    models = pkg.models
    assert not any(built(cls) for cls in (models.Folder, models.File))
    assert not models.File.__pydantic_fields_complete__  # `Folder` is defined after it
    bad = {**FOLDER, "files": [{"name": "b.txt", "size": "big", "folder": {"name": "docs"}}]}
    server.reply(200, json=bad)
    folder = api.call("folders.get", "f1")
    assert type(folder) is models.Folder and folder.name == "docs"
    item = folder.files[0]
    assert type(item) is models.File and item.name == "b.txt" and item.size == "big"
    assert type(item.folder) is models.Folder
    assert [(m.where, m.kind) for m in pkg.mismatches(folder)] == [("files[0].size", "int_parsing")]


def loaded(prefix: str) -> set[str]:
    return {name for name in sys.modules if name.startswith(prefix)}


def test_the_client_imports_without_models_or_resources(
    pkg: ModuleType, server: LoopbackServer
) -> None:
    """`import <package>` and the client load no model and no resource module; a resource's
    module loads on first access to it, its models on its first call."""
    assert loaded("folders.models") == set() and loaded("folders.resources.") == set()
    client = pkg.FoldersClient(base_url=server.url, max_retries=0)
    assert loaded("folders.resources.") == set()
    resource = client.folders
    assert loaded("folders.resources.") == {"folders.resources.folders"}
    assert client.folders is resource and type(resource).__name__ == "Folders"
    assert "folders.models.audit" not in sys.modules
    copy = client.with_options(max_retries=1)
    assert copy.folders is not resource and copy.folders._client is copy
    server.reply(200, json=FOLDER)
    assert copy.folders.get("f1").name == "docs"
    assert "folders.models.audit" in sys.modules
    client.close()


def test_import_and_client_load_no_pydantic(generated: str, server: LoopbackServer) -> None:
    """pydantic and the runtime's response module load on the first request: `import` and
    making a client need neither; httpx loads when a client is made, not with `import`, and
    annotations read at run time still find it (a fresh process, since this one has both
    already)."""
    root = Path(str(importlib.import_module(generated).__file__)).parent.parent
    script = f"""
import sys
import {generated} as pkg
imported = "httpx" in sys.modules
client = pkg.FoldersClient(base_url={server.url!r}, max_retries=0)
made = "httpx" in sys.modules
before = sorted(m for m in sys.modules if m.startswith(("pydantic", "{generated}._runtime._resp")))
folder = client.folders.get("f1")
lazy = pkg.APIResponse.__name__, pkg.Mismatch.__name__
print(imported, made, before, folder.name, "pydantic" in sys.modules, *lazy)
print(client.timeout == pkg.DEFAULT_TIMEOUT, pkg.DEFAULT_TIMEOUT.connect, client.timeout.read)
print(pkg.FoldersClient(base_url="http://x", timeout=3.0).timeout)
import typing  # annotations read at run time resolve, httpx's included
hints = typing.get_type_hints(pkg.FoldersClient.__init__), typing.get_type_hints(
    type(client.folders).get)
print(all("httpx.Timeout" in str(h["timeout"]) for h in hints))
"""
    server.reply(200, json=FOLDER)
    run = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                         text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "True", "[]", "docs", "True", "APIResponse",
                                  "Mismatch", "True", "5.0", "60.0", "3.0", "True"]


def test_models_are_reached_every_way(pkg: ModuleType) -> None:
    from folders import models
    from folders.models import Folder

    assert pkg.models is models and models.Folder is Folder
    assert importlib.import_module("folders.models.audit").Folder is Folder
    assert "Folder" in dir(models) and "models" in dir(pkg)


def test_a_subclass_of_the_client_reaches_the_resources(
    pkg: ModuleType, server: LoopbackServer
) -> None:
    class Mine(pkg.FoldersClient):
        pass

    client = Mine(base_url=server.url, max_retries=0)
    server.reply(200, json=FOLDER)
    assert client.folders.get("f1").name == "docs"
    client.close()
