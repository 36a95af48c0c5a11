"""`python -m tests.contract.servers --prefect DIR --chroma DIR --loopback-todo DIR` (each the
server's install folder; `make contract-servers` names them all): each server started, its spec
fetched, a client generated, the workflow run sync and async; a summary printed."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from . import chroma, loopback, prefect
from .generate import Generated, fetch_spec, generate
from .process import free_port, serve
from .workflow import Driver, Record


@dataclass(frozen=True)
class Server:
    name: str
    built_on: str
    module: ModuleType  # command(install, port), env(data, port), workflow(driver, record)
    package_name: str  # of the generated client
    client_name: str
    ready_path: str
    spec_path: str
    api_path: str  # the client's base URL, after the server's address
    version: Callable[[Path], str]
    start_timeout: float = 90.0  # seconds until it answers (Prefect took 14-50 s on 2 busy cores)


def _pip_version(install: Path, distribution: str) -> str:
    found = sorted(install.glob(f"venv/lib/python*/site-packages/{distribution}-*.dist-info"))
    return found[-1].name.removesuffix(".dist-info").split("-")[-1] if found else "?"


def _npm_version(install: Path, package: Path) -> str:
    manifest = install / package / "package.json"
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"]) if manifest.exists() \
        else "?"


SERVERS = (
    Server("prefect", "FastAPI, SQLite", prefect, "prefect_client", "Prefect",
           ready_path="/api/health", spec_path="/api/openapi.json", api_path="/api",
           version=lambda install: _pip_version(install, "prefect"), start_timeout=180.0),
    Server("chroma", "Rust (axum, utoipa), SQLite", chroma, "chroma_client", "Chroma",
           ready_path="/api/v2/heartbeat", spec_path="/openapi.json", api_path="",
           version=lambda install: _pip_version(install, "chromadb")),
    Server("loopback-todo", "LoopBack 4 on Node.js, in memory", loopback, "loopback_todo_client",
           "Todo", ready_path="/openapi.json", spec_path="/openapi.json", api_path="",
           version=lambda install: _npm_version(install, loopback.APP)),
)


@dataclass
class Outcome:
    """One server's run: setup (start, spec, generation), then a workflow per client kind."""

    server: Server
    version: str
    setup: Record
    runs: list[Record] = field(default_factory=list)
    ready_seconds: float = 0.0
    generated: Generated | None = None
    seconds: float = 0.0


def _workflows(server: Server, generated: Generated, base_url: str,
               kinds: Sequence[str]) -> list[Record]:
    records = []
    for kind in kinds:
        record = Record(server.name, kind)
        # No retries: the default retries a 409 (a lock timeout, for some APIs), and the conflict
        # step must see the server's one answer.
        driver = Driver(kind, generated.package, server.client_name, base_url=base_url,
                        max_retries=0)
        try:
            server.module.workflow(driver, record)
        finally:
            driver.close()
        records.append(record)
    return records


def _workdir(server: Server, keep: Path | None) -> AbstractContextManager[str]:
    """A throwaway folder for the server's data, its spec and the client; under `keep`, kept."""
    if keep is None:
        return tempfile.TemporaryDirectory(prefix=f"sdkforge-contract-{server.name}-")
    folder = keep / server.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return nullcontext(str(folder))


def run_server(server: Server, install: Path, kinds: Sequence[str], keep: Path | None) -> Outcome:
    start = time.monotonic()
    outcome = Outcome(server, server.version(install), Record(server.name, "setup"))
    with _workdir(server, keep) as tmp:
        data, port = Path(tmp, "data"), free_port()
        data.mkdir()
        started = serve(server.module.command(install, port), port=port, cwd=data,
                        env=server.module.env(data, port), ready_path=server.ready_path,
                        timeout=server.start_timeout)
        with outcome.setup.step("start the server, fetch its spec, generate the client"), \
                started as running:
            outcome.ready_seconds = running.ready_seconds
            spec = fetch_spec(running.url + server.spec_path, Path(tmp))
            outcome.generated = generate(spec, Path(tmp, "client"), server.package_name,
                                         server.client_name)
            outcome.runs = _workflows(server, outcome.generated,
                                      running.url + server.api_path, kinds)
    outcome.seconds = time.monotonic() - start
    return outcome


def _lines(outcome: Outcome) -> list[str]:
    """The report of one server's run, as printed."""
    server, generated = outcome.server, outcome.generated
    lines = [f"== {server.name} {outcome.version} ({server.built_on}): "
             f"ready in {outcome.ready_seconds:.1f} s, whole run {outcome.seconds:.1f} s"]
    if generated is not None:
        lines.append(f"   spec {generated.spec_bytes / 1000:.0f} kB, generated in "
                     f"{generated.seconds:.1f} s, {len(generated.warnings)} line(s) of findings")
        lines += [f"   | {line}" for line in generated.warnings]
    for record in [outcome.setup, *outcome.runs]:
        if record is outcome.setup and record.count("failed") == 0:
            continue
        lines.append(f"   {record.kind:5}: {record.count('passed')} passed, "
                     f"{record.count('failed')} failed, {record.count('skipped')} skipped")
        for step in record.steps:
            mark = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip"}[step.outcome]
            lines.append(f"     {mark} {step.name}" + (f": {step.detail}" if step.detail else ""))
    return lines


def _write_summary(path: Path, report: list[str]) -> None:
    """The report as markdown, with when and on which sdkforge commit it ran."""
    commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip() or "?"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    path.write_text("# sdkforge against real open-source servers (`make contract-servers`)\n\n"
                    f"- date: {when}\n- sdkforge: {commit}\n\n```\n" + "\n".join(report)
                    + "\n```\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.contract.servers",
                                     description=__doc__)
    for server in SERVERS:
        parser.add_argument(f"--{server.name}", type=Path, metavar="DIR",
                            help=f"where {server.name} is installed (the Makefile's cache)")
    parser.add_argument("--kinds", default="sync,async", help="client kinds (default: both)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep each server's data, spec and generated client in DIR/NAME")
    parser.add_argument("--summary", type=Path, metavar="PATH",
                        help="also write the report, as markdown, to PATH")
    args = parser.parse_args(argv)
    kinds = args.kinds.split(",")
    chosen = [(s, getattr(args, s.name.replace("-", "_"))) for s in SERVERS]
    outcomes = [run_server(server, install, kinds, args.keep)
                for server, install in chosen if install]
    if not outcomes:
        parser.error("name at least one server's install folder")
    records = [r for o in outcomes for r in [o.setup, *o.runs]]
    failed = sum(r.count("failed") for r in records)
    report = [line for outcome in outcomes for line in ["", *_lines(outcome)]]
    report += ["", f"contract-servers: {sum(r.count('passed') for r in records)} passed, "
                   f"{failed} failed, {sum(r.count('skipped') for r in records)} skipped"]
    print("\n".join(report))
    if args.summary is not None:
        _write_summary(args.summary, report[1:])
    return 1 if failed else 0
