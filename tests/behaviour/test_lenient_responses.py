"""Responses that do not match their schema keep their data (issue 17, point 3), over real
sockets, sync and async: a small spec written for each fault, generated once for the module.

Each case sends a body that breaks the schema in one way (an unknown discriminator tag, a new
enum value, a missing required field, a wrong type, nested in models, lists and dicts) and
checks the typed object built from what matches, the raw values kept where it does not, what
`mismatches` and `raw_data` report, and that `strict_response_validation=True` raises naming the
first place instead. Discriminators dispatch on the spec's tag values ("user" for `User`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from .packages import ClientOfKind as Api
from .packages import generated_package
from .server import LoopbackServer, RecordedRequest, Reply

SPEC = """
openapi: 3.1.0
info: {title: Lenient, version: '1'}
paths:
  /owners/{owner_id}:
    get:
      operationId: get_owner
      parameters: [{name: owner_id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Owner'}}}
  /owners:
    get:
      operationId: list_owners
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Owner'}}
  /accounts/{account_id}:
    get:
      operationId: get_account
      parameters: [{name: account_id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Account'}}}
  /accounts:
    get:
      operationId: list_accounts
      parameters:
        - {name: cursor, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [items]
                properties:
                  items: {type: array, items: {$ref: '#/components/schemas/Account'}}
                  next_cursor: {type: string}
  /events:
    get:
      operationId: list_events
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [events]
                properties:
                  events: {type: array, items: {$ref: '#/components/schemas/Event'}}
  /shapes:
    get:
      operationId: get_shape
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Shape'}}}
components:
  schemas:
    User:
      type: object
      required: [type, name]
      properties: {type: {type: string}, name: {type: string}}
    Team:
      type: object
      required: [type, size]
      properties: {type: {type: string}, size: {type: integer}}
    Owner:
      oneOf: [{$ref: '#/components/schemas/User'}, {$ref: '#/components/schemas/Team'}]
      discriminator:
        propertyName: type
        mapping: {user: '#/components/schemas/User', team: '#/components/schemas/Team'}
    Status:
      type: string
      enum: [active, closed]
    Profile:
      type: object
      required: [email]
      properties:
        email: {type: string}
        age: {type: integer}
    Account:
      type: object
      required: [id, status, profile, created_at]
      properties:
        id: {type: string}
        status: {$ref: '#/components/schemas/Status'}
        profile: {$ref: '#/components/schemas/Profile'}
        created_at: {type: string, format: date-time}
        members: {type: array, items: {$ref: '#/components/schemas/Profile'}}
        by_role: {type: object, additionalProperties: {$ref: '#/components/schemas/Profile'}}
        scores: {type: array, items: {type: integer}}
        holder: {anyOf: [{$ref: '#/components/schemas/Owner'}, {type: 'null'}]}
    EventBase:
      type: object
      required: [kind, at]
      properties:
        kind: {type: string}
        at: {type: string, format: date-time}
    CreatedKind:
      type: string
      enum: [account.created]
    AccountCreated:
      allOf:
        - $ref: '#/components/schemas/EventBase'
        - type: object
          properties:
            kind: {$ref: '#/components/schemas/CreatedKind'}
            account: {type: string}
    ClosedBase:
      type: object
      properties:
        kind: {const: account.closed}
    AccountClosed:
      allOf:
        - $ref: '#/components/schemas/EventBase'
        - $ref: '#/components/schemas/ClosedBase'
        - type: object
          properties: {reason: {type: string}}
    Event:
      oneOf: [{$ref: '#/components/schemas/AccountCreated'},
              {$ref: '#/components/schemas/AccountClosed'}]
      discriminator: {propertyName: kind}
    Circle:
      type: object
      required: [radius]
      properties: {radius: {type: number}}
    Square:
      type: object
      required: [side]
      properties: {side: {type: number}, label: {type: string}}
    Shape:
      anyOf: [{$ref: '#/components/schemas/Circle'}, {$ref: '#/components/schemas/Square'}]
"""

ACCOUNT = {
    "id": "acc_1",
    "status": "active",
    "profile": {"email": "ann@example.com", "age": 41},
    "created_at": "2024-05-01T12:30:00Z",
    "members": [{"email": "bob@example.com"}, {"email": "cy@example.com", "age": 7}],
    "by_role": {"admin": {"email": "ann@example.com"}},
    "scores": [1, 2, 3],
}


# ------------------------------------------------------------------ the package and a client


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated_package(tmp_path_factory.mktemp("lenient"), SPEC, "lenient") as module:
        yield module


@pytest.fixture
def api(pkg: ModuleType, kind: str, server: LoopbackServer) -> Iterator[Api]:
    made = Api(pkg, kind, server.url)
    yield made
    made.close()


def found(pkg: ModuleType, value: object) -> list[tuple[str, str, object]]:
    return [(m.where, m.kind, m.value) for m in pkg.mismatches(value)]


# ------------------------------------------------------------------ discriminators


def test_tags_that_differ_from_schema_names_dispatch(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    """The mapping says "user" and "team"; the schemas are `User` and `Team`."""
    server.reply(200, json={"type": "user", "name": "Ann"})
    server.reply(200, json={"type": "team", "size": 4})
    user = api.call("owners.get", "o1")
    team = api.call("owners.get", "o2")
    assert type(user) is pkg.models.User and user.name == "Ann"
    assert type(team) is pkg.models.Team and team.size == 4
    assert pkg.mismatches(user) == () and pkg.raw_data(user) is None


def test_tags_inherited_through_all_of_and_from_a_one_value_enum(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    """`account.created` comes from a `$ref` to a one-value enum, `account.closed` from a
    `const` in a base schema reached through `allOf`."""
    server.reply(200, json={"events": [
        {"kind": "account.created", "at": "2024-05-01T12:30:00Z", "account": "acc_1"},
        {"kind": "account.closed", "at": "2024-05-02T08:00:00Z", "reason": "moved"},
    ]})
    events = api.call("events.list").events
    assert [type(e) for e in events] == [pkg.models.AccountCreated, pkg.models.AccountClosed]
    assert events[1].reason == "moved"
    assert events[0].at == datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC)


def test_an_unknown_tag_keeps_the_raw_object_and_says_so(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    """A tag the spec does not list is tried against each variant by shape (a `User` takes any
    string as its type), and kept raw when none fits; either way it is reported."""
    robot = {"type": "robot", "serial": 7}
    bot = {"type": "bot", "name": "R2"}
    body = [{"type": "user", "name": "Ann"}, robot, {"size": 3}, bot]
    server.reply(200, json=body)
    owners = api.call("owners.list")
    assert type(owners[0]) is pkg.models.User
    assert owners[1] == robot and owners[2] == {"size": 3}
    assert type(owners[3]) is pkg.models.User and owners[3].name == "R2"
    assert found(pkg, owners) == [
        ("[1].type", "union_tag_invalid", "robot"),
        ("[2].type", "union_tag_not_found", None),
        ("[3].type", "union_tag_invalid", "bot"),
    ]
    assert str(pkg.mismatches(owners)[0]) == (
        "[1].type: 'robot' is not one of the known values: 'team', 'user'")
    assert pkg.raw_data(owners) == body
    assert found(pkg, owners[1]) == [("type", "union_tag_invalid", "robot")]
    assert found(pkg, owners[3]) == [("type", "union_tag_invalid", "bot")]
    assert pkg.raw_data(owners[3]) == bot

    server.reply(200, json=bot)  # the same as the whole response
    owner = api.call("owners.get", "o1")
    assert type(owner) is pkg.models.User
    assert found(pkg, owner) == [("type", "union_tag_invalid", "bot")]


def test_a_known_tag_with_a_broken_variant_builds_that_variant(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    server.reply(200, json={"type": "team", "size": "four", "name": "Core"})
    team = api.call("owners.get", "o1")
    assert type(team) is pkg.models.Team
    assert (team.size, team.name) == ("four", "Core")  # `name` is not a Team field: kept as extra
    assert found(pkg, team) == [("size", "int_parsing", "four")]


def test_a_union_without_tags_picks_the_variant_the_data_fits_best(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    server.reply(200, json={"side": "wide", "label": "sq"})
    shape = api.call("shapes.get")
    assert type(shape) is pkg.models.Square and shape.label == "sq" and shape.side == "wide"
    assert found(pkg, shape) == [("side", "float_parsing", "wide")]


# ------------------------------------------------------------------ models, lists, dicts


def test_a_valid_body_is_plain_models(api: Api, pkg: ModuleType, server: LoopbackServer) -> None:
    server.reply(200, json=ACCOUNT)
    account = api.call("accounts.get", "acc_1")
    assert account.__pydantic_private__ is None  # nothing kept on a model that matched
    assert pkg.mismatches(account) == () and pkg.raw_data(account) is None
    assert account.to_dict() == ACCOUNT


def test_a_missing_field_a_wrong_type_and_a_new_enum_value_at_any_depth(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    body = {
        **ACCOUNT,
        "status": "frozen",  # an enum value the spec does not list
        "profile": {"age": "old"},  # email missing, age not an integer
        "members": [{"email": "bob@example.com"}, {"email": 5}],
        "by_role": {"admin": {"email": "ann@example.com"}, "owner": "ann"},
        "scores": [1, "two", 3],
        "created_at": "yesterday",
        "note": "kept",
    }
    del body["id"]
    server.reply(200, json=body)
    account = api.call("accounts.get", "acc_1")

    assert type(account) is pkg.models.Account
    assert account.status == "frozen" and account.created_at == "yesterday"
    assert account.id is None and account.note == "kept"
    assert type(account.profile) is pkg.models.Profile
    assert account.profile.email is None and account.profile.age == "old"
    assert type(account.members[0]) is pkg.models.Profile  # the valid parts are models
    assert type(account.members[1]) is pkg.models.Profile and account.members[1].email == 5
    assert type(account.by_role["admin"]) is pkg.models.Profile
    assert account.by_role["owner"] == "ann"
    assert account.scores == [1, "two", 3]
    assert found(pkg, account) == [
        ("id", "missing", None),
        ("status", "literal_error", "frozen"),
        ("profile.email", "missing", None),
        ("profile.age", "int_parsing", "old"),
        ("created_at", "datetime_from_date_parsing", "yesterday"),
        ("members[1].email", "string_type", 5),
        ("by_role.owner", "model_type", "ann"),
        ("scores[1]", "int_parsing", "two"),
    ]
    assert found(pkg, account.profile) == [("email", "missing", None),
                                           ("age", "int_parsing", "old")]
    assert found(pkg, account.members) == [("[1].email", "string_type", 5)]
    assert pkg.mismatches(account.members[0]) == ()
    assert pkg.raw_data(account) == body
    assert account.to_dict() == body  # every value as it was sent; the missing id left out


def test_a_nullable_union_field_builds_its_variant_or_says_what_it_wanted(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    server.reply(200, json={**ACCOUNT, "holder": {"type": "team", "size": "many"}})
    server.reply(200, json={**ACCOUNT, "holder": "ann"})
    server.reply(200, json={**ACCOUNT, "holder": None})
    team = api.call("accounts.get", "acc_1").holder
    assert type(team) is pkg.models.Team and team.size == "many"
    assert found(pkg, team) == [("size", "int_parsing", "many")]
    account = api.call("accounts.get", "acc_1")
    assert account.holder == "ann"
    assert [(m.where, m.value) for m in pkg.mismatches(account)] == [("holder", "ann")]
    assert api.call("accounts.get", "acc_1").holder is None


def test_a_body_of_another_shape_altogether_is_kept(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    server.reply(200, json={"error": "this is not a list"})
    owners = api.call("owners.list")
    assert owners == {"error": "this is not a list"}
    assert found(pkg, owners) == [("(root)", "list_type", {"error": "this is not a list"})]


def test_a_page_that_does_not_match_still_fetches_the_next(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    """A page built leniently keeps its page state like any other page."""
    def page(request: RecordedRequest) -> Reply:
        if dict(request.query).get("cursor") == "2":
            return Reply(200, json={"items": [{**ACCOUNT, "id": "acc_3"}]})
        bad = {**ACCOUNT, "id": "acc_2", "status": "frozen"}
        return Reply(200, json={"items": [ACCOUNT, bad], "next_cursor": "2"})

    server.default = page
    first = api.call("accounts.list", limit=2)
    assert found(pkg, first) == [("items[1].status", "literal_error", "frozen")]
    if api.asynchronous:
        async def collect() -> list[str]:
            return [a.id async for a in first.iter_all()]
        ids = api.run(collect())
    else:
        ids = [a.id for a in first.iter_all()]
    assert ids == ["acc_1", "acc_2", "acc_3"]
    assert [dict(r.query).get("cursor") for r in server.requests] == [None, "2"]


def test_the_raw_response_parses_leniently_too(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    server.reply(200, json={"type": "team", "size": "four"})
    raw = api.call("owners.with_raw_response.get", "o1")
    team = raw.parse()
    assert type(team) is pkg.models.Team and team.size == "four"
    assert raw.status_code == 200 and raw.http_response.json() == {"type": "team", "size": "four"}


# ------------------------------------------------------------------ strict validation


def test_strict_validation_raises_naming_the_first_mismatch(
    pkg: ModuleType, kind: str, server: LoopbackServer
) -> None:
    strict = Api(pkg, kind, server.url, strict_response_validation=True)
    body = {**ACCOUNT, "members": [{"email": "bob@example.com"}, {"email": 5}]}
    server.reply(200, json=body)
    try:
        with pytest.raises(pkg.APIResponseValidationError) as caught:
            strict.call("accounts.get", "acc_1")
    finally:
        strict.close()
    err = caught.value
    assert str(err) == ("the response to GET /accounts/acc_1 does not match the spec: "
                        "1 mismatch(es); the first: members[1].email: Input should be a valid "
                        "string")
    assert err.body == body and err.status_code == 200 and err.response.json() == body
    assert [(m.where, m.value) for m in err.mismatches] == [("members[1].email", 5)]


def test_strict_validation_rejects_new_enum_values_and_unknown_tags(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    """`with_options` turns it on for a copy; the client it came from stays lenient."""
    strict = api.client.with_options(strict_response_validation=True)
    server.reply(200, json={**ACCOUNT, "status": "frozen"})
    with pytest.raises(pkg.APIResponseValidationError, match=r"the first: status: Input should"):
        api.call("accounts.get", "acc_1", client=strict)
    server.reply(200, json={"type": "robot"})
    with pytest.raises(pkg.APIResponseValidationError, match=r"type: 'robot' is not one of"):
        api.call("owners.get", "o1", client=strict)
    server.reply(200, json={**ACCOUNT, "status": "frozen"})
    assert api.call("accounts.get", "acc_1").status == "frozen"


def test_enum_values_stay_lenient_in_models_built_by_hand(pkg: ModuleType) -> None:
    """Only a response reports an unlisted enum value; a model you build keeps it quietly."""
    account = pkg.models.Account.model_validate({**ACCOUNT, "status": "frozen"})
    assert account.status == "frozen" and pkg.mismatches(account) == ()


def test_a_body_that_is_not_json_still_raises(
    api: Api, pkg: ModuleType, server: LoopbackServer
) -> None:
    server.reply(200, body="<html>maintenance</html>", content_type="text/html")
    with pytest.raises(pkg.APIResponseValidationError) as caught:
        api.call("accounts.get", "acc_1")
    assert caught.value.body == "<html>maintenance</html>" and caught.value.mismatches == ()


def test_the_readme_shows_how(pkg: ModuleType) -> None:
    readme = (Path(pkg.__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "lenient.mismatches(result)" in readme
    assert "strict_response_validation=True" in readme
