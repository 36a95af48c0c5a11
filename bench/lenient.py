"""`.venv/bin/python -m bench.lenient [N] [--package DIR]`: the runtime's response step on a
page of N discriminated pets (default 300) of the golden `features` package, valid and with one
item not matching the spec (an enum value it does not list), in one interpreter, taking turns.

A micro-benchmark for issue 17's lenient parsing: a valid body must cost what it cost before
lenient parsing existed (one `validate_json` pass; compare against a checkout from before it
with `--package`), and a body that does not match should cost about one more pass, not one per
level. CPU time per parse (`time.process_time`), median and minimum over 30 rounds of 10.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
KINDS = [
    {"pet_type": "cat", "indoor": False, "lives_left": 7},
    {"pet_type": "dog", "breed": "collie", "good_boy": True},
    {"pet_type": "bird", "can_talk": True, "wingspan_cm": 21.5},
]


def body(n: int, broken: bool) -> bytes:
    items = [{"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "name": f"pet{i}",
              "status": "available", "created_at": "2024-05-01T12:30:00Z", "tags": ["a", "b"],
              "owner": {"id": 3, "name": "Ann"}, **KINDS[i % 3]} for i in range(n)]
    if broken:
        items[n // 2] = {**items[n // 2], "status": "asleep"}
    return json.dumps({"items": items, "next_cursor": "abc"}).encode()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.lenient")
    parser.add_argument("n", type=int, nargs="?", default=300)
    parser.add_argument("--package", type=Path, default=REPO / "generated" / "features",
                        help="the folder holding the `features` package")
    args = parser.parse_args()
    sys.path.insert(0, str(args.package))
    import httpx

    pets: Any = importlib.import_module("features.resources.pets")
    parse: Any = importlib.import_module("features._runtime._response").parse
    endpoint = pets._list_endpoint()
    request = httpx.Request("GET", "http://127.0.0.1/pets")
    cases = {"valid": body(args.n, False), "one mismatch": body(args.n, True)}

    def once(content: bytes) -> Any:
        response = httpx.Response(200, content=content, request=request,
                                  headers={"content-type": "application/json"})
        return parse(response, endpoint)

    for name, content in list(cases.items()):
        try:
            page = once(content)
        except Exception as exc:  # a runtime from before lenient parsing raises on a mismatch
            print(f"{name}: {type(exc).__name__}")
            del cases[name]
            continue
        assert len(page.items) == args.n and type(page.items[1]).__name__ == "Dog"
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(30):
        for name, content in cases.items():
            started = time.process_time()
            for _ in range(10):
                once(content)
            times[name].append((time.process_time() - started) / 10)
    for name, found in times.items():
        median = statistics.median(found)
        print(f"{name}: {args.n} items, median {median * 1e3:.2f} ms, min "
              f"{min(found) * 1e3:.2f} ms CPU per parse ({median / args.n * 1e6:.1f} us per item)")


if __name__ == "__main__":
    main()
