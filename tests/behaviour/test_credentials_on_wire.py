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
