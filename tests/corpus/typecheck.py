"""`mypy --strict` and `pyright --strict` on a fixed sample of the generated packages.

The sample: the directory's specs in four size classes (quartiles of the file sizes over the
whole pinned directory, so they never move), each class in the stable hash order, one spec from
each class in turn, skipping specs that did not generate. The same specs come back run after run
unless one stops (or starts) generating.

mypy runs from the project's virtualenv with a cache folder per worker slot under the corpus
cache (the standard library, pydantic and httpx are analysed once per slot); pyright is pinned
and installed into the corpus cache on first use.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .directory import Spec
from .generate import BIN, run_child

PYRIGHT = "pyright[nodejs]==1.1.414"
PYRIGHT_VERSION = "1.1.414"
CLASSES = 4
KEEP_ERRORS = 5
_MYPY_ERROR = re.compile(r"^(.+?):(\d+):(?:\d+:)? error: ")


def sample(specs: Sequence[Spec], every: Sequence[Spec], generated: set[str],
           size: int) -> list[Spec]:
    """`size` specs of `specs` that generated, spread over the size classes of `every`."""
    sizes = sorted(s.size for s in every)
    bounds = [sizes[len(sizes) * i // CLASSES] for i in range(1, CLASSES)] if sizes else []
    classes: list[list[Spec]] = [[] for _ in range(CLASSES)]
    for spec in sorted(specs, key=lambda s: s.order):
        if spec.id in generated:
            classes[sum(spec.size >= b for b in bounds)].append(spec)
    chosen: list[Spec] = []
    while len(chosen) < size and any(classes):
        for members in classes:
            if members and len(chosen) < size:
                chosen.append(members.pop(0))
    return chosen


def ensure_pyright(cache: Path) -> Path:
    """The pinned pyright, installed into `cache`/pyright-venv when missing."""
    venv = cache / "pyright-venv"
    pyright = venv / "bin" / "pyright"
    if _version(pyright) != PYRIGHT_VERSION:
        print(f"installing {PYRIGHT} into {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        PYRIGHT], check=True)
        if _version(pyright) != PYRIGHT_VERSION:
            raise RuntimeError(f"{pyright} is not pyright {PYRIGHT_VERSION} after installing")
    return pyright


def _version(tool: Path) -> str:
    try:
        done = subprocess.run([str(tool), "--version"], capture_output=True, text=True,
                              timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.split()[-1] if done.returncode == 0 and done.stdout.split() else ""


def mypy_version() -> str:
    done = subprocess.run([str(BIN / "mypy"), "--version"], capture_output=True, text=True)
    return done.stdout.strip()


def run_mypy(out: Path, package: str, cache_dir: Path, config: Path,
             timeout: float) -> dict[str, Any]:
    """status clean | errors | failed | timeout, the error count, the first error lines."""
    command = [str(BIN / "mypy"), "--strict", "--config-file", str(config), "--cache-dir",
               str(cache_dir), "--no-color-output", "-p", package]
    child = run_child(command, timeout, out, {**os.environ, "MYPYPATH": str(out)})
    result: dict[str, Any] = {"seconds": round(child.seconds, 3),
                              "peak_rss_kb": child.peak_rss_kb}
    if child.timed_out:
        return {**result, "status": "timeout"}
    errors = [line for line in child.stdout.splitlines() if _MYPY_ERROR.match(line)]
    if child.returncode == 0:
        status = "clean"
    elif child.returncode == 1 and errors:
        status = "errors"
    else:
        status = "failed"
        errors = errors or (child.stderr + child.stdout).strip().splitlines()[-3:]
    if status == "failed":
        return {**result, "status": status, "errors": 0, "first": errors}
    return {**result, "status": status, "errors": len(errors), **_firsts(errors)}


def run_pyright(pyright: Path, out: Path, package: str, timeout: float) -> dict[str, Any]:
    """The same for pyright in strict mode. Its configuration sits outside the output folder;
    the package is named on the command line (a configuration's `include` must be relative)."""
    config = {"extraPaths": [str(out)], "typeCheckingMode": "strict", "pythonVersion": "3.11"}
    with tempfile.TemporaryDirectory(prefix="corpus-pyright-") as folder:
        path = Path(folder) / "pyrightconfig.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        child = run_child([str(pyright), "-p", str(path), "--outputjson", "--pythonpath",
                           str(BIN / "python"), str(out / package)], timeout, out)
    result: dict[str, Any] = {"seconds": round(child.seconds, 3),
                              "peak_rss_kb": child.peak_rss_kb}
    if child.timed_out:
        return {**result, "status": "timeout"}
    try:
        report = json.loads(child.stdout)
        count = int(report["summary"]["errorCount"])
        if not report["summary"]["filesAnalyzed"]:
            raise ValueError("pyright analysed no file")
        diagnostics = report.get("generalDiagnostics") or []
    except (ValueError, KeyError, TypeError):
        tail = (child.stderr + child.stdout).strip().splitlines()[-3:]
        return {**result, "status": "failed", "errors": 0, "first": tail}
    errors = [_pyright_line(d, out) for d in diagnostics if d.get("severity") == "error"]
    status = "clean" if count == 0 and child.returncode == 0 else "errors" if count else "failed"
    return {**result, "status": status, "errors": count, **_firsts(errors)}


def _firsts(errors: list[str]) -> dict[str, Any]:
    """The errors in the runtime (the same modules in every package) counted apart from the
    rest, and the first few of each."""
    runtime = [e for e in errors if "/_runtime/" in e.split(":")[0]]
    elsewhere = [e for e in errors if "/_runtime/" not in e.split(":")[0]]
    return {"runtime_errors": len(runtime),
            "first": runtime[:KEEP_ERRORS] + elsewhere[:KEEP_ERRORS]}


def _pyright_line(diagnostic: dict[str, Any], out: Path) -> str:
    file = str(diagnostic.get("file", "")).removeprefix(str(out) + "/")
    line = int((diagnostic.get("range") or {}).get("start", {}).get("line", -1)) + 1
    rule = diagnostic.get("rule")
    message = str(diagnostic.get("message", "")).replace("\n", " ")
    return f"{file}:{line}: error: {message}" + (f" [{rule}]" if rule else "")
