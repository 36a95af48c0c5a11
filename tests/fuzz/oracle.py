"""What must hold for every fuzzed spec, checked in-process (fast) and through the CLI (sampled).

`Oracle.check` saves the spec, runs the pipeline and either
- sees it refused: a `SpecError` whose diagnostics each name the spec file, with at least one
  that stops generation; or
- sees it generated: every path relative and inside the output folder, `write` succeeds,
  every `.py` compiles, and the package, all of its modules, its models and both clients
  import and build in a separate process (`import_worker.py`) without a marker appearing.
Anything else raises `FuzzFailure` with a short signature (for counting distinct failures)
and the details.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import traceback
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import black

from sdkforge import pipeline
from sdkforge.config import GenerateOptions
from sdkforge.emit.format import black_mode
from sdkforge.errors import SpecError
from sdkforge.output.write import write

from .strategies import MARKER_ABS, MARKER_ENV, MARKER_FILE, dump

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("import_worker.py")
SPEC_TIMEOUT = 60  # seconds for one spec through generation; a hang is a failure

Outcome = Literal["generated", "refused"]
_BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class FuzzFailure(AssertionError):
    def __init__(self, signature: str, detail: str) -> None:
        self.signature = signature
        self.detail = detail
        super().__init__(f"{signature}\n{detail}")


@dataclass
class Checked:
    outcome: Outcome
    spec: Path
    out: Path | None = None
    package: str = ""


# ------------------------------------------------------------------ black, memoised

_FORMATTED: dict[str, str] = {}


def _key(path: str, text: str) -> str:
    return hashlib.sha256(path.encode() + b"\0" + text.encode("utf-8", "surrogatepass")).hexdigest()


@contextmanager
def fast_format(black_every: int = 1) -> Iterator[None]:
    """Black memoised per file (the static runtime is formatted once per run); with `black_every`
    > 1 only every n-th spec is formatted at all (black changes layout, not meaning: every file
    is still compiled and imported)."""
    original = pipeline.format_files
    calls = itertools.count()

    def format_some(files: Mapping[str, str], *args: Any, **kwargs: Any) -> dict[str, str]:
        if next(calls) % black_every:
            return dict(files)
        todo = {path: text for path, text in files.items() if _key(path, text) not in _FORMATTED}
        for path, formatted in original(todo, *args, **kwargs).items():
            _FORMATTED[_key(path, todo[path])] = formatted
            if path.endswith(".py") and any(len(line) > black_mode().line_length
                                            for line in todo[path].splitlines()):
                # spot formatting did work here: it must be what black writes, hostile names and all
                expected = black.format_str(todo[path], mode=black_mode())
                if formatted != expected:
                    raise AssertionError(f"{path}: spot formatting differs from black")
        return {path: _FORMATTED[_key(path, text)] for path, text in files.items()}

    pipeline.format_files = format_some  # type: ignore[assignment]
    try:
        yield
    finally:
        pipeline.format_files = original


# ------------------------------------------------------------------ the import worker

class Importer:
    """One long-lived process that imports generated packages (restarted if a payload kills it)."""

    def __init__(self, workdir: Path) -> None:
        self.cwd = workdir / "import-cwd"
        self.cwd.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        env = {k: v for k, v in os.environ.items() if k != MARKER_ENV}
        return subprocess.Popen(
            [sys.executable, str(WORKER), MARKER_FILE, MARKER_ABS, MARKER_ENV],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, cwd=self.cwd, env=env,
        )

    def check(self, out: Path, package: str, client: str) -> dict[str, Any]:
        for marker in (self.cwd / MARKER_FILE, Path(MARKER_ABS)):
            marker.unlink(missing_ok=True)
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"out": str(out), "package": package,
                                          "client": client}) + "\n")
        self.proc.stdin.flush()
        with _deadline(120):
            line = self.proc.stdout.readline()
        if not line:
            self.proc = None
            return {"ok": False, "error": "the import process died", "pwned": []}
        result: dict[str, Any] = json.loads(line)
        return result

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


class _Timeout(Exception):
    pass


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise _Timeout(f"no answer within {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------ the oracle

def _signature(stage: str, exc: BaseException) -> str:
    """Stage, exception type and the deepest sdkforge frame: one signature per distinct bug."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/generator/" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{stage}: {type(exc).__name__} at {where}"


def _normalise(text: str) -> str:
    """An error text without its spec-specific names, numbers and paths."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else text
    last = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", last)
    return re.sub(r"\d+", "N", last)[:120]


class Oracle:
    def __init__(self, workdir: Path, importer: Importer | None = None) -> None:
        self.workdir = workdir
        self.importer = importer
        self.counter = 0

    def save(self, doc: dict[str, Any], fmt: str) -> Path:
        self.counter += 1
        raw, suffix = dump(doc, fmt)
        folder = self.workdir / f"spec{self.counter}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        spec = folder / f"openapi{suffix}"
        spec.write_bytes(raw)
        return spec

    def check(self, doc: dict[str, Any], fmt: str, *, import_it: bool = True) -> Checked:
        spec = self.save(doc, fmt)
        try:
            with _deadline(SPEC_TIMEOUT):
                result = pipeline.generate(GenerateOptions(spec))
        except SpecError as exc:
            self._check_refusal(spec, exc)
            return Checked("refused", spec)
        except _Timeout as exc:
            raise FuzzFailure("generate: hang", f"{spec}: {exc}") from None
        except Exception as exc:
            raise FuzzFailure(_signature("generate", exc),
                              f"{spec}:\n{traceback.format_exc()}") from None
        out = spec.parent / "out"
        self._check_paths(spec, result.files)
        try:
            write(out, result.files)
        except Exception as exc:
            raise FuzzFailure(_signature("write", exc),
                              f"{spec}:\n{traceback.format_exc()}") from None
        for rel, text in result.files.items():
            if rel.endswith(".py"):
                try:
                    compile(text, str(out / rel), "exec")
                except (SyntaxError, ValueError) as exc:
                    raise FuzzFailure(f"compile: {type(exc).__name__}: {exc.args[0]}",
                                      f"{spec}: {rel}") from None
        if import_it and self.importer is not None:
            answer = self.importer.check(out, result.package, result.client)
            if answer["pwned"]:
                raise FuzzFailure("import: PAYLOAD RAN", f"{spec}: {answer['pwned']}")
            if not answer["ok"]:
                raise FuzzFailure(f"import: {_normalise(answer['error'])}",
                                  f"{spec}:\n{answer['error']}")
        return Checked("generated", spec, out, result.package)

    def _check_refusal(self, spec: Path, exc: SpecError) -> None:
        failing = [d for d in exc.diagnostics if d.level == "error"]
        if not failing:
            raise FuzzFailure("refusal without an error", f"{spec}: {exc}")
        for d in exc.diagnostics:
            if not d.file or not d.message.strip():
                raise FuzzFailure("refusal without a place or message", f"{spec}: {d!r}")
            if d.file != str(spec) and not d.file.startswith(str(spec.parent)):
                raise FuzzFailure("refusal names another file", f"{spec}: {d!r}")

    def _check_paths(self, spec: Path, files: dict[str, str]) -> None:
        for rel in files:
            path = PurePosixPath(rel)
            if path.is_absolute() or ".." in path.parts or "\x00" in rel or "\\" in rel:
                raise FuzzFailure("path outside the output folder", f"{spec}: {rel!r}")
            if any(len(part.encode()) > 200 for part in path.parts):
                raise FuzzFailure("file name too long", f"{spec}: {rel!r}")


def cli_check(spec: Path, out: Path) -> Literal[0, 1]:
    """The same spec through the command: exit 0 with a manifest, or exit 1 with located errors."""
    done = subprocess.run(
        [sys.executable, "-m", "sdkforge.cli", "generate", str(spec), "-o", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={k: v for k, v in os.environ.items() if k != "SDKFORGE_DEBUG"},
    )
    if "Traceback" in done.stderr or "internal error" in done.stderr:
        raise FuzzFailure("cli: traceback or internal error", f"{spec}:\n{done.stderr[-3000:]}")
    raw = [c for c in done.stderr if (unicodedata.category(c) == "Cc" and c != "\n") or c in _BIDI]
    if raw:
        raise FuzzFailure("cli: raw control or bidi characters in the output",
                          f"{spec}: {raw[:5]!r}")
    if done.returncode == 0:
        if not (out / ".sdkforge-manifest.json").is_file():
            raise FuzzFailure("cli: exit 0 without output", str(spec))
        return 0
    if done.returncode != 1:
        raise FuzzFailure(f"cli: exit {done.returncode}", f"{spec}:\n{done.stderr[-3000:]}")
    if "error: " not in done.stderr or str(spec) not in done.stderr:
        raise FuzzFailure("cli: exit 1 without a located error", f"{spec}:\n{done.stderr[-3000:]}")
    return 1


def take_sample(out: Path, package: str, folder: Path, index: int) -> str:
    """Copy a generated package under a distinct name for `mypy_check` (its imports are
    relative)."""
    name = f"fuzz_sample_{index}"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(out / package, folder / name)
    return name


def mypy_check(folder: Path, names: list[str]) -> None:
    """`mypy --strict` over the packages `take_sample` copied into `folder`."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir=/dev/null",
         *[arg for name in names for arg in ("-p", name)]],
        capture_output=True, text=True, timeout=900, cwd=folder,
        env={"MYPYPATH": str(folder), "PATH": "/usr/bin:/bin"},
    )
    if done.returncode != 0:
        first = next((line for line in done.stdout.splitlines() if ": error:" in line),
                     done.stdout[-300:])
        raise FuzzFailure(f"mypy: {_normalise(first.split(': error:', 1)[-1])}",
                          done.stdout[-5000:])
