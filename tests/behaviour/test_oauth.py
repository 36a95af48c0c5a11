"""OAuth2 client credentials over real sockets: a loopback server that is both the token endpoint
(RFC 6749 §4.4, tokens with a lifetime) and the API (it answers 401 to a token it did not issue
or has revoked). The client gets only `client_id`/`client_secret`; it must fetch one token per
scope set and expiry, also under 8 concurrent threads or tasks, renew once on a 401, and never
show the secret or a token in logs, reprs or errors."""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

import pytest

from .packages import generated_package
from .server import LoopbackServer, RecordedRequest, Reply

Make = Callable[[str, str], ModuleType]
SPEC = (Path(__file__).parent / "oauth.yaml").read_text(encoding="utf-8")
CLIENT_ID = "app-7"
SECRET = "s3cr3t+value/=="  # characters form encoding changes, so Basic's encoding is checked


class Issuer:
    """The server's answers: tokens at a path ending in /token, the bearer token seen elsewhere."""

    def __init__(self, lifetime: float | None = 3600, delay: float = 0.0) -> None:
        self.lifetime, self.delay = lifetime, delay
        self.issued: list[tuple[str, str]] = []  # (scope, token)
        self.revoked: set[str] = set()
        self.lock = threading.Lock()

    def __call__(self, request: RecordedRequest) -> Reply:
        if request.path.endswith("/token"):
            return self._token(request)
        auth = request.header("Authorization") or ""
        token = auth.removeprefix("Bearer ")
        with self.lock:
            good = token in {t for _, t in self.issued} and token not in self.revoked
        if request.path.endswith("/open") or good:
            return Reply(200, json={"token": auth})
        return Reply(401, json={"error": "invalid_token"})

    def _token(self, request: RecordedRequest) -> Reply:
        form = dict(parse_qsl(request.body.decode()))
        auth = request.header("Authorization")
        if auth is not None:
            pair = base64.b64decode(auth.removeprefix("Basic ")).decode()
            client = tuple(unquote_plus(part) for part in pair.split(":", 1))
        else:
            client = (form.get("client_id", ""), form.get("client_secret", ""))
        if request.method != "POST" or form.get("grant_type") != "client_credentials":
            return Reply(400, json={"error": "unsupported_grant_type"})
        if client != (CLIENT_ID, SECRET):
            return Reply(401, json={"error": "invalid_client",
                                    "error_description": "unknown client or wrong secret"})
        with self.lock:
            token = f"tok{len(self.issued) + 1}"
            self.issued.append((form.get("scope", ""), token))
        body: dict[str, Any] = {"access_token": token, "token_type": "Bearer"}
        if self.lifetime is not None:
            body["expires_in"] = self.lifetime
        return Reply(200, json=body, delay=self.delay)

    def fetched(self) -> int:
        with self.lock:
            return len(self.issued)


class Clock:
    """A test's clock for the client's tokens."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client of oauth.yaml, its tokenUrl relative to the server URL."""
    folder = tmp_path_factory.mktemp("oauth")
    with generated_package(folder, SPEC.replace("TOKEN_URL", "/oauth/token"), "tokens") as pkg:
        yield pkg


def client_of(pkg: ModuleType, kind: str, server: LoopbackServer, **options: Any) -> Any:
    name = pkg.__all__[0]
    cls = getattr(pkg, name if kind == "sync" else "Async" + name)
    return cls(base_url=server.url + "/v1", max_retries=0, timeout=5.0, **options)


@pytest.fixture
def run() -> Iterator[Callable[[Any], Any]]:
    """A sync call's result as it is, an async one's awaited on one event loop for the test."""
    runner = asyncio.Runner()

    def result(value: Any) -> Any:
        return runner.run(value) if asyncio.iscoroutine(value) else value

    with runner:
        yield result


def with_clock(client: Any) -> Clock:
    clock = Clock()
    client._token_sources["cc"].clock = clock
    return clock


def token_requests(server: LoopbackServer) -> list[RecordedRequest]:
    return [r for r in server.requests if r.path.endswith("/token")]


def api_requests(server: LoopbackServer) -> list[RecordedRequest]:
    return [r for r in server.requests if not r.path.endswith("/token")]


def test_one_token_per_expiry(
    tokens: ModuleType, server: LoopbackServer, kind: str, run: Callable[[Any], Any]
) -> None:
    issuer = Issuer(lifetime=120)
    server.default = issuer
    client = client_of(tokens, kind, server, client_id=CLIENT_ID, client_secret=SECRET)
    clock = with_clock(client)
    assert run(client.pets.list()).token == "Bearer tok1"
    first = token_requests(server)[0]
    assert first.path == "/oauth/token"  # "/oauth/token" against ".../v1": the server's root
    assert first.header("Content-Type") == "application/x-www-form-urlencoded"
    assert dict(parse_qsl(first.body.decode())) == {
        "grant_type": "client_credentials", "scope": "pets:read"}
    assert run(client.pets.list()).token == "Bearer tok1"
    clock.now += 107  # replaced min(60 s, a tenth of its lifetime) before it expires
    assert run(client.pets.list()).token == "Bearer tok1"
    clock.now += 2
    assert run(client.pets.list()).token == "Bearer tok2"
    assert run(client.pets.list()).token == "Bearer tok2"
    assert issuer.fetched() == 2
    assert len(api_requests(server)) == 5
    run(client.close())


def test_a_real_expiry(tokens: ModuleType, server: LoopbackServer) -> None:
    """Tokens of 2 s, the real clock: the calls within them share one, the next gets another."""
    issuer = Issuer(lifetime=2)
    server.default = issuer
    with client_of(tokens, "sync", server, client_id=CLIENT_ID, client_secret=SECRET) as client:
        for _ in range(3):
            assert client.pets.list().token == "Bearer tok1"
        import time

        time.sleep(2.0)
        assert client.pets.list().token == "Bearer tok2"
    assert issuer.fetched() == 2


def test_eight_threads_fetch_one_token(tokens: ModuleType, server: LoopbackServer) -> None:
    issuer = Issuer(lifetime=600, delay=0.3)  # a slow token endpoint: every thread waits on it
    server.default = issuer
    with client_of(tokens, "sync", server, client_id=CLIENT_ID, client_secret=SECRET) as client:
        clock = with_clock(client)
        barrier = threading.Barrier(8)

        def call(_: int) -> str:
            barrier.wait()
            return str(client.pets.list().token)

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(call, range(8))) == {"Bearer tok1"}
            assert issuer.fetched() == 1
            clock.now += 600
            assert set(pool.map(call, range(8))) == {"Bearer tok2"}
    assert issuer.fetched() == 2
    assert len(api_requests(server)) == 16


def test_eight_tasks_fetch_one_token(tokens: ModuleType, server: LoopbackServer) -> None:
    issuer = Issuer(lifetime=600, delay=0.3)
    server.default = issuer

    async def main() -> None:
        async with client_of(tokens, "async", server, client_id=CLIENT_ID,
                             client_secret=SECRET) as client:
            clock = with_clock(client)
            seen = await asyncio.gather(*(client.pets.list() for _ in range(8)))
            assert {s.token for s in seen} == {"Bearer tok1"}
            assert issuer.fetched() == 1
            clock.now += 600
            seen = await asyncio.gather(*(client.pets.list() for _ in range(8)))
            assert {s.token for s in seen} == {"Bearer tok2"}

    asyncio.run(main())
    assert issuer.fetched() == 2


def test_a_401_renews_the_token_once(
    tokens: ModuleType, server: LoopbackServer, kind: str, run: Callable[[Any], Any]
) -> None:
    issuer = Issuer()
    server.default = issuer
    client = client_of(tokens, kind, server, client_id=CLIENT_ID, client_secret=SECRET)
    assert run(client.pets.list()).token == "Bearer tok1"
    issuer.revoked.add("tok1")  # the server forgot it before its expiry
    assert run(client.pets.list()).token == "Bearer tok2"
    assert issuer.fetched() == 2
    assert [r.header("Authorization") for r in api_requests(server)] == [
        "Bearer tok1", "Bearer tok1", "Bearer tok2"]
    # A server that refuses every token: one renewal, one retry, then the 401 is the answer.
    issuer.revoked.update(f"tok{n}" for n in range(1, 10))
    with pytest.raises(tokens.AuthenticationError):
        run(client.pets.list())
    assert issuer.fetched() == 3
    assert len(api_requests(server)) == 5
    run(client.close())


def test_each_operation_gets_a_token_for_its_scopes(
    tokens: ModuleType, server: LoopbackServer, kind: str, run: Callable[[Any], Any]
) -> None:
    issuer = Issuer()
    server.default = issuer
    client = client_of(tokens, kind, server, client_id=CLIENT_ID, client_secret=SECRET)
    assert run(client.pets.list()).token == "Bearer tok1"
    assert run(client.pets.create()).token == "Bearer tok2"
    assert run(client.pets.list()).token == "Bearer tok1"
    assert run(client.pets.create()).token == "Bearer tok2"
    assert issuer.issued == [("pets:read", "tok1"), ("pets:read pets:write", "tok2")]
    # An operation without security sends no token, and fetches none.
    assert run(client.pets.open_call()).token == ""
    assert issuer.fetched() == 2
    run(client.close())


def test_the_secret_and_tokens_stay_out_of_logs_reprs_and_errors(
    tokens: ModuleType, server: LoopbackServer, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch, kind: str, run: Callable[[Any], Any],
) -> None:
    monkeypatch.setenv("TOKENS_LOG", "debug")
    caplog.set_level(logging.DEBUG)  # every logger: the client's, httpx's, httpcore's
    issuer = Issuer()
    server.default = issuer
    client = client_of(tokens, kind, server, client_id=CLIENT_ID, client_secret=SECRET)
    run(client.pets.list())
    issuer.revoked.add("tok1")
    run(client.pets.list())
    wrong = client_of(tokens, kind, server, client_id=CLIENT_ID, client_secret=SECRET + "x")
    with pytest.raises(tokens.OAuthTokenError) as raised:
        run(wrong.pets.list())
    error = raised.value
    assert (error.status_code, error.error) == (401, "invalid_client")
    assert error.error_description == "unknown client or wrong secret"
    assert "invalid_client" in str(error) and "/oauth/token" in str(error)
    assert any("OAuth2 token" in r.getMessage() for r in caplog.records)  # it did log, at debug
    shown = "\n".join([caplog.text, repr(client), repr(wrong), str(error), repr(error),
                       repr(client._token_sources), repr(error.__cause__)])
    basic = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    for secret in (SECRET, "s3cr3t", basic, "tok1", "tok2"):
        assert secret not in shown
    run(client.close())
    run(wrong.close())


def test_credentials_in_the_body(tokens: ModuleType, server: LoopbackServer) -> None:
    issuer = Issuer()
    server.default = issuer
    with client_of(tokens, "sync", server, client_id=CLIENT_ID, client_secret=SECRET,
                   token_endpoint_auth_method="client_secret_post") as client:
        assert client.pets.list().token == "Bearer tok1"
    sent = token_requests(server)[0]
    assert sent.header("Authorization") is None
    assert dict(parse_qsl(sent.body.decode()))["client_secret"] == SECRET


def test_an_absolute_token_url(
    make_client: Make, server: LoopbackServer, kind: str, run: Callable[[Any], Any]
) -> None:
    """A token endpoint elsewhere than the API (here: another path of the same server)."""
    pkg = make_client(SPEC.replace("TOKEN_URL", f"{server.url}/auth/v2/token"), f"tokens_{kind}")
    issuer = Issuer()
    server.default = issuer
    client = client_of(pkg, kind, server, client_id=CLIENT_ID, client_secret=SECRET)
    assert run(client.pets.list()).token == "Bearer tok1"
    assert token_requests(server)[0].path == "/auth/v2/token"
    run(client.close())


def test_credentials_from_the_environment(
    tokens: ModuleType, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKENS_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("TOKENS_CLIENT_SECRET", SECRET)
    server.default = Issuer()
    with client_of(tokens, "sync", server) as client:
        assert client.pets.list().token == "Bearer tok1"
    with pytest.raises(ValueError, match="client_secret"):
        client_of(tokens, "sync", server, client_id=CLIENT_ID)


def test_a_static_token_is_sent_as_it_is(
    tokens: ModuleType, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKENS_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("TOKENS_CLIENT_SECRET", SECRET)
    issuer = Issuer()
    issuer.issued.append(("", "given"))
    server.default = issuer
    with client_of(tokens, "sync", server, access_token="given") as client:
        assert client.pets.list().token == "Bearer given"
    assert token_requests(server) == []


def test_a_token_provider(
    tokens: ModuleType, server: LoopbackServer, kind: str, run: Callable[[Any], Any]
) -> None:
    """Sync providers for both clients, an async one for the async client; after a 401 the
    provider is asked once more and the call retried once."""
    issuer = Issuer()
    issuer.issued += [("", "p1"), ("", "p2")]
    issuer.revoked.add("p1")
    server.default = issuer
    given = iter(["p1", "p2", "p2"])
    asked: list[str] = []

    def provider() -> str:
        asked.append("sync")
        return next(given)

    async def async_provider() -> str:
        asked.append("async")
        return next(given)

    chosen = async_provider if kind == "async" else provider
    client = client_of(tokens, kind, server, token_provider=chosen,
                       client_id=CLIENT_ID, client_secret=SECRET)
    assert run(client.pets.list()).token == "Bearer p2"
    assert run(client.pets.list()).token == "Bearer p2"
    assert asked == [kind] * 3
    assert token_requests(server) == []
    run(client.close())


def test_a_token_endpoint_without_a_token_raises_and_the_api_is_not_called(
    tokens: ModuleType, server: LoopbackServer, kind: str, run: Callable[[Any], Any]
) -> None:
    server.reply(502, body="<html>bad gateway</html>", content_type="text/html")
    server.reply(200, json={"token_type": "Bearer"})  # no access_token
    client = client_of(tokens, kind, server, client_id=CLIENT_ID, client_secret=SECRET)
    with pytest.raises(tokens.OAuthTokenError, match="answered 502 without an access_token"):
        run(client.pets.list())
    with pytest.raises(tokens.OAuthTokenError, match="answered 200") as raised:
        run(client.pets.list())
    assert raised.value.error is None and raised.value.status_code == 200
    assert api_requests(server) == []
    run(client.close())


def test_expires_in_as_a_string_and_a_token_without_expiry(
    tokens: ModuleType, server: LoopbackServer
) -> None:
    """Some servers send `expires_in` as a string; one without it is kept until a 401."""
    issuer = Issuer(lifetime=None)
    server.default = issuer
    with client_of(tokens, "sync", server, client_id=CLIENT_ID, client_secret=SECRET) as client:
        clock = with_clock(client)
        server.reply(200, json={"access_token": "tok0", "expires_in": "100"})
        issuer.issued.append(("", "tok0"))
        assert client.pets.list().token == "Bearer tok0"
        clock.now += 89
        assert client.pets.list().token == "Bearer tok0"
        clock.now += 2  # past 100 - 10: the issuer's token, which never expires
        assert client.pets.list().token == "Bearer tok2"
        clock.now += 10**9
        assert client.pets.list().token == "Bearer tok2"
    assert len(token_requests(server)) == 2
