"""Where sdkforge's time goes on one spec: a cProfile of `sdkforge generate`, by pipeline stage.

    .venv/bin/python -m bench.profile SPEC OUT      (the project's venv: it imports the generator)

Prints markdown: wall time per stage (cumulative time of the stage's function, under the
profiler, which slows pure-Python code), the CPU time of the formatter's worker processes
(invisible to cProfile, which sees the parent waiting), and the top functions.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import resource
import sys
import time
from pathlib import Path

# (label, file suffix, functions): the stages of generator/pipeline.py and the CLI's write.
STAGES = (
    ("load (read + parse)", "generator/read/load.py", ("load",)),
    ("resolve", "generator/read/resolve.py", ("resolve",)),
    ("validate (openapi-spec-validator; 0 when it ran in its forked process)",
     "generator/read/validate.py", ("validate",)),
    ("build (IR)", "generator/model/build.py", ("build",)),
    ("names", "generator/names/assign.py", ("assign",)),
    ("render (Jinja)", "generator/emit/render.py", ("render",)),
    ("format (spot formatting; black on snippets and unsure files)", "generator/emit/format.py",
     ("format_files",)),
    ("manifest", "generator/output/manifest.py", ("with_manifest",)),
    ("write (stage the new tree while validation runs, then swap it in)",
     "generator/output/write.py", ("stage", "commit")),
)
TOP = 25


def _stage_times(stats: pstats.Stats) -> dict[str, float]:
    table = stats.stats  # type: ignore[attr-defined]  # pstats keeps its table untyped
    times = {}
    for label, suffix, functions in STAGES:
        times[label] = sum(value[3] for (file, _, name), value in table.items()
                           if file.endswith(suffix) and name in functions)
    return times


def profile(spec: Path, out: Path) -> str:
    from sdkforge.cli import main

    profiler = cProfile.Profile()
    started = time.perf_counter()
    code = profiler.runcall(main, ["generate", str(spec), "-o", str(out), "-q", "--force"])
    wall = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    stats = pstats.Stats(profiler)
    lines = [f"`sdkforge generate {spec.name}` under cProfile: exit {code}, {wall:.1f} s wall "
             "(the profiler slows pure-Python stages, validation most); formatter worker processes "
             f"used {children.ru_utime + children.ru_stime:.1f} s of CPU.", "",
             "| stage | seconds (profiled) | share |", "|---|---:|---:|"]
    for label, seconds in _stage_times(stats).items():
        lines.append(f"| {label} | {seconds:.2f} | {seconds / wall:.0%} |")
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(TOP)
    top = [line for line in buffer.getvalue().splitlines() if line.strip()]
    start = next((i for i, line in enumerate(top) if line.lstrip().startswith("ncalls")), 0)
    lines += ["", f"Top {TOP} functions by own time (tottime), parent process:", "", "```",
              *(line.replace(str(Path(sys.prefix)), "<venv>") for line in top[start:]), "```"]
    return "\n".join(lines)


if __name__ == "__main__":
    print(profile(Path(sys.argv[1]), Path(sys.argv[2])))
