"""What the client module and the README print about servers: the default base URL, the
client options its `{variables}` become, and what the client says when it has no default."""

from __future__ import annotations

from dataclasses import dataclass

from sdkforge.emit.pyexpr import doc_lines, literal
from sdkforge.model import ir
from sdkforge.names.assign import Names


@dataclass(frozen=True, slots=True)
class ServerOptionView:
    name: str  # the constructor argument
    annotation: str
    default: str  # literal
    wire: str  # literal: the `{name}` it fills
    doc: str  # one docstring line
    text: str  # the README's line after the name


@dataclass(frozen=True, slots=True)
class ServerView:
    base_url: str  # literal: the default URL with its `{variables}`, "" when there is none
    base_url_doc: str  # one line for docstrings and the README
    base_url_text: str  # the default URL with its `{variables}`, as text
    options: list[ServerOptionView]
    missing: str  # literal: the message when no base URL is given, "" when there is a default
    readme_base_url: str  # literal for the README example's `base_url=`, "" when not needed
    others: list[str]  # the other servers, one README line each
    call: str  # the constructor's expression for its base URL
    literal: bool  # whether an option's type is a Literal


def server_view(api: ir.Api, names: Names, env: str) -> ServerView:
    """`env` is the base URL's environment variable."""
    first = api.servers[0] if api.servers else None
    usable = first if first is not None and first.absolute else None
    options = [_option(v, names.server_options[v.name]) for v in usable.variables] if usable else []
    if first is None:
        where, example = "the spec names no server", "https://api.example.com"
    else:
        where = f"the spec's server URL, {first.url!r}, is relative to where the API is deployed"
        example = "https://your-host" + ("/" + first.url.lstrip("/") if first.url.strip("/")
                                         else "")
    missing = ("" if usable else
               literal(f"no base URL: pass base_url= (such as {example!r}) or set ${env}; {where}"))
    others = [f"`{s.url}`" + (f": {doc_lines(s.description)[0]}" if doc_lines(s.description)
                              else "") for s in api.servers[1:]]
    return ServerView(
        base_url=literal(usable.url if usable else ""),
        base_url_text=usable.url if usable else "",
        base_url_doc=(doc_lines(usable.default_url())[0] if usable
                      else "none (the spec gives no absolute server URL)"),
        options=options, missing=missing,
        readme_base_url="" if usable else literal(example), others=others,
        call=("_base_url(base_url, {" + ", ".join(f"{o.wire}: {o.name}" for o in options) + "})"
              if options else "_base_url(base_url)"),
        literal=any(o.annotation != "str" for o in options),
    )


def _option(variable: ir.ServerVariable, name: str) -> ServerOptionView:
    annotation = ("Literal[" + ", ".join(literal(v) for v in variable.enum) + "]"
                  if variable.enum else "str")
    allowed = f" (one of {', '.join(variable.enum)})" if variable.enum else ""
    described = doc_lines(variable.description, 200)[0] if variable.description else ""
    text = (f"fills {{{variable.name}}} in the default base URL{allowed}, default "
            f"{variable.default!r}" + (f": {described}" if described else "."))
    return ServerOptionView(name, annotation, literal(variable.default), literal(variable.name),
                            doc_lines(f"{name}: {text}", 200)[0], text)
