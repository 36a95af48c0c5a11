"""The generated `mixpeek` seed client (sync and async) against a real HTTP server.

Every test talks over real loopback sockets to `server.LoopbackServer`; nothing in the
client is mocked or patched. Each test runs for `Mixpeek` and for `AsyncMixpeek`.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import mixpeek
from mixpeek import models

from .server import LoopbackServer, free_port

HISTORY_PATH = "/v1/clusters/triggers/trg_1/history"

EXECUTION_DONE = {
    "job_id": "job_1",
    "triggered_at": "2024-05-01T12:30:00Z",
    "status": "completed",
    "execution_time_ms": 1234,
    "error": None,
    "num_clusters": 7,
    "num_documents": 1000,
}
EXECUTION_FAILED = {
    "job_id": "job_2",
    "triggered_at": "2024-05-02T08:00:05.250000+02:00",
    "status": "failed",
    "execution_time_ms": None,
    "error": "extractor crashed",
    "worker": "w-17",  # not in the spec
}
HISTORY = {
    "trigger_id": "trg_1",
    "executions": [EXECUTION_DONE, EXECUTION_FAILED],
    "total": 2,
    "offset": 0,
    "limit": 10,
    "next_cursor": "abc",  # not in the spec
}


def error_payload(status: int, message: str = "something went wrong") -> dict[str, Any]:
    return {
        "success": False,
        "status": status,
        "error": {
            "message": message,
            "type": "SomeError",
            "code": "some_code",
            "details": {"id": "trg_1"},
        },
    }


VALIDATION_PAYLOAD = {
    "detail": [
        {
            "loc": ["body", "limit"],
            "msg": "Input should be less than or equal to 1000",
            "type": "less_than_equal",
        }
    ]
}


# ------------------------------------------------------------------ one API for both clients


class SyncHarness:
    """Drives `mixpeek.Mixpeek` directly."""

    kind = "sync"

    def __init__(self, **kwargs: Any) -> None:
        self.client = mixpeek.Mixpeek(**kwargs)
        self._closed = False

    def history(self, *args: Any, **kwargs: Any) -> Any:
        return self.client.cluster_triggers.get_history(*args, **kwargs)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.client.close()


class AsyncHarness:
    """Drives `mixpeek.AsyncMixpeek`, each call awaited on one event loop for the whole test."""

    kind = "async"

    def __init__(self, **kwargs: Any) -> None:
        self._runner = asyncio.Runner()
        self._closed = False
        try:
            self.client = self._runner.run(self._make(kwargs))
        except BaseException:
            self._runner.close()
            raise

    @staticmethod
    async def _make(kwargs: dict[str, Any]) -> mixpeek.AsyncMixpeek:
        return mixpeek.AsyncMixpeek(**kwargs)

    def history(self, *args: Any, **kwargs: Any) -> Any:
        return self._runner.run(self.client.cluster_triggers.get_history(*args, **kwargs))

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self._runner.run(self.client.close())
            finally:
                self._runner.close()


Harness = SyncHarness | AsyncHarness


@pytest.fixture
def make_client(kind: str, server: LoopbackServer) -> Iterator[Callable[..., Harness]]:
    """Build a client of this test's kind aimed at the server (no retries, 5 s timeout)."""
    made: list[Harness] = []

    def make(**kwargs: Any) -> Harness:
        kwargs.setdefault("base_url", server.url)
        kwargs.setdefault("max_retries", 0)
        kwargs.setdefault("timeout", 5.0)
        harness: Harness = SyncHarness(**kwargs) if kind == "sync" else AsyncHarness(**kwargs)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.close()


def only_request(server: LoopbackServer) -> Any:
    assert len(server.requests) == 1, [r.request_line for r in server.requests]
    return server.requests[0]


# ------------------------------------------------------------------ the request on the wire


def test_request_method_path_headers_and_body(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)
    client = make_client()

    client.history("trg_1", limit=10, status_filter=None)

    req = only_request(server)
    assert req.method == "POST"
    assert req.request_line == f"POST {HISTORY_PATH} HTTP/1.1"
    assert req.raw_path == HISTORY_PATH
    assert req.query_string == ""
    assert req.header_values("Content-Type") == ["application/json"]
    assert req.header_values("Accept") == ["application/json"]
    assert req.header("Host") == f"127.0.0.1:{server.port}"
    # offset was not given: left out; status_filter=None: an explicit JSON null.
    assert json.loads(req.body) == {"limit": 10, "status_filter": None}
    assert list(json.loads(req.body)) == ["limit", "status_filter"]
    assert req.header("Content-Length") == str(len(req.body))


def test_body_holds_exactly_the_given_arguments(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)
    server.reply(200, json=HISTORY)
    server.reply(200, json=HISTORY)
    client = make_client()

    client.history("trg_1", limit=10, status_filter=None)
    client.history("trg_1")
    client.history("trg_1", status_filter="failed", offset=5)

    assert [r.method for r in server.requests] == ["POST", "POST", "POST"]
    assert [r.raw_path for r in server.requests] == [HISTORY_PATH] * 3
    assert json.loads(server.requests[0].body) == {"limit": 10, "status_filter": None}
    assert server.requests[1].body == b"{}"
    assert server.requests[1].header_values("Content-Type") == ["application/json"]
    assert json.loads(server.requests[2].body) == {"offset": 5, "status_filter": "failed"}


def test_sequential_calls_reuse_one_keep_alive_connection(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)
    server.reply(200, json=HISTORY)
    client = make_client()

    client.history("trg_1")
    client.history("trg_1")

    assert len(server.requests) == 2
    assert server.connections_opened == 1
    assert server.requests[0].connection_id == server.requests[1].connection_id


def test_user_agent_names_the_package_and_version(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)
    make_client().history("trg_1")

    user_agents = only_request(server).header_values("User-Agent")
    assert len(user_agents) == 1
    assert mixpeek.__version__ == "0.82"  # the spec's info.version
    assert user_agents[0].startswith("mixpeek/0.82 ")


# ------------------------------------------------------------------ path parameters


@pytest.mark.parametrize(
    ("trigger_id", "wire_segment"),
    [
        ("a/b?c#d e", "a%2Fb%3Fc%23d%20e"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("100%", "100%25"),
        ("%2F", "%252F"),
        ("trg_ü&x=1", "trg_%C3%BC%26x%3D1"),
    ],
    ids=["slash-query-fragment-space", "dot-dot", "dot", "percent", "pre-encoded", "unicode-amp"],
)
def test_path_parameter_stays_inside_its_segment(
    make_client: Callable[..., Harness],
    server: LoopbackServer,
    trigger_id: str,
    wire_segment: str,
) -> None:
    server.reply(200, json=HISTORY)
    make_client().history(trigger_id, limit=1)

    req = only_request(server)
    assert req.raw_path == f"/v1/clusters/triggers/{wire_segment}/history"
    assert req.query_string == ""
    assert json.loads(req.body) == {"limit": 1}


def test_base_url_path_prefix_is_kept(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)
    make_client(base_url=server.url + "/api/").history("trg_1")

    assert only_request(server).raw_path == "/api" + HISTORY_PATH


def test_base_url_from_environment(
    make_client: Callable[..., Harness], server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIXPEEK_BASE_URL", server.url)
    server.reply(200, json=HISTORY)

    result = make_client(base_url=None).history("trg_1")

    assert only_request(server).raw_path == HISTORY_PATH
    assert result.trigger_id == "trg_1"


# ------------------------------------------------------------------ typed responses


def test_response_is_parsed_into_typed_models(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)

    result = make_client().history("trg_1", limit=10)

    assert type(result) is models.TriggerHistoryResponse
    assert (result.trigger_id, result.total, result.offset, result.limit) == ("trg_1", 2, 0, 10)
    assert len(result.executions) == 2
    first, second = result.executions
    assert type(first) is models.TriggerExecutionHistoryItem
    assert first.job_id == "job_1"
    assert first.status == "completed"
    assert type(first.triggered_at) is datetime.datetime
    assert first.triggered_at == datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC)
    assert first.triggered_at.utcoffset() == datetime.timedelta(0)
    assert type(first.execution_time_ms) is int and first.execution_time_ms == 1234
    assert first.error is None
    assert (first.num_clusters, first.num_documents) == (7, 1000)
    assert second.triggered_at == datetime.datetime(
        2024, 5, 2, 8, 0, 5, 250000, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    assert second.execution_time_ms is None
    assert second.error == "extractor crashed"
    assert second.num_clusters is None  # absent from the JSON: the spec's default


def test_unknown_response_fields_are_kept(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)

    result = make_client().history("trg_1")

    assert result.model_extra == {"next_cursor": "abc"}
    assert result.next_cursor == "abc"
    assert result.executions[1].model_extra == {"worker": "w-17"}
    assert result.executions[0].model_extra == {}
    wire = result.to_dict()
    assert wire["next_cursor"] == "abc"
    assert wire["executions"][1]["worker"] == "w-17"


def test_response_not_matching_the_schema_raises_with_strict_validation(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    broken = {"trigger_id": "trg_1", "total": 0, "offset": 0, "limit": 50}  # no executions
    server.reply(200, json=broken)

    with pytest.raises(mixpeek.APIResponseValidationError) as info:
        make_client(strict_response_validation=True).history("trg_1")

    err = info.value
    assert not isinstance(err, mixpeek.APIStatusError)
    assert isinstance(err, mixpeek.APIError)
    assert err.status_code == 200
    assert err.body == broken
    assert isinstance(err.response, httpx.Response)
    assert err.response.status_code == 200
    assert err.response.json() == broken
    assert str(err) == (f"the response to POST {HISTORY_PATH} does not match the spec: "
                        "1 mismatch(es); the first: executions: Field required")
    assert [(m.path, m.kind) for m in err.mismatches] == [(("executions",), "missing")]
    assert len(server.requests) == 1


def test_response_missing_a_required_field_is_kept_by_default(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    broken = {"trigger_id": "trg_1", "total": 0, "offset": 0, "limit": 50}  # no executions
    server.reply(200, json=broken)

    result = make_client().history("trg_1")

    assert type(result) is models.TriggerHistoryResponse
    assert (result.trigger_id, result.total, result.executions) == ("trg_1", 0, None)
    assert [str(m) for m in mixpeek.mismatches(result)] == ["executions: Field required"]
    assert mixpeek.raw_data(result) == broken
    assert result.to_dict() == broken


def test_response_with_wrong_field_type_raises_with_strict_validation(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    broken = {**HISTORY, "executions": [{**EXECUTION_DONE, "triggered_at": "not a date"}]}
    server.reply(200, json=broken)
    server.reply(200, json=broken)

    with pytest.raises(mixpeek.APIResponseValidationError) as info:
        make_client(strict_response_validation=True).history("trg_1")

    assert info.value.body == broken
    assert "executions[0].triggered_at: Input should be a valid datetime" in str(info.value)
    kept = make_client().history("trg_1")
    assert kept.executions[0].triggered_at == "not a date"
    assert kept.executions[0].job_id == "job_1" and kept.total == HISTORY["total"]


def test_non_json_success_body_raises_validation_error(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, body="<html>maintenance</html>", content_type="text/html")

    with pytest.raises(mixpeek.APIResponseValidationError) as info:
        make_client().history("trg_1")

    assert info.value.body == "<html>maintenance</html>"
    assert info.value.status_code == 200


# ------------------------------------------------------------------ error statuses


@pytest.mark.parametrize(
    ("status", "error_class", "schema"),
    [
        (400, mixpeek.BadRequestError, models.ErrorResponse),
        (401, mixpeek.AuthenticationError, models.ErrorResponse),
        (403, mixpeek.PermissionDeniedError, models.ErrorResponse),
        (404, mixpeek.NotFoundError, models.ErrorResponse),
        (409, mixpeek.ConflictError, None),  # the spec gives no schema: plain decoded JSON
        (422, mixpeek.UnprocessableEntityError, models.HTTPValidationError),
        (429, mixpeek.RateLimitError, None),
        (500, mixpeek.InternalServerError, models.ErrorResponse),
        (503, mixpeek.InternalServerError, None),
        (418, mixpeek.APIStatusError, None),
    ],
)
def test_error_status_raises_its_class_with_parsed_body(
    make_client: Callable[..., Harness],
    server: LoopbackServer,
    status: int,
    error_class: type[mixpeek.APIStatusError],
    schema: type[mixpeek.BaseModel] | None,
) -> None:
    payload = VALIDATION_PAYLOAD if status == 422 else error_payload(status)
    server.reply(status, json=payload)
    server.reply(200, json=HISTORY)  # must not be reached: max_retries=0

    with pytest.raises(mixpeek.APIStatusError) as info:
        make_client(max_retries=0).history("trg_1")

    err = info.value
    assert type(err) is error_class
    assert isinstance(err, mixpeek.APIError)
    assert not isinstance(err, mixpeek.APIConnectionError)
    assert err.status_code == status
    assert isinstance(err.response, httpx.Response)
    assert err.response.status_code == status
    assert err.response.json() == payload
    assert err.request is not None and err.request.url.path == HISTORY_PATH
    assert f"Error code: {status}" in str(err)
    if schema is None:
        assert err.body == payload
    else:
        assert type(err.body) is schema
        assert err.body.to_dict() == payload
    assert len(server.requests) == 1
    assert server.pending == 1


def test_not_found_body_gives_typed_error_detail(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(404, json=error_payload(404, "Trigger trg_404 not found"))

    with pytest.raises(mixpeek.NotFoundError) as info:
        make_client().history("trg_404")

    body = info.value.body
    assert type(body) is models.ErrorResponse
    assert body.success is False
    assert body.status == 404
    assert type(body.error) is models.ErrorDetail
    assert body.error.message == "Trigger trg_404 not found"
    assert body.error.type == "SomeError"
    assert body.error.code == "some_code"
    assert body.error.details == {"id": "trg_1"}


def test_status_error_carries_the_request_id_and_shows_it(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    """The server's `x-request-id` is the one thing to quote when asking its owners about a
    failure: the error keeps it and shows it in str() and repr(); without the header it is None."""
    server.reply(404, json=error_payload(404, "not found"), headers={"X-Request-Id": "req_8f3a"})
    server.reply(404, json=error_payload(404))

    with pytest.raises(mixpeek.NotFoundError) as info:
        make_client(max_retries=0).history("trg_404")
    err = info.value
    assert err.request_id == "req_8f3a"
    assert str(err).startswith("Error code: 404 - ")
    assert str(err).endswith(" (request id: req_8f3a)")
    assert repr(err).startswith("NotFoundError(message='Error code: 404 - ")
    assert repr(err).endswith(", status_code=404, request_id='req_8f3a')")

    with pytest.raises(mixpeek.NotFoundError) as info:
        make_client(max_retries=0).history("trg_404")
    assert info.value.request_id is None
    assert "request id" not in str(info.value) and str(info.value) == info.value.message
    assert repr(info.value).endswith(", status_code=404, request_id=None)")


def test_unprocessable_entity_body_gives_typed_validation_errors(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(422, json=VALIDATION_PAYLOAD)

    with pytest.raises(mixpeek.UnprocessableEntityError) as info:
        make_client().history("trg_1", limit=5000)

    body = info.value.body
    assert type(body) is models.HTTPValidationError
    assert body.detail is not None and len(body.detail) == 1
    assert type(body.detail[0]) is models.ValidationError
    assert body.detail[0].loc == ["body", "limit"]
    assert body.detail[0].msg == "Input should be less than or equal to 1000"
    assert json.loads(only_request(server).body) == {"limit": 5000}


@pytest.mark.parametrize(
    ("status", "error_class"),
    [(500, mixpeek.InternalServerError), (404, mixpeek.NotFoundError)],
)
def test_non_json_error_body_is_kept_as_text(
    make_client: Callable[..., Harness],
    server: LoopbackServer,
    status: int,
    error_class: type[mixpeek.APIStatusError],
) -> None:
    server.reply(status, body="upstream exploded\n")

    with pytest.raises(error_class) as info:
        make_client(max_retries=0).history("trg_1")

    assert info.value.status_code == status
    assert info.value.body == "upstream exploded\n"
    assert info.value.response.text == "upstream exploded\n"


def test_json_error_body_not_matching_the_schema_is_kept_decoded(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(400, json={"detail": "bad things"})

    with pytest.raises(mixpeek.BadRequestError) as info:
        make_client().history("trg_1")

    assert info.value.body == {"detail": "bad things"}


# ------------------------------------------------------------------ timeouts and connections


def test_client_timeout_raises_api_timeout_error(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY, delay=3.0)  # woken when the server stops
    client = make_client(timeout=0.2, max_retries=0)

    started = time.monotonic()
    with pytest.raises(mixpeek.APITimeoutError) as info:
        client.history("trg_1")
    elapsed = time.monotonic() - started

    assert isinstance(info.value, mixpeek.APIConnectionError)
    assert info.value.request is not None
    assert info.value.request.url.path == HISTORY_PATH
    assert 0.15 <= elapsed < 1.5
    assert len(server.requests) == 1


def test_per_call_timeout_overrides_client_timeout(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY, delay=3.0)
    client = make_client(timeout=10.0, max_retries=0)

    started = time.monotonic()
    with pytest.raises(mixpeek.APITimeoutError):
        client.history("trg_1", timeout=0.2)
    elapsed = time.monotonic() - started

    assert 0.15 <= elapsed < 1.5


def test_longer_per_call_timeout_lets_a_slow_answer_through(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY, delay=0.4)
    client = make_client(timeout=0.1, max_retries=0)

    result = client.history("trg_1", timeout=5.0)

    assert result.trigger_id == "trg_1"
    assert len(server.requests) == 1


def test_connection_refused_raises_connection_error(
    make_client: Callable[..., Harness],
) -> None:
    client = make_client(base_url=f"http://127.0.0.1:{free_port()}", max_retries=0)

    started = time.monotonic()
    with pytest.raises(mixpeek.APIConnectionError) as info:
        client.history("trg_1")

    assert type(info.value) is mixpeek.APIConnectionError
    assert not isinstance(info.value, mixpeek.APITimeoutError)
    assert info.value.request is not None
    assert info.value.request.url.path == HISTORY_PATH
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("action", ["close", "reset"])
def test_connection_dropped_without_answer_raises_connection_error(
    make_client: Callable[..., Harness], server: LoopbackServer, action: str
) -> None:
    server.reply(200, json=HISTORY, action=action)
    server.reply(200, json=HISTORY)  # must not be reached: max_retries=0

    with pytest.raises(mixpeek.APIConnectionError) as info:
        make_client(max_retries=0).history("trg_1")

    assert type(info.value) is mixpeek.APIConnectionError
    assert len(server.requests) == 1
    assert server.pending == 1


# ------------------------------------------------------------------ per-call and default options


def test_extra_headers_query_and_body_reach_the_wire(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)

    make_client().history(
        "trg_1",
        limit=3,
        extra_headers={"X-Trace-Id": "abc-123"},
        extra_query={"debug": "1", "tags": ["a", "b c"]},
        extra_body={"include_errors": True, "since": "2024-01-01"},
    )

    req = only_request(server)
    assert req.header_values("X-Trace-Id") == ["abc-123"]
    assert req.raw_path == HISTORY_PATH + "?debug=1&tags=a&tags=b%20c"
    assert req.query == [("debug", "1"), ("tags", "a"), ("tags", "b c")]
    assert json.loads(req.body) == {"limit": 3, "include_errors": True, "since": "2024-01-01"}
    assert req.header_values("Content-Type") == ["application/json"]


def test_extra_body_overrides_a_named_argument(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)

    make_client().history("trg_1", limit=3, extra_body={"limit": 7})

    assert json.loads(only_request(server).body) == {"limit": 7}


def test_default_headers_reach_every_request(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)
    server.reply(200, json=HISTORY)
    client = make_client(default_headers={"X-Team": "core", "Authorization": "Bearer tok"})

    client.history("trg_1")
    client.history("trg_1", extra_headers={"X-Other": "1"})

    for req in server.requests:
        assert req.header_values("X-Team") == ["core"]
        assert req.header_values("Authorization") == ["Bearer tok"]
    assert server.requests[0].header_values("X-Other") == []
    assert server.requests[1].header_values("X-Other") == ["1"]


def test_extra_headers_override_default_headers(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)
    client = make_client(default_headers={"X-Env": "staging"})

    client.history("trg_1", extra_headers={"X-Env": "prod"})

    assert only_request(server).header_values("X-Env") == ["prod"]


@pytest.mark.parametrize(
    ("default_headers", "extra_headers", "name", "value"),
    [
        ({"X-Env": "staging"}, {"x-env": "prod"}, "X-Env", "prod"),
        ({}, {"user-agent": "my-app/1.0"}, "User-Agent", "my-app/1.0"),
        (
            {},
            {"content-type": "application/json; charset=utf-8"},
            "Content-Type",
            "application/json; charset=utf-8",
        ),
        ({"accept": "application/json; q=1"}, {}, "Accept", "application/json; q=1"),
    ],
    ids=["extra-over-default", "extra-over-user-agent", "extra-over-content-type",
         "default-over-accept"],
)
def test_header_override_ignores_name_case(
    make_client: Callable[..., Harness],
    server: LoopbackServer,
    default_headers: dict[str, str],
    extra_headers: dict[str, str],
    name: str,
    value: str,
) -> None:
    """HTTP header names are case-insensitive: an override replaces, it never duplicates."""
    server.reply(200, json=HISTORY)
    client = make_client(default_headers=default_headers)

    client.history("trg_1", extra_headers=extra_headers)

    req = only_request(server)
    assert req.header_values(name) == [value], req.headers


@pytest.mark.parametrize(
    ("default_headers", "extra_headers"),
    [
        ({}, {"X-Note": "a\r\nX-Injected: 1"}),
        ({}, {"X-Note": "line1\nline2"}),
        ({}, {"X-Note": "carriage\rreturn"}),
        ({}, {"X-Bad\r\nX-Injected": "1"}),
        ({"X-Note": "a\r\nX-Injected: 1"}, {}),
        ({"X-Bad\nName": "1"}, {}),
    ],
    ids=["extra-crlf", "extra-lf", "extra-cr", "extra-name", "default-crlf", "default-name"],
)
def test_header_with_cr_or_lf_is_refused_before_sending(
    make_client: Callable[..., Harness],
    server: LoopbackServer,
    default_headers: dict[str, str],
    extra_headers: dict[str, str],
) -> None:
    server.reply(200, json=HISTORY)

    with pytest.raises(ValueError, match="CR or LF"):
        make_client(default_headers=default_headers).history(
            "trg_1", extra_headers=extra_headers
        )

    assert server.requests == []
    assert server.connections_opened == 0


# ------------------------------------------------------------------ retries


def test_retries_a_503_then_returns_the_200(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(503, json=error_payload(503), headers={"retry-after-ms": "10"})
    server.reply(200, json=HISTORY)

    result = make_client(max_retries=2).history("trg_1", limit=10)

    assert type(result) is models.TriggerHistoryResponse
    assert result.executions[0].job_id == "job_1"
    assert len(server.requests) == 2
    first, second = server.requests
    assert second.method == first.method == "POST"
    assert second.raw_path == first.raw_path == HISTORY_PATH
    assert second.body == first.body
    assert json.loads(second.body) == {"limit": 10}
    gap = second.received_at - first.received_at
    assert 0.009 <= gap < 0.35  # waited the 10 ms asked for, not the 0.5 s default backoff


def test_no_retry_with_max_retries_zero(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    server.reply(503, json=error_payload(503), headers={"retry-after-ms": "10"})
    server.reply(200, json=HISTORY)

    with pytest.raises(mixpeek.InternalServerError) as info:
        make_client(max_retries=0).history("trg_1")

    assert info.value.status_code == 503
    assert len(server.requests) == 1
    assert server.pending == 1


def test_gives_up_after_max_retries(
    make_client: Callable[..., Harness], server: LoopbackServer
) -> None:
    for _ in range(3):
        server.reply(500, json=error_payload(500, "still down"), headers={"retry-after-ms": "10"})
    server.reply(200, json=HISTORY)  # one more than 1 + max_retries: never reached

    with pytest.raises(mixpeek.InternalServerError) as info:
        make_client(max_retries=2).history("trg_1")

    assert info.value.status_code == 500
    assert type(info.value.body) is models.ErrorResponse
    assert info.value.body.error.message == "still down"
    assert len(server.requests) == 3
    assert server.pending == 1


# ------------------------------------------------------------------ closing


def test_sync_client_closes_as_a_context_manager(server: LoopbackServer) -> None:
    server.reply(200, json=HISTORY)

    with mixpeek.Mixpeek(base_url=server.url, max_retries=0, timeout=5.0) as client:
        assert type(client) is mixpeek.Mixpeek
        result = client.cluster_triggers.get_history("trg_1")
        assert result.trigger_id == "trg_1"
        assert server.open_connections == 1  # kept alive in the pool

    assert server.wait_idle(timeout=2.0), "the client left its connection open"
    with pytest.raises((RuntimeError, mixpeek.APIError)):
        client.cluster_triggers.get_history("trg_1")
    assert len(server.requests) == 1


def test_async_client_closes_as_a_context_manager(server: LoopbackServer) -> None:
    server.reply(200, json=HISTORY)

    async def main() -> mixpeek.AsyncMixpeek:
        async with mixpeek.AsyncMixpeek(base_url=server.url, max_retries=0, timeout=5.0) as client:
            assert type(client) is mixpeek.AsyncMixpeek
            result = await client.cluster_triggers.get_history("trg_1")
            assert result.trigger_id == "trg_1"
            assert server.open_connections == 1
        assert server.wait_idle(timeout=2.0), "the client left its connection open"
        with pytest.raises((RuntimeError, mixpeek.APIError)):
            await client.cluster_triggers.get_history("trg_1")
        return client

    asyncio.run(main())
    assert len(server.requests) == 1


def test_sync_client_leaves_a_supplied_http_client_open(server: LoopbackServer) -> None:
    server.reply(200, json=HISTORY)
    server.reply(200, json=HISTORY)
    http = httpx.Client(headers={"X-Via": "my-http-client"})
    try:
        with mixpeek.Mixpeek(base_url=server.url, max_retries=0, http_client=http) as client:
            client.cluster_triggers.get_history("trg_1")
        assert not http.is_closed
        assert http.post(server.url + "/still-usable").status_code == 200
    finally:
        http.close()

    assert server.requests[0].header_values("X-Via") == ["my-http-client"]
    assert server.requests[1].raw_path == "/still-usable"


def test_a_supplied_http_clients_headers_cookies_and_params_still_go_out(
    server: LoopbackServer
) -> None:
    """The runtime builds requests from headers merged once per client instead of through
    `http.build_request`: what the httpx client carries is still sent (cookies the server set
    included), and a change to its headers or to the client's default_headers counts at once."""
    server.reply(200, json=HISTORY, headers={"Set-Cookie": "session=s1; Path=/"})
    server.reply(200, json=HISTORY)
    http = httpx.Client(headers={"X-Via": "my-http-client"}, cookies={"pref": "dark"},
                        params={"tenant": "t1"})
    try:
        client = mixpeek.Mixpeek(base_url=server.url, max_retries=0, http_client=http)
        client.cluster_triggers.get_history("trg_1")
        http.headers["X-Via"] = "changed"
        client.default_headers["X-Team"] = "blue"
        client.cluster_triggers.get_history("trg_1")
    finally:
        http.close()

    first, second = server.requests
    assert first.header_values("X-Via") == ["my-http-client"] and first.header("X-Team") is None
    assert (second.header_values("X-Via") == ["changed"]
            and second.header_values("X-Team") == ["blue"])
    assert first.header_values("Cookie") == ["pref=dark"]
    assert sorted((second.header("Cookie") or "").split("; ")) == ["pref=dark", "session=s1"]
    assert first.query_string == second.query_string == "tenant=t1"
    assert (first.header("User-Agent", "").startswith("mixpeek/")
            and first.header("Accept") == "application/json")


def test_async_client_leaves_a_supplied_http_client_open(server: LoopbackServer) -> None:
    server.reply(200, json=HISTORY)

    async def main() -> None:
        http = httpx.AsyncClient(headers={"X-Via": "my-http-client"})
        try:
            async with mixpeek.AsyncMixpeek(
                base_url=server.url, max_retries=0, http_client=http
            ) as client:
                await client.cluster_triggers.get_history("trg_1")
            assert not http.is_closed
        finally:
            await http.aclose()

    asyncio.run(main())
    assert only_request(server).header_values("X-Via") == ["my-http-client"]
