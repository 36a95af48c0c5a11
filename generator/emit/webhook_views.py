"""What the client's webhooks helper (`_webhooks.py`), the client and the README print about
the requests the API makes to you: webhooks and callbacks."""

from __future__ import annotations

from dataclasses import dataclass

from sdkforge.emit.pyexpr import doc_lines, literal
from sdkforge.model import ir
from sdkforge.names.allocate import ClassName, Identifier
from sdkforge.names.assign import Names

_LISTED = 20  # callbacks the README lists by name


@dataclass(frozen=True, slots=True)
class WebhooksView:
    attribute: Identifier  # `client.<attribute>.unwrap(...)`
    event: ClassName  # what `unwrap` returns: the union's name in `models`
    secret: Identifier  # the client argument
    env: str  # the environment variable it defaults to
    env_literal: str
    doc: str  # the argument's line in the client's docstring
    example: ClassName | None  # a model of the union, for the README's `isinstance`
    tag: str  # the property that tells the events apart ("" when none does)
    count: int  # how many webhooks have a JSON payload


@dataclass(frozen=True, slots=True)
class CallbackView:
    model: str  # the payload's type, as the README prints it
    name: str  # the callback's key
    call: str  # the method that registers it: `resource.method`


def webhooks_view(api: ir.Api, names: Names, package: str) -> WebhooksView | None:
    """None when the client has no `webhooks` (no webhook with a JSON payload)."""
    if names.webhooks is None or names.webhook_secret is None:
        return None
    union = next(a for a in api.aliases if a.key == ir.EVENTS)
    target = union.target
    if ir.EVENTS in names.aliases:
        event = names.aliases[ir.EVENTS]
    else:  # a single payload whose class took the union's name
        assert isinstance(target, ir.ModelRef)
        event = names.types[target.key]
    variants = target.variants if isinstance(target, ir.UnionOf) else (target,)
    first = next((v for v in variants if isinstance(v, ir.ModelRef)), None)
    tag = (target.discriminator.property
           if isinstance(target, ir.UnionOf) and target.discriminator else "")
    env = f"{package}_{names.webhook_secret}".upper()
    doc = doc_lines(f"{names.webhook_secret}: the webhooks' signing secret; defaults to ${env}.",
                    200)[0]
    return WebhooksView(
        attribute=names.webhooks, event=event, secret=names.webhook_secret, env=env,
        env_literal=literal(env), doc=doc,
        example=names.types[first.key] if first is not None else None, tag=tag,
        count=sum(1 for e in api.events if e.kind == "webhook" and e.payload is not None),
    )


def callback_views(api: ir.Api, names: Names) -> tuple[list[CallbackView], int]:
    """The callbacks with a named payload, for the README (at most `_LISTED`), and how many
    more there are."""
    calls = {op.pointer: f"{resource.attribute}.{names.method(op)}"
             for resource in names.resources for op in resource.operations}
    views = []
    for event in api.events:
        if event.kind != "callback" or event.owner not in calls:
            continue
        payload = ir.non_null(event.payload) if event.payload is not None else None
        if not (isinstance(payload, ir.ModelRef) and payload.key in names.types):
            continue  # a list or a scalar: nothing to import
        view = CallbackView(f"models.{names.types[payload.key]}", event.name, calls[event.owner])
        if view not in views:
            views.append(view)
    return views[:_LISTED], max(0, len(views) - _LISTED)
