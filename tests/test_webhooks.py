"""`client.webhooks` of OpenAI's client (16 webhooks, Standard Webhooks signatures): each of the
spec's own example events, signed here, verifies and comes back as its model; every way a
webhook can fail to verify raises `WebhookVerificationError`; the signatures agree with the
reference implementation (`standardwebhooks`) both ways; mypy and pyright type `unwrap` as the
union, narrowed by `isinstance`.

The signer below is written from the Standard Webhooks specification, not from the generated
code: HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`, base64, `v1,` in front.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import standardwebhooks
import yaml

from sdkforge.pipeline import Generated

pytestmark = pytest.mark.slow

SPEC = Path(__file__).resolve().parents[2] / "shared" / "specs" / "public" / "openai-openapi.yaml"
KEY = bytes(range(7, 39))  # 32 bytes
SECRET = "whsec_" + base64.b64encode(KEY).decode()
MSG_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"


def sign(body: bytes, stamp: int | str, msg_id: str = MSG_ID, key: bytes = KEY) -> str:
    mac = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def signed(body: bytes, stamp: int | None = None, **changes: str) -> dict[str, str]:
    """The three headers of a webhook signed now (or at `stamp`), in the case a server sends."""
    stamp = int(time.time()) if stamp is None else stamp
    headers = {"Webhook-Id": MSG_ID, "Webhook-Timestamp": str(stamp),
               "Webhook-Signature": sign(body, stamp)}
    headers.update(changes)
    return headers


@pytest.fixture(scope="module")
def openai(public_clients: dict[str, tuple[Path, Generated]]) -> Iterator[SimpleNamespace]:
    """The package (`pub_openai_openapi`), with its clients as `OpenAI` and `AsyncOpenAI` and
    the environment variable of its webhook secret as `ENV`."""
    folder, gen = public_clients["openai-openapi"]
    sys.path.insert(0, str(folder))
    pkg = importlib.import_module(gen.package)
    yield SimpleNamespace(
        models=pkg.models, mismatches=pkg.mismatches, APIError=pkg.APIError,
        WebhookVerificationError=pkg.WebhookVerificationError,
        OpenAI=getattr(pkg, gen.client), AsyncOpenAI=getattr(pkg, f"Async{gen.client}"),
        ENV=f"{gen.package.upper()}_WEBHOOK_SECRET",
    )
    sys.path.remove(str(folder))


@pytest.fixture(scope="module")
def examples() -> dict[str, tuple[str, bytes]]:
    """Each webhook's payload schema and the example event the spec gives for it."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    found = {}
    for name, item in spec["webhooks"].items():
        ref = item["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        schema = ref.rsplit("/", 1)[1]
        example = spec["components"]["schemas"][schema]["x-oaiMeta"]["example"]
        # YAML reads them all: one has a trailing comma, which JSON does not allow
        found[name] = (schema, json.dumps(yaml.safe_load(example)).encode())
    return found


def test_every_webhook_of_the_spec_verifies_and_unwraps_into_its_model(
    openai: SimpleNamespace, examples: dict[str, tuple[str, bytes]]
) -> None:
    assert len(examples) == 16
    client = openai.OpenAI(base_url="http://127.0.0.1:9", webhook_secret=SECRET)
    for name, (schema, body) in examples.items():
        event = client.webhooks.unwrap(body, signed(body))
        assert type(event) is getattr(openai.models, schema), name
        assert not openai.mismatches(event), (name, openai.mismatches(event))
        assert event.to_dict() == json.loads(body)
        # text (as a framework decodes it) verifies as its UTF-8 bytes do
        assert client.webhooks.unwrap(body.decode(), signed(body)) == event


def test_the_async_client_unwraps_too(
    openai: SimpleNamespace, examples: dict[str, tuple[str, bytes]]
) -> None:
    _, body = examples["response_completed"]
    client = openai.AsyncOpenAI(base_url="http://127.0.0.1:9", webhook_secret=SECRET)
    event = client.webhooks.unwrap(body, signed(body))
    assert isinstance(event, openai.models.WebhookResponseCompleted)
    assert event.data.id == json.loads(body)["data"]["id"]


def test_what_does_not_verify_raises(
    openai: SimpleNamespace, examples: dict[str, tuple[str, bytes]]
) -> None:
    error = openai.WebhookVerificationError
    assert issubclass(error, openai.APIError)
    client = openai.OpenAI(base_url="http://127.0.0.1:9", webhook_secret=SECRET)
    _, body = examples["batch_completed"]
    now = int(time.time())
    cases: dict[str, tuple[bytes, dict[str, str], str]] = {
        "tampered body": (body.replace(b"batch", b"botch"), signed(body), "no webhook-signature"),
        "one byte added": (body + b" ", signed(body), "no webhook-signature"),
        "another id": (body, signed(body, now, **{"Webhook-Id": "msg_other"}),
                       "no webhook-signature"),
        "stale": (body, signed(body, now - 301), "old"),
        "future": (body, signed(body, now + 301), "ahead"),
        "not a time": (body, signed(body, now, **{"Webhook-Timestamp": "soon"}), "Unix time"),
        "another version": (body, signed(body, now, **{"Webhook-Signature": "v2,"
                                                        + sign(body, now)[3:]}),
                            "no webhook-signature"),
    }
    for case, (payload, headers, words) in cases.items():
        for check in (client.webhooks.unwrap, client.webhooks.verify_signature):
            try:
                check(payload, headers)
            except error as exc:
                assert words in str(exc), (case, str(exc))
            else:
                pytest.fail(f"{case}: {check.__name__} passed")
    with pytest.raises(error, match="no webhook-signature"):  # the wrong secret
        client.webhooks.unwrap(body, signed(body),
                               secret="whsec_" + base64.b64encode(b"x" * 32).decode())
    for missing in ("Webhook-Id", "Webhook-Timestamp", "Webhook-Signature"):
        headers = signed(body)
        del headers[missing]
        with pytest.raises(error, match=missing.lower()):
            client.webhooks.unwrap(body, headers)
    with pytest.raises(error, match=openai.ENV):  # no secret anywhere
        openai.OpenAI(base_url="http://127.0.0.1:9").webhooks.unwrap(body, signed(body))
    with pytest.raises(error, match="not base64"):
        client.webhooks.unwrap(body, signed(body), secret="whsec_%%%")


def test_tolerance_both_ways_and_its_edges(
    openai: SimpleNamespace, examples: dict[str, tuple[str, bytes]]
) -> None:
    client = openai.OpenAI(base_url="http://127.0.0.1:9", webhook_secret=SECRET)
    _, body = examples["batch_failed"]
    now = int(time.time())
    for stamp in (now - 290, now + 290):  # within the default 300 s
        client.webhooks.verify_signature(body, signed(body, stamp))
    client.webhooks.verify_signature(body, signed(body, now - 3000), tolerance=3600)
    with pytest.raises(openai.WebhookVerificationError):
        client.webhooks.verify_signature(body, signed(body, now - 30), tolerance=10)
    with pytest.raises(openai.WebhookVerificationError):
        client.webhooks.verify_signature(body, signed(body, now + 30), tolerance=10)


def test_one_matching_signature_among_several_is_enough(
    openai: SimpleNamespace, examples: dict[str, tuple[str, bytes]]
) -> None:
    """During a key rotation the header carries a signature per key, space-separated."""
    client = openai.OpenAI(base_url="http://127.0.0.1:9", webhook_secret=SECRET)
    _, body = examples["eval_run_failed"]
    now = int(time.time())
    old = sign(body, now, key=b"an old key, retired")
    good = sign(body, now)
    for header in (f"{old} {good}", f"{good} {old}", f"v1a,xyz {old} {good}"):
        event = client.webhooks.unwrap(body, signed(body, now, **{"Webhook-Signature": header}))
        assert isinstance(event, openai.models.WebhookEvalRunFailed)
    with pytest.raises(openai.WebhookVerificationError):
        client.webhooks.unwrap(body, signed(body, now, **{"Webhook-Signature": f"{old} {old}"}))


def test_the_secret_comes_from_the_environment_or_the_call(
    openai: SimpleNamespace, examples: dict[str, tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, body = examples["fine_tuning_job_succeeded"]
    monkeypatch.setenv(openai.ENV, SECRET)
    client = openai.OpenAI(base_url="http://127.0.0.1:9")
    assert client.webhook_secret == SECRET
    assert isinstance(client.webhooks.unwrap(body, signed(body)),
                      openai.models.WebhookFineTuningJobSucceeded)
    other = openai.OpenAI(base_url="http://127.0.0.1:9", webhook_secret="whsec_b3RoZXI=")
    with pytest.raises(openai.WebhookVerificationError):
        other.webhooks.unwrap(body, signed(body))
    assert isinstance(other.webhooks.unwrap(body, signed(body), secret=SECRET),
                      openai.models.WebhookFineTuningJobSucceeded)
    # A copy with other options has its own helper, with the same secret.
    assert other.with_options(max_retries=1).webhooks is not other.webhooks


def test_an_event_the_spec_does_not_list_is_kept_whole(openai: SimpleNamespace) -> None:
    body = json.dumps({"id": "evt_1", "type": "batch.paused", "created_at": 1,
                       "data": {"id": "batch_1"}}).encode()
    client = openai.OpenAI(base_url="http://127.0.0.1:9", webhook_secret=SECRET)
    event: Any = client.webhooks.unwrap(body, signed(body))
    assert event == json.loads(body)
    assert [m.kind for m in openai.mismatches(event)] == ["union_tag_invalid"]
    with pytest.raises(ValueError, match="not JSON"):
        client.webhooks.unwrap(b"<html>", signed(b"<html>"))


def test_signatures_agree_with_the_reference_implementation(
    openai: SimpleNamespace, examples: dict[str, tuple[str, bytes]]
) -> None:
    client = openai.OpenAI(base_url="http://127.0.0.1:9", webhook_secret=SECRET)
    reference = standardwebhooks.Webhook(SECRET)
    _, body = examples["realtime_call_incoming"]
    now = int(time.time())
    # The reference signs, the generated client verifies.
    theirs = reference.sign(MSG_ID, datetime.fromtimestamp(now, tz=UTC), body)
    assert theirs == sign(body, now)  # and this file's signer agrees with it
    event = client.webhooks.unwrap(body, signed(body, now, **{"Webhook-Signature": theirs}))
    assert isinstance(event, openai.models.WebhookRealtimeCallIncoming)
    # This file's signatures pass the reference's verification, and fail it when tampered.
    assert reference.verify(body, {k.lower(): v for k, v in signed(body, now).items()})
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        reference.verify(body + b" ", {k.lower(): v for k, v in signed(body, now).items()})


# PKG and CLIENT stand for the package and client names
USER_CODE = """
from typing import assert_type

import PKG

client = PKG.CLIENT(webhook_secret="whsec_...")


def receive(body: bytes, headers: dict[str, str]) -> str:
    event = client.webhooks.unwrap(body, headers)
    reveal_type(event)
    if isinstance(event, PKG.models.WebhookBatchCancelled):
        assert_type(event, PKG.models.WebhookBatchCancelled)
        return event.data.id
    if isinstance(event, PKG.models.WebhookResponseCompleted):
        return event.data.id
    return event.type


async def areceive(body: str, headers: dict[str, str]) -> None:
    aclient = PKG.AsyncCLIENT()
    assert_type(aclient.webhooks.unwrap(body, headers, secret="s"), PKG.models.WebhookEvent)
    aclient.webhooks.verify_signature(body, headers, secret="s", tolerance=60)
"""

EVENTS = ["WebhookBatchCancelled", "WebhookBatchCompleted", "WebhookResponseIncomplete",
          "WebhookRealtimeCallIncoming"]


def test_unwrap_is_typed_as_the_union_under_mypy_and_pyright(
    public_clients: dict[str, tuple[Path, Generated]], tmp_path: Path
) -> None:
    folder, gen = public_clients["openai-openapi"]
    code = USER_CODE.replace("PKG", gen.package).replace("CLIENT", gen.client)
    (tmp_path / "user.py").write_text(code)
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "user.py"],
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
        env={"MYPYPATH": str(folder), "PATH": "/usr/bin:/bin"},
    )
    assert mypy.returncode == 0, mypy.stdout[-3000:]
    revealed = next(line for line in mypy.stdout.splitlines() if "Revealed type" in line)
    assert all(f".{name}" in revealed for name in EVENTS) and revealed.count("|") == 15, revealed
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(
        {"typeCheckingMode": "strict", "pythonVersion": "3.11", "extraPaths": [str(folder)],
         "include": ["user.py"]}))
    pyright = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable],
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
    )
    report = json.loads(pyright.stdout)
    problems = [d for d in report["generalDiagnostics"] if d["severity"] != "information"]
    assert not problems, problems
    revealed = next(d["message"] for d in report["generalDiagnostics"]
                    if d["severity"] == "information")
    assert all(name in revealed for name in EVENTS) and revealed.count("|") == 15, revealed
