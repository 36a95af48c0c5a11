"""The running server's spec -> a client package, made by the `sdkforge` command as a user would
run it, and imported."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import httpx


@dataclass
class Generated:
    package: ModuleType
    spec_bytes: int
    seconds: float
    warnings: list[str]  # the findings sdkforge printed, one a line


def _sdkforge() -> str:
    """The `sdkforge` command of the virtualenv running this (the repository's `.venv`)."""
    return str(Path(sys.executable).parent / "sdkforge")


def fetch_spec(url: str, into: Path) -> Path:
    response = httpx.get(url, timeout=30)
    response.raise_for_status()
    suffix = ".json" if "json" in response.headers.get("content-type", "json") else ".yaml"
    path = into / f"openapi{suffix}"
    path.write_bytes(response.content)
    return path


def _findings(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines()
            if line.strip() and not line.startswith("wrote ")]


def generate(spec: Path, out: Path, package_name: str, client_name: str) -> Generated:
    """Generate `package_name` (its client class `client_name`) from `spec` into `out`, and
    import it (`out` joins sys.path)."""
    start = time.monotonic()
    done = subprocess.run(
        [_sdkforge(), "generate", str(spec), "-o", str(out), "--package-name", package_name,
         "--client-name", client_name, "--no-cache"],
        capture_output=True, text=True, check=False,
    )
    seconds = time.monotonic() - start
    if done.returncode != 0:
        raise RuntimeError(f"sdkforge generate exited with {done.returncode}:\n"
                           f"{done.stdout}{done.stderr}")
    sys.path.insert(0, str(out))
    importlib.invalidate_caches()
    package = importlib.import_module(package_name)
    return Generated(package, spec.stat().st_size, seconds, _findings(done.stdout + done.stderr))
