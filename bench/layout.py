"""Where things are, and how each tool is started (the harness's only knowledge of the layout)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "specs"
WORK = REPO / "bench" / ".work"
PROJECT_BIN = REPO / ".venv" / "bin"
PEER_BIN = REPO / "bench" / ".venv" / "bin"
SDKFORGE = PROJECT_BIN / "sdkforge"
PEER_PYTHON = PEER_BIN / "python"
SEED = REPO / "specs" / "mixpeek-trigger-history.yaml"

SDK, OPC, DMCG = "sdkforge", "openapi-python-client", "datamodel-code-generator"


@dataclass(frozen=True, slots=True)
class Spec:
    label: str
    path: Path


def user_env(pythonpath: Sequence[Path] = ()) -> dict[str, str]:
    """A user's environment: nothing of the project's venv, `pythonpath` alone on the path."""
    # PYTHONDONTWRITEBYTECODE is dropped too: a package a user installed has its bytecode cached.
    dropped = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE")
    result = {k: v for k, v in os.environ.items() if k not in dropped}
    if pythonpath:
        result["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    return result


def env(bin_dir: Path, *, cache: Path | None = None,
        pythonpath: list[Path] | None = None) -> dict[str, str]:
    """The environment of a measured process: a user's (`user_env`) with its own venv first on
    PATH, and with `cache` a private XDG cache folder (so a cold run starts with nothing cached)."""
    result = user_env(pythonpath or ())
    result["PATH"] = f"{bin_dir}{os.pathsep}{result.get('PATH', '')}"
    result["VIRTUAL_ENV"] = str(bin_dir.parent)
    result["SDKFORGE_MAX_SPEC_MB"] = "1024"  # the synthetic 50,000 operations are 124 MB
    if cache is not None:
        result["XDG_CACHE_HOME"] = str(cache)
    return result


def generate_argv(tool: str, spec: Path, out: Path) -> list[str | Path]:
    """One end-to-end generation (load, validate, generate, format, write), each tool's defaults."""
    if tool == SDK:
        return [SDKFORGE, "generate", spec, "-o", out, "-q"]
    if tool == OPC:  # default config: its ruff post-hooks format the output
        return [PEER_BIN / "openapi-python-client", "generate", "--path", spec,
                "--output-path", out]
    if tool == DMCG:  # models only; default formatters (black, isort)
        return [PEER_BIN / "datamodel-codegen", "--input", spec, "--input-file-type", "openapi",
                "--output-model-type", "pydantic_v2.BaseModel", "--output", out / "models.py"]
    raise ValueError(tool)


def tool_env(tool: str, cache: Path | None = None) -> dict[str, str]:
    return env(PROJECT_BIN if tool == SDK else PEER_BIN, cache=cache)


TRASH = WORK / ".trash"  # what `fresh` moved aside, deleted when the harness exits


def fresh(path: Path) -> Path:
    """An empty folder at `path` (it is under bench/.work); whatever was there is moved aside
    (`discard`), not deleted. Then everything written so far is flushed to disk (`os.sync`),
    untimed: on this machine a run that creates thousands of files right after another wrote
    thousands stalls while those are written back (GitHub's 3,196 files: 1.2-1.9 s after a
    copy of them, 0.08 s after the copy and a sync), so each timed run would pay for the one
    before it, whichever tool that was."""
    assert WORK in path.parents, path
    if path.exists():
        discard(path)
    path.mkdir(parents=True)
    os.sync()
    return path


def discard(path: Path) -> None:
    """Move `path` into TRASH, which is emptied when the harness exits. Deleting a generated
    package's thousands of files right before the next timed run would be timed as that run's:
    on this machine's ext4 (mounted with `discard`), file creation then stalls while the freed
    blocks are discarded, 0.4-2.7 s for GitHub's 3,196 files (0.12-0.17 s when nothing was
    just deleted), far more than the writing itself."""
    if not TRASH.exists():
        TRASH.mkdir(parents=True)
        atexit.register(shutil.rmtree, TRASH, ignore_errors=True)
    path.rename(Path(tempfile.mkdtemp(dir=TRASH)) / path.name)


def python_lines(folder: Path) -> int:
    total = 0
    for file in folder.rglob("*.py"):
        with open(file, "rb") as handle:
            total += sum(1 for _ in handle)
    return total
