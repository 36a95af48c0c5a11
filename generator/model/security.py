"""`securitySchemes` -> the credentials a client takes; `security` -> the schemes each
operation sends; header parameters most operations share -> client-level settings.

Which arguments the client offers for them is the names stage's part (`names.client`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sdkforge.diagnostics import Diagnostics, join_pointer
from sdkforge.model import ir


def auth_schemes(
    data: dict[str, Any], file: str, diagnostics: Diagnostics
) -> tuple[ir.AuthScheme, ...]:
    raw = (data.get("components") or {}).get("securitySchemes") or {}
    found: list[ir.AuthScheme] = []
    for name, scheme in sorted(raw.items() if isinstance(raw, dict) else ()):
        if not isinstance(scheme, dict):
            continue
        kind = _kind(scheme)
        if kind is None:
            diagnostics.warning(
                file, join_pointer("/components/securitySchemes", name),
                f"security scheme {name!r} ({scheme.get('type')}) is not supported; "
                "pass its credentials with default_headers",
            )
            continue
        wire = (str(scheme.get("name") or "Authorization") if kind in ("header", "query", "cookie")
                else "Authorization")
        found.append(ir.AuthScheme(name, kind, wire, str(scheme.get("description") or "").strip(),
                                   oauth=scheme.get("type") in ("oauth2", "openIdConnect"),
                                   token_url=_token_url(name, scheme, file, diagnostics)))
    return tuple(found)


def _token_url(
    name: str, scheme: dict[str, Any], file: str, diagnostics: Diagnostics
) -> str:
    """The tokenUrl of an oauth2 scheme's clientCredentials flow, "" when it has none (other
    flows need a user, or a password: the client takes their tokens as given). One it cannot
    use is a warning, and the scheme keeps a static token."""
    flows = scheme.get("flows") if scheme.get("type") == "oauth2" else None
    flow = flows.get("clientCredentials") if isinstance(flows, dict) else None
    if not isinstance(flow, dict):
        return ""
    url = flow.get("tokenUrl")
    if isinstance(url, str) and url.strip() and url.isprintable() and " " not in url.strip():
        return url.strip()
    diagnostics.warning(
        file, join_pointer("/components/securitySchemes", name, "flows", "clientCredentials"),
        f"security scheme {name!r}: the clientCredentials flow has no usable tokenUrl "
        f"({url!r}); the client takes an access token instead of fetching one",
    )
    return ""


def _kind(scheme: dict[str, Any]) -> ir.AuthKind | None:
    kind = scheme.get("type")
    if kind == "http":
        flavour = str(scheme.get("scheme", "")).lower()
        return "bearer" if flavour == "bearer" else "basic" if flavour == "basic" else None
    if kind == "apiKey":
        where = scheme.get("in")
        return where if where in ("header", "query", "cookie") else None
    if kind in ("oauth2", "openIdConnect"):
        return "bearer"
    return None


def operation_security(
    op: dict[str, Any], data: dict[str, Any], known: set[str]
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """The schemes an operation may send (its own `security`, else the document's; none when
    empty), and its requirements when more than one will do. A document that says `security`
    nowhere lets any declared scheme do (its authors left it out: `unsaid`)."""
    if unsaid(op, data):
        requirements: object = [{name: []} for name in sorted(known)]
    else:
        requirements = op["security"] if "security" in op else data["security"]
    alternatives: list[tuple[str, ...]] = []
    for requirement in requirements if isinstance(requirements, list) else ():
        names = tuple(n for n in requirement if n in known) if isinstance(requirement, dict) else ()
        if names and names not in alternatives:
            alternatives.append(names)
    flat = tuple(dict.fromkeys(name for names in alternatives for name in names))
    return flat, tuple(alternatives) if len(alternatives) > 1 else ()


def unsaid(op: dict[str, Any], data: dict[str, Any]) -> bool:
    """Whether neither the operation nor the document says which schemes it needs."""
    return "security" not in op and "security" not in data


def operation_scopes(
    op: dict[str, Any], data: dict[str, Any], fetching: set[str]
) -> tuple[tuple[str, str], ...]:
    """(scheme, scopes) for each scheme in `fetching` (those the client fetches tokens for)
    whose first requirement naming it lists scopes: the scopes sorted, unique, space-separated
    (RFC 6749 §3.3), so operations asking for one set share one token."""
    requirements = op["security"] if "security" in op else data.get("security")
    found: dict[str, str] = {}
    for requirement in requirements if isinstance(requirements, list) else ():
        for name, scopes in requirement.items() if isinstance(requirement, dict) else ():
            if name in fetching and name not in found:
                wanted = scopes if isinstance(scopes, list) else ()
                found[name] = " ".join(sorted({str(s) for s in wanted if str(s).strip()}))
    return tuple((name, scopes) for name, scopes in sorted(found.items()) if scopes)


def lift_shared_headers(
    operations: list[ir.Operation],
    auth: tuple[ir.AuthScheme, ...],
    examples: dict[str, str],
    overrides: Mapping[str, str | None] | None = None,
) -> tuple[list[ir.Operation], tuple[ir.AuthScheme, ...]]:
    """Header parameters most operations take become client settings (with env fallbacks).

    An `Authorization` header described as a Bearer token becomes `api_key`; `X-Foo` becomes
    `foo`. The parameters leave the method signatures; `extra_headers` still overrides them.
    `examples` maps a lowercased header name to the text (descriptions, examples) it came with;
    `overrides` (from the config) names the argument of a header, or keeps it per call (None).
    The settings are `AuthScheme`s named `header:<wire name>`.
    """
    overrides = overrides or {}
    counts: dict[str, list[ir.Param]] = {}
    for op in operations:
        for p in op.params:
            if p.location == "header":
                counts.setdefault(p.wire_name.lower(), []).append(p)
    threshold = max(2, (len(operations) + 1) // 2)
    lifted: dict[str, ir.AuthScheme] = {}
    for lowered, params in sorted(counts.items()):
        configured = overrides.get(lowered, "")
        if configured is None or (len(params) < threshold and not configured):
            continue
        wire = min(p.wire_name for p in params)
        bearer = lowered == "authorization" and "bearer" in examples.get(lowered, "").lower()
        description = next((p.description for p in params if p.description), "")
        kind: ir.AuthKind = "bearer" if bearer else "header"
        lifted[lowered] = ir.AuthScheme(f"{ir.LIFTED}{wire}", kind, wire, description,
                                        argument=configured or None)
    if not lifted:
        return operations, auth
    result = []
    for op in operations:
        shared = [p for p in op.params if p.location == "header" and p.wire_name.lower() in lifted]
        if not shared:
            result.append(op)
            continue
        result.append(replace(
            op,
            params=tuple(p for p in op.params if p not in shared),
            security=op.security + tuple(lifted[p.wire_name.lower()].name for p in shared),
        ))
    return result, auth + tuple(lifted[k] for k in sorted(lifted))
