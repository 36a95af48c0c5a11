"""The long fuzz campaign (`make fuzz`): thousands of hostile specs, counted, never stopping early.

    python -m tests.fuzz.campaign --examples 3000 --seed 1 [--cli-every 50] [--mypy 10]

Every spec goes through the in-process oracle (generate, write, compile, import in a worker
process, markers); every `--cli-every`th also through the `sdkforge` command; the first
`--mypy` generated packages through `mypy --strict`. Prints how many generated, how many were
refused with exit 1, and each distinct failure once with how often it happened and the first
spec that showed it (kept under the work folder). Exits 1 when anything failed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

from .oracle import FuzzFailure, Importer, Oracle, cli_check, fast_format, mypy_check, take_sample
from .strategies import specs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.campaign")
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20260601)
    parser.add_argument("--cli-every", type=int, default=50)
    parser.add_argument("--mypy", type=int, default=10)
    parser.add_argument("--black-every", type=int, default=1,
                        help="run black on every n-th spec only")
    parser.add_argument("--keep", type=Path,
                        help="folder for the specs that failed (default: a temp folder)")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="sdkforge-fuzz-"))
    keep = args.keep or workdir / "failures"
    keep.mkdir(parents=True, exist_ok=True)
    importer = Importer(workdir)
    oracle = Oracle(workdir / "specs", importer)
    counts: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    first: dict[str, str] = {}
    mypy_sample: list[str] = []
    started = time.monotonic()

    @settings(max_examples=args.examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @seed(args.seed)
    @given(specs())
    def one(case: tuple[dict[str, Any], str]) -> None:
        doc, fmt = case
        n = sum(counts.values()) + sum(failures.values())
        try:
            checked = oracle.check(doc, fmt)
            counts[checked.outcome] += 1
            if checked.outcome == "generated" and len(mypy_sample) < args.mypy:
                assert checked.out is not None
                mypy_sample.append(take_sample(checked.out, checked.package, workdir / "mypy",
                                               len(mypy_sample)))
            if args.cli_every and n % args.cli_every == 0:
                cli_check(checked.spec, checked.spec.parent / "cli-out")
                counts["cli checked"] += 1
        except FuzzFailure as exc:
            failures[exc.signature] += 1
            if exc.signature not in first:
                kept = keep / f"failure{len(first) + 1}"
                shutil.copytree(oracle.workdir / f"spec{oracle.counter}", kept,
                                ignore=shutil.ignore_patterns("*out"))
                first[exc.signature] = f"{kept}\n{exc.detail[-1500:]}"
        finally:
            shutil.rmtree(oracle.workdir / f"spec{oracle.counter}", ignore_errors=True)
        if (n + 1) % 250 == 0:
            print(f"  {n + 1} specs, {time.monotonic() - started:.0f}s: {dict(counts)}, "
                  f"{sum(failures.values())} failures", flush=True)

    with fast_format(args.black_every):
        try:
            one()
        finally:
            importer.close()
    if mypy_sample:
        try:
            mypy_check(workdir / "mypy", mypy_sample)
            counts["mypy --strict clean"] = len(mypy_sample)
        except FuzzFailure as exc:
            failures[exc.signature] += 1
            first.setdefault(exc.signature, exc.detail[-3000:])

    total = counts["generated"] + counts["refused"] + sum(failures.values())
    print(f"\nfuzz campaign, seed {args.seed}: {total} specs in {time.monotonic() - started:.0f}s")
    print(f"  generated, compiled and imported cleanly: {counts['generated']}")
    print(f"  refused with located errors (exit 1):     {counts['refused']}")
    print(f"  also checked through the CLI:             {counts['cli checked']}")
    print(f"  mypy --strict clean packages:             {counts['mypy --strict clean']}")
    print(f"  failures:                                 {sum(failures.values())} "
          f"({len(failures)} distinct)")
    for signature, count in failures.most_common():
        print(f"\n[{count}x] {signature}\n{first[signature]}")
    if not failures:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
