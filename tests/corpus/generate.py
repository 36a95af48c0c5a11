"""One spec through the `sdkforge` command: its outcome, the import of every generated module in
a fresh interpreter, and the spec's operations against the generated methods.

Runs in a pool worker; every child runs in its own process group, killed whole on timeout,
and its wall time and peak RSS (its own and its reaped children's, from `wait4`) are kept.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sdkforge.emit.surface import Surface

from . import cli_output
from .directory import Operation, operations

BIN = Path(sys.executable).parent
IMPORTER = Path(__file__).with_name("importer.py")
SURFACE = ".sdkforge-api.json"
MANIFEST = ".sdkforge-manifest.json"
KEEP_DIAGNOSTICS = 60  # per spec in the results (sdkforge prints at most 40 anyway)
KEEP_TEXT = 4000  # characters of stderr kept for runs that did not generate


@dataclass(frozen=True, slots=True)
class Job:
    spec_id: str
    spec: Path
    out: Path
    work: Path  # the children's working folder (holds no pyproject.toml)
    cache_dir: Path | None  # sdkforge's cache; None for --no-cache
    cold: bool  # delete the previous output first
    timeout: float
    import_timeout: float


@dataclass(frozen=True, slots=True)
class Child:
    returncode: int | None  # None when killed on timeout
    timed_out: bool
    stdout: str
    stderr: str
    seconds: float
    peak_rss_kb: int


def run_child(command: Sequence[str], timeout: float, cwd: Path,
              env: dict[str, str] | None = None) -> Child:
    """Run `command` in a new process group; kill the group after `timeout` seconds."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                cwd=cwd, env=env, start_new_session=True)
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            _kill_group(proc.pid)

        timer = threading.Timer(timeout, expire)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        _kill_group(proc.pid)  # whatever it left running
        texts = []
        for handle in (out, err):
            handle.seek(0)
            texts.append(handle.read().decode("utf-8", errors="replace"))
    return Child(None if expired.is_set() else proc.returncode, expired.is_set(), texts[0],
                 texts[1], seconds, usage.ru_maxrss)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def run_spec(job: Job) -> dict[str, Any]:
    """The result record of one spec (JSON-ready); a problem of the harness itself is an
    outcome too, `harness-error`, so one spec cannot stop the run."""
    try:
        return _run_spec(job)
    except Exception:
        return {"spec": job.spec_id, "outcome": "harness-error",
                "error": traceback.format_exc()[-KEEP_TEXT:]}


def _run_spec(job: Job) -> dict[str, Any]:
    if job.cold and job.out.exists():
        shutil.rmtree(job.out)
    job.out.parent.mkdir(parents=True, exist_ok=True)
    command = [str(BIN / "sdkforge"), "generate", str(job.spec), "-o", str(job.out)]
    command += ["--no-cache"] if job.cache_dir is None else ["--cache-dir", str(job.cache_dir)]
    env = {**os.environ, "SDKFORGE_DEBUG": "1"}  # a bug in sdkforge shows its traceback
    child = run_child(command, job.timeout, job.work, env)
    printed = cli_output.parse(child.stderr)
    outcome = classify(child)
    record: dict[str, Any] = {
        "spec": job.spec_id, "outcome": outcome, "exit_code": child.returncode,
        "seconds": round(child.seconds, 3), "peak_rss_kb": child.peak_rss_kb,
        "diagnostics": [asdict(d) for d in printed.diagnostics[:KEEP_DIAGNOSTICS]],
        "hidden_diagnostics": printed.hidden + max(0, len(printed.diagnostics) - KEEP_DIAGNOSTICS),
        "messages": printed.other[:20],
    }
    if outcome != "generated":
        record["stderr_tail"] = child.stderr[-KEEP_TEXT:]
        record["traceback"] = cli_output.traceback_summary(child.stderr)
    ops = _spec_operations(job.spec)
    record["operations"] = None if ops is None else len(ops)
    if outcome == "generated":
        record.update(_generated(job, ops, printed.diagnostics))
    return record


def classify(child: Child) -> str:
    """generated | refused | internal-error | crash | timeout"""
    if child.timed_out:
        return "timeout"
    if child.returncode == 0:
        return "generated"
    if (cli_output.TRACEBACK in child.stderr
            or "sdkforge: internal error (" in child.stderr):  # caught bug, without SDKFORGE_DEBUG
        return "crash"
    if child.returncode == 3:
        return "internal-error"
    if child.returncode in (1, 2):
        return "refused"
    return "crash"  # a signal or an exit code sdkforge never returns


def _spec_operations(spec: Path) -> list[Operation] | None:
    try:
        return operations(json.loads(spec.read_bytes()))
    except (OSError, ValueError, RecursionError):
        return None


def _generated(job: Job, ops: list[Operation] | None,
               diagnostics: list[cli_output.Printed]) -> dict[str, Any]:
    surface = Surface.from_json((job.out / SURFACE).read_text(encoding="utf-8"))
    package = surface.package
    methods = [e for e in surface.entries.values() if e.kind == "method"]
    record: dict[str, Any] = {
        "package": package, "methods": len(methods),
        "manifest_sha256": hashlib.sha256((job.out / MANIFEST).read_bytes()).hexdigest(),
        "files": sum(1 for _ in (job.out / package).rglob("*.py")),
    }
    if ops is not None:
        record.update(account(ops, {e.endpoint for e in methods},
                              job.out / package / "resources", diagnostics))
    record["import"] = import_check(job, package)
    return record


def account(ops: list[Operation], endpoints: set[str], resources: Path,
            diagnostics: list[cli_output.Printed]) -> dict[str, Any]:
    """The spec's operations without a method: named in a diagnostic, or dropped silently."""
    missing = [op for op in ops if op.endpoint not in endpoints]
    if missing:  # the surface may have merged two methods under one identity: read the code
        endpoints = endpoints | endpoints_in_code(resources)
        missing = [op for op in missing if op.endpoint not in endpoints]
    silent = [op for op in missing if not _named(op, diagnostics)]
    return {"dropped_named": len(missing) - len(silent), "dropped_silently": len(silent),
            "dropped_examples": [op.endpoint for op in silent[:5]]}


def _named(op: Operation, diagnostics: list[cli_output.Printed]) -> bool:
    for d in diagnostics:
        if d.pointer == op.pointer or d.pointer.startswith(op.pointer + "/"):
            return True
        if op.endpoint in d.message or (op.operation_id and op.operation_id in d.message):
            return True
    return False


def endpoints_in_code(resources: Path) -> set[str]:
    """`METHOD path` of every `Endpoint(method=..., path=...)` in the resource modules."""
    found: set[str] = set()
    for module in resources.glob("*.py"):
        try:
            tree = ast.parse(module.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "Endpoint"):
                values = {k.arg: k.value.value for k in node.keywords
                          if isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)}
                if "method" in values and "path" in values:
                    found.add(f"{values['method'].upper()} {values['path']}")
    return found


def import_check(job: Job, package: str) -> dict[str, Any]:
    """status ok | failed | timeout, the modules imported, the first failure."""
    child = run_child([str(BIN / "python"), "-I", str(IMPORTER), str(job.out), package],
                      job.import_timeout, job.work)
    if child.timed_out:
        return {"status": "timeout", "seconds": round(child.seconds, 3)}
    line = next((x for x in reversed(child.stdout.splitlines())
                 if x.startswith("corpus-import: ")), "")
    if not line:
        last = (child.stderr.strip().splitlines() or [f"exit code {child.returncode}"])[-1]
        return {"status": "failed", "modules": 0, "failed": 1, "module": package,
                "error": f"the importer died: {last}", "seconds": round(child.seconds, 3)}
    result: dict[str, Any] = json.loads(line.removeprefix("corpus-import: "))
    result["status"] = "failed" if result["failed"] else "ok"
    result["peak_rss_kb"] = child.peak_rss_kb
    return result
