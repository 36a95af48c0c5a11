"""Event streams parsed: sdkforge's OpenAI client's `Stream` against openai-python's (issue 19).

`bench.loopback`, in its own process, answers every request with one `text/event-stream` body
of EVENTS small chat completion chunks (a word of content each, like a model's token stream)
and `data: [DONE]`. One fresh interpreter in the peers' venv (`bench.userside`: openai 3.51.0,
the same httpx and pydantic for both) holds both clients; each round streams the whole body
once with each, `client.chat...(model=..., messages=[...], stream=True)` iterated to the end
(the order alternating round by round), sync then async. A run reports the median round of
each; the table gives the medians of the runs: events per second (wall), and CPU per event.
The items are checked first: the same count on both sides, and sdkforge's typed without a
mismatch.

    .venv/bin/python -m bench.streams [--runs 5] [--rounds 20] [--events 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Sequence
from pathlib import Path

from .layout import SHARED, user_env
from .userside import USER_WORK, Row, ensure_peers, generate, loopback, run_snippet, table

OPENAI_SPEC = SHARED / "public" / "openai-openapi.yaml"
WORDS = ("Hello", " there", ",", " how", " can", " I", " help", " you", " today", "?")


def chunk(index: int) -> dict[str, object]:
    """One chat completion chunk as OpenAI streams it."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "system_fingerprint": "fp_1",
        "service_tier": "default",
        "choices": [
            {
                "index": 0,
                "delta": {"content": WORDS[index % len(WORDS)]},
                "logprobs": None,
                "finish_reason": None,
            }
        ],
    }


def body(events: int) -> bytes:
    lines = [b"data: " + json.dumps(chunk(i)).encode() + b"\n\n" for i in range(events)]
    return b"".join(lines) + b"data: [DONE]\n\n"


SNIPPET = """
import asyncio, json, statistics, sys, time
from openai import AsyncOpenAI as APeer, OpenAI as Peer
from sdkforge_openai import AsyncOpenAI as AOurs, OpenAI as Ours, mismatches, models

url, events, rounds = f"http://127.0.0.1:{sys.argv[1]}", int(sys.argv[2]), int(sys.argv[3])
MODEL = "gpt-4o-mini"
ours, peer = Ours(base_url=url, api_key="k", max_retries=0), Peer(base_url=url, api_key="k",
                                                                  max_retries=0)
aours, apeer = AOurs(base_url=url, api_key="k", max_retries=0), APeer(base_url=url, api_key="k",
                                                                      max_retries=0)
user = models.ChatCompletionRequestUserMessage(role="user", content="Hi")
peer_user = {"role": "user", "content": "Hi"}


def sync_ours():
    with ours.chat.create_completion(model=MODEL, messages=[user], stream=True) as stream:
        return [c.choices[0].delta.content for c in stream]


def sync_peer():
    with peer.chat.completions.create(model=MODEL, messages=[peer_user], stream=True) as stream:
        return [c.choices[0].delta.content for c in stream]


async def async_ours():
    stream = await aours.chat.create_completion(model=MODEL, messages=[user], stream=True)
    async with stream:
        return [c.choices[0].delta.content async for c in stream]


async def async_peer():
    stream = await apeer.chat.completions.create(model=MODEL, messages=[peer_user], stream=True)
    async with stream:
        return [c.choices[0].delta.content async for c in stream]


def check():
    with ours.chat.create_completion(model=MODEL, messages=[user], stream=True) as stream:
        items = list(stream)
    assert len(items) == events, len(items)
    assert all(isinstance(c, models.CreateChatCompletionStreamResponse) for c in items)
    assert not any(mismatches(c) for c in items), mismatches(items[0])
    assert sync_ours() == sync_peer()


def timed(results, name, run):
    wall, cpu = time.perf_counter(), time.process_time()
    found = run()
    results[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    assert len(found) == events


async def atimed(results, name, run):
    wall, cpu = time.perf_counter(), time.process_time()
    found = await run()
    results[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    assert len(found) == events


async def async_rounds(results):
    takes = {"async sdkforge": async_ours, "async openai": async_peer}
    for run in takes.values():
        await run()
    for index in range(rounds):
        for name in (list(takes) if index % 2 == 0 else list(reversed(takes))):
            await atimed(results, name, takes[name])


check()
results = {name: [] for name in ("sync sdkforge", "sync openai", "async sdkforge", "async openai")}
takes = {"sync sdkforge": sync_ours, "sync openai": sync_peer}
for index in range(rounds):
    for name in (list(takes) if index % 2 == 0 else list(reversed(takes))):
        timed(results, name, takes[name])
asyncio.run(async_rounds(results))
flat = {}
for name, samples in results.items():
    flat[name + " seconds"] = statistics.median(s for s, _ in samples)
    flat[name + " cpu"] = statistics.median(c for _, c in samples)
print(json.dumps(flat))
"""


def measure(runs: int = 5, rounds: int = 20, events: int = 2000,
            work: Path = USER_WORK) -> list[Row]:
    """Medians over `runs` fresh interpreters of each one's median round; the table's rows."""
    python = ensure_peers()
    package = generate(OPENAI_SPEC, work.resolve() / "openai", "--package-name",
                       "sdkforge_openai", "--client-name", "OpenAI")
    samples: list[dict[str, float]] = []
    with loopback(body(events), "text/event-stream") as port:
        for _ in range(runs):
            samples.append(run_snippet(python, SNIPPET, user_env([package]),
                                       [str(port), str(events), str(rounds)]))

    def median(key: str) -> float:
        return statistics.median(sample[key] for sample in samples)

    rows = []
    for loop in ("sync", "async"):
        ours, peer = median(f"{loop} sdkforge seconds"), median(f"{loop} openai seconds")
        rows.append(Row(f"{loop}: events parsed per second", events / ours, events / peer,
                        "events/s", "higher is faster"))
        rows.append(Row(f"{loop}: CPU per event", median(f"{loop} sdkforge cpu") / events * 1e6,
                        median(f"{loop} openai cpu") / events * 1e6, "µs", "lower is cheaper"))
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.streams", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=USER_WORK,
                        help="where the package is (generated there when missing)")
    options = parser.parse_args(argv)
    rows = measure(options.runs, options.rounds, options.events, options.work)
    print(f"Streaming {options.events} chat chunks over loopback, medians of {options.runs} "
          f"processes x {options.rounds} rounds (ratio: sdkforge / openai-python)\n")
    print(table(rows, "openai-python 3.51.0"))


if __name__ == "__main__":
    main()
