"""Spot formatting against black on every Python file a spec renders (issue 18).

    .venv/bin/python -m bench.spot_vs_black SPEC [SPEC ...]

Renders each spec as `generate` does, then for each file compares `SpotFormatter.format` with
`black.format_str` on the whole file: prints the files spot formatting declined (black's) and
those where the two differ, which must be none. Exits 1 when any differ.
"""

from __future__ import annotations

import sys
import time
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


def compare(spec: Path) -> int:
    """Print one spec's counts; the number of files where spot formatting and black differ."""
    api = build(resolve(load(spec), Diagnostics()), Diagnostics())
    names = assign(api)
    files = render(api, names, Options(package=names.package, client=names.client))
    formatter = SpotFormatter(black_mode())
    declined, differ, same = [], [], 0
    started = time.perf_counter()
    for path, text in sorted(files.items()):
        if not path.endswith(".py"):
            continue
        got = formatter.format(text)
        if got is None:
            declined.append(path)
        elif got == black.format_str(text, mode=black_mode()):
            same += 1
        else:
            differ.append(path)
    print(f"{spec.name}: {same + len(declined) + len(differ)} files, {same} identical to black, "
          f"{len(declined)} declined, {len(differ)} differ "
          f"({time.perf_counter() - started:.0f} s)")
    for path in declined:
        print(f"  declined {path}")
    for path in differ:
        print(f"  DIFFERS  {path}")
    return len(differ)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if sum(compare(Path(spec)) for spec in argv) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
