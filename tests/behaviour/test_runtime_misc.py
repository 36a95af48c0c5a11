"""The generated `mixpeek` seed client's runtime odds and ends, over real loopback sockets:
the User-Agent, `default_query`, `MIXPEEK_LOG` logging (in a subprocess, so no logging
configuration leaks into other tests), credentials kept out of reprs, errors and logs, and
the `with_raw_response` / `with_streaming_response` variants. Sync and async alike.
"""

from __future__ import annotations

import asyncio
import os
import platform
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import mixpeek
from mixpeek import models

from .harness import Harness, harnesses
from .server import LoopbackServer

GENERATED = Path(__file__).resolve().parents[2] / "generated" / "mixpeek-trigger-history"
HISTORY_PATH = "/v1/clusters/triggers/trg_1/history"
HISTORY = {
    "trigger_id": "trg_1",
    "executions": [{"job_id": "job_1", "triggered_at": "2024-05-01T12:30:00Z",
                    "status": "completed"}],
    "total": 1,
    "offset": 0,
    "limit": 50,
}
HISTORY_BYTES = (
    b'{"trigger_id":"trg_1","executions":[{"job_id":"job_1","triggered_at":"2024-05-01T12:30:00Z",'
    b'"status":"completed"}],"total":1,"offset":0,"limit":50}'
)
SECRETS = ("sk-DEFAULT-HEADER-1f3a", "sk-EXTRA-HEADER-9c2b", "sk-QUERY-CRED-77d0",
           "sk-DEFAULT-QUERY-5e1c")


def error_payload(status: int, message: str = "no access") -> dict[str, Any]:
    return {"success": False, "status": status, "error": {"message": message, "type": "AuthError"}}


@pytest.fixture
def make_client(kind: str, server: LoopbackServer) -> Iterator[Callable[..., Harness]]:
    """A client of this test's kind aimed at the server: no retries, 5 s timeout."""
    with harnesses(kind, server, max_retries=0, timeout=5.0) as make:
        yield make


# ------------------------------------------------------------------ User-Agent and default_query


def test_user_agent_is_package_version_and_python_version(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)

    make_client().history("trg_1")

    (agent,) = server.requests[0].header_values("User-Agent")
    assert re.fullmatch(r"mixpeek/[0-9][^ /]* python/\d+\.\d+\.\d+", agent), agent
    assert agent == f"mixpeek/{mixpeek.__version__} python/{platform.python_version()}"


def test_default_query_reaches_the_wire_with_the_call_query(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)
    server.reply(200, json=HISTORY)
    client = make_client(default_query={"api-version": "2024-06-01", "tags": ["a", "b c"],
                                        "skip": None})

    client.history("trg_1")
    client.history("trg_1", extra_query={"debug": "1"})

    first, second = server.requests
    assert first.raw_path == HISTORY_PATH + "?api-version=2024-06-01&tags=a&tags=b%20c"
    assert first.query == [("api-version", "2024-06-01"), ("tags", "a"), ("tags", "b c")]
    assert second.query == [("api-version", "2024-06-01"), ("tags", "a"), ("tags", "b c"),
                            ("debug", "1")]


def test_extra_query_overrides_a_default_query_parameter(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    """Like headers (built-in < client < call < extra), a per-call value replaces the client's:
    sending both leaves the choice to the server (Starlette takes the last, Flask the first)."""
    server.reply(200, json=HISTORY)
    client = make_client(default_query={"api-version": "2024-06-01"})

    client.history("trg_1", extra_query={"api-version": "2025-01-01"})

    assert server.requests[0].query == [("api-version", "2025-01-01")]


# ------------------------------------------------------------------ credentials kept out of sight


def test_repr_does_not_show_default_header_credentials(make_client: Callable[..., Harness]) -> None:
    harness = make_client(
        default_headers={"Authorization": f"Bearer {SECRETS[0]}", "X-Api-Key": SECRETS[1]},
        default_query={"api_key": SECRETS[3]},
    )
    client = harness.client
    copy = client.with_options(max_retries=1, default_headers={"X-Other": SECRETS[2]})

    for text in (repr(client), str(client), repr(copy), str(copy), repr(client.cluster_triggers)):
        assert not [secret for secret in SECRETS if secret in text], text
    assert "127.0.0.1" in repr(client)


def test_401_error_text_does_not_contain_the_authorization_value(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(401, json=error_payload(401, "bad token"))
    harness = make_client(default_headers={"Authorization": f"Bearer {SECRETS[0]}"})

    with pytest.raises(mixpeek.AuthenticationError) as info:
        harness.history("trg_1", extra_headers={"X-Api-Key": SECRETS[1]},
                        extra_query={"key": SECRETS[2]})

    err = info.value
    assert err.status_code == 401
    assert err.body.error.message == "bad token"
    for text in (str(err), repr(err), err.message, str(err.args)):
        assert not [secret for secret in SECRETS if secret in text], text
    # The secrets did go out: the test is not vacuous.
    assert server.requests[0].header("Authorization") == f"Bearer {SECRETS[0]}"
    assert server.requests[0].header("X-Api-Key") == SECRETS[1]


@pytest.mark.parametrize("action", ["reset", "timeout"])
def test_connection_error_text_does_not_contain_credentials(
    make_client: Callable[..., Harness], server: LoopbackServer, action: str
) -> None:
    if action == "timeout":
        server.reply(200, json=HISTORY, delay=3.0)
    else:
        server.reply(200, json=HISTORY, action="reset")
    harness = make_client(default_headers={"Authorization": f"Bearer {SECRETS[0]}"}, timeout=0.2)

    with pytest.raises(mixpeek.APIConnectionError) as info:
        harness.history("trg_1", extra_query={"key": SECRETS[2]})

    for text in (str(info.value), repr(info.value)):
        assert not [secret for secret in SECRETS if secret in text], text


# ------------------------------------------------------------------ MIXPEEK_LOG=info, subprocess

LOG_SCRIPT = """
import asyncio, sys
import mixpeek

KIND, BASE_URL = sys.argv[1], sys.argv[2]
OPTIONS = dict(
    base_url=BASE_URL,
    max_retries=1,
    timeout=5.0,
    retry_base_delay=0.01,
    retry_max_delay=0.02,
    default_headers={"X-Api-Key": "%(s0)s"},
    default_query={"api_key": "%(s3)s"},
)
CALL = dict(
    limit=3,
    extra_headers={"Authorization": "Bearer %(s1)s"},
    extra_query={"token": "%(s2)s"},
)


def mark(text):
    print("=== " + text, file=sys.stderr, flush=True)


def run_sync():
    with mixpeek.Mixpeek(**OPTIONS) as client:
        for scenario in ("status", "connection"):
            mark(scenario)
            client.cluster_triggers.get_history("trg_1", **CALL)
    mark("end")


async def run_async():
    async with mixpeek.AsyncMixpeek(**OPTIONS) as client:
        for scenario in ("status", "connection"):
            mark(scenario)
            await client.cluster_triggers.get_history("trg_1", **CALL)
    mark("end")


run_sync() if KIND == "sync" else asyncio.run(run_async())
""" % {"s0": SECRETS[0], "s1": SECRETS[1], "s2": SECRETS[2], "s3": SECRETS[3]}

LOG_LINE = re.compile(
    r"^\S+ \S+ mixpeek INFO (?P<method>[A-Z]+) (?P<url>\S+) -> (?P<outcome>\S+) "
    r"\(attempt (?P<attempt>\d+), (?P<ms>\d+) ms\)$"
)


class LogRun:
    def __init__(self, stderr: str, url: str) -> None:
        self.stderr = stderr
        self.url = url
        self.sections: dict[str, list[str]] = {}
        current = "preamble"
        for line in stderr.splitlines():
            if line.startswith("=== "):
                current = line[4:]
                continue
            self.sections.setdefault(current, []).append(line)


@pytest.fixture(scope="module", params=["sync", "async"])
def log_run(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[LogRun]:
    """One subprocess per client kind with MIXPEEK_LOG=info; the server scripts, per call:
    `status`: a 503 then a 200; `connection`: a reset connection then a 200."""
    kind = str(request.param)
    script = tmp_path_factory.mktemp(f"log_{kind}") / "run.py"
    script.write_text(textwrap.dedent(LOG_SCRIPT))
    with LoopbackServer() as srv:
        srv.reply(503, json=error_payload(503, "busy"))
        srv.reply(200, json=HISTORY)
        srv.reply(200, json=HISTORY, action="reset")
        srv.reply(200, json=HISTORY)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MIXPEEK_")}
        env["MIXPEEK_LOG"] = "info"
        pythonpath = os.pathsep.join([str(GENERATED), env.get("PYTHONPATH", "")])
        env["PYTHONPATH"] = pythonpath.rstrip(os.pathsep)
        proc = subprocess.run(
            [sys.executable, str(script), kind, srv.url],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert proc.returncode == 0, proc.stderr
        assert len(srv.requests) == 4, [r.request_line for r in srv.requests]
        yield LogRun(proc.stderr, srv.url)


def parsed(lines: list[str]) -> list[dict[str, str]]:
    result = []
    for line in lines:
        match = LOG_LINE.match(line)
        assert match, f"not a request log line: {line!r}"
        result.append(match.groupdict())
    return result


def test_log_names_method_url_status_attempt_and_time(log_run: LogRun) -> None:
    records = parsed(log_run.sections["status"])
    url = log_run.url + HISTORY_PATH
    assert [(r["method"], r["url"], r["outcome"], r["attempt"]) for r in records] == [
        ("POST", url, "503", "1"),
        ("POST", url, "200", "2"),
    ]
    assert all(0 <= int(r["ms"]) < 5000 for r in records)


def test_log_has_one_line_per_attempt_that_lost_its_connection(log_run: LogRun) -> None:
    """Each attempt is logged once, whether it got a status or lost its connection."""
    records = parsed(log_run.sections["connection"])
    url = log_run.url + HISTORY_PATH
    assert [(r["method"], r["url"], r["attempt"]) for r in records] == [
        ("POST", url, "1"),
        ("POST", url, "2"),
    ], log_run.sections["connection"]
    assert records[0]["outcome"] != "200" and records[1]["outcome"] == "200"


def test_log_never_contains_credentials(log_run: LogRun) -> None:
    assert "mixpeek INFO" in log_run.stderr  # logging was on
    leaked = [secret for secret in SECRETS if secret in log_run.stderr]
    assert not leaked, log_run.stderr
    assert "?" not in "".join(log_run.sections["status"])  # no query string at all


def test_log_stays_off_without_the_variable(server: LoopbackServer) -> None:
    server.reply(200, json=HISTORY)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIXPEEK_")}
    env["PYTHONPATH"] = str(GENERATED)
    code = (
        "import mixpeek, sys; c = mixpeek.Mixpeek(base_url=sys.argv[1], max_retries=0);"
        "c.cluster_triggers.get_history('trg_1'); c.close()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, server.url], env=env,
        capture_output=True, text=True, timeout=30
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert len(server.requests) == 1


# ------------------------------------------------------------------ with_raw_response


def test_raw_response_gives_status_headers_and_parse(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY, headers={"X-Request-Id": "req_42"})
    harness = make_client()

    raw = harness.run(
        harness.client.cluster_triggers.with_raw_response.get_history("trg_1", limit=1)
    )

    assert isinstance(raw, mixpeek.APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "req_42"
    assert raw.headers["content-type"] == "application/json"
    assert raw.url.path == HISTORY_PATH
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.http_response.content == HISTORY_BYTES
    parsed = raw.parse()
    assert type(parsed) is models.TriggerHistoryResponse
    assert parsed.executions[0].job_id == "job_1"
    assert raw.parse() is parsed  # parsed once
    assert server.requests[0].body == b'{"limit":1}'


def test_raw_response_raises_for_an_error_status(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(404, json=error_payload(404, "no trigger"))
    harness = make_client()

    with pytest.raises(mixpeek.NotFoundError) as info:
        harness.run(harness.client.cluster_triggers.with_raw_response.get_history("trg_1"))

    assert info.value.body.error.message == "no trigger"


def test_raw_response_mode_does_not_leak_into_the_next_plain_call(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)
    server.reply(200, json=HISTORY)
    harness = make_client()

    harness.run(harness.client.cluster_triggers.with_raw_response.get_history("trg_1"))
    plain = harness.history("trg_1")

    assert type(plain) is models.TriggerHistoryResponse


def test_raw_response_with_retries_returns_the_final_response(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(503, json=error_payload(503), headers={"retry-after-ms": "5"})
    server.reply(200, json=HISTORY, headers={"X-Attempt": "2"})
    harness = make_client(max_retries=1)

    raw = harness.run(
        harness.client.cluster_triggers.with_raw_response.get_history("trg_1")
    )

    assert raw.status_code == 200 and raw.headers["x-attempt"] == "2"
    assert raw.parse().trigger_id == "trg_1"


# ------------------------------------------------------------------ with_streaming_response


def test_sync_streaming_response_iterates_and_parses(server: LoopbackServer) -> None:
    server.reply(200, json=HISTORY, headers={"X-Request-Id": "req_1"})
    server.reply(200, json=HISTORY, headers={"X-Request-Id": "req_2"})
    with mixpeek.Mixpeek(base_url=server.url, max_retries=0, timeout=5.0) as client:
        streaming = client.cluster_triggers.with_streaming_response

        with streaming.get_history("trg_1") as response:
            assert isinstance(response, mixpeek.StreamedResponse)
            assert response.status_code == 200
            assert response.headers["x-request-id"] == "req_1"
            assert not response.http_response.is_stream_consumed  # nothing read yet
            assert b"".join(response.iter_bytes()) == HISTORY_BYTES
        assert response.http_response.is_closed

        with streaming.get_history("trg_1", offset=2) as response:
            assert response.headers["x-request-id"] == "req_2"
            result = response.parse()
        assert type(result) is models.TriggerHistoryResponse
        assert result.executions[0].job_id == "job_1"

    assert [r.body for r in server.requests] == [b"{}", b'{"offset":2}']


def test_async_streaming_response_iterates_and_parses(server: LoopbackServer) -> None:
    server.reply(200, json=HISTORY, headers={"X-Request-Id": "req_1"})
    server.reply(200, json=HISTORY, headers={"X-Request-Id": "req_2"})

    async def main() -> Any:
        async with mixpeek.AsyncMixpeek(base_url=server.url, max_retries=0, timeout=5.0) as client:
            streaming = client.cluster_triggers.with_streaming_response

            async with await streaming.get_history("trg_1") as response:
                assert isinstance(response, mixpeek.AsyncStreamedResponse)
                assert response.status_code == 200
                assert response.headers["x-request-id"] == "req_1"
                assert not response.http_response.is_stream_consumed
                chunks = [chunk async for chunk in response.iter_bytes()]
                assert b"".join(chunks) == HISTORY_BYTES
            assert response.http_response.is_closed

            async with await streaming.get_history("trg_1", offset=2) as response:
                assert response.headers["x-request-id"] == "req_2"
                return await response.aparse()

    result = asyncio.run(main())
    assert type(result) is models.TriggerHistoryResponse
    assert result.executions[0].job_id == "job_1"
    assert [r.body for r in server.requests] == [b"{}", b'{"offset":2}']


def test_streaming_response_raises_for_an_error_status(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(404, json=error_payload(404, "no trigger"))
    harness = make_client()

    with pytest.raises(mixpeek.NotFoundError) as info:
        harness.run(harness.client.cluster_triggers.with_streaming_response.get_history("trg_1"))

    assert type(info.value.body) is models.ErrorResponse
    assert info.value.body.error.message == "no trigger"
