"""Credentials and client-level header settings beside the call's own values, on the wire:
an operation's own query parameter named like an API key in the query is sent once, with the
call's value; a `User-Agent` the spec asks for (a header every operation declares, which the
client takes as a setting) replaces the runtime's own User-Agent."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from .server import LoopbackServer

Make = Callable[[str, str], ModuleType]

SPEC = """
openapi: 3.1.0
info: {title: Creds, version: '1'}
servers: [{url: 'https://creds.example'}]
security: [{clientId: []}]
components:
  securitySchemes:
    clientId: {type: apiKey, in: query, name: client_id}
  parameters:
    agent:
      name: User-Agent
      in: header
      required: true
      schema: {type: string, pattern: '^Shop/\\d'}
paths:
  /connect:
    get:
      operationId: connect
      parameters:
        - $ref: '#/components/parameters/agent'
        - {name: client_id, in: query, schema: {type: string}}
      responses: {'204': {description: ok}}
  /items:
    get:
      operationId: listItems
      parameters:
        - $ref: '#/components/parameters/agent'
      responses: {'204': {description: ok}}
"""


def test_a_call_value_wins_over_a_query_credential_of_its_name(
    make_client: Make, server: LoopbackServer
) -> None:
    module = make_client(SPEC, "creds_query")
    make = getattr(module, module.__all__[0])
    client = make(base_url=server.url, client_id="secret", user_agent="Shop/1", max_retries=0)
    server.reply(204)
    client.connect.connect(client_id="mine")
    assert server.requests[-1].query == [("client_id", "mine")]
    server.reply(204)
    client.items.list()
    assert server.requests[-1].query == [("client_id", "secret")]


def test_a_user_agent_setting_replaces_the_built_in_one(
    make_client: Make, server: LoopbackServer
) -> None:
    module = make_client(SPEC, "creds_agent")
    make = getattr(module, module.__all__[0])
    client = make(base_url=server.url, client_id="k", user_agent="Shop/2 (tests)", max_retries=0)
    server.reply(204)
    client.items.list()
    assert server.requests[-1].header_values("User-Agent") == ["Shop/2 (tests)"]
    # Given for a call, a header still wins over the setting.
    server.reply(204)
    client.items.list(extra_headers={"User-Agent": "Shop/3"})
    assert server.requests[-1].header_values("User-Agent") == ["Shop/3"]


ALTERNATIVES = """
openapi: 3.1.0
info: {title: Either, version: '1'}
servers: [{url: 'https://either.example'}]
security:
  - apiKey: []
  - bearer: []
  - basic: []
    tenant: []
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: X-API-Key}
    bearer: {type: http, scheme: bearer}
    basic: {type: http, scheme: basic}
    tenant: {type: apiKey, in: query, name: tenant}
    session: {type: apiKey, in: cookie, name: session}
paths:
  /me:
    get:
      operationId: me
      responses: {'204': {description: ok}}
  /open:
    get:
      operationId: open
      security: []
      responses: {'204': {description: ok}}
"""


def test_one_of_several_security_requirements_is_sent(make_client: Make,
                                                       server: LoopbackServer) -> None:
    """`security` lists alternatives, any one of which will do: the client sends the first it
    has every credential of, not all it has (a Bearer and a Basic credential both want the
    Authorization header); with none complete, it sends what it has."""
    module = make_client(ALTERNATIVES, "either")
    make = getattr(module, module.__all__[0])

    def sent(**credentials: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
        server.reply(204)
        make(base_url=server.url, max_retries=0, **credentials).me.me()
        seen = server.requests[-1]
        wanted = ("authorization", "x-api-key")
        return {k: v for k, v in seen.headers if k.lower() in wanted}, seen.query

    assert sent(api_key="K", bearer="T", username="u", password="p", tenant="t") == (
        {"X-API-Key": "K"}, [])
    assert sent(bearer="T", username="u", password="p", tenant="t") == (
        {"Authorization": "Bearer T"}, [])
    assert sent(username="u", password="p", tenant="t") == (
        {"Authorization": "Basic dTpw"}, [("tenant", "t")])
    assert sent(username="u", password="p") == ({"Authorization": "Basic dTpw"}, [])
    server.reply(204)
    make(base_url=server.url, max_retries=0, api_key="K").open.open()
    assert server.requests[-1].header("X-API-Key") is None  # `security: []`: none needed


UNSAID = """
openapi: 3.0.1
info: {title: Cms, version: '1'}
servers: [{url: 'https://cms.example'}]
components:
  securitySchemes:
    Auth: {type: http, scheme: bearer}
paths:
  /items:
    get:
      operationId: listItems
      security: [{Auth: []}]
      responses: {'204': {description: ok}}
    post:
      operationId: createItem
      responses: {'204': {description: ok}}
"""


def test_a_spec_that_says_no_security_sends_the_credential_given(
    make_client: Make, server: LoopbackServer
) -> None:
    """Schemes declared, `security` on some operations and at the top on none (Directus): an
    operation that says nothing sends the credential the client was given, where it used to
    send none and get a 403."""
    module = make_client(UNSAID, "unsaid")
    client = getattr(module, module.__all__[0])(base_url=server.url, max_retries=0, api_key="T")
    for call in (client.items.list, client.items.create):
        server.reply(204)
        call()
        assert server.requests[-1].header("Authorization") == "Bearer T"
