"""The README's view of the methods that return event streams."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sdkforge.emit.resource_views import ResourceView
from sdkforge.model import ir
from sdkforge.names.assign import Names


@dataclass(frozen=True, slots=True)
class StreamedView:
    call: str  # client.chat.create(model=..., stream=True)
    item: str  # what each item is, as users spell it ("|" escaped for a table cell)
    when: str  # when the method returns the stream


def streamed_methods(
    api: ir.Api, names: Names, resources: Iterable[ResourceView]
) -> list[StreamedView]:
    """One row per method that may return a stream, in the order of the resources; items of
    a component's union named by it (`models.ResponseStreamEvent`), not spelt out."""
    aliases = {repr(alias.target): f"models.{names.aliases[alias.key]}"
               for alias in names.named_aliases(api)}
    views = []
    for resource in resources:
        for m in resource.methods:
            sig = m.signature
            if sig.stream is None:
                continue
            call = f"client.{resource.attribute}.{m.readme_call}"
            if sig.stream_field:
                call = call[:-1] + ("" if call.endswith("()") else ", ") + "stream=True)"
                when = "with `stream=True`"
            elif sig.response_kind == "stream":
                when = "always"
            else:
                when = "when the response is a stream (by its content type)"
            found = re.search(r"\bStream\[(.*)\]$", m.readme_returns)
            item = found.group(1) if found else m.readme_returns
            if sig.stream.item is not None:
                item = aliases.get(repr(sig.stream.item), item)
            views.append(StreamedView(call, item.replace("|", "\\|"), when))
    return views
