"""Contract tests: every request a generated client puts on the wire is valid for its spec.

The seed client (`generated/mixpeek-trigger-history`) and clients generated into a temporary
folder from `specs/features.yaml` (OpenAPI 3.1) and `specs/features-3.0.yaml` (OpenAPI 3.0)
make representative calls against `server.LoopbackServer`; each request the server read
(method, raw path, query, headers, cookies, body, exactly as they came off the socket) is
validated with openapi-core against the spec it was generated from: operation lookup, path,
query, header and cookie parameters (styles included), security requirements and the request
body for its content type.

The spec given to openapi-core differs from the file in two ways only:

- `servers` is replaced by `http://127.0.0.1:{port}`, where the loopback server listens;
- for OpenAPI 3.1 documents, `readOnly` properties are taken out of `required` lists. OpenAPI
  says a read-only property is required in responses only; openapi-core implements that for
  3.0 documents (its write-mode schema validator) but validates 3.1 request bodies with a
  plain JSON Schema 2020-12 validator, which would demand the server-assigned `id` of a new pet.

Besides, openapi-core is configured to read `+json` media types (RFC 6839, e.g.
`application/vnd.features+json`) as JSON: it only knows `application/json` and
`application/vnd.api+json` and would otherwise check the raw bytes against an object schema.

Where openapi-core (0.23) cannot validate a construct itself, the case is skipped with a reason
naming the limitation, and only when every finding comes from it (any other finding fails):
a 3.1 `format: binary` value (multipart file parts, octet-stream bodies) fails `type: string`,
and a form body whose schema has a list `type` crashes its deserializer.

Known limits of openapi-core (0.23) that make some checks weaker, never failing:

- a `spaceDelimited` array is split on a literal `%20` in the *decoded* value, so it is
  checked as one string; a `form`, exploded object parameter (`paging` of searchPets) is
  looked up under its own name and so is not checked at all.
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
import importlib
import io
import re
import sys
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
import pytest
import yaml

openapi_core = pytest.importorskip(
    "openapi_core",
    minversion="0.19",
    reason="the contract tests need openapi-core >= 0.19 (its `OpenAPI` API) in the virtualenv",
)
from openapi_core import Config, OpenAPI  # noqa: E402
from openapi_core.datatypes import RequestParameters  # noqa: E402
from openapi_core.deserializing.media_types.util import json_loads  # noqa: E402
from werkzeug.datastructures import Headers, ImmutableMultiDict  # noqa: E402
from werkzeug.http import parse_cookie  # noqa: E402

import mixpeek  # noqa: E402
from sdkforge.config import GenerateOptions  # noqa: E402
from sdkforge.output.write import write  # noqa: E402
from sdkforge.pipeline import generate  # noqa: E402

from .server import LoopbackServer, RecordedRequest, Reply  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SEED_SPEC = ROOT / "specs" / "mixpeek-trigger-history.yaml"
SPEC_31 = ROOT / "specs" / "features.yaml"
SPEC_30 = ROOT / "specs" / "features-3.0.yaml"

PET_ID = uuid.UUID("3fa85f64-5717-4562-b3fc-2c963f66afa6")
OWNER_ID = uuid.UUID("9b2d7c4e-1f0a-4c3b-8e5d-6a7b8c9d0e1f")
FOLDER_ID = uuid.UUID("0c6f1e2d-3b4a-4d5c-9e8f-7a6b5c4d3e2f")
FILE_ID = uuid.UUID("5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a")
CREDENTIALS_31 = dict(
    api_key="sk_test", username="ann", password="s3cret",
    partner_key="pk_1", token="tok_1", session_id="sess_1"
)
CREDENTIALS_30 = dict(api_key="k_1", username="ann", password="s3cret")
HISTORY = {"trigger_id": "trg_1", "executions": [], "total": 0, "offset": 0, "limit": 50}


# ------------------------------------------------------------------ the spec openapi-core sees


def _drop_read_only_from_required(node: Any) -> None:
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict) and isinstance(node.get("required"), list):
            node["required"] = [
                name
                for name in node["required"]
                if not (isinstance(properties.get(name), dict)
                        and properties[name].get("readOnly") is True)
            ]
        for value in node.values():
            _drop_read_only_from_required(value)
    elif isinstance(node, list):
        for value in node:
            _drop_read_only_from_required(value)


def _media_types(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        content = node.get("content")
        if isinstance(content, dict):
            found.update(str(media) for media in content)
        for value in node.values():
            found |= _media_types(value)
    elif isinstance(node, list):
        for value in node:
            found |= _media_types(value)
    return found


class Contract:
    """A spec loaded into openapi-core, validating requests the loopback server recorded."""

    def __init__(self, spec_path: Path) -> None:
        data = yaml.safe_load(spec_path.read_text())
        data["servers"] = [{"url": "http://127.0.0.1:{port}",
                            "variables": {"port": {"default": "80"}}}]
        for path_item in data.get("paths", {}).values():
            path_item.pop("servers", None)
            for operation in path_item.values():
                if isinstance(operation, dict):
                    operation.pop("servers", None)
        self.version_31 = str(data["openapi"]).startswith("3.1")
        if self.version_31:
            _drop_read_only_from_required(data)
        structured_json: dict[str, Callable[[bytes], Any]] = {
            media: json_loads for media in _media_types(data)
            if media.split(";")[0].strip().endswith("+json")
        }
        self.app = OpenAPI.from_dict(data,
                                     config=Config(extra_media_type_deserializers=structured_json))
        self._templates = [(template, self._regex(template)) for template in data.get("paths", {})]

    @staticmethod
    def _regex(template: str) -> re.Pattern[str]:
        parts = re.split(r"\{[^}]+\}", template)
        return re.compile("([^/]+)".join(re.escape(part) for part in parts))

    def path_parameters(self, raw_path: str) -> dict[str, str]:
        """Path variables of the most literal template matching the raw path, percent-decoded."""
        matches = []
        for template, regex in self._templates:
            match = regex.fullmatch(raw_path)
            if match:
                names = re.findall(r"\{([^}]+)\}", template)
                matches.append((len(names),
                                dict(zip(names, map(unquote, match.groups()), strict=True))))
        return min(matches, key=lambda m: m[0])[1] if matches else {}

    def errors(self, seen: RecordedRequest, host_url: str) -> list[str]:
        """What openapi-core finds wrong with the request, or `OpenAPICoreLimitation` when the only
        findings come from something openapi-core itself cannot validate."""
        request = WireRequest(seen, host_url, self.path_parameters(seen.path))
        try:
            found = list(self.app.iter_request_errors(request))
        except TypeError as exc:
            if "Expected a string value, got <class 'list'>" in str(exc):
                raise OpenAPICoreLimitation(FORM_TYPE_LIST) from exc
            raise
        problems: list[str] = []
        limited = False
        for error in found:
            details = getattr(error.__cause__, "schema_errors", None)
            if self.version_31 and details and all(_is_binary_31_limitation(d) for d in details):
                limited = True
                continue
            if self.version_31 and details and any(_is_binary_31_limitation(d) for d in details):
                kept = [d for d in details if not _is_binary_31_limitation(d)]
                problems.append(describe(error, kept))
                continue
            problems.append(describe(error))
        if limited and not problems:
            raise OpenAPICoreLimitation(BINARY_31)
        return problems

    def assert_valid(self, server: LoopbackServer, *, expected_requests: int | None = None) -> None:
        assert server.requests, "the client sent nothing"
        if expected_requests is not None:
            assert len(server.requests) == expected_requests, [
                r.request_line for r in server.requests
            ]
        problems: dict[str, list[str]] = {}
        limitations: list[str] = []
        for i, seen in enumerate(server.requests):
            try:
                errors = self.errors(seen, server.url)
            except OpenAPICoreLimitation as exc:
                limitations.append(f"{seen.method} {seen.path}: {exc}")
                continue
            if errors:
                problems[f"#{i} {seen.request_line}"] = errors
        assert not problems, format_problems(problems, server.requests)
        if limitations:
            pytest.skip("; ".join(limitations))


class OpenAPICoreLimitation(Exception):
    """openapi-core cannot check this request; the message names what it cannot do."""


BINARY_31 = (
    "openapi-core 0.23 checks OpenAPI 3.1 `type: string, format: binary` values (multipart file "
    "parts, application/octet-stream bodies) with a JSON Schema 2020-12 validator that has no "
    "binary type, so the raw bytes fail `type: string`; every other part of the request was valid"
)
FORM_TYPE_LIST = (
    "openapi-core 0.23 cannot deserialize an application/x-www-form-urlencoded body whose schema "
    "has a property with a list `type` (OpenAPI 3.1 `type: [string, 'null']`): jsonschema-path "
    "raises `TypeError: Expected a string value, got <class 'list'>` while reading the schema"
)


def _is_binary_31_limitation(detail: Any) -> bool:
    schema = getattr(detail, "schema", None)
    return (
        getattr(detail, "validator", None) == "type"
        and isinstance(getattr(detail, "instance", None), (bytes, bytearray))
        and isinstance(schema, Mapping)
        and schema.get("format") == "binary"
    )


class WireRequest:
    """openapi-core's `Request` protocol over a `RecordedRequest`."""

    def __init__(self, seen: RecordedRequest, host_url: str,
                 path_parameters: Mapping[str, str]) -> None:
        self.host_url = host_url
        self.path = seen.path  # still percent-encoded: one segment per path variable
        self.method = seen.method.lower()
        self.body: bytes | None = seen.body
        content_type = seen.header("Content-Type") or ""
        media, separator, params = content_type.partition(";")
        self.content_type = media.strip().lower() + separator + params
        cookies: list[tuple[str, str]] = []
        for header in seen.header_values("Cookie"):
            cookies.extend(parse_cookie(header).items(multi=True))
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(seen.query_string, keep_blank_values=True)),
            header=Headers(seen.headers),
            cookie=ImmutableMultiDict(cookies),
            path=dict(path_parameters),
        )


def describe(error: BaseException, details: Any = None) -> str:
    text = f"{type(error).__name__}: {error}"
    cause = error.__cause__
    if details is None:
        details = getattr(cause, "schema_errors", None) or getattr(error, "schema_errors", None)
    for detail in details or ():
        message, path = getattr(detail, "message", detail), list(getattr(detail, "path", []))
        text += f"\n    - {message} at {path}"
        for sub in getattr(detail, "context", None) or ():  # why each oneOf/anyOf branch failed
            schema_path = "/".join(map(str, sub.absolute_schema_path))
            text += f"\n        - {sub.message} at {list(sub.absolute_path)} ({schema_path})"
    if not details and cause is not None:
        text += f"\n    caused by {type(cause).__name__}: {cause}"
    return text


def format_problems(problems: Mapping[str, list[str]], requests: list[RecordedRequest]) -> str:
    lines = ["requests the spec does not allow:"]
    for where, errors in problems.items():
        seen = requests[int(where[1:].split(" ", 1)[0])]
        lines.append(f"{where}\n  headers: {seen.headers}\n  body: {seen.body[:300]!r}")
        lines.extend(f"  {error}" for error in errors)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def seed_contract() -> Contract:
    return Contract(SEED_SPEC)


@pytest.fixture(scope="module")
def contract_31() -> Contract:
    return Contract(SPEC_31)


@pytest.fixture(scope="module")
def contract_30() -> Contract:
    return Contract(SPEC_30)


@pytest.fixture
def server204(server: LoopbackServer) -> LoopbackServer:
    """Every request answered 204: the client returns None without parsing anything."""
    server.default = Reply(204)
    return server


# ------------------------------------------------------------------ the validator is not vacuous


def test_contract_rejects_requests_the_spec_does_not_allow(
    seed_contract: Contract, contract_31: Contract, server: LoopbackServer
) -> None:
    server.reply(200, json=HISTORY)
    server.reply(200, json=HISTORY)
    server.reply(200, json=HISTORY)
    with mixpeek.Mixpeek(base_url=server.url, max_retries=0, timeout=5.0) as client:
        history = client.cluster_triggers.get_history
        history("trg_1", limit=0)  # minimum: 1
        history("trg_1", extra_body={"offset": "ten"})  # integer
        history("trg_1", extra_headers={"Content-Type": "text/csv"})
    for seen in server.requests:
        assert seed_contract.errors(seen, server.url), seen.body
    # A features request without its credential fails the security requirement.
    server.reply(204)
    httpx.get(server.url + "/store/toys")
    assert any("Security" in e for e in contract_31.errors(server.requests[-1], server.url))


# ------------------------------------------------------------------ the seed client

SEED_CALLS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "no-keywords": (("trg_1",), {}),
    "all-keywords": (("trg_1",), {"offset": 5, "limit": 1000, "status_filter": "failed"}),
    "none-values": (("trg_1",), {"offset": 0, "limit": 1, "status_filter": None}),
    "path-slash-and-spaces": (("team a/trg 1",), {"limit": 10}),
    "path-dot-dot": (("..",), {}),
    "path-query-and-unicode": (("ü?x=1&y=%2F #frag",), {"status_filter": "done"}),
    "extras": (
        ("trg_1",),
        {"extra_headers": {"X-Trace": "t"}, "extra_query": {"debug": "1"},
         "extra_body": {"hint": "x"}},
    ),
}


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("case", list(SEED_CALLS))
def test_seed_client_requests_match_the_spec(
    seed_contract: Contract, server: LoopbackServer, kind: str, case: str
) -> None:
    args, kwargs = SEED_CALLS[case]
    server.reply(200, json=HISTORY)
    if kind == "sync":
        with mixpeek.Mixpeek(base_url=server.url, max_retries=0, timeout=5.0) as client:
            client.cluster_triggers.get_history(*args, **kwargs)
    else:

        async def main() -> None:
            async with mixpeek.AsyncMixpeek(base_url=server.url, max_retries=0,
                                            timeout=5.0) as client:
                await client.cluster_triggers.get_history(*args, **kwargs)

        asyncio.run(main())
    seed_contract.assert_valid(server, expected_requests=1)
    assert seed_contract.path_parameters(server.requests[0].path) == {"trigger_id": args[0]}


def test_seed_client_retried_attempts_match_the_spec(seed_contract: Contract,
                                                     server: LoopbackServer) -> None:
    server.reply(503, json={"detail": "busy"})
    server.reply(429, json={"detail": "slow down"}, headers={"retry-after-ms": "5"})
    server.reply(200, json=HISTORY)
    with mixpeek.Mixpeek(
        base_url=server.url, max_retries=2, timeout=5.0, retry_base_delay=0.01, retry_max_delay=0.02
    ) as client:
        client.cluster_triggers.get_history("trg 1/2", limit=3, status_filter=None)
    seed_contract.assert_valid(server, expected_requests=3)


# ------------------------------------------------------------------ clients from the feature specs


def _forget(package: str) -> None:
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            del sys.modules[name]


def _generated(spec: Path, package: str,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp(f"contract_{package}")
    write(out, generate(GenerateOptions(spec, package=package)).files)
    _forget(package)
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(out))
        _forget(package)


@pytest.fixture(scope="module")
def features(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield from _generated(SPEC_31, "contract_features", tmp_path_factory)


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield from _generated(SPEC_30, "contract_features_legacy", tmp_path_factory)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No credential or base URL reaches a client from the environment."""
    import os

    for name in list(os.environ):
        if name.startswith(("FEATURES_", "CONTRACT_FEATURES_")):
            monkeypatch.delenv(name)


def _credentials(module: ModuleType) -> dict[str, str]:
    return CREDENTIALS_31 if module.__name__ == "contract_features" else CREDENTIALS_30


def make_sync(module: ModuleType, server: LoopbackServer) -> Any:
    cls = getattr(module, module.__all__[0])
    return cls(base_url=server.url, max_retries=0, timeout=5.0, **_credentials(module))


def make_async(module: ModuleType, server: LoopbackServer) -> Any:
    cls = getattr(module, module.__all__[1])
    return cls(base_url=server.url, max_retries=0, timeout=5.0, **_credentials(module))


Call = Callable[[Any, ModuleType], Any]

FEATURE_CALLS_31: dict[str, Call] = {
    # JSON bodies
    "createPet-required-only": lambda c, m: c.pets.create(
        name="Rex", pet_type="dog", owner_id=None
    ),
    "createPet-every-keyword": lambda c, m: c.pets.create(
        name="Tom",
        pet_type="cat",
        owner_id=OWNER_ID,
        birth_date=datetime.date(2020, 2, 29),
        weight_kg=4.25,
        nickname=None,
        tags=["friendly", "indoor"],
        microchip=m.models.NewPetMicrochip(
            code="985-112", implanted_at=datetime.datetime(2021, 3, 1, 9, 30, tzinfo=datetime.UTC)
        ),
        secret_note="bites",
    ),
    "updatePet-vendor-json-and-header": lambda c, m: c.pets.update(
        str(PET_ID), nickname=None, status="sold", tags=[], x_request_id=uuid.UUID(int=42)
    ),
    "bookAppointment-dates-duration-decimal": lambda c, m: c.pets.book_appointment(
        PET_ID,
        day=datetime.date(2024, 5, 1),
        starts_at=datetime.time(9, 30),
        duration=datetime.timedelta(hours=1, minutes=30),
        fee=decimal.Decimal("12.50"),
        priority=2,
        reminder_minutes=2**40,
        clinic_url="https://vet.example/clinic",
        vet_email="vet@example.com",
    ),
    "placeOrder-json": lambda c, m: c.store.place_order(
        pet_id=PET_ID,
        quantity=2,
        ship_date=datetime.date(2024, 6, 1),
        status="approved",
        size=3,
        gift_wrap=True,
        note=None,
    ),
    "createPayment-card-query-token": lambda c, m: c.store.create_payment(
        body=m.models.CardPayment(method="card", amount="19.99", last4="4242")
    ),
    "createPayment-bank-transfer": lambda c, m: c.store.create_payment(
        body={"method": "bank_transfer", "amount": "5.00", "iban": "DE89370400440532013000",
              "reference": "r 1"}
    ),
    "importPets-inline-body": lambda c, m: c.import_.import_pets(
        source="https://files.example/pets.csv", format="json", dry_run=True, callback_url="https://me.example/cb"
    ),
    "registerFeeder-formats": lambda c, m: c.admin.register_feeder(
        name="Kitchen",
        api_version="2024-06-01",
        ipv4_address="192.0.2.10",
        ipv6_address="2001:db8::1",
        firmware_sha256="q83vEjRWeJA=",
        uptime_seconds=2**40,
        temperature_c=21.5,
        battery_level=0.75,
        settings=m.models.FeederSettings(portion_grams=40, schedule=[datetime.time(7, 0)]),
        labels={"room": "kitchen"},
        readings={"inside_c": 21.0},
    ),
    "putOddities-awkward-names": lambda c, m: c.admin.put_oddities(
        class_="a", type="b", id=1, list_=["x"],
        n1st_place=True, grosse=1.5, user_id_="u-1", user_id=2
    ),
    # form, multipart, binary and text bodies
    "placeOrder-form": lambda c, m: c.store.place_order(
        pet_id=PET_ID, quantity=1, gift_wrap=False, note="leave at door",
        content_type="application/x-www-form-urlencoded"
    ),
    "sendFeedback-form": lambda c, m: c.feedback.send(
        name="Ann Lee", email="ann@example.com", rating=5,
        subscribe=True, topics=["food", "toys & games"]
    ),
    "uploadFiles-multipart": lambda c, m: c.files.upload(
        file=("report.pdf", b"%PDF-1.7", "application/pdf"),
        attachments=[b"one", ("two.png", io.BytesIO(b"\x89PNG"), "image/png")],
        description="Vaccination record",
        labels=["vet", "2024"],
        pet_id=PET_ID,
    ),
    "uploadFiles-multipart-file-only": lambda c, m: c.files.upload(file=b"x"),
    "uploadPhoto-octet-stream": lambda c, m: c.pets.upload_photo(
        PET_ID, body=b"\x89PNG\r\n\x1a\n\x00\xff"
    ),
    "setNotes-text": lambda c, m: c.pets.set_notes(PET_ID, body="Eats at 8.\nLikes Würstchen."),
    # parameters: query styles, header, cookie, path
    "listPets-every-query-style": lambda c, m: c.pets.list(
        limit=10,
        tags=["friendly", "small & cute"],
        status=["available", "pending"],
        sort=["name", "-born"],
        fields=["id", "name"],
        filter=m.models.ListPetsFilter(color="red", size="small", min_age=2),
    ),
    "listPets-no-parameters": lambda c, m: c.pets.list(),
    "searchPets-form-objects": lambda c, m: c.pets.search(
        near=m.models.SearchPetsNear(lat=52.5, lon=13.4),
        paging=m.models.SearchPetsPaging(cursor="abc", size=10),
    ),
    "getPet-header-and-cookie": lambda c, m: c.pets.get(
        PET_ID, accept_language="de-CH", x_request_id=uuid.UUID(int=7), cart_id="c 1"
    ),
    "deletePet-basic-auth": lambda c, m: c.pets.delete("p 1/2"),
    "listNotifications-int64-path": lambda c, m: c.store.list_notifications(2**40),
    "downloadFile-path-with-slash": lambda c, m: c.files.download("reports/2024 q1.pdf"),
    "getNotes-and-downloadPhoto": lambda c, m: (c.pets.get_notes(PET_ID),
                                                c.pets.download_photo(PET_ID)),
    "public-operations": lambda c, m: (c.pets.list_categories(), c.store.get_inventory(),
                                       c.store.list_toys()),
}

FEATURE_CALLS_30: dict[str, Call] = {
    "getFolder": lambda c, m: c.folders.get(FOLDER_ID),
    "updateFolder-nullable-json": lambda c, m: c.folders.update(
        FOLDER_ID, name="Docs", parent_id=None, description=None
    ),
    "updateFolder-values": lambda c, m: c.folders.update(
        FOLDER_ID, name="Docs", parent_id=FOLDER_ID, description="mine"
    ),
    "listEntries-form-and-pipe": lambda c, m: c.folders.list_entries(
        FOLDER_ID, kinds=["file", "folder"], order_by=["name", "size"]
    ),
    "uploadFile-multipart": lambda c, m: c.files.upload(
        file=("cat.png", b"\x89PNG", "image/png"),
        thumbnails=[("s.png", b"small", "image/png"), ("m.png", b"medium", "image/png")],
        folder_id=FOLDER_ID,
        tags=["pets", "cats"],
        description="a cat",
    ),
    "uploadFile-multipart-required-only": lambda c, m: c.files.upload(
        file=b"x", folder_id=FOLDER_ID
    ),
    "getFileMeta-and-download": lambda c, m: (c.files.get_meta(FILE_ID),
                                              c.files.download_content(FILE_ID)),
    "replaceContent-if-match-and-bytes": lambda c, m: c.files.replace_content(
        FILE_ID, if_match='"v3"', body=b"\x00\x01"
    ),
    "createShare-form": lambda c, m: c.shares.create(
        file_id=FILE_ID, email="bob@example.com", expires_in_days=7, can_edit=True
    ),
    "createShare-form-required-only": lambda c, m: c.shares.create(
        file_id=FILE_ID, email="bob@example.com"
    ),
    "emptyTrash-basic-auth": lambda c, m: c.admin.empty_trash(),
    "health-public": lambda c, m: c.admin.health(),
}


def _call(call: Call, client: Any, module: ModuleType) -> Any:
    with warnings.catch_warnings():
        # searchPets and emptyTrash are deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        return call(client, module)


@pytest.mark.parametrize("case", list(FEATURE_CALLS_31))
def test_features_31_requests_match_the_spec(
    features: ModuleType, contract_31: Contract, server204: LoopbackServer, case: str
) -> None:
    with make_sync(features, server204) as client:
        _call(FEATURE_CALLS_31[case], client, features)
    contract_31.assert_valid(server204)


@pytest.mark.parametrize("case", list(FEATURE_CALLS_30))
def test_features_30_requests_match_the_spec(
    legacy: ModuleType, contract_30: Contract, server204: LoopbackServer, case: str
) -> None:
    with make_sync(legacy, server204) as client:
        _call(FEATURE_CALLS_30[case], client, legacy)
    contract_30.assert_valid(server204)


@pytest.mark.parametrize(
    ("which", "case"),
    [
        ("3.1", "createPet-every-keyword"),
        ("3.1", "listPets-every-query-style"),
        ("3.1", "uploadFiles-multipart"),
        ("3.1", "sendFeedback-form"),
        ("3.0", "uploadFile-multipart"),
        ("3.0", "replaceContent-if-match-and-bytes"),
    ],
)
def test_async_feature_clients_send_valid_requests_too(
    features: ModuleType,
    legacy: ModuleType,
    contract_31: Contract,
    contract_30: Contract,
    server204: LoopbackServer,
    which: str,
    case: str,
) -> None:
    module, contract, calls = (
        (features, contract_31, FEATURE_CALLS_31) if which == "3.1"
        else (legacy, contract_30, FEATURE_CALLS_30)
    )

    async def main() -> None:
        async with make_async(module, server204) as client:
            await calls[case](client, module)

    asyncio.run(main())
    contract.assert_valid(server204)
