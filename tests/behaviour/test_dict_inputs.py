"""Nested request inputs given as plain dicts (the generated `TypedDict` Params) go on the wire
byte for byte as the same inputs given as models: a JSON body with nested, list-of, map-of,
nullable, recursive and discriminated-union values, dates and enums inside; a JSON array
body; a deepObject query parameter; a form body with an object field. Sync and async, over a
real socket."""

from __future__ import annotations

import collections
import datetime
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .packages import ClientOfKind, generated_package
from .server import LoopbackServer

SPEC = (Path(__file__).parent / "dict_inputs.yaml").read_text(encoding="utf-8")
AT = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def dicts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated_package(tmp_path_factory.mktemp("dicts"), SPEC, "dicts") as pkg:
        yield pkg


@pytest.fixture
def client(dicts: ModuleType, kind: str, server: LoopbackServer) -> Iterator[ClientOfKind]:
    made = ClientOfKind(dicts, kind, server.url)
    yield made
    made.close()


def order_as_dicts() -> dict[str, Any]:
    return {
        "customer": {"name": "Ada", "password": "s3cret", "born": datetime.date(1815, 12, 10),
                     "tier": "gold", "address": {"city": "London", "zip-code": "W1",
                                                 "class": "first"}},
        "lines": [{"sku": "a-1", "qty": 2, "at": AT}, {"sku": "b", "qty": 1, "price": "9.50"}],
        "payment": {"kind": "transfer", "iban": "DE89"},
        "gift": None,
        "labels": {"box": {"text": "fragile"}},
        "category": {"name": "root", "children": [{"name": "leaf", "children": []}]},
        "filter": {"status": "open", "price": {"min": 1, "max": 9}},
    }


def order_as_models(m: Any) -> dict[str, Any]:
    address = m.Address(city="London", zip_code="W1", class_="first")
    return {
        "customer": m.Customer(name="Ada", password="s3cret", born=datetime.date(1815, 12, 10),
                               tier="gold", address=address),
        "lines": [m.Line(sku="a-1", qty=2, at=AT), m.Line(sku="b", qty=1, price="9.50")],
        "payment": m.Transfer(kind="transfer", iban="DE89"),
        "gift": None,
        "labels": {"box": m.Label(text="fragile")},
        "category": m.Category(name="root", children=[m.Category(name="leaf", children=[])]),
        "filter": m.Filter(status="open", price=m.FilterPrice(min=1, max=9)),
    }


WIRE = {
    "customer": {"name": "Ada", "password": "s3cret", "born": "1815-12-10", "tier": "gold",
                 "address": {"city": "London", "zip-code": "W1", "class": "first"}},
    "lines": [{"sku": "a-1", "qty": 2, "at": "2024-01-02T03:04:05Z"},
              {"sku": "b", "qty": 1, "price": "9.50"}],
    "payment": {"kind": "transfer", "iban": "DE89"},
    "gift": None,
    "labels": {"box": {"text": "fragile"}},
    "category": {"name": "root", "children": [{"name": "leaf", "children": []}]},
}


def sent(server: LoopbackServer, call: Callable[[], object]) -> tuple[bytes, str]:
    """The body and query string of the request `call` makes."""
    call()
    seen = server.requests[-1]
    return seen.body, seen.query_string


def test_a_json_body_of_dicts_is_sent_as_its_models_are(
    client: ClientOfKind, dicts: ModuleType, server: LoopbackServer
) -> None:
    server.reply(200, json={"id": "o1"})
    server.reply(200, json={"id": "o2"})
    by_dicts = sent(server, lambda: client.call("orders.create_order", **order_as_dicts()))
    by_models = sent(server, lambda: client.call("orders.create_order",
                                                 **order_as_models(dicts.models)))
    assert by_dicts == by_models
    assert server.requests[-1].json() == WIRE
    # deepObject: the nested dict as `filter[price][min]=1`, as the model is
    assert server.requests[-1].query == [("filter[status]", "open"), ("filter[price][min]", "1"),
                                         ("filter[price][max]", "9")]


def test_a_list_body_of_dicts_and_models_mixed_in_any_sequence(
    client: ClientOfKind, dicts: ModuleType, server: LoopbackServer
) -> None:
    server.reply(204)
    client.call("orders.create_orders",
                body=({"sku": "a", "qty": 1, "at": AT}, dicts.models.Line(sku="b", qty=2)))
    assert server.requests[-1].json() == [{"sku": "a", "qty": 1, "at": "2024-01-02T03:04:05Z"},
                                          {"sku": "b", "qty": 2}]
    # any sequence, as the `Sequence[...]` annotation says, not only a list or a tuple
    server.reply(204)
    client.call("orders.create_orders", body=collections.UserList([{"sku": "c", "qty": 3}]))
    assert server.requests[-1].json() == [{"sku": "c", "qty": 3}]


def test_a_form_body_object_field_given_as_a_dict(
    client: ClientOfKind, dicts: ModuleType, server: LoopbackServer
) -> None:
    server.reply(204)
    server.reply(204)
    by_dict = sent(server, lambda: client.call(
        "orders.add_address", address={"city": "Paris", "zip-code": "75001"}, note="n"))
    by_model = sent(server, lambda: client.call(
        "orders.add_address", address=dicts.models.Address(city="Paris", zip_code="75001"),
        note="n"))
    assert by_dict == by_model == (b"city=Paris&zip-code=75001&note=n", "")


def test_params_are_typed_dicts_that_a_call_never_imports(
    client: ClientOfKind, dicts: ModuleType, server: LoopbackServer
) -> None:
    for name in [name for name in sys.modules if name.startswith("dicts.params")]:
        del sys.modules[name]  # an earlier test (the other kind) looked at them
    vars(dicts).pop("params", None)
    server.reply(204)
    client.call("orders.create_orders", body=[{"sku": "a", "qty": 1}])
    # the package (which loads a Param's module on first use), no Param's module
    assert not [name for name in sys.modules if name.startswith("dicts.params.")]
    line = dicts.params.LineParam
    assert line.__total__ is False and set(line.__annotations__) == {"sku", "qty", "price", "at"}
    assert set(dicts.params.AddressParam.__annotations__) == {"city", "zip-code", "class"}
    # read-only keys are not offered; write-only ones are
    assert set(dicts.params.CustomerParam.__annotations__) == {
        "name", "password", "born", "tier", "address"}
