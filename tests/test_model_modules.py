"""Which module of `models/` each type lives in (`names.modules.homes`): an inline model that one
model alone names lives in that model's module (GitHub: 3,196 files -> 983); enums and aliases
that name no type share the module `aliases`; an alias that names one type lives with it,
after its class. A component schema keeps a module of its own, so a spec bump that gives it a
second user moves nothing. The package imports, validates and type-checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from behaviour.packages import generated_files, imported
from test_dict_input_types import mypy_errors

from sdkforge.output.write import write

SPEC = """
openapi: 3.1.0
info: {title: Homes, version: "1"}
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Orders"}}}
  /receipts:
    get:
      operationId: getReceipt
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties: {total: {type: integer}, note: {$ref: "#/components/schemas/Note"}}
components:
  schemas:
    Orders:
      type: array
      items: {$ref: "#/components/schemas/Order"}
    Order:
      type: object
      required: [id]
      properties:
        id: {type: string}
        status: {$ref: "#/components/schemas/Status"}
        note: {$ref: "#/components/schemas/Note"}
        shipping:
          type: object
          properties:
            address:
              type: object
              properties: {city: {type: string}}
    Note:
      type: object
      properties: {text: {type: string}}
    Status:
      type: string
      enum: [open, closed]
    Stamp:
      type: string
      format: date-time
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return generated_files(tmp_path_factory.mktemp("spec"), SPEC, "homes")


def test_each_type_lives_in_its_home(files: dict[str, str]) -> None:
    models = {path.removeprefix("homes/models/"): text for path, text in files.items()
              if path.startswith("homes/models/")}
    order = models["order.py"]
    # the inline objects of Order's properties, nested, are Order's; Orders (a list of it) too
    assert "class OrderShipping(BaseModel):" in order
    assert "class OrderShippingAddress(BaseModel):" in order
    assert order.index("class Order(") < order.index("\n\n\nOrders: TypeAlias = list[Order]\n")
    assert "order_shipping.py" not in models and "orders.py" not in models
    # a component schema named by one model keeps its module (a bump could give it a second)
    assert "class Note(BaseModel):" in models["note.py"]
    # an inline object an operation returns is not a model's: a module of its own
    assert "class GetReceiptResponse(BaseModel):" in models["get_receipt_response.py"]
    aliases = models["aliases.py"]
    assert 'Status: TypeAlias = Literal["open", "closed"]' in aliases
    assert "Stamp: TypeAlias = datetime.datetime" in aliases


def test_the_package_imports_and_type_checks(files: dict[str, str], tmp_path: Path) -> None:
    write(tmp_path / "out", files)
    with imported(tmp_path / "out", "homes") as package:
        models = package.models
        for name in models.__all__:
            assert getattr(models, name) is not None, name
        order = models.Order.model_validate(
            {"id": "o1", "status": "open", "shipping": {"address": {"city": "Oslo"}}})
        assert order.shipping is not None and order.shipping.address is not None
        assert type(order.shipping.address) is models.OrderShippingAddress
    code = """
from homes.models import Order, OrderShippingAddress, Orders, Status

def city(orders: Orders) -> str | None:
    address = orders[0].shipping.address if orders[0].shipping else None
    return address.city if isinstance(address, OrderShippingAddress) else None

status: Status = "open"
wrong: Status = "lost"
"""
    status, lines = mypy_errors(tmp_path, tmp_path / "out", code)
    assert lines == [9], (status, lines)  # the one wrong line, and nothing in the package
