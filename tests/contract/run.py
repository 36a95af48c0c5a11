"""`python -m tests.contract`: generate, mock, call and judge each chosen spec; write SUMMARY.md.

    python -m tests.contract [--only PATTERN] [--extra] [--fresh] [--jobs 2]

Per spec, in a worker thread: `sdkforge generate` (a subprocess, into the contract cache), then
`caller` in a fresh interpreter (it starts Prism on a free port; every method, required arguments
then every argument, sync then async), each call judged (`classify`). A spec whose
generation or Prism start fails is reported and the run goes on. The record is cached under
(spec bytes, sdkforge source, harness source, Prism version): a second run after no change
reads it back; `--fresh` runs everything again.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.corpus.directory import (
    check_directory,
    directory_folder,
    file_sha256,
    sdkforge_commit,
    source_hash,
)
from tests.corpus.store import Store, key

from . import prism, summary
from .caller import load_spec
from .classify import Spec, judge
from .specs import CHOSEN, EXTRA, HERE, Chosen, local_spec

ROOT = HERE.parents[1]
GENERATE_TIMEOUT = 900
CALLER_TIMEOUT = 1800


@dataclass(frozen=True, slots=True)
class Context:
    cache: Path
    api: Path
    source: str
    harness: str
    fresh: bool
    store: Store


# What decides the calls (with the Prism version and seed, in the key): `classify` and `summary`
# only read them, and `run` and `prism` only start processes, so a change there judges the cached
# calls again without making them again.
_CALLING = ("caller.py", "synth.py", "validator.py")


def harness_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(HERE.glob("*.py")) + sorted(HERE.glob("*.yaml")):
        if path.name in _CALLING or path.suffix == ".yaml":
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def spec_path(chosen: Chosen, api: Path) -> Path:
    return local_spec(chosen) or api / f"{chosen.id}.json"


def run_spec(chosen: Chosen, ctx: Context) -> dict[str, Any]:
    path = spec_path(chosen, ctx.api)
    name = key("contract", chosen.id, file_sha256(path), ctx.source, ctx.harness, prism.VERSION,
               prism.SEED)
    found = None if ctx.fresh else ctx.store.get("contract", name)
    if found is not None and (found.get("status") != "ok"
                              or (Path(found["work"]) / "calls.jsonl").exists()):
        return {**found, **_judged(found, path), "why": chosen.why, "cached": True}
    started = time.monotonic()
    work = ctx.cache / "work" / chosen.id.replace("/", "+")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    record: dict[str, Any] = {"id": chosen.id, "why": chosen.why, "work": str(work)}
    record.update(_exercise(path, work, ctx))
    record["seconds"] = round(time.monotonic() - started, 1)
    ctx.store.put("contract", name, record)
    return {**record, **_judged(record, path)}


def _judged(record: dict[str, Any], path: Path) -> dict[str, Any]:
    """The counts and faults of the spec's calls, judged now (cheap; the calls are cached)."""
    if record.get("status") not in ("ok", "caller-failed"):
        return {}
    return judge_calls(path, Path(record["work"]) / "calls.jsonl")


def _exercise(path: Path, work: Path, ctx: Context) -> dict[str, Any]:
    package = work / "client"
    try:
        done = subprocess.run([str(ROOT / ".venv" / "bin" / "sdkforge"), "generate", str(path),
                               "-o", str(package), "--quiet"], capture_output=True, text=True,
                              timeout=GENERATE_TIMEOUT, cwd=work)
    except subprocess.TimeoutExpired:
        return {"status": "generate-failed", "message": f"timeout after {GENERATE_TIMEOUT} s"}
    if done.returncode != 0:
        return {"status": "generate-failed",
                "message": f"exit {done.returncode}: {(done.stderr or done.stdout)[-600:]}"}
    calls = work / "calls.jsonl"
    try:
        done = subprocess.run([sys.executable, "-m", "tests.contract.caller", str(path),
                               str(package), str(ctx.cache), str(calls)], capture_output=True,
                              text=True, timeout=CALLER_TIMEOUT, cwd=ROOT)
        if done.returncode == 3:
            return {"status": "prism-failed", "message": done.stderr.strip()[-600:]}
        failed = None if done.returncode == 0 else \
            f"caller exit {done.returncode}: {done.stderr[-800:]}"
    except subprocess.TimeoutExpired:
        failed = f"caller timeout after {CALLER_TIMEOUT} s"
    return {"status": "caller-failed" if failed else "ok", "message": failed or ""}


def judge_calls(path: Path, calls: Path) -> dict[str, Any]:
    try:
        lines = [json.loads(x) for x in calls.read_text(encoding="utf-8").splitlines() if x]
    except OSError:
        lines = []
    spec = Spec(load_spec(path))
    return summary.tally(lines, [judge(line, spec) for line in lines])


def select(only: Sequence[str], extra: bool) -> list[Chosen]:
    chosen = list(CHOSEN) + (list(EXTRA) if extra or only else [])
    if only:
        chosen = [c for c in chosen if any(fnmatch.fnmatch(c.id, p) for p in only)]
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.contract")
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("CONTRACT_CACHE",
                                                    Path.home() / ".cache/sdkforge-contract")))
    parser.add_argument("--corpus-cache", type=Path,
                        default=Path(os.environ.get("CORPUS_CACHE",
                                                    Path.home() / ".cache/sdkforge-corpus")))
    parser.add_argument("--only", action="append", default=[],
                        help="spec ids to run (fnmatch; repeatable; reaches --extra specs too)")
    parser.add_argument("--extra", action="store_true",
                        help="also the big specs (appcenter.ms, stripe.com)")
    parser.add_argument("--fresh", action="store_true", help="ignore cached results")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--summary", type=Path, default=None,
                        help="where to write the summary (default: tests/contract/SUMMARY.md "
                             "for a full run, the run folder for --only)")
    args = parser.parse_args(argv)
    folder = directory_folder(args.corpus_cache)
    for problem in (check_directory(folder), prism.check_prism(args.cache)):
        if problem:
            print(problem, file=sys.stderr)
            return 2
    store = Store(args.cache)
    ctx = Context(args.cache, folder / "api", source_hash(), harness_hash(), args.fresh, store)
    chosen = select(args.only, args.extra)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        records = []
        for record in pool.map(lambda c: run_spec(c, ctx), chosen):
            records.append(record)
            print(summary.line(record), flush=True)
    run = store.new_run()
    with open(run / "results.jsonl", "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, sort_keys=True) + "\n")
    meta = {"commit": sdkforge_commit(), "source": ctx.source[:12], "prism": prism.VERSION,
            "seconds": time.monotonic() - started, "run": str(run), "jobs": args.jobs,
            "command": "python -m tests.contract " + " ".join(argv or sys.argv[1:])}
    text = summary.render(records, meta)
    target = args.summary or (run / "SUMMARY.md" if args.only else HERE / "SUMMARY.md")
    target.write_text(text, encoding="utf-8")
    (run / "SUMMARY.md").write_text(text, encoding="utf-8")
    store.finish_run(run)
    print(f"summary: {target}")
    return 0
