"""`servers` -> `ir.Server`s: the client's default base URL and its options.

The first server is the client's default; its `{variables}` become client options. A relative
URL means "relative to where the document is served" (OpenAPI 3.1 §4.8.5), which a generated
client cannot know: it is no usable default, so generation warns and the client asks for a
base URL at construction instead of failing on its first request.
"""

from __future__ import annotations

import re
from typing import Any

from sdkforge.diagnostics import Diagnostics
from sdkforge.model import ir

_VARIABLE = re.compile(r"\{([^{}]*)\}")
_HINT = ("the client then needs its `base_url` argument or its *_BASE_URL environment "
         "variable; add an absolute server URL to the spec to give it a default")


def servers(data: dict[str, Any], file: str, diagnostics: Diagnostics) -> tuple[ir.Server, ...]:
    """The document's servers, in order."""
    raw = data.get("servers")
    found = [_server(s, f"/servers/{i}", file, diagnostics)
             for i, s in enumerate(raw if isinstance(raw, list) else ())
             if isinstance(s, dict) and isinstance(s.get("url"), str)]
    if not found:
        diagnostics.warning(file, "/servers", "the spec names no server, so the client has no "
                            "default base URL", _HINT)
    elif not found[0].absolute:
        why = ("is relative, so it is no usable default base URL (it is relative to wherever "
               "the API is deployed)") if "//" not in found[0].url else (
               "cannot be read as a scheme and a host, so it is no usable default base URL")
        diagnostics.warning(file, "/servers/0/url", f"the server URL {found[0].url!r} {why}",
                            _HINT)
    return tuple(found)


def _server(node: dict[str, Any], pointer: str, file: str, diagnostics: Diagnostics) -> ir.Server:
    url = str(node["url"]).strip()
    if url.startswith("//"):  # scheme-relative (Swagger 2.0's `host` without `schemes`)
        diagnostics.warning(file, f"{pointer}/url", f"the server URL {url!r} names a host but no "
                            f"scheme; read as 'https:{url}'", "write the scheme in the spec")
        url = "https:" + url
    declared = node.get("variables")
    variables: list[ir.ServerVariable] = []
    for name in dict.fromkeys(_VARIABLE.findall(url)):
        spec = declared.get(name) if isinstance(declared, dict) else None
        variable = _variable(name, spec, f"{pointer}/variables/{name}", file, diagnostics)
        if variable is None:
            diagnostics.warning(file, f"{pointer}/url",
                                f"the server URL {url!r} names {{{name}}}, which its `variables` "
                                "do not declare", "declare it with a default under `variables`")
            return ir.Server(url, ir.spec_text(node.get("description")), ())
        variables.append(variable)
    return ir.Server(url, ir.spec_text(node.get("description")), tuple(variables))


def _variable(
    name: str, spec: object, pointer: str, file: str, diagnostics: Diagnostics
) -> ir.ServerVariable | None:
    if not isinstance(spec, dict):
        return None
    raw_enum = spec.get("enum")
    enum = tuple(dict.fromkeys(str(v) for v in raw_enum)) if isinstance(raw_enum, list) else ()
    default = spec.get("default")
    if default is None:
        if not enum:
            return None
        default = enum[0]
        diagnostics.warning(file, pointer, f"server variable {name!r} has no default; "
                            f"the client option defaults to its first value, {default!r}")
    elif enum and str(default) not in enum:
        diagnostics.warning(file, pointer, f"the default {default!r} of server variable "
                            f"{name!r} is not one of its `enum` values; it is allowed too")
        enum = (str(default), *enum)
    return ir.ServerVariable(name, str(default), enum, ir.spec_text(spec.get("description")))
