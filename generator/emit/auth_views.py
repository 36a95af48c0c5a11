"""What the client module and the README print about credentials: the constructor's credential
arguments (with their types, env fallbacks and docs), the static credentials it sets, the
OAuth2 schemes whose tokens it takes or fetches, and what the README's example passes.

An OAuth2 scheme's arguments come in the order `names.client` gives them: the access token, the
token provider, then (for a clientCredentials flow) the client id and secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sdkforge.emit.pyexpr import doc_lines, literal
from sdkforge.model import ir
from sdkforge.names.allocate import Identifier
from sdkforge.names.assign import Names


@dataclass(frozen=True, slots=True)
class AuthArgView:
    name: str  # an Identifier from the names stage, or a fixed client argument
    env: str
    doc: str
    annotation: str = "str | None = None"  # and default, in the sync client
    async_annotation: str = "str | None = None"  # in the async client

    @property
    def parameter(self) -> str:
        return f"{self.name}: {self.annotation}"

    @property
    def async_parameter(self) -> str:
        return f"{self.name}: {self.async_annotation}"


@dataclass(frozen=True, slots=True)
class AuthSchemeView:
    scheme: str  # literal
    kind: str  # literal
    wire: str  # literal
    secret: str  # expression


@dataclass(frozen=True, slots=True)
class OAuthView:
    scheme: str  # literal
    arguments: tuple[str, ...]  # of `token_source(...)`, one a line


@dataclass(frozen=True, slots=True)
class TokenFlowView:
    """A scheme whose tokens the client fetches, for the README."""

    scheme: str
    token_url: str  # as the README says it: relative ones are resolved against the base URL
    client_id: Identifier
    client_secret: Identifier
    provider: Identifier
    env_id: str
    env_secret: str


def auth_views(api: ir.Api, names: Names, package: str) -> dict[str, Any]:
    """The template variables about credentials."""
    fetched = [s for s in api.auth if s.oauth and s.token_url]
    return {
        "auth_args": _auth_args(api.auth, names, package),
        "readme_auth": _readme_auth(api, names, package),
        "auth_schemes": _auth_schemes(api.auth, names, package),
        "oauth_schemes": _oauth_schemes(api.auth, names, package),
        "oauth_imports": _oauth_imports(api.auth),
        "token_flows": [_token_flow(s, names, package) for s in fetched],
        "given_tokens": [(s.name, *names.credentials[s.name][:2])
                         for s in api.auth if s.oauth and not s.token_url],
        "basic_auth": any(scheme.kind == "basic" for scheme in api.auth),
    }


def _env(arg: str, package: str) -> str:
    return f"{package}_{arg}".upper()


def _doc(arg: str, text: str) -> str:
    """An argument's entry in the client's docstring, wrapped under `Args:`."""
    return "\n            ".join(doc_lines(f"{arg}: {text}", 88))


def _auth_args(
    schemes: tuple[ir.AuthScheme, ...], names: Names, package: str
) -> list[AuthArgView]:
    views = []
    for scheme in schemes:
        args = names.credentials[scheme.name]
        if scheme.oauth:
            views += _oauth_args(scheme, args, package)
            continue
        where = {"bearer": "as a Bearer token", "basic": "for HTTP basic auth"}.get(
            scheme.kind, f"in the {scheme.wire_name!r} {scheme.kind}")
        for arg in args:
            doc = doc_lines(f"{arg}: sent {where}; defaults to ${_env(arg, package)}.", 200)[0]
            views.append(AuthArgView(arg, _env(arg, package), doc))
    if any(s.oauth and s.token_url for s in schemes):
        views.append(AuthArgView(
            "token_endpoint_auth_method", "",
            _doc("token_endpoint_auth_method", 'how the client id and secret reach the token '
                 'endpoint: "client_secret_basic" (HTTP Basic) or "client_secret_post" '
                 "(in the form body)."),
            'TokenAuthMethod = "client_secret_basic"', 'TokenAuthMethod = "client_secret_basic"'))
    return views


def _oauth_args(
    scheme: ir.AuthScheme, args: tuple[Identifier, ...], package: str
) -> list[AuthArgView]:
    token, provider = args[0], args[1]
    views = [
        AuthArgView(token, _env(token, package), _doc(
            token, f"an OAuth2 access token, sent as a Bearer token as it is; defaults to "
            f"${_env(token, package)}.")),
        AuthArgView(provider, "", _doc(
            provider, "a callable returning the access token (async ones too, in the async "
            "client), called before each request and once more after a 401."),
            "TokenProvider | None = None", "AsyncTokenProvider | None = None"),
    ]
    if scheme.token_url:
        client_id, secret = args[2], args[3]
        views += [
            AuthArgView(client_id, _env(client_id, package), _doc(
                client_id, f"with {secret}, the client fetches its own tokens (client "
                f"credentials) from {_where(scheme.token_url)}; defaults to "
                f"${_env(client_id, package)}.")),
            AuthArgView(secret, _env(secret, package), _doc(
                secret, f"the client secret; defaults to ${_env(secret, package)}.")),
        ]
    return views


def _where(token_url: str) -> str:
    """Where the token URL is, in words: relative ones are resolved against the base URL."""
    if urlsplit(token_url).scheme:
        return token_url
    return f"{token_url} (resolved against base_url)"


def _readme_auth(api: ir.Api, names: Names, package: str) -> list[AuthArgView]:
    """The credentials the README's example passes: those of the declared scheme most
    operations send (a first call without them would be a 401); a header setting the client
    lifted from the operations' parameters only when no declared scheme is used, and said to
    be one (it is a header every call sends, such as an API version, not always a secret).
    For OAuth2, the client credentials when the client fetches its tokens, else the token."""
    used: dict[str, int] = {}
    for op in api.operations:
        for scheme in op.security:
            used[scheme] = used.get(scheme, 0) + 1
    if not used:
        return []
    best = max(api.auth, key=lambda s: (not s.lifted and s.name in used, used.get(s.name, 0)))
    if not used.get(best.name):
        return []
    said = "a header every call sends" if best.lifted else "your credential"
    args = names.credentials[best.name]
    if best.oauth:
        args = args[2:] if best.token_url else args[:1]
    return [AuthArgView(arg, _env(arg, package), said) for arg in args]


def _auth_schemes(
    schemes: tuple[ir.AuthScheme, ...], names: Names, package: str
) -> list[AuthSchemeView]:
    views = []
    for scheme in schemes:
        if scheme.oauth:
            continue
        values = [f"_env({arg}, {literal(_env(arg, package))})"
                  for arg in names.credentials[scheme.name]]
        secret = f"_basic({values[0]}, {values[1]})" if scheme.kind == "basic" else values[0]
        views.append(AuthSchemeView(literal(scheme.name), literal(scheme.kind),
                                    literal(scheme.wire_name), secret))
    return views


def _oauth_schemes(
    schemes: tuple[ir.AuthScheme, ...], names: Names, package: str
) -> list[OAuthView]:
    views = []
    for scheme in schemes:
        if not scheme.oauth:
            continue
        args = names.credentials[scheme.name]
        arguments = [args[0], args[1], literal(_env(args[0], package))]
        if scheme.token_url:
            env = f"({literal(_env(args[2], package))}, {literal(_env(args[3], package))})"
            arguments += [f"client_id={args[2]}", f"client_secret={args[3]}", f"env={env}",
                          f"token_url={literal(scheme.token_url)}",
                          "auth_method=token_endpoint_auth_method"]
        views.append(OAuthView(literal(scheme.name), tuple(arguments)))
    return views


def _oauth_imports(schemes: tuple[ir.AuthScheme, ...]) -> str:
    """What the client module imports from the runtime's `_oauth`, "" when nothing."""
    if not any(s.oauth for s in schemes):
        return ""
    method = "TokenAuthMethod, " if any(s.oauth and s.token_url for s in schemes) else ""
    return f"AsyncTokenProvider, {method}TokenProvider, token_source"


def _token_flow(scheme: ir.AuthScheme, names: Names, package: str) -> TokenFlowView:
    args = names.credentials[scheme.name]
    url = f"`{scheme.token_url}`"
    if not urlsplit(scheme.token_url).scheme:
        url += " (resolved against the base URL)"
    return TokenFlowView(scheme.name, url, args[2], args[3], args[1],
                         _env(args[2], package), _env(args[3], package))
