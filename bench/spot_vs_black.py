"""Spot formatting against black on every Python file a spec renders (issue 18).

    .venv/bin/python -m bench.spot_vs_black [--no-black | --all] SPEC [SPEC ...]
    .venv/bin/python -m bench.spot_vs_black [--no-black | --all] --list FILE   (a spec a line)

Renders each spec as `generate` does, then for each file compares `SpotFormatter.format` with
`black.format_str` on the whole file, and counts the black calls spot formatting still makes:
lines handed to black as snippets (`SpotFormatter.black_lines`, each distinct snippet once)
and files it declined (black formats them whole). Prints one line a spec, the declined and
differing files, and a total. Exits 1 when any file differs. Only files with a line over the
length (or wide characters) are compared, those spot formatting has work on; `--all` compares
every file (the templates' layout too; slow); `--no-black` none (counts only). A spec that
does not load or build is reported and skipped (the corpus has some).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import black

from sdkforge.diagnostics import Diagnostics
from sdkforge.emit.format import black_mode
from sdkforge.emit.render import Options, render
from sdkforge.emit.spotformat import SpotFormatter
from sdkforge.model.build import build
from sdkforge.names.assign import assign
from sdkforge.read.load import load
from sdkforge.read.resolve import resolve


@dataclass
class Totals:
    specs: int = 0
    skipped: int = 0
    files: int = 0
    long: int = 0  # files with a line over the length: those spot formatting has work on
    same: int = 0
    declined: int = 0
    differ: int = 0
    black_lines: int = 0


def _black(text: str) -> str:
    return black.format_str(text, mode=black_mode())


def compare(spec: Path, totals: Totals, check: str) -> None:
    """One spec's files: counts into `totals`, a line printed."""
    try:
        api = build(resolve(load(spec), Diagnostics()), Diagnostics())
        names = assign(api)
        files = render(api, names, Options(package=names.package, client=names.client))
    except Exception as exc:  # a corpus spec sdkforge refuses: not this bench's
        totals.skipped += 1
        print(f"{spec}: skipped ({type(exc).__name__})")
        return
    formatter = SpotFormatter(black_mode())
    declined, differ = [], []
    started = time.perf_counter()
    width = black_mode().line_length
    count = long = 0
    for path, text in sorted(files.items()):
        if not path.endswith(".py"):
            continue
        count += 1
        wide = any(len(line) > width for line in text.split("\n")) or not text.isascii()
        long += wide
        got = formatter.format(text)
        if got is None:
            declined.append(path)
        elif (check == "all" or (check and wide)) and got != _black(text):
            differ.append(path)
    totals.specs += 1
    totals.files += count
    totals.long += long
    totals.declined += len(declined)
    totals.differ += len(differ)
    totals.same += count - len(declined) - len(differ)
    totals.black_lines += formatter.black_lines
    print(f"{spec}: {count} files ({long} with long lines), {len(declined)} declined, "
          f"{formatter.black_lines} lines to black, {len(differ)} differ "
          f"({time.perf_counter() - started:.0f} s)", flush=True)
    for path in declined:
        print(f"  declined {path}")
    for path in differ:
        print(f"  DIFFERS  {path}")


def main(argv: list[str]) -> int:
    check = "" if "--no-black" in argv else "all" if "--all" in argv else "long"
    argv = [arg for arg in argv if arg not in ("--no-black", "--all")]
    if argv[:1] == ["--list"] and len(argv) == 2:
        argv = Path(argv[1]).read_text(encoding="utf-8").split()
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    totals = Totals()
    for spec in argv:
        compare(Path(spec), totals, check)
    print(f"total: {totals.specs} specs ({totals.skipped} skipped), {totals.files} files "
          f"({totals.long} with long lines), "
          + (f"{totals.same} identical to black, " if check else "")
          + f"{totals.declined} declined (black whole), {totals.black_lines} lines to black, "
          f"{totals.differ} differ")
    return 1 if totals.differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
