"""Retries of the generated `mixpeek` seed client, with every fault injected by the server.

Each test runs for `mixpeek.Mixpeek` and for `mixpeek.AsyncMixpeek` against
`client.cluster_triggers.get_history(...)` (a POST). Nothing in the client is patched:
statuses, `Retry-After` headers, dropped connections and slow answers all come from
`server.LoopbackServer`. Backoff delays are kept tiny through the client's `retry_base_delay`
and `retry_max_delay`; only the `Retry-After` tests wait for as long as the server asks.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import mixpeek
from mixpeek import models

from .harness import Harness, harnesses
from .server import LoopbackServer, RecordedRequest, Reply

HISTORY_PATH = "/v1/clusters/triggers/trg_1/history"
HISTORY = {"trigger_id": "trg_1", "executions": [], "total": 0, "offset": 0, "limit": 50}
FAST_RETRY = {"retry_base_delay": 0.01, "retry_max_delay": 0.02}


def error_payload(status: int, message: str = "something went wrong") -> dict[str, Any]:
    return {"success": False, "status": status, "error": {"message": message, "type": "SomeError"}}


@pytest.fixture
def make_client(kind: str, server: LoopbackServer) -> Iterator[Callable[..., Harness]]:
    """A client of this test's kind aimed at the server: 2 retries, tiny backoff, 5 s timeout."""
    with harnesses(kind, server, max_retries=2, timeout=5.0, **FAST_RETRY) as make:
        yield make


def gap(first: RecordedRequest, second: RecordedRequest) -> float:
    return second.received_at - first.received_at


# ------------------------------------------------------------------ Retry-After


def test_429_retry_after_seconds_is_honoured(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    """`Retry-After: 1` makes the client wait a whole second, not its 10 ms backoff."""
    server.reply(429, json=error_payload(429), headers={"Retry-After": "1"})
    server.reply(200, json=HISTORY)

    result = make_client().history("trg_1", limit=5)

    assert type(result) is models.TriggerHistoryResponse
    assert len(server.requests) == 2
    assert 0.95 <= gap(*server.requests) < 2.5, gap(*server.requests)
    assert server.requests[0].body == server.requests[1].body == b'{"limit":5}'


def test_429_retry_after_http_date_is_honoured(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    """`Retry-After` as an HTTP date 1.5 s ahead (whole seconds: 0.5 to 1.5 s from now)."""
    expected: list[float] = []

    def throttled(request: RecordedRequest) -> Reply:
        now = time.time()
        date = email.utils.formatdate(now + 1.5, usegmt=True)
        when = email.utils.parsedate_to_datetime(date).timestamp()
        expected.append(when - now)
        return Reply(429, json=error_payload(429), headers={"Retry-After": date})

    server.enqueue(throttled)
    server.reply(200, json=HISTORY)

    result = make_client().history("trg_1")

    assert result.trigger_id == "trg_1"
    assert len(server.requests) == 2
    (wait,) = expected
    assert 0.5 <= wait <= 1.5
    assert wait - 0.1 <= gap(*server.requests) < wait + 1.0, (wait, gap(*server.requests))


def test_429_retry_after_ms_is_honoured(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(429, json=error_payload(429), headers={"retry-after-ms": "250"})
    server.reply(200, json=HISTORY)

    make_client().history("trg_1")

    assert len(server.requests) == 2
    assert 0.24 <= gap(*server.requests) < 0.9, gap(*server.requests)


def test_retry_after_ms_wins_over_retry_after(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(429, json=error_payload(429),
                 headers={"retry-after-ms": "20", "Retry-After": "30"})
    server.reply(200, json=HISTORY)

    make_client().history("trg_1")

    assert len(server.requests) == 2
    assert 0.019 <= gap(*server.requests) < 0.5, gap(*server.requests)


# ------------------------------------------------------------------ retried failures


def test_503_twice_then_200_counts_attempts_in_x_retry_count(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(503, json=error_payload(503))
    server.reply(503, body="overloaded")
    server.reply(200, json=HISTORY)
    server.reply(200, json=HISTORY)  # one more than 1 + max_retries: never reached

    result = make_client(max_retries=2).history("trg_1", offset=3)

    assert result.trigger_id == "trg_1"
    assert len(server.requests) == 3
    assert server.pending == 1
    assert [r.header_values("X-Retry-Count") for r in server.requests] == [["0"], ["1"], ["2"]]
    assert {r.raw_path for r in server.requests} == {HISTORY_PATH}
    assert {r.body for r in server.requests} == {b'{"offset":3}'}


@pytest.mark.parametrize("action", ["reset", "close"])
def test_dropped_connection_then_200_succeeds_after_a_retry(
    make_client: Callable[..., Harness], server: LoopbackServer, action: str
) -> None:
    server.reply(200, json=HISTORY, action=action)
    server.reply(200, json=HISTORY)

    result = make_client().history("trg_1", limit=2)

    assert result.trigger_id == "trg_1"
    assert len(server.requests) == 2
    assert server.requests[1].header("X-Retry-Count") == "1"
    assert json.loads(server.requests[1].body) == {"limit": 2}


def test_read_timeout_then_200_succeeds_after_a_retry(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    # Longer than the timeout; woken when the server stops
    server.reply(200, json=HISTORY, delay=3.0)
    server.reply(200, json=HISTORY)
    client = make_client(timeout=0.2)

    started = time.monotonic()
    result = client.history("trg_1")
    elapsed = time.monotonic() - started

    assert result.trigger_id == "trg_1"
    assert len(server.requests) == 2
    assert 0.15 <= elapsed < 1.5, elapsed
    assert server.requests[1].header("X-Retry-Count") == "1"


def test_retries_exhausted_raise_the_last_response(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    for attempt in (1, 2, 3):
        server.reply(500, json=error_payload(500, f"down, attempt {attempt}"))
    server.reply(200, json=HISTORY)  # never reached

    with pytest.raises(mixpeek.InternalServerError) as info:
        make_client(max_retries=2).history("trg_1")

    assert info.value.status_code == 500
    assert type(info.value.body) is models.ErrorResponse
    assert info.value.body.error.message == "down, attempt 3"
    assert info.value.response.json()["error"]["message"] == "down, attempt 3"
    assert len(server.requests) == 3
    assert server.pending == 1


@pytest.mark.parametrize(
    ("status", "error_class"), [(400, mixpeek.BadRequestError), (404, mixpeek.NotFoundError)]
)
def test_client_errors_are_not_retried(
    make_client: Callable[..., Harness],
    server: LoopbackServer,
    status: int,
    error_class: type[mixpeek.APIStatusError],
) -> None:
    server.reply(status, json=error_payload(status))
    server.reply(200, json=HISTORY)  # must not be reached

    with pytest.raises(error_class):
        make_client(max_retries=2).history("trg_1")

    assert len(server.requests) == 1
    assert server.pending == 1


# ------------------------------------------------------------------ idempotency keys


def test_post_keeps_one_idempotency_key_across_its_retries(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(503, json=error_payload(503))
    server.reply(200, json=HISTORY, action="reset")
    server.reply(200, json=HISTORY)
    server.reply(200, json=HISTORY)
    client = make_client()

    client.history("trg_1")
    client.history("trg_1")

    assert len(server.requests) == 4
    keys = [r.header_values("Idempotency-Key") for r in server.requests]
    assert all(len(k) == 1 and k[0] for k in keys), keys
    first_call, second_call = {k[0] for k in keys[:3]}, {k[0] for k in keys[3:]}
    assert len(first_call) == 1, keys  # the same key on every attempt of one call
    assert first_call != second_call  # a new key for a new call


def test_idempotency_header_none_sends_no_key(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(503, json=error_payload(503))
    server.reply(200, json=HISTORY)

    make_client(idempotency_header=None).history("trg_1")

    assert len(server.requests) == 2
    for request in server.requests:
        assert not [name for name, _ in request.headers if "idempotency" in name.lower()]


def test_custom_idempotency_header_name(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(503, json=error_payload(503))
    server.reply(200, json=HISTORY)

    make_client(idempotency_header="X-Request-Key").history("trg_1")

    assert len(server.requests) == 2
    keys = [r.header_values("X-Request-Key") for r in server.requests]
    assert len(keys[0]) == 1 and keys[0][0] and keys[0] == keys[1], keys
    assert all(r.header("Idempotency-Key") is None for r in server.requests)


def test_caller_supplied_idempotency_key_is_kept_on_every_attempt(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(503, json=error_payload(503))
    server.reply(200, json=HISTORY)

    make_client().history("trg_1", extra_headers={"idempotency-key": "mine-1"})

    assert [r.header_values("Idempotency-Key") for r in server.requests] == [["mine-1"], ["mine-1"]]


# ------------------------------------------------------------------ per-call and copied options


def test_per_call_max_retries_zero_overrides_the_client(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(503, json=error_payload(503))
    server.reply(200, json=HISTORY)

    with pytest.raises(mixpeek.InternalServerError):
        make_client(max_retries=2).history("trg_1", max_retries=0)

    assert len(server.requests) == 1
    assert server.pending == 1


def test_per_call_max_retries_can_raise_the_clients(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(503, json=error_payload(503))
    server.reply(200, json=HISTORY)

    make_client(max_retries=0).history("trg_1", max_retries=1)

    assert len(server.requests) == 2


def test_with_options_max_retries_copy_shares_the_pool_and_leaves_the_original(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    harness = make_client(max_retries=2)
    original = harness.client
    copy = original.with_options(max_retries=0)

    assert type(copy) is type(original)
    assert copy is not original
    assert copy._http is original._http
    assert (copy.max_retries, original.max_retries) == (0, 2)

    server.reply(200, json=HISTORY)
    harness.history("trg_1")  # the original opens the pool's connection

    server.reply(503, json=error_payload(503))
    server.reply(200, json=HISTORY)  # not reached by the copy
    with pytest.raises(mixpeek.InternalServerError):
        harness.history("trg_1", client=copy)
    assert len(server.requests) == 2

    harness.history("trg_1")  # the original takes the 200 the copy left
    server.reply(503, json=error_payload(503))  # and still retries
    server.reply(200, json=HISTORY)
    harness.history("trg_1")
    assert len(server.requests) == 5
    assert [r.header("X-Retry-Count") for r in server.requests] == ["0", "0", "0", "0", "1"]

    # One keep-alive connection served the original and the copy.
    assert server.connections_opened == 1
    assert len({r.connection_id for r in server.requests}) == 1

    # Closing the copy does not close the pool it borrowed.
    harness.close_client(copy)
    server.reply(200, json=HISTORY)
    assert harness.history("trg_1").trigger_id == "trg_1"


def test_with_options_timeout_applies_to_the_copy_only(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    harness = make_client(max_retries=0, timeout=5.0)
    fast = harness.client.with_options(timeout=0.2)

    server.reply(200, json=HISTORY, delay=3.0)
    started = time.monotonic()
    with pytest.raises(mixpeek.APITimeoutError):
        harness.history("trg_1", client=fast)
    assert 0.15 <= time.monotonic() - started < 1.5

    server.reply(200, json=HISTORY, delay=0.4)  # too slow for the copy, fine for the original
    assert harness.history("trg_1").trigger_id == "trg_1"
    assert harness.client.timeout == 5.0
    assert len(server.requests) == 2


# ------------------------------------------------------------------ x-should-retry


def test_x_should_retry_false_stops_a_retryable_status(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(503, json=error_payload(503), headers={"x-should-retry": "false"})
    server.reply(200, json=HISTORY)

    with pytest.raises(mixpeek.InternalServerError) as info:
        make_client(max_retries=2).history("trg_1")

    assert info.value.status_code == 503
    assert len(server.requests) == 1
    assert server.pending == 1


def test_x_should_retry_true_retries_a_400(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(400, json=error_payload(400), headers={"x-should-retry": "true"})
    server.reply(200, json=HISTORY)

    result = make_client(max_retries=2).history("trg_1")

    assert result.trigger_id == "trg_1"
    assert len(server.requests) == 2


def test_no_retry_after_the_last_attempt_even_when_told_to(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(400, json=error_payload(400), headers={"x-should-retry": "true"})
    server.reply(400, json=error_payload(400, "again"), headers={"x-should-retry": "true"})
    server.reply(200, json=HISTORY)  # never reached with max_retries=1

    with pytest.raises(mixpeek.BadRequestError) as info:
        make_client(max_retries=1).history("trg_1")

    assert info.value.body.error.message == "again"
    assert len(server.requests) == 2


def test_http_client_supplied_by_caller_gets_the_retries_too(
    kind: str, server: LoopbackServer
) -> None:
    """Retries live in the SDK, not in an httpx transport the caller may replace."""
    server.reply(503, json=error_payload(503))
    server.reply(200, json=HISTORY)
    http: Any = httpx.Client() if kind == "sync" else httpx.AsyncClient()
    harness = Harness(kind, base_url=server.url, max_retries=1, http_client=http, **FAST_RETRY)
    try:
        assert harness.history("trg_1").trigger_id == "trg_1"
    finally:
        harness.run(http.close() if kind == "sync" else http.aclose())
        harness.close()
    assert len(server.requests) == 2


# ------------------------------------------------------------------ retry decisions at debug level


def test_each_retry_decision_is_logged_at_debug_with_its_reason(
    make_client: Callable[..., Harness], server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    """`MIXPEEK_LOG=debug` tells why each attempt was or was not retried, naming the request by
    its path alone: the query (a credential here) never appears."""
    caplog.set_level(logging.DEBUG, logger="mixpeek")
    harness = make_client(max_retries=2)
    call = {"extra_query": {"token": "sk_query_secret"}}

    server.reply(503, json=error_payload(503))
    server.reply(429, json=error_payload(429), headers={"retry-after-ms": "10"})
    server.reply(200, json=HISTORY)
    harness.history("trg_1", **call)
    server.reply(404, json=error_payload(404))
    with pytest.raises(mixpeek.NotFoundError):
        harness.history("trg_1", **call)
    server.reply(200, json=HISTORY, action="reset")
    for _ in range(2):
        server.reply(500, json=error_payload(500))
    with pytest.raises(mixpeek.InternalServerError):
        harness.history("trg_1", **call)

    lines = [r.getMessage() for r in caplog.records
             if r.name == "mixpeek" and r.levelno == logging.DEBUG]
    retrying = re.compile(
        rf"Retrying request to {HISTORY_PATH} in [0-9.]+ seconds "
        r"\((backoff|as the response asked)\), reason: (.+)"
    )
    decisions = []
    for line in lines:
        match = retrying.fullmatch(line)
        if match is None:
            decisions.append(("stop", line, ""))
            continue
        reason = re.sub(r"connection error \(\w+\)", "connection error (<httpx error>)",
                        match.group(2))
        decisions.append(("retry", match.group(1), reason))
    assert decisions == [
        ("retry", "backoff", "status 503"),
        ("retry", "as the response asked", "status 429"),
        ("stop", f"Not retrying request to {HISTORY_PATH}, reason: status 404 is not retried", ""),
        ("retry", "backoff", "connection error (<httpx error>)"),  # ReadError for a reset, on Linux
        ("retry", "backoff", "status 500"),
        ("stop", f"Not retrying request to {HISTORY_PATH}, reason: status 500, but no retries left "
                 "(max_retries=2)", ""),
    ], lines
    assert "in 0.01 seconds (as the response asked)" in lines[1]
    assert not any("sk_query_secret" in r.getMessage() for r in caplog.records)


def test_a_kept_response_is_no_decision_to_log(
    make_client: Callable[..., Harness], server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mixpeek")
    server.reply(200, json=HISTORY)
    make_client().history("trg_1")
    assert [r.getMessage() for r in caplog.records
            if r.name == "mixpeek" and r.levelno == logging.DEBUG] == []


# ------------------------------------------------------------------ the policy's pure functions


def test_should_retry_by_status_header_and_failure() -> None:
    from mixpeek._runtime._retries import should_retry

    request = httpx.Request("POST", "https://api.example" + HISTORY_PATH)

    def response(status: int, **headers: str) -> httpx.Response:
        return httpx.Response(status, headers=headers, request=request)

    assert should_retry(response(200)) == (False, "")
    assert should_retry(response(404)) == (False, "status 404 is not retried")
    for status in (408, 409, 429, 500, 503, 599):
        assert should_retry(response(status)) == (True, f"status {status}")
    assert should_retry(response(503, **{"x-should-retry": "false"})) == (
        False, "x-should-retry: false")
    assert should_retry(response(400, **{"x-should-retry": "true"})) == (
        True, "x-should-retry: true")
    assert should_retry(httpx.ReadTimeout("slow", request=request)) == (True, "timeout")
    assert should_retry(httpx.ConnectError("refused", request=request)) == (
        True, "connection error (ConnectError)"
    )


def test_retry_delay_honours_the_server_then_backs_off_with_jitter() -> None:
    from mixpeek._runtime._retries import retry_delay

    def delay(
        attempt: int, jitter: float = 0.0, now: float = 0.0, **headers: str
    ) -> tuple[float, str]:
        return retry_delay(attempt, httpx.Headers(headers), base_delay=0.5, max_delay=8.0,
                           jitter=jitter, now=now)

    asked = "as the response asked"
    assert delay(0, **{"retry-after": "2"}) == (2.0, asked)
    assert delay(0, **{"retry-after-ms": "250", "retry-after": "30"}) == (0.25, asked)
    assert delay(0, **{"retry-after-ms": "soon", "retry-after": "3"}) == (3.0, asked)
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert delay(0, now=1_000_000, **{"retry-after": date}) == (30.0, asked)
    # Nothing asked, too long a wait asked, or nonsense: exponential backoff, capped, minus jitter.
    assert [delay(n)[0] for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert delay(1, **{"retry-after": "61"}) == (1.0, "backoff")
    assert delay(1, **{"retry-after": "-1"}) == (1.0, "backoff")
    assert delay(1, **{"retry-after": "whenever"}) == (1.0, "backoff")
    assert delay(2, jitter=1.0) == (1.5, "backoff")  # at most a quarter off
    assert retry_delay(0, None, base_delay=0.5, max_delay=8.0, jitter=0.5, now=0) == (
        0.4375, "backoff")
