"""The client's constructor arguments for credentials, lifted header settings and the
default server's variables.

Schemes ask for the anchors' names (`api_key` for a bearer token, `access_token` for OAuth2,
`username`/`password`, a header's own name without `X-`); an OAuth2 scheme also takes a
`token_provider` (a callable), and one with a clientCredentials flow a `client_id` and
`client_secret`, in that order (`_groups`); schemes that ask for the same names are all
named after their scheme keys instead (`<key>`, `<key>_provider`; `<key>_client_id` and
`<key>_client_secret` only when those collide too);
header settings come after them, then server variables (`{region}` -> `region`, or
`server_region` when that is taken).
"""

from __future__ import annotations

from collections.abc import Sequence

from sdkforge.model import ir
from sdkforge.names import naming
from sdkforge.names.allocate import Identifier, Namespace

# Client constructor arguments a credential may not take, and the builtin the constructor
# calls (`super`: an argument of that name made `super().__init__` fail).
CLIENT_ARGS = frozenset({
    "self", "base_url", "timeout", "max_retries", "default_headers", "default_query", "http_client",
    "retry_base_delay", "retry_max_delay", "idempotency_header", "super",
    "token_endpoint_auth_method",
})

def _groups(scheme: ir.AuthScheme) -> tuple[tuple[str, ...], ...]:
    """The arguments a declared scheme asks for, in groups renamed together: basic's username
    and password; OAuth2's token and provider, then a clientCredentials flow's id and secret."""
    if scheme.kind == "basic":
        return (("username", "password"),)
    if scheme.kind == "bearer" and scheme.oauth:
        fetched = (("client_id", "client_secret"),) if scheme.token_url else ()
        return (("access_token", "token_provider"), *fetched)
    if scheme.kind == "bearer":
        return (("api_key",),)
    name = naming.snake(scheme.wire_name)
    short = name[2:]  # X-Api-Key -> api_key, unless that leaves a digit first or a keyword
    return ((short if name.startswith("x_") and naming.snake(short) == short else name,),)


_SCHEME_NOISE = ("auth", "authentication", "authorization", "scheme", "security")


def _scheme_base(key: str) -> str:
    """A scheme key as an argument name, without a trailing word that only says it is a
    scheme: `ApiKeyAuth` -> api_key, `AdminApiKeyAuth` -> admin_api_key."""
    parts = naming.snake(key).split("_")
    while len(parts) > 1 and parts[-1] in _SCHEME_NOISE:
        parts.pop()
    return naming.snake("_".join(parts))


def _after_key(base: str, scheme: ir.AuthScheme, group: tuple[str, ...]) -> tuple[str, ...]:
    """A group of a scheme's arguments named after its key (`base`)."""
    if scheme.kind == "basic":
        return (f"{base}_username", f"{base}_password")
    if scheme.oauth and group[0] == "access_token":
        return (base, f"{base}_provider")
    if scheme.oauth:
        return tuple(f"{base}_{role}" for role in group)
    return (base,)


def client_arguments(
    schemes: Sequence[ir.AuthScheme], variables: Sequence[ir.ServerVariable],
    webhooks: bool = False,
) -> tuple[dict[str, tuple[Identifier, ...]], dict[str, Identifier], Identifier | None]:
    """(scheme name -> the client arguments that carry its credentials, server variable ->
    the client argument that sets it, the argument for the webhooks' signing secret when
    `webhooks`: `webhook_secret`, claimed last so it renames nothing else)."""
    declared = [s for s in schemes if not s.lifted]
    lifted = [s for s in schemes if s.lifted]
    counts: dict[str, int] = {}
    for scheme in declared:
        for group in _groups(scheme):
            for arg in group:
                counts[arg] = counts.get(arg, 0) + 1
    scope = Namespace("client arguments", CLIENT_ARGS)
    result: dict[str, tuple[Identifier, ...]] = {}
    for scheme in declared:
        args: list[str] = []
        for group in _groups(scheme):
            if any(counts[a] > 1 or a in CLIENT_ARGS for a in group):
                group = _after_key(_scheme_base(scheme.name), scheme, group)
            args += group
        # Scheme keys that differ only in punctuation ("a-b", "a.b") still get distinct arguments.
        result[scheme.name] = tuple(Identifier(scope.claim(arg)) for arg in args)
    for scheme in lifted:
        arg = scheme.argument or ("api_key" if scheme.kind == "bearer" else _groups(scheme)[0][0])
        if scheme.argument is None and (arg in scope or not arg.isidentifier()):
            arg = naming.snake(f"header {scheme.wire_name}")
        result[scheme.name] = (Identifier(scope.claim(arg)),)
    options: dict[str, Identifier] = {}
    for variable in variables:
        arg = naming.snake(variable.name)
        if arg in scope or not arg.isidentifier():
            arg = naming.snake(f"server {variable.name}")
        options[variable.name] = Identifier(scope.claim(arg))
    secret = Identifier(scope.claim(WEBHOOK_SECRET)) if webhooks else None
    return result, options, secret


WEBHOOK_SECRET = "webhook_secret"  # also the client's attribute (`_base_client.BaseClient`)
# The helper's attribute; the second when a resource of the API has the first.
WEBHOOKS = ("webhooks", "webhook_events")


def webhooks_attribute(resources: Sequence[str]) -> Identifier:
    """The client's attribute for `unwrap` and `verify_signature`: `webhooks`, unless a resource
    of the API (one managing webhook subscriptions, say) is called so."""
    scope = Namespace("client attributes", [*resources, *naming.RESERVED_RESOURCE_NAMES])
    return Identifier(scope.claim(WEBHOOKS[0] if WEBHOOKS[0] not in scope else WEBHOOKS[1]))
