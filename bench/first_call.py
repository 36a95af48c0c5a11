"""The first call in a fresh process: sdkforge's OpenAI client against openai-python (issue 18).

Each run is a new interpreter (bytecode cached by one untimed run first) that imports the
client, makes it and sends one chat completion request to a loopback server answering a valid
chat completion; the two SDKs take turns, in the peers' venv (`bench.userside`), so they share
one httpx and one pydantic. Mixpeek's trigger history endpoint (sdkforge only) is timed the same
way, to compare the first call with the import. Wall and CPU times are medians.

    .venv/bin/python -m bench.first_call [--runs 7]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import bodies
from .layout import SEED, SHARED, user_env
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

OPENAI_SPEC = SHARED / "public" / "openai-openapi.yaml"
MIXPEEK_SPEC = SHARED / "mixpeek" / "openapi-2026-01-20.json"

CHAT_COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello!", "refusal": None,
                        "annotations": []},
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
    "usage": {
        "prompt_tokens": 5,
        "completion_tokens": 2,
        "total_tokens": 7,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                      "accepted_prediction_tokens": 0,
                                      "rejected_prediction_tokens": 0},
    },
    "service_tier": "default",
    "system_fingerprint": "fp_1",
}

# Each snippet times its own steps from its first statement (interpreter start-up is the same
# for both) and prints them as JSON; it checks the answer after the clock stops.
_TIMER = """
import json, sys, time
marks = [(time.perf_counter(), time.process_time())]
def mark():
    marks.append((time.perf_counter(), time.process_time()))
"""
_REPORT = """
names = ("import", "client", "call")
out = {n: 1000 * (marks[i + 1][0] - marks[i][0]) for i, n in enumerate(names)}
out.update({n + "_cpu": 1000 * (marks[i + 1][1] - marks[i][1]) for i, n in enumerate(names)})
print(json.dumps(out))
"""
SDK_CHAT = _TIMER + """
from sdkforge_openai import OpenAI
mark()
client = OpenAI(base_url=f"http://127.0.0.1:{sys.argv[1]}", api_key="k", max_retries=0)
mark()
reply = client.chat.create_completion(
    messages=[{"role": "user", "content": "Hi"}], model="gpt-4o-mini"
)
mark()
from sdkforge_openai import mismatches
assert reply.choices[0].message.content == "Hello!" and not mismatches(reply), mismatches(reply)
""" + _REPORT
PEER_CHAT = _TIMER + """
from openai import OpenAI
mark()
client = OpenAI(base_url=f"http://127.0.0.1:{sys.argv[1]}", api_key="k", max_retries=0)
mark()
reply = client.chat.completions.create(
    messages=[{"role": "user", "content": "Hi"}], model="gpt-4o-mini"
)
mark()
assert reply.choices[0].message.content == "Hello!"
""" + _REPORT
SDK_MIXPEEK = _TIMER + """
from mixpeek import Mixpeek
mark()
client = Mixpeek(base_url=f"http://127.0.0.1:{sys.argv[1]}", max_retries=0)
mark()
page = client.cluster_triggers.get_history("trigger_1", limit=10)
mark()
from mixpeek import mismatches
assert len(page.executions) == 10 and not mismatches(page), mismatches(page)
""" + _REPORT


def _rows(label: str, sdk: Sequence[Mapping[str, float]],
          peer: Sequence[Mapping[str, float]] | None) -> list[Row]:
    def both(key: str) -> tuple[float, float | None]:
        return median(sdk, key), None if peer is None else median(peer, key)

    rows = []
    for key, what in (("import", "import"), ("client", "client made"), ("call", "first call")):
        rows.append(Row(f"{label}: {what}", *both(key), "ms"))
    totals = [{"t": s["import"] + s["client"] + s["call"]} for s in sdk]
    peer_totals = None if peer is None else [
        {"t": s["import"] + s["client"] + s["call"]} for s in peer]
    rows.append(Row(f"{label}: import + client + first call", median(totals, "t"),
                    None if peer_totals is None else median(peer_totals, "t"), "ms"))
    rows.append(Row(f"{label}: first call, CPU", *both("call_cpu"), "ms"))
    return rows


def measure(runs: int = 7, work: Path = USER_WORK) -> list[Row]:
    """Medians of `runs` fresh processes per SDK, taking turns; the rows of the table. The
    packages are generated into `work` when not there yet."""
    python = ensure_peers()
    work = work.resolve()
    openai_pkg = generate(OPENAI_SPEC, work / "openai", "--package-name",
                          "sdkforge_openai", "--client-name", "OpenAI")
    mixpeek_pkg = generate(MIXPEEK_SPEC, work / "mixpeek")
    chat = json.dumps(CHAT_COMPLETION).encode()
    with loopback(chat) as port:
        args = [str(port)]
        chats = alternate(runs, {
            "sdkforge": (python, SDK_CHAT, user_env([openai_pkg]), args),
            "openai": (python, PEER_CHAT, user_env(), args),
        })
    with loopback(bodies.trigger_history(SEED, 10)) as port:
        mixpeek = alternate(runs, {
            "sdkforge": (python, SDK_MIXPEEK, user_env([mixpeek_pkg]), [str(port)]),
        })
    return (_rows("OpenAI chat completion", chats["sdkforge"], chats["openai"])
            + _rows("Mixpeek trigger history", mixpeek["sdkforge"], None))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.first_call", description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=USER_WORK,
                        help="where the packages are (generated there when missing)")
    options = parser.parse_args(argv)
    rows = measure(options.runs, options.work)
    print(f"First call in a fresh process, medians of {options.runs} (wall unless CPU)\n")
    print(table(rows, "openai-python 3.51.0"))


if __name__ == "__main__":
    main()

