"""Cases 1-4 and the scale series: sdkforge and its peers as commands, measured from outside."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from functools import partial
from pathlib import Path

from . import synth
from .layout import (
    DMCG,
    OPC,
    PEER_PYTHON,
    PROJECT_BIN,
    REPO,
    SDK,
    SDKFORGE,
    WORK,
    Spec,
    discard,
    env,
    fresh,
    generate_argv,
    python_lines,
    tool_env,
)
from .measure import Sample, Series, alternate, run_measured
from .results import Results, Row, ScalePoint

Progress = Callable[[str], None]
_SLUG_CHARS = str.maketrans({c: "-" for c in " /:."})
COLD_LIMIT = 600.0  # seconds; a tool still generating then is stopped and reported as failed


def cold(spec: Spec, runs: int, results: Results, progress: Progress, *,
         peers_may_fail: bool) -> dict[str, Series]:
    """Case 1: each tool generates the spec into an empty folder with nothing cached."""
    slug = spec.label.translate(_SLUG_CHARS)
    progress(f"case 1: cold generation of {spec.label} ({spec.path.name})")

    def run_one(tool: str, index: int) -> Sample:
        root = fresh(WORK / "cold" / slug / tool)
        return run_measured(generate_argv(tool, spec.path, root / "out"), cwd=root,
                            env=tool_env(tool, root / ".cache"), timeout=COLD_LIMIT)

    series = alternate([SDK, OPC, DMCG], runs, run_one, progress)
    case = f"1 cold: {spec.label}"
    for tool in (SDK, OPC, DMCG):
        out = WORK / "cold" / slug / tool / "out"
        lines = f"{python_lines(out):,} lines of Python" if series[tool].ok else ""
        versus = None if tool == SDK else series[SDK]
        results.add(Row(case, tool, series[tool], "s", versus, rss=True, note=lines),
                    may_fail=tool != SDK and peers_may_fail)
    return series


def regenerate(old: Spec, new: Spec, runs: int, opc_cold: Series | None, results: Results,
               progress: Progress) -> Path | None:
    """Case 2: regenerate `new` into the folder (and cache) left by generating `old`.

    Returns the folder of the last run: it is up to date with `new`, its cache warm (cases 3, 4).
    """
    progress(f"case 2: regeneration {old.label} -> {new.label}")
    base = fresh(WORK / "regen" / "base")
    prepared = run_measured(generate_argv(SDK, old.path, base / "out"), cwd=base,
                            env=tool_env(SDK, base / ".cache"))
    run_root = WORK / "regen" / "run"
    case = f"2 regenerate: {old.label} -> {new.label}"
    if not prepared.ok:
        results.add(Row(case, SDK, Series([prepared]), "s"))
        return None

    def run_one(tool: str, index: int) -> Sample:
        if run_root.exists():
            discard(run_root)  # not deleted: that would stall the next run (`layout.discard`)
        # The old output and sdkforge's cache, untimed
        shutil.copytree(base, run_root, symlinks=True)
        return run_measured(generate_argv(SDK, new.path, run_root / "out"), cwd=run_root,
                            env=tool_env(SDK, run_root / ".cache"))

    series = alternate([SDK], runs, run_one, progress)[SDK]
    generate_help = subprocess.run([SDKFORGE, "generate", "--help"], capture_output=True, text=True)
    cache = ("format cache in use" if "cache" in generate_help.stdout
             else "the CLI has no format cache yet: plain regeneration into the existing folder")
    results.add(Row(case, SDK, series, "s", rss=True, note=cache))
    _versus_opc(case, series, opc_cold, results)
    return run_root if series.ok else None


def check(new: Spec, folder: Path, runs: int, opc_cold: Series | None, results: Results,
          progress: Progress) -> None:
    """Case 3: `sdkforge check` on a folder that is up to date (exit 0 expected)."""
    progress(f"case 3: sdkforge check {new.label}")
    argv: list[str | Path] = [SDKFORGE, "check", new.path, "-o", folder / "out"]
    series = alternate(
        [SDK], runs,
        lambda tool, index: run_measured(argv, cwd=folder, env=tool_env(SDK, folder / ".cache")),
        progress
    )[SDK]
    calls = _formatter_calls(new.path, folder)
    case = f"3 check: {new.label}"
    results.add(Row(case, SDK, series, "s", rss=True,
                    note=f"formatter calls during check: {calls}"))
    _versus_opc(case, series, opc_cold, results)


def _versus_opc(case: str, series: Series, opc_cold: Series | None, results: Results) -> None:
    if opc_cold is not None and opc_cold.ok:
        results.rows.append(Row(case, f"{OPC} (cold, case 1)", opc_cold, "s", series,
                                note="the same run's case 1 samples"))


def _formatter_calls(spec: Path, folder: Path) -> str:
    """How many times black formats a file during `check` (counted in every process)."""
    counter = folder / "formatter-calls.txt"
    counter.unlink(missing_ok=True)
    probe = (
        "import sys, black\n"
        "original = black.format_str\n"
        "def counted(*args, **kwargs):\n"
        f"    open({str(counter)!r}, 'a').write('x')\n"
        "    return original(*args, **kwargs)\n"
        "black.format_str = counted\n"
        "from sdkforge.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [PROJECT_BIN / "python", "-c", probe, "check", spec, "-o", folder / "out"], cwd=folder,
        env=tool_env(SDK, folder / ".cache"), capture_output=True, text=True
    )
    if done.returncode != 0:
        return f"unknown (probe exit {done.returncode})"
    return str(len(counter.read_text()) if counter.exists() else 0)


def startup(folder: Path, runs: int, results: Results, progress: Progress) -> None:
    """Case 4: import the generated package and make a client, in a fresh interpreter."""
    options = json.loads((folder / "out" / ".sdkforge-manifest.json").read_text())["options"]
    package, client = options["package"], options["client"]
    programs = {
        SDK: f"import {package}; {package}.{client}()",
        "floor": "import httpx, pydantic",
    }
    progress(f"case 4: `{programs[SDK]}` against `{programs['floor']}`")
    environment = env(PEER_PYTHON.parent, pythonpath=[folder / "out"])

    def run_one(tool: str, index: int) -> Sample:
        return run_measured([PEER_PYTHON, "-c", programs[tool]], cwd=REPO, env=environment,
                            sample_tree=False)

    for tool in programs:  # compile the bytecode once, as an installed package has it
        run_one(tool, -1)
    series = alternate(list(programs), runs, run_one, progress)
    case = f"4 import + client: {package}"
    results.add(Row(case, SDK, series[SDK], "ms", note=f"`{programs[SDK]}`"))
    results.add(Row(case, "floor", series["floor"], "ms", series[SDK],
                    note=f"`{programs['floor']}`"))


def _scale_run(spec: Path, operations: int, limit: float, tool: str, index: int) -> Sample:
    """One run of the scale series: sdkforge on the spec into a fresh folder."""
    root = fresh(WORK / "synth" / f"out-{operations}")
    return run_measured(generate_argv(SDK, spec, root / "out"), cwd=root,
                        env=tool_env(SDK, root / ".cache"), timeout=limit)


def scale(sizes: tuple[int, ...], runs: int, limit: float, results: Results,
          progress: Progress) -> None:
    """sdkforge on synthetic specs of growing size: time and peak memory (one process tree)."""
    for operations in sizes:
        spec = synth.write(WORK / "synth" / f"synth-{operations}.json", operations)
        document = json.loads(spec.read_text())
        progress(f"scale: {operations} operations ({spec.stat().st_size:,} bytes)")

        series = alternate([SDK], runs, partial(_scale_run, spec, operations, limit), progress)[SDK]
        lines = python_lines(WORK / "synth" / f"out-{operations}" / "out") if series.ok else 0
        results.scale.append(ScalePoint(operations, len(document["components"]["schemas"]),
                                        spec.stat().st_size, series, lines))
        if not series.ok:
            results.notes.append(f"scale: stopped at {operations} operations: {series.failure}")
            break
