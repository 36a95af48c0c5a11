"""Webhooks without a tag, and callbacks: a webhook signed and sent over a real socket, received
by the loopback server, then verified and parsed by the generated client (sync and async); a
plain union of payloads picks each payload's model, and keeps one that matches none whole.
A spec with callbacks only gets their models and a README note, not `client.webhooks`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import httpx
import pytest

from sdkforge.config import GenerateOptions
from sdkforge.pipeline import generate

from .server import LoopbackServer

Make = Callable[[str, str], ModuleType]

SPEC = """
openapi: 3.1.0
info: {title: Shop, version: '1'}
servers: [{url: 'https://shop.example'}]
webhooks:
  orderShipped:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [order_id, carrier]
              properties:
                order_id: {type: string}
                carrier: {type: string}
                shipped_at: {type: string, format: date-time}
      responses: {'200': {description: ok}}
  orderCancelled:
    post:
      operationId: cancelledOrder
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Cancellation'}
      responses: {'200': {description: ok}}
  formPing:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: object, properties: {ping: {type: string}}}
      responses: {'200': {description: ok}}
  bare:
    post:
      responses: {'200': {description: ok}}
paths:
  /webhooks:
    get:
      operationId: listWebhooks
      tags: [Webhooks]
      responses:
        '200':
          description: The webhook endpoints registered.
          content:
            application/json:
              schema: {type: array, items: {type: string}}
  /subscriptions:
    post:
      operationId: subscribe
      tags: [Subscriptions]
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {url: {type: string}}}
      callbacks:
        statusChanged:
          '{$request.body#/url}':
            post:
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      required: [status]
                      properties:
                        status: {type: string, enum: [active, paused]}
              responses: {'204': {description: ok}}
      responses: {'201': {description: subscribed}}
components:
  schemas:
    Cancellation:
      type: object
      required: [order_id, reason]
      properties:
        order_id: {type: string}
        reason: {type: string}
"""

KEY = b"a key of thirty-two bytes, here."
SECRET = "whsec_" + base64.b64encode(KEY).decode()


def send_webhook(server: LoopbackServer, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """POST `payload` to the loopback server signed as Standard Webhooks says (written here,
    not taken from the generated code), as an API would; what the server received."""
    body = json.dumps(payload).encode()
    msg_id, stamp = f"msg_{len(server.requests)}", str(int(time.time()))
    mac = hmac.new(KEY, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    server.reply(200)
    httpx.post(server.url + "/hook", content=body, headers={
        "content-type": "application/json", "webhook-id": msg_id, "webhook-timestamp": stamp,
        "webhook-signature": "v1," + base64.b64encode(mac).decode()})
    received = server.requests[-1]
    return received.body, dict(received.headers)


@pytest.fixture
def shop(make_client: Make) -> ModuleType:
    return make_client(SPEC, "shop_hooks")


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_webhook_sent_over_the_wire_verifies_and_parses_into_its_model(
    shop: ModuleType, kind: str
) -> None:
    name = shop.__all__[0]  # the client class, named from the package
    cls = getattr(shop, name if kind == "sync" else f"Async{name}")
    client = cls(base_url="http://127.0.0.1:9", webhook_secret=SECRET)
    # `webhooks` is the API's own resource here: the helper steps aside.
    hooks = client.webhook_events
    assert type(client.webhooks).__name__ in ("Webhooks", "AsyncWebhooks")
    with LoopbackServer() as server:
        body, headers = send_webhook(server, {"order_id": "o1", "carrier": "DHL",
                                              "shipped_at": "2026-01-02T03:04:05Z"})
        assert "webhook-signature" in {name.lower() for name in headers}
        shipped = hooks.unwrap(body, headers)
        body, headers = send_webhook(server, {"order_id": "o2", "reason": "changed my mind"})
        cancelled = hooks.unwrap(body.decode(), headers)
        body, headers = send_webhook(server, {"order_id": "o3"})
        neither = hooks.unwrap(body, headers)
        with pytest.raises(shop.WebhookVerificationError):
            hooks.unwrap(body.replace(b"o3", b"o4"), headers)
    assert isinstance(shipped, shop.models.OrderShippedEvent)
    assert shipped.shipped_at.year == 2026 and not shop.mismatches(shipped)
    assert isinstance(cancelled, shop.models.Cancellation)
    assert cancelled.reason == "changed my mind" and not shop.mismatches(cancelled)
    # A payload that is none of them is kept as sent, with what did not match.
    assert shop.mismatches(neither) and neither.order_id == "o3"


def test_the_union_is_plain_and_payloads_without_json_have_no_model(shop: ModuleType) -> None:
    import typing

    event = shop.models.WebhookEvent
    assert set(typing.get_args(event)) == {shop.models.OrderShippedEvent, shop.models.Cancellation}
    assert not any("Ping" in name or "Bare" in name for name in shop.models.__all__)
    assert shop.models.SubscribeStatusChangedBody.model_validate({"status": "paused"}).status == (
        "paused")


def test_callbacks_only_get_models_and_a_readme_note(tmp_path: Any) -> None:
    """No webhooks: no `client.webhooks`, no secret argument; the callback's model is listed."""
    spec = SPEC.split("webhooks:", 1)[0] + "paths:" + SPEC.split("\npaths:", 1)[1]
    path = tmp_path / "callbacks.yaml"
    path.write_text(spec.replace("openapi: 3.1.0", "openapi: 3.0.3"), encoding="utf-8")
    files = generate(GenerateOptions(path, package="cbs")).files
    assert "cbs/_webhooks.py" not in files
    assert "webhook_secret" not in files["cbs/_client.py"]
    assert "class SubscribeStatusChangedBody(BaseModel)" in files[
        "cbs/models/subscribe_status_changed_body.py"]
    readme = files["README.md"]
    assert "## Webhooks" not in readme
    assert ("- `models.SubscribeStatusChangedBody`: the `statusChanged` callback of "
            "`client.subscriptions.subscribe`") in readme


def test_the_readme_shows_unwrap(tmp_path: Any) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(SPEC, encoding="utf-8")
    readme = generate(GenerateOptions(path, package="shop")).files["README.md"]
    assert "event = client.webhook_events.unwrap(body, headers)" in readme
    assert "except shop.WebhookVerificationError:" in readme
    assert "set $SHOP_WEBHOOK_SECRET" in readme


ONLY_WEBHOOKS = """
openapi: 3.1.0
info: {title: Notices, version: '1'}
webhooks:
  created:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [event, id]
              properties: {event: {const: thing.created}, id: {type: string}}
      responses: {'200': {description: ok}}
  removed:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [event, id]
              properties: {event: {const: thing.removed}, id: {type: string}, why: {type: string}}
      responses: {'200': {description: ok}}
"""

NOTICES_USER = """
from typing import assert_type

import notices

client = notices.Notices(base_url="http://127.0.0.1:9")
event = client.webhooks.parse(b"{}")
assert_type(event, notices.models.CreatedEvent | notices.models.RemovedEvent)
if isinstance(event, notices.models.RemovedEvent):
    print(event.why)
"""


def test_a_spec_of_webhooks_only_has_a_client_with_unwrap_that_type_checks(
    make_client: Make, tmp_path: Any
) -> None:
    """No paths (Adyen's notification specs): the client has no resources, only `webhooks`;
    the events are told apart by their `event` constant."""
    notices = make_client(ONLY_WEBHOOKS, "notices")
    client = notices.Notices(base_url="http://127.0.0.1:9", webhook_secret=SECRET)
    with LoopbackServer() as server:
        body, headers = send_webhook(server, {"event": "thing.removed", "id": "t1", "why": "old"})
    removed = client.webhooks.unwrap(body, headers)
    assert isinstance(removed, notices.models.RemovedEvent) and removed.why == "old"
    (tmp_path / "user.py").write_text(NOTICES_USER)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "user.py"],
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
        env={"MYPYPATH": str(tmp_path / "out_notices"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stdout[-3000:]
