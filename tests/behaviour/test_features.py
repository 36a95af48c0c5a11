"""The feature specs (specs/features.yaml, OpenAPI 3.1; specs/features-3.0.yaml, OpenAPI 3.0)
generated into a temporary folder and driven against the loopback server.

Each spec is generated once per module. Every test asserts what went over the wire (as the
server read it) or the exact Python value a call returned.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import decimal
import email.parser
import email.policy
import importlib
import inspect
import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import pydantic
import pytest

from sdkforge.config import GenerateOptions
from sdkforge.diagnostics import Diagnostic
from sdkforge.output.write import write
from sdkforge.pipeline import generate

from .server import LoopbackServer, RecordedRequest

ROOT = Path(__file__).resolve().parents[2]
SPEC_31 = ROOT / "specs" / "features.yaml"
SPEC_30 = ROOT / "specs" / "features-3.0.yaml"

PET_ID = uuid.UUID("3fa85f64-5717-4562-b3fc-2c963f66afa6")
OWNER_ID = uuid.UUID("9b2d7c4e-1f0a-4c3b-8e5d-6a7b8c9d0e1f")
FOLDER_ID = uuid.UUID("0c6f1e2d-3b4a-4d5c-9e8f-7a6b5c4d3e2f")
FILE_ID = uuid.UUID("5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a")

TOM = {
    "id": str(PET_ID),
    "name": "Tom",
    "pet_type": "cat",
    "status": "available",
    "created_at": "2024-05-01T12:30:00Z",
    "indoor": False,
}
REX = {"id": str(PET_ID), "name": "Rex", "pet_type": "dog", "breed": "collie", "good_boy": True}
KIWI = {"id": str(PET_ID), "name": "Kiwi", "pet_type": "bird", "can_talk": True,
        "wingspan_cm": 21.5}
ERROR = {"code": "conflict", "message": "a pet with this name exists", "details": ["name"]}


# ------------------------------------------------------------------ generation, once per spec


def _forget(package: str) -> None:
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            del sys.modules[name]


def _generated(
    spec: Path, package: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ModuleType, list[Diagnostic]]]:
    out = tmp_path_factory.mktemp(f"out_{package}")
    result = generate(GenerateOptions(spec, package=package))
    write(out, result.files)
    _forget(package)
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(package), result.diagnostics
    finally:
        sys.path.remove(str(out))
        _forget(package)


@pytest.fixture(scope="module")
def generated_31(
    tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ModuleType, list[Diagnostic]]]:
    yield from _generated(SPEC_31, "features", tmp_path_factory)


@pytest.fixture(scope="module")
def generated_30(
    tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ModuleType, list[Diagnostic]]]:
    yield from _generated(SPEC_30, "features_legacy", tmp_path_factory)


@pytest.fixture
def features(generated_31: tuple[ModuleType, list[Diagnostic]]) -> ModuleType:
    return generated_31[0]


@pytest.fixture
def legacy(generated_30: tuple[ModuleType, list[Diagnostic]]) -> ModuleType:
    return generated_30[0]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No credential or base URL leaks into a test from the environment."""
    import os

    for name in list(os.environ):
        if name.startswith("FEATURES_"):
            monkeypatch.delenv(name)


@pytest.fixture
def client(features: ModuleType, server: LoopbackServer) -> Iterator[Any]:
    with features.Features(base_url=server.url, max_retries=0, timeout=5.0) as c:
        yield c


@pytest.fixture
def legacy_client(legacy: ModuleType, server: LoopbackServer) -> Iterator[Any]:
    with legacy.FeaturesLegacy(base_url=server.url, max_retries=0, timeout=5.0) as c:
        yield c


# ------------------------------------------------------------------ helpers


def form_pairs(seen: RecordedRequest) -> list[tuple[str, str]]:
    return parse_qsl(seen.body.decode("ascii"), keep_blank_values=True)


def multipart(seen: RecordedRequest) -> dict[str, list[tuple[str | None, str | None, bytes]]]:
    """Parts by field name, in order: (filename, part content type, payload)."""
    content_type = seen.header("Content-Type") or ""
    assert content_type.startswith("multipart/form-data; boundary="), content_type
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + seen.body
    )
    parts: dict[str, list[tuple[str | None, str | None, bytes]]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        ctype = part.get_content_type() if part.get("Content-Type") else None
        parts.setdefault(str(name), []).append((part.get_filename(), ctype,
                                                part.get_payload(decode=True)))
    return parts


def plain(parts: list[tuple[str | None, str | None, bytes]]) -> list[bytes]:
    """Payloads of non-file parts (no filename)."""
    assert all(filename is None for filename, _, _ in parts), parts
    return [payload for _, _, payload in parts]


def no_credentials(seen: RecordedRequest) -> None:
    assert seen.header("Authorization") is None
    assert seen.header("X-Partner-Key") is None
    assert "token" not in dict(seen.query)
    assert "session_id" not in (seen.header("Cookie") or "")


# ------------------------------------------------------------------ generation diagnostics


def test_not_keyword_is_reported_as_a_warning(
    generated_31: tuple[ModuleType, list[Diagnostic]]
) -> None:
    _, diagnostics = generated_31
    warnings = [d for d in diagnostics if d.level == "warning"]
    assert any(
        "`not`" in d.message
        and d.pointer.startswith("/components/schemas/Dog/allOf/1/properties/breed")
        for d in warnings
    ), [d.render() for d in diagnostics]


def test_a_float_enum_is_a_float_field_with_a_warning(
    generated_31: tuple[ModuleType, list[Diagnostic]]
) -> None:
    """`Literal[0.5]` is not valid typing: a float `enum` or `const` is typed as float."""
    features, diagnostics = generated_31
    rating = features.models.Rating.model_validate({"stars": 2.5, "scale": 1.0, "verdict": "good"})
    assert rating.stars == 2.5 and rating.scale == 1.0 and rating.verdict == "good"
    assert features.models.Rating.model_fields["stars"].annotation is float
    warned = {d.pointer for d in diagnostics if d.level == "warning"}
    assert {"/components/schemas/Rating/properties/stars/enum",
            "/components/schemas/Rating/properties/scale/const",
            "/components/schemas/Rating/properties/verdict/enum"} <= warned


def test_webhook_and_callback_payloads_are_models(
    generated_31: tuple[ModuleType, list[Diagnostic]],
) -> None:
    """`webhooks:` payloads make `WebhookEvent`, a plain union here (the payloads share no tag);
    a callback's request body is a model named after its operation and callback."""
    features, diagnostics = generated_31
    assert not [d for d in diagnostics if "webhooks" in d.pointer or "callbacks" in d.pointer]
    m = features.models
    returned = features.Features(base_url="http://x").webhooks.parse(
        b'{"pet_id": 7, "reason": "allergies"}')
    assert isinstance(returned, m.PetReturnedEvent) and returned.reason == "allergies"
    dog = features.Features(base_url="http://x").webhooks.parse(
        '{"pet_type": "dog", "name": "Rex", "id": "8c7b2a3e-0b1f-4d5e-9a6b-1c2d3e4f5a6b",'
        ' "created_at": "2026-01-02T03:04:05Z", "breed": "collie"}')
    assert isinstance(dog, m.Dog) and dog.breed == "collie" and not features.mismatches(dog)
    assert m.ImportPetsImportFinishedBody.model_validate_json('{"imported": 3}').imported == 3


# ------------------------------------------------------------------ server variables


def test_default_base_url_fills_in_server_variable_defaults(features: ModuleType) -> None:
    with features.Features() as c:
        assert str(c.base_url) == "https://eu.features.example/v2"


def test_legacy_default_base_url_fills_in_server_variable_defaults(legacy: ModuleType) -> None:
    with legacy.FeaturesLegacy() as c:
        assert str(c.base_url) == "https://demo.files.example/api/v1"


# ------------------------------------------------------------------ request bodies


def test_json_body_from_keywords_unset_omitted_none_is_null(
    client: Any, server: LoopbackServer
) -> None:
    server.reply(201, json=TOM)
    client.pets.create(
        name="Rex",
        pet_type="dog",
        owner_id=None,
        nickname=None,
        birth_date=datetime.date(2020, 1, 2),
        tags=["good"],
        microchip={"code": "985-1"},
    )
    seen = server.requests[-1]
    assert (seen.method, seen.path) == ("POST", "/pets")
    assert seen.header("Content-Type") == "application/json"
    assert seen.json() == {
        "name": "Rex",
        "pet_type": "dog",
        "owner_id": None,
        "nickname": None,
        "birth_date": "2020-01-02",
        "tags": ["good"],
        "microchip": {"code": "985-1"},
    }

    server.reply(201, json=TOM)
    client.pets.create(name="Rex", pet_type="dog", owner_id=OWNER_ID)
    # Defaults (tags: []) are the server's business: nothing unset is sent.
    assert server.requests[-1].json() == {"name": "Rex", "pet_type": "dog",
                                          "owner_id": str(OWNER_ID)}


def test_read_only_fields_are_not_request_keywords_nor_required(features: ModuleType) -> None:
    models = features.models
    params = inspect.signature(
        importlib.import_module("features.resources.pets").Pets.create
    ).parameters
    assert "id" not in params and "secret_note" in params  # readOnly dropped, writeOnly kept
    owner = models.Owner(name="Ann")  # `id` is required but readOnly
    assert owner.id is None and owner.to_dict() == {"name": "Ann"}
    cat = models.Cat(name="Tom", pet_type="cat")  # `id`, `created_at` required but readOnly
    assert cat.to_dict() == {"name": "Tom", "pet_type": "cat"}
    appointment = models.Appointment(
        day=datetime.date(2024, 5, 1), starts_at=datetime.time(9, 30),
        duration=datetime.timedelta(minutes=30)
    )
    assert appointment.id is None and appointment.booked_at is None


def test_model_instance_as_nested_keyword(client: Any, features: ModuleType,
                                          server: LoopbackServer) -> None:
    server.reply(201, json=TOM)
    implanted = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    chip = features.models.NewPetMicrochip(code="985-1", implanted_at=implanted)
    client.pets.create(name="Rex", pet_type="dog", owner_id=None, microchip=chip)
    assert server.requests[-1].json()["microchip"] == {"code": "985-1",
                                                       "implanted_at": "2024-01-02T03:04:05Z"}


def test_json_body_dates_and_times(client: Any, server: LoopbackServer) -> None:
    server.reply(201, json={"day": "2024-05-01", "starts_at": "09:30:00", "duration": "PT30M"})
    client.pets.book_appointment(
        PET_ID,
        day=datetime.date(2024, 5, 1),
        starts_at=datetime.time(9, 30),
        duration=datetime.timedelta(minutes=30),
        priority=2,
        reminder_minutes=2**40,
        vet_email="vet@example.com",
    )
    seen = server.requests[-1]
    assert seen.path == f"/pets/{PET_ID}/appointments"
    body = seen.json()
    assert body["day"] == "2024-05-01"
    assert body["starts_at"] == "09:30:00"
    assert body["priority"] == 2 and body["reminder_minutes"] == 2**40
    assert body["vet_email"] == "vet@example.com"


def test_json_body_duration_is_an_iso_8601_string(client: Any, server: LoopbackServer) -> None:
    """`format: duration` is a string (RFC 3339 appendix A), e.g. "PT1H30M"."""
    server.reply(201, json={"day": "2024-05-01", "starts_at": "09:30:00", "duration": "PT1H30M"})
    client.pets.book_appointment(
        PET_ID, day=datetime.date(2024, 5, 1), starts_at=datetime.time(9, 30),
        duration=datetime.timedelta(minutes=90)
    )
    sent = server.requests[-1].json()["duration"]
    assert isinstance(sent, str), f"duration sent as {sent!r}"
    duration = pydantic.TypeAdapter(datetime.timedelta).validate_python(sent)
    assert duration == datetime.timedelta(minutes=90)


def test_json_body_number_decimal_is_a_json_number(client: Any, server: LoopbackServer) -> None:
    """`type: number, format: decimal` goes out as a JSON number, digits kept."""
    server.reply(201, json={"day": "2024-05-01", "starts_at": "09:30:00", "duration": "PT30M"})
    client.pets.book_appointment(
        PET_ID,
        day=datetime.date(2024, 5, 1),
        starts_at=datetime.time(9, 30),
        duration=datetime.timedelta(minutes=30),
        fee=decimal.Decimal("12.50"),
    )
    fee = json.loads(server.requests[-1].body, parse_float=decimal.Decimal)["fee"]
    assert isinstance(fee, decimal.Decimal), f"fee sent as {fee!r}"
    assert fee == decimal.Decimal("12.50")


def test_vendor_json_content_type(client: Any, features: ModuleType,
                                  server: LoopbackServer) -> None:
    server.reply(200, json=TOM)
    request_id = uuid.UUID(int=7)
    pet = client.pets.update(str(PET_ID), nickname=None, status="sold", x_request_id=request_id)
    assert isinstance(pet, features.models.Cat)
    seen = server.requests[-1]
    assert (seen.method, seen.path) == ("PATCH", f"/pets/{PET_ID}")
    assert seen.header("Content-Type") == "application/vnd.features+json"
    assert seen.json() == {"nickname": None, "status": "sold"}
    assert seen.header("X-Request-Id") == str(request_id)


def test_form_body(client: Any, server: LoopbackServer) -> None:
    server.reply(204)
    result = client.feedback.send(
        name="Ann", email="ann@example.com", rating=5, subscribe=True, topics=["food", "toys"]
    )
    assert result is None
    seen = server.requests[-1]
    assert (seen.method, seen.path) == ("POST", "/feedback")
    assert seen.header("Content-Type") == "application/x-www-form-urlencoded"
    assert form_pairs(seen) == [
        ("name", "Ann"),
        ("email", "ann@example.com"),
        ("rating", "5"),
        ("subscribe", "true"),
        ("topics", "food"),
        ("topics", "toys"),
    ]


def test_multipart_file_array_of_files_and_plain_fields(
    client: Any, features: ModuleType, server: LoopbackServer
) -> None:
    server.reply(201, json={"id": "f_1", "name": "report.pdf", "size": 8, "attachments": 2})
    info = client.files.upload(
        file=("report.pdf", b"%PDF-1.7", "application/pdf"),
        attachments=[b"one", ("two.png", b"\x89PNG", "image/png")],
        description="Vaccination record",
        labels=["vet", "2024"],
        pet_id=PET_ID,
    )
    assert isinstance(info, features.models.FileInfo) and info.size == 8
    seen = server.requests[-1]
    assert (seen.method, seen.path) == ("POST", "/files")
    parts = multipart(seen)
    assert sorted(parts) == ["attachments", "description", "file", "labels", "pet_id"]
    assert parts["file"] == [("report.pdf", "application/pdf", b"%PDF-1.7")]
    assert [(name, data) for name, _, data in parts["attachments"]] == [
        ("upload", b"one"), ("two.png", b"\x89PNG")
    ]
    assert parts["attachments"][1][1] == "image/png"
    assert plain(parts["description"]) == [b"Vaccination record"]
    assert plain(parts["labels"]) == [b"vet", b"2024"]
    assert plain(parts["pet_id"]) == [str(PET_ID).encode()]


def test_octet_stream_body(client: Any, server: LoopbackServer) -> None:
    server.reply(204)
    assert client.pets.upload_photo(PET_ID, body=b"\x89PNG\r\n\x1a\n\x00\xff") is None
    seen = server.requests[-1]
    assert (seen.method, seen.path) == ("PUT", f"/pets/{PET_ID}/photo")
    assert seen.header("Content-Type") == "application/octet-stream"
    assert seen.body == b"\x89PNG\r\n\x1a\n\x00\xff"


def test_text_body_and_text_response(client: Any, server: LoopbackServer) -> None:
    server.reply(204)
    assert client.pets.set_notes(PET_ID, body="Eats at 8.\nLikes Würstchen.") is None
    seen = server.requests[-1]
    assert (seen.method, seen.path) == ("PUT", f"/pets/{PET_ID}/notes")
    assert (seen.header("Content-Type") or "").split(";")[0] == "text/plain"
    assert seen.body == "Eats at 8.\nLikes Würstchen.".encode()

    server.reply(200, body="Eats at 8.\nLikes Würstchen.")
    notes = client.pets.get_notes(PET_ID)
    assert notes == "Eats at 8.\nLikes Würstchen." and isinstance(notes, str)


def test_one_operation_json_by_default_or_form_when_chosen(
    client: Any, server: LoopbackServer
) -> None:
    order = {"id": 1, "pet_id": str(PET_ID), "quantity": 2, "status": "placed"}
    server.reply(201, json=order)
    client.store.place_order(pet_id=PET_ID, quantity=2, gift_wrap=True, note=None)
    seen = server.requests[-1]
    assert seen.header("Content-Type") == "application/json"
    assert seen.json() == {"pet_id": str(PET_ID), "quantity": 2, "gift_wrap": True, "note": None}

    server.reply(201, json=order)
    client.store.place_order(
        pet_id=PET_ID, quantity=2, gift_wrap=True, content_type="application/x-www-form-urlencoded"
    )
    seen = server.requests[-1]
    assert seen.header("Content-Type") == "application/x-www-form-urlencoded"
    assert form_pairs(seen) == [("pet_id", str(PET_ID)), ("quantity", "2"), ("gift_wrap", "true")]


# ------------------------------------------------------------------ parameters


def test_query_styles_decoded(client: Any, features: ModuleType, server: LoopbackServer) -> None:
    server.reply(200, json={"items": []})
    page = client.pets.list(
        limit=10,
        tags=["friendly", "small"],
        status=["available", "pending"],
        sort=["name", "-born"],
        fields=["id", "name"],
        filter=features.models.ListPetsFilter(color="red", size="small"),
    )
    assert page.items == []
    seen = server.requests[-1]
    assert seen.path == "/pets"
    assert sorted(seen.query) == sorted(
        [
            ("limit", "10"),
            ("tags", "friendly"),  # form, exploded
            ("tags", "small"),
            ("status", "available,pending"),  # form, not exploded
            ("sort", "name -born"),  # spaceDelimited
            ("fields", "id|name"),  # pipeDelimited
            ("filter[color]", "red"),  # deepObject
            ("filter[size]", "small"),
        ]
    )


def test_space_delimited_query_uses_percent_20(client: Any, server: LoopbackServer) -> None:
    """OpenAPI's style table: spaceDelimited is `color=blue%20black%20brown` (a `+` is form
    encoding)."""
    server.reply(200, json={"items": []})
    client.pets.list(sort=["name", "-born"])
    assert server.requests[-1].query_string == "sort=name%20-born"


def test_form_not_exploded_query_separates_with_literal_commas(
    client: Any, server: LoopbackServer
) -> None:
    """OpenAPI's style table (RFC 6570 form expansion): `color=blue,black,brown`; a `%2C` would be
    a comma inside one value, so ["a,b"] and ["a", "b"] must not look the same."""
    server.reply(200, json={"items": []})
    client.pets.list(status=["available", "pending"])
    assert server.requests[-1].query_string == "status=available,pending"


def test_query_objects_form_exploded_and_not(client: Any, features: ModuleType,
                                             server: LoopbackServer) -> None:
    server.reply(200, json={"items": []})
    with pytest.warns(DeprecationWarning):
        client.pets.search(
            near=features.models.SearchPetsNear(lat=52.5, lon=13.4),
            paging=features.models.SearchPetsPaging(cursor="abc", size=10),
        )
    seen = server.requests[-1]
    assert seen.path == "/pets/search"
    assert sorted(seen.query) == sorted([("near", "lat,52.5,lon,13.4"), ("cursor", "abc"),
                                         ("size", "10")])


def test_header_cookie_and_overridden_path_parameter(client: Any, features: ModuleType,
                                                     server: LoopbackServer) -> None:
    # The path-level `pet_id` is a string; getPet overrides it with a UUID.
    params = inspect.signature(
        importlib.import_module("features.resources.pets").Pets.get
    ).parameters
    assert params["pet_id"].annotation == "uuid.UUID"
    server.reply(200, json=TOM)
    request_id = uuid.UUID(int=42)
    client.pets.get(PET_ID, accept_language="de", x_request_id=request_id, cart_id="c 1")
    seen = server.requests[-1]
    assert (seen.method, seen.path, seen.query_string) == ("GET", f"/pets/{PET_ID}", "")
    assert seen.header("Accept-Language") == "de"
    assert seen.header("X-Request-Id") == str(request_id)
    assert seen.header("Cookie") == "cart_id=c%201"

    server.reply(200, json=TOM)
    client.pets.get(PET_ID)
    seen = server.requests[-1]
    assert seen.header("Cookie") is None and seen.header("X-Request-Id") is None
    assert seen.header("Accept-Language") is None  # a default is the server's business


# ------------------------------------------------------------------ responses


def test_discriminated_union_by_const_and_enum_values(
    client: Any, features: ModuleType, server: LoopbackServer
) -> None:
    models = features.models
    for payload, cls in ((TOM, models.Cat), (REX, models.Dog), (KIWI, models.Bird)):
        server.reply(200, json=payload)
        pet = client.pets.get(PET_ID)
        assert type(pet) is cls, (payload, type(pet))
        assert pet.id == PET_ID and pet.name == payload["name"]
    assert pet.can_talk is True and pet.wingspan_cm == 21.5


def test_a_response_type_is_made_and_compiled_once_per_operation(
    client: Any, features: ModuleType, server: LoopbackServer
) -> None:
    """A discriminated union is a new type object each time it is spelled out: spelled out in
    every call, each call compiled a new pydantic validator and kept it (ms and memory)."""
    from features._runtime import _lenient

    for _ in range(3):
        server.reply(200, json=TOM)
        assert type(client.pets.get(PET_ID)) is features.models.Cat
    compiled = len(_lenient._ADAPTERS)
    for _ in range(3):
        server.reply(200, json=REX)
        assert type(client.pets.get(PET_ID)) is features.models.Dog
    assert len(_lenient._ADAPTERS) == compiled


def test_discriminated_union_by_explicit_mapping(client: Any, features: ModuleType,
                                                 server: LoopbackServer) -> None:
    models = features.models
    server.reply(201, json={"method": "bank_transfer", "amount": "5.00",
                            "iban": "DE89370400440532013000"})
    payment = client.store.create_payment(
        body=models.CardPayment(method="card", amount="19.99", last4="4242")
    )
    sent = server.requests[-1]
    # `type: string, format: decimal` is a string on the wire and in Python
    assert sent.json() == {"method": "card", "amount": "19.99", "last4": "4242"}
    assert type(payment) is models.BankTransfer
    assert payment.amount == "5.00" and payment.iban == "DE89370400440532013000"

    server.reply(201, json={"method": "card", "amount": "19.99", "last4": "4242"})
    card = {"method": "card", "amount": "19.99", "last4": "4242"}
    assert type(client.store.create_payment(body=card)) is models.CardPayment


def test_discriminated_union_by_schema_names(client: Any, features: ModuleType,
                                             server: LoopbackServer) -> None:
    models = features.models
    server.reply(
        200,
        json=[
            {"kind": "EmailNotice", "to": "ann@example.com", "subject": "Shipped"},
            {"kind": "SmsNotice", "phone": "+4912345", "text": "Shipped"},
        ],
    )
    notes = client.store.list_notifications(2**40)
    assert server.requests[-1].path == f"/store/orders/{2**40}/notifications"
    assert [type(n) for n in notes] == [models.EmailNotice, models.SmsNotice]
    assert notes[0].to == "ann@example.com" and notes[1].phone == "+4912345"


def test_union_without_discriminator_matches_by_shape(
    client: Any, features: ModuleType, server: LoopbackServer
) -> None:
    models = features.models
    server.reply(200, json=[{"diameter_cm": 6.5, "squeaky": True}, {"length_cm": 40, "knots": 3}])
    toys = client.store.list_toys()
    assert [type(t) for t in toys] == [models.Ball, models.Rope]
    assert toys[0].squeaky is True and toys[1].knots == 3


def test_two_success_codes_with_different_schemas(client: Any, features: ModuleType,
                                                  server: LoopbackServer) -> None:
    models = features.models
    server.reply(201, json=TOM, headers={"Location": f"https://eu.features.example/v2/pets/{PET_ID}"})
    assert type(client.pets.create(name="Tom", pet_type="cat", owner_id=None)) is models.Cat
    review = {"review_id": str(OWNER_ID), "queue_position": 3, "reason": "no photo"}
    server.reply(202, json=review)
    queued = client.pets.create(name="Tom", pet_type="cat", owner_id=None)
    assert type(queued) is models.Review
    assert queued.review_id == OWNER_ID and queued.queue_position == 3


def test_204_returns_none(client: Any, server: LoopbackServer) -> None:
    server.reply(204)
    assert client.pets.delete(str(PET_ID)) is None
    assert (server.requests[-1].method, server.requests[-1].path) == ("DELETE", f"/pets/{PET_ID}")


def test_default_error_response_raises_the_status_class_with_parsed_body(
    client: Any, features: ModuleType, server: LoopbackServer
) -> None:
    server.reply(409, json=ERROR)
    with pytest.raises(features.ConflictError) as caught:
        client.pets.create(name="Tom", pet_type="cat", owner_id=None)
    assert caught.value.status_code == 409
    assert isinstance(caught.value.body, features.models.Error), type(caught.value.body)
    assert caught.value.body.details == ["name"]

    server.reply(418, json={"code": "teapot", "message": "I am a teapot"})
    with pytest.raises(features.APIStatusError) as caught:
        client.pets.delete(str(PET_ID))
    assert type(caught.value) is features.APIStatusError and caught.value.status_code == 418
    assert isinstance(caught.value.body, features.models.Error), type(caught.value.body)
    assert caught.value.body.code == "teapot"


def test_error_schema_extending_a_base_with_all_of(client: Any, features: ModuleType,
                                                   server: LoopbackServer) -> None:
    models = features.models
    server.reply(422, json={"code": "invalid", "message": "check the fields",
                            "fields": {"name": "too short"}})
    with pytest.raises(features.UnprocessableEntityError) as caught:
        client.pets.create(name="", pet_type="cat", owner_id=None)
    body = caught.value.body
    assert type(body) is models.ValidationError
    assert isinstance(body, models.Error)  # allOf [$ref Error, {...}] extends Error
    assert (body.code, body.message, body.fields) == ("invalid", "check the fields",
                                                      {"name": "too short"})
    # Cat, Dog and Bird narrow PetBase's `pet_type`, so they repeat its fields instead: a
    # subclass narrowing a field that can be assigned would be unsound (pyright reports it).
    assert not issubclass(models.Cat, models.PetBase)
    cat_fields = set(models.Cat.model_fields)
    assert {"id", "name", "created_at", "owner", "indoor", "lives_left"} <= cat_fields


def test_explicit_404_response_raises_not_found_with_parsed_body(
    client: Any, features: ModuleType, server: LoopbackServer
) -> None:
    server.reply(404, json={"code": "not_found", "message": "no such pet"})
    with pytest.raises(features.NotFoundError) as caught:
        client.pets.get(PET_ID)
    assert isinstance(caught.value.body, features.models.Error)
    assert caught.value.body.message == "no such pet"


def test_binary_downloads_return_bytes(client: Any, server: LoopbackServer) -> None:
    server.reply(200, body=b"\x89PNG\r\n\x1a\n", content_type="image/png")
    assert client.pets.download_photo(PET_ID) == b"\x89PNG\r\n\x1a\n"
    assert server.requests[-1].path == f"/pets/{PET_ID}/photo"
    server.reply(
        200, body=b"%PDF\x00\xff", content_type="application/octet-stream",
        headers={"Content-Disposition": 'attachment; filename="report.pdf"'},
    )
    data = client.files.download("f_1")
    assert data == b"%PDF\x00\xff" and isinstance(data, bytes)


def test_json_response_with_charset(client: Any, server: LoopbackServer) -> None:
    server.reply(200, body='{"available":3,"sold":1}',
                 content_type="application/json; charset=utf-8")
    assert client.store.get_inventory() == {"available": 3, "sold": 1}


def test_unknown_enum_value_in_a_response_does_not_fail(
    client: Any, server: LoopbackServer
) -> None:
    server.reply(200, json={**TOM, "status": "quarantined"})
    pet = client.pets.get(PET_ID)
    assert pet.status == "quarantined"
    server.reply(201, json={"pet_id": str(PET_ID), "quantity": 1, "status": "lost", "size": "huge"})
    order = client.store.place_order(pet_id=PET_ID, quantity=1)
    assert (order.status, order.size) == ("lost", "huge")


def test_response_formats_become_python_values(client: Any, server: LoopbackServer) -> None:
    server.reply(
        201,
        body=(
            '{"id":"%s","day":"2024-05-01","starts_at":"09:30:00","duration":"PT1H30M",'
            '"booked_at":"2024-04-30T08:00:05.250+02:00","fee":12.50,"priority":2,'
            '"reminder_minutes":1099511627776,"clinic_url":"https://vet.example/ber",'
            '"vet_email":"vet@example.com"}' % OWNER_ID
        ),
        content_type="application/json",
    )
    a = client.pets.book_appointment(
        PET_ID, day=datetime.date(2024, 5, 1), starts_at=datetime.time(9, 30),
        duration=datetime.timedelta(minutes=90)
    )
    assert a.id == OWNER_ID
    assert a.day == datetime.date(2024, 5, 1)
    assert a.starts_at == datetime.time(9, 30)
    assert a.duration == datetime.timedelta(hours=1, minutes=30)
    assert a.booked_at == datetime.datetime(2024, 4, 30, 6, 0, 5, 250000, tzinfo=datetime.UTC)
    assert a.booked_at.utcoffset() == datetime.timedelta(hours=2)
    assert isinstance(a.fee, decimal.Decimal) and a.fee == decimal.Decimal("12.50")
    assert a.priority == 2 and a.reminder_minutes == 2**40
    assert (a.clinic_url, a.vet_email) == ("https://vet.example/ber", "vet@example.com")


def test_feeder_formats_const_and_maps(client: Any, features: ModuleType,
                                       server: LoopbackServer) -> None:
    checksum = base64.b64encode(b"\x01\x02\xfe\xff").decode()
    server.reply(
        201,
        json={
            "id": str(OWNER_ID),
            "name": "Kitchen",
            "api_version": "2024-06-01",
            "ipv4_address": "192.0.2.10",
            "ipv6_address": "2001:db8::10",
            "firmware_sha256": checksum,
            "uptime_seconds": 2**53 + 1,
            "temperature_c": 21.25,
            "battery_level": 0.875,
            "settings": {"portion_grams": 40, "schedule": ["07:30:00"]},
            "labels": {"room": "kitchen"},
            "readings": {"food_c": 4.5},
        },
    )
    feeder = client.admin.register_feeder(name="Kitchen", ipv4_address="192.0.2.10",
                                          firmware_sha256=checksum)
    assert server.requests[-1].json() == {"name": "Kitchen", "ipv4_address": "192.0.2.10",
                                          "firmware_sha256": checksum}
    assert feeder.id == OWNER_ID and feeder.api_version == "2024-06-01"
    assert (feeder.ipv4_address, feeder.ipv6_address) == ("192.0.2.10", "2001:db8::10")
    assert feeder.firmware_sha256 == checksum  # format: byte stays base64 text
    assert feeder.uptime_seconds == 2**53 + 1
    assert (feeder.temperature_c, feeder.battery_level) == (21.25, 0.875)
    assert isinstance(feeder.settings, features.models.FeederSettings)
    assert feeder.settings.schedule == [datetime.time(7, 30)]
    assert feeder.labels == {"room": "kitchen"} and feeder.readings == {"food_c": 4.5}


def test_model_defaults_including_lists_and_objects(features: ModuleType) -> None:
    models = features.models
    a = models.Cat(name="Tom", pet_type="cat")
    b = models.Cat(name="Kit", pet_type="cat")
    assert (a.indoor, a.lives_left, a.status) == (True, 9, "available")
    assert a.tags == [] and a.attributes == {"source": "shop"}
    a.tags.append("mutated")
    a.attributes["mutated"] = True
    assert b.tags == [] and b.attributes == {"source": "shop"}  # defaults are not shared
    assert models.FeederSettings().portion_grams == 50
    assert models.FeederSettings().schedule == [datetime.time(8), datetime.time(18)]


def test_nullable_spellings_in_3_1(client: Any, features: ModuleType,
                                   server: LoopbackServer) -> None:
    models = features.models
    # required + nullable (anyOf with null): None is a value, leaving it out is an error.
    assert models.NewPet(name="Rex", pet_type="dog", owner_id=None).owner_id is None
    with pytest.raises(pydantic.ValidationError):
        models.NewPet(name="Rex", pet_type="dog")
    # optional + nullable (type: [string, 'null'] and anyOf [$ref, null]) in a response.
    server.reply(200, json={**TOM, "nickname": None, "owner": None})
    pet = client.pets.get(PET_ID)
    assert pet.nickname is None and pet.owner is None
    server.reply(200, json={"items": [TOM], "next_cursor": None})
    assert client.pets.list().next_cursor is None


def test_recursive_and_mutually_recursive_models(client: Any, features: ModuleType,
                                                 server: LoopbackServer) -> None:
    models = features.models
    tree = [
        {
            "name": "Mammals",
            "parent": None,
            "subcategories": [{"name": "Cats", "parent": {"name": "Mammals"},
                               "subcategories": [{"name": "Kittens"}]}],
        }
    ]
    server.reply(200, json=tree)
    categories = client.pets.list_categories()
    assert categories[0].subcategories[0].subcategories[0].name == "Kittens"
    assert categories[0].subcategories[0].parent.name == "Mammals"
    assert isinstance(categories[0].subcategories[0], models.Category)
    no_credentials(server.requests[-1])  # security: []

    owner = {"id": 1, "name": "Ann",
             "household": {"name": "Smiths", "members": [{"id": 2, "name": "Bob"}]}}
    server.reply(200, json={**TOM, "owner": owner})
    pet = client.pets.get(PET_ID)
    assert isinstance(pet.owner, models.Owner) and isinstance(pet.owner.household, models.Household)
    assert pet.owner.household.members[0].name == "Bob"


def test_additional_properties_and_prefix_items(client: Any, server: LoopbackServer) -> None:
    server.reply(200, json={**TOM, "location": [52.5, 13.4], "attributes": {"indoor": True},
                            "microchipped": True})
    pet = client.pets.get(PET_ID)
    assert pet.location == (52.5, 13.4)
    assert pet.attributes == {"indoor": True}
    # additionalProperties: true keeps unknown fields
    assert pet.model_extra == {"microchipped": True}


def test_inline_objects_in_body_response_and_array_items(
    client: Any, server: LoopbackServer
) -> None:
    server.reply(200, json={"imported": 2,
                            "problems": [{"line": 3, "message": "unknown pet_type"}]})
    result = client.import_.import_pets(
        source="https://files.example/pets.csv", dry_run=True, callback_url="https://me.example/done"
    )
    seen = server.requests[-1]
    assert (seen.method, seen.path) == ("POST", "/import")
    assert seen.json() == {
        "source": "https://files.example/pets.csv",
        "dry_run": True,
        "callback_url": "https://me.example/done",
    }
    assert result.imported == 2
    assert (result.problems[0].line, result.problems[0].message) == (3, "unknown pet_type")


def test_awkward_property_names(client: Any, features: ModuleType, server: LoopbackServer) -> None:
    long_name = (
        "days_since_this_pet_last_visited_a_licensed_veterinarian_for_a_routine_checkup_"
        "including_vaccinations_dental_care_and_weighing"
    )
    wire = {
        "class": "mammal",
        "type": "pet",
        "id": 7,
        "list": ["a", "b"],
        "1st_place": True,
        "größe": 1.5,
        "user-id": "u-1",
        "user_id": 8,
        long_name: 30,
    }
    fields = features.models.Oddities.model_fields
    py = {(f.validation_alias or name): name for name, f in fields.items()}
    assert sorted(py) == sorted(wire)
    names = list(py.values())
    assert all(n.isidentifier() and n.isascii() for n in names) and len(set(names)) == len(names)
    assert py["class"] == "class_" and py["id"] == "id" and py["user_id"] == "user_id"
    assert py["user-id"] != "user_id" and len(py[long_name]) <= 80

    server.reply(200, json=wire)
    result = client.admin.put_oddities(**{py[w]: v for w, v in wire.items()})
    assert server.requests[-1].json() == wire
    assert {w: getattr(result, py[w]) for w in wire} == wire
    assert result.to_dict() == wire


def test_async_client_sends_and_parses_the_same(features: ModuleType,
                                                server: LoopbackServer) -> None:
    async def run() -> tuple[Any, Any]:
        async with features.AsyncFeatures(base_url=server.url, max_retries=0, timeout=5.0) as c:
            created = await c.pets.create(name="Rex", pet_type="dog", owner_id=None)
            listed = await c.pets.list(fields=["id", "name"],
                                            filter=features.models.ListPetsFilter(color="red"))
            return created, listed

    server.reply(201, json=REX)
    server.reply(200, json={"items": [KIWI]})
    created, listed = asyncio.run(run())
    assert type(created) is features.models.Dog
    assert type(listed.items[0]) is features.models.Bird
    assert server.requests[0].json() == {"name": "Rex", "pet_type": "dog", "owner_id": None}
    assert sorted(server.requests[1].query) == [("fields", "id|name"), ("filter[color]", "red")]


# ------------------------------------------------------------------ security


def test_bearer_api_key(features: ModuleType, server: LoopbackServer) -> None:
    server.reply(200, json=[])
    with features.Features(base_url=server.url, max_retries=0, api_key="sk_test") as c:
        c.store.list_toys()
    seen = server.requests[-1]
    assert seen.header("Authorization") == "Bearer sk_test"


def test_every_credential_from_its_environment_variable(
    features: ModuleType, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "FEATURES_API_KEY": "sk_env",
        "FEATURES_USERNAME": "ann",
        "FEATURES_PASSWORD": "s3cret",
        "FEATURES_PARTNER_KEY": "pk_env",
        "FEATURES_TOKEN": "tok_env",
        "FEATURES_SESSION_ID": "sess_env",
    }.items():
        monkeypatch.setenv(name, value)
    with features.Features(base_url=server.url, max_retries=0) as c:
        server.reply(200, json=[])
        c.store.list_toys()
        assert server.requests[-1].header("Authorization") == "Bearer sk_env"
        server.reply(204)
        c.pets.delete("p1")
        basic = "Basic " + base64.b64encode(b"ann:s3cret").decode()
        assert server.requests[-1].header("Authorization") == basic
        server.reply(201, json={"pet_id": str(PET_ID), "quantity": 1})
        c.store.place_order(pet_id=PET_ID, quantity=1)
        assert server.requests[-1].header("X-Partner-Key") == "pk_env"
        server.reply(201, json={"method": "card", "amount": "1", "last4": "4242"})
        c.store.create_payment(body={"method": "card", "amount": "1", "last4": "4242"})
        assert ("token", "tok_env") in server.requests[-1].query
        server.reply(201, json={"id": "f", "name": "a", "size": 1})
        c.files.upload(file=b"x")
        assert server.requests[-1].header("Cookie") == "session_id=sess_env"
    # An argument wins over the environment.
    with features.Features(base_url=server.url, max_retries=0, api_key="sk_arg") as c:
        server.reply(200, json=[])
        c.store.list_toys()
        assert server.requests[-1].header("Authorization") == "Bearer sk_arg"


def test_operation_security_overrides_the_global_requirement(
    features: ModuleType, server: LoopbackServer
) -> None:
    everything = dict(
        api_key="sk_test", username="ann", password="s3cret",
        partner_key="pk_1", token="tok_1", session_id="sess_1"
    )
    with features.Features(base_url=server.url, max_retries=0, **everything) as c:
        server.reply(204)
        c.pets.delete("p1")  # basicAuth only
        seen = server.requests[-1]
        assert seen.header("Authorization") == "Basic " + base64.b64encode(b"ann:s3cret").decode()
        assert (seen.header("X-Partner-Key") is None and seen.query_string == ""
                and seen.header("Cookie") is None)

        server.reply(201, json={"pet_id": str(PET_ID), "quantity": 1})
        c.store.place_order(pet_id=PET_ID, quantity=1)  # partnerKey only
        seen = server.requests[-1]
        assert seen.header("X-Partner-Key") == "pk_1"
        assert (seen.header("Authorization") is None and seen.query_string == ""
                and seen.header("Cookie") is None)

        server.reply(201, json={"method": "card", "amount": "1", "last4": "4242"})
        # queryToken only
        c.store.create_payment(body={"method": "card", "amount": "1", "last4": "4242"})
        seen = server.requests[-1]
        assert seen.query == [("token", "tok_1")]
        assert seen.header("Authorization") is None and seen.header("X-Partner-Key") is None

        server.reply(201, json={"id": "f", "name": "a", "size": 1})
        c.files.upload(file=b"x")  # sessionCookie only
        seen = server.requests[-1]
        assert seen.header("Cookie") == "session_id=sess_1"
        assert seen.header("Authorization") is None and seen.header("X-Partner-Key") is None

        server.reply(200, json=[])
        c.store.list_toys()  # the global bearerAuth
        seen = server.requests[-1]
        assert seen.header("Authorization") == "Bearer sk_test"
        assert (seen.header("X-Partner-Key") is None and seen.query_string == ""
                and seen.header("Cookie") is None)


def test_partner_reports_with_client_credentials_beside_the_other_credentials(
    features: ModuleType, server: LoopbackServer
) -> None:
    """The partnerOAuth scheme: the client posts its credentials to the relative tokenUrl (on
    the base URL's host), then sends the token; the API key still goes to the other calls."""
    with features.Features(base_url=server.url + "/v2", max_retries=0, api_key="sk_test",
                           client_id="partner-1", client_secret="ps3cret") as c:
        server.reply(200, json={"access_token": "at_1", "token_type": "Bearer",
                                "expires_in": 3600})
        server.reply(200, json=[{"id": "r1", "total": 12.5}])
        reports = c.partner.list_reports()
        assert [(r.id, r.total) for r in reports] == [("r1", 12.5)]
        token, call = server.requests[-2:]
        assert token.path == "/oauth/token"
        assert token.header("Authorization") == "Basic " + base64.b64encode(
            b"partner-1:ps3cret").decode()
        assert dict(parse_qsl(token.body.decode())) == {
            "grant_type": "client_credentials", "scope": "reports:read"}
        assert call.path == "/v2/partner/reports"
        assert call.header("Authorization") == "Bearer at_1"
        server.reply(200, json=[])
        c.store.list_toys()
        assert server.requests[-1].header("Authorization") == "Bearer sk_test"
        server.reply(200, json=[])
        c.partner.list_reports()  # the token is kept
        assert server.requests[-1].header("Authorization") == "Bearer at_1"


def test_empty_security_sends_no_credentials(features: ModuleType, server: LoopbackServer) -> None:
    everything = dict(
        api_key="sk_test", username="ann", password="s3cret",
        partner_key="pk_1", token="tok_1", session_id="sess_1"
    )
    with features.Features(base_url=server.url, max_retries=0, **everything) as c:
        server.reply(200, body='{"available":1}', content_type="application/json; charset=utf-8")
        c.store.get_inventory()
        no_credentials(server.requests[-1])
        server.reply(204)
        c.feedback.send(name="Ann", email="ann@example.com", rating=4)
        no_credentials(server.requests[-1])


# ------------------------------------------------------------------ OpenAPI 3.0: legacy file store


FOLDER = {
    "id": str(FOLDER_ID),
    "name": "Documents",
    "parent_id": None,
    "description": None,
    "owner": None,
    "created_at": "2024-05-01T12:30:00Z",
    "subfolders": [{"name": "Invoices", "parent_id": str(FOLDER_ID), "subfolders": []}],
    "entries": [
        {"entry_type": "file", "name": "a.txt", "size": 12},
        {"entry_type": "folder", "name": "Invoices", "item_count": 4},
    ],
}
FILE_META = {"id": str(FILE_ID), "name": "cat.png", "size": 4,
             "checksum": "1B2M2Y8AsgTpgAmY7PhCfg=="}


def test_legacy_nullable_fields_and_mapped_discriminator(
    legacy_client: Any, legacy: ModuleType, server: LoopbackServer
) -> None:
    models = legacy.models
    server.reply(200, json=FOLDER)
    folder = legacy_client.folders.get(FOLDER_ID)
    assert server.requests[-1].path == f"/folders/{FOLDER_ID}"
    assert folder.id == FOLDER_ID
    assert (folder.parent_id, folder.description, folder.owner) == (None, None, None)
    assert folder.created_at == datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC)
    assert (folder.subfolders[0].parent_id == FOLDER_ID
            and isinstance(folder.subfolders[0], models.Folder))
    assert [type(e) for e in folder.entries] == [models.FileEntry, models.FolderEntry]
    assert folder.entries[1].item_count == 4

    server.reply(200, json={**FOLDER, "owner": {"id": 1, "name": "Ann", "email": None}})
    owner = legacy_client.folders.get(FOLDER_ID).owner  # allOf [$ref] + nullable: true
    assert isinstance(owner, models.User) and owner.email is None


def test_legacy_required_nullable_field_missing_from_a_response_is_a_mismatch(
    legacy_client: Any, legacy: ModuleType, server: LoopbackServer
) -> None:
    server.reply(200, json={k: v for k, v in FOLDER.items() if k != "parent_id"})
    server.reply(200, json={k: v for k, v in FOLDER.items() if k != "parent_id"})
    folder = legacy_client.folders.get(FOLDER_ID)
    assert folder.name == "Documents" and folder.parent_id is None
    assert [(m.path, m.kind) for m in legacy.mismatches(folder)] == [(("parent_id",), "missing")]
    with pytest.raises(legacy.APIResponseValidationError) as caught:
        legacy_client.with_options(strict_response_validation=True).folders.get(FOLDER_ID)
    assert caught.value.body["name"] == "Documents"


def test_legacy_json_body_with_nullable_fields(legacy_client: Any, legacy: ModuleType,
                                               server: LoopbackServer) -> None:
    server.reply(200, json=FOLDER)
    legacy_client.folders.update(FOLDER_ID, name="Docs", parent_id=None, description=None)
    seen = server.requests[-1]
    assert (seen.method, seen.path) == ("PATCH", f"/folders/{FOLDER_ID}")
    assert seen.json() == {"name": "Docs", "parent_id": None, "description": None}

    server.reply(200, json=FOLDER)
    legacy_client.folders.update(FOLDER_ID, name="Docs", parent_id=FOLDER_ID)
    assert server.requests[-1].json() == {"name": "Docs", "parent_id": str(FOLDER_ID)}

    server.reply(400, json={"error": "bad name", "hint": None})
    with pytest.raises(legacy.BadRequestError) as caught:
        legacy_client.folders.update(FOLDER_ID, name="", parent_id=None)
    assert isinstance(caught.value.body, legacy.models.Error), type(caught.value.body)
    assert caught.value.body.hint is None


def test_legacy_query_styles_and_charset_response(
    legacy_client: Any, legacy: ModuleType, server: LoopbackServer
) -> None:
    server.reply(
        200,
        body='[{"entry_type":"file","name":"a.txt","size":12}]',
        content_type="application/json; charset=utf-8",
    )
    entries = legacy_client.folders.list_entries(FOLDER_ID, kinds=["file", "folder"],
                                                 order_by=["name", "size"])
    assert [type(e) for e in entries] == [legacy.models.FileEntry]
    seen = server.requests[-1]
    assert seen.path == f"/folders/{FOLDER_ID}/entries"
    assert sorted(seen.query) == [("kinds", "file,folder"), ("order_by", "name|size")]


def test_legacy_multipart_upload(legacy_client: Any, legacy: ModuleType,
                                 server: LoopbackServer) -> None:
    server.reply(201, json={**FILE_META, "thumbnails": 2, "expires_at": None})
    meta = legacy_client.files.upload(
        file=("cat.png", b"\x89PNG", "image/png"),
        thumbnails=[("s.png", b"small", "image/png"), ("m.png", b"medium", "image/png")],
        folder_id=FOLDER_ID,
        tags=["pets"],
    )
    assert meta.expires_at is None and meta.visibility == "private" and meta.thumbnails == 2
    parts = multipart(server.requests[-1])
    assert sorted(parts) == ["file", "folder_id", "tags", "thumbnails"]
    assert parts["file"] == [("cat.png", "image/png", b"\x89PNG")]
    assert parts["thumbnails"] == [("s.png", "image/png", b"small"),
                                   ("m.png", "image/png", b"medium")]
    assert plain(parts["folder_id"]) == [str(FOLDER_ID).encode()]
    assert plain(parts["tags"]) == [b"pets"]


def test_legacy_form_body(legacy_client: Any, legacy: ModuleType, server: LoopbackServer) -> None:
    share_url = "https://demo.files.example/s/sh_1"
    server.reply(201, json={"id": "sh_1", "url": share_url, "can_edit": False, "expires_at": None})
    share = legacy_client.shares.create(
        file_id=FILE_ID, email="bob@example.com", expires_in_days=7, can_edit=False
    )
    assert isinstance(share, legacy.models.Share) and share.expires_at is None
    seen = server.requests[-1]
    assert seen.header("Content-Type") == "application/x-www-form-urlencoded"
    assert form_pairs(seen) == [
        ("file_id", str(FILE_ID)),
        ("email", "bob@example.com"),
        ("expires_in_days", "7"),
        ("can_edit", "false"),
    ]


def test_legacy_binary_download_and_upload(legacy_client: Any, legacy: ModuleType,
                                           server: LoopbackServer) -> None:
    server.reply(200, body=b"\x00\x01\x02\xff", content_type="application/octet-stream")
    assert legacy_client.files.download_content(FILE_ID) == b"\x00\x01\x02\xff"

    server.reply(200, json=FILE_META)
    meta = legacy_client.files.replace_content(FILE_ID, if_match='"v3"', body=b"\x89PNG")
    seen = server.requests[-1]
    assert (seen.method, seen.path) == ("PUT", f"/files/{FILE_ID}/content")
    assert seen.header("If-Match") == '"v3"'
    assert seen.header("Content-Type") == "application/octet-stream" and seen.body == b"\x89PNG"
    assert meta.checksum == "1B2M2Y8AsgTpgAmY7PhCfg=="  # format: byte stays base64 text


def test_legacy_api_key_header_basic_auth_and_public_operation(
    legacy: ModuleType, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with legacy.FeaturesLegacy(base_url=server.url, max_retries=0,
                               api_key="k_1", username="ann", password="pw") as c:
        server.reply(200, json=FILE_META)
        c.files.get_meta(FILE_ID)
        seen = server.requests[-1]
        assert seen.header("X-Api-Key") == "k_1" and seen.header("Authorization") is None

        server.reply(200, body="ok")
        assert c.admin.health() == "ok"
        assert server.requests[-1].header("X-Api-Key") is None
        assert server.requests[-1].header("Authorization") is None

        server.reply(204)
        with pytest.warns(DeprecationWarning):
            assert c.admin.empty_trash() is None
        seen = server.requests[-1]
        assert seen.header("Authorization") == "Basic " + base64.b64encode(b"ann:pw").decode()
        assert seen.header("X-Api-Key") is None

    monkeypatch.setenv("FEATURES_LEGACY_API_KEY", "k_env")
    with legacy.FeaturesLegacy(base_url=server.url, max_retries=0) as c:
        server.reply(200, json=FILE_META)
        c.files.get_meta(FILE_ID)
        assert server.requests[-1].header("X-Api-Key") == "k_env"
