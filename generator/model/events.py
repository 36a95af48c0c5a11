"""Requests the API makes to you: `webhooks:` (OpenAPI 3.1) and operations' `callbacks:`.

Each becomes an `ir.Event` whose JSON payload (its request body's schema) is typed like any
other schema, so its models are generated and named as every model is. The webhooks' payloads
together are one type, the alias `ir.EVENTS`, which `client.webhooks.unwrap` returns: a union
told apart by the payloads' discriminator, or by a property each payload fixes to its own
values (OpenAI's `type`, a `const` per event), else a plain union.
"""

from __future__ import annotations

from typing import Any

from sdkforge.diagnostics import Diagnostics, join_pointer
from sdkforge.model import ir
from sdkforge.model.discriminators import discriminator, implied
from sdkforge.model.operations import HTTP_METHODS, body_kind
from sdkforge.model.schemas import SchemaBuilder
from sdkforge.read.resolve import Location, Resolved

_EVENT_HINT = "WebhookEvent"  # the union's name, unless a schema's name takes it


class EventBuilder:
    def __init__(
        self, resolved: Resolved, schemas: SchemaBuilder, diagnostics: Diagnostics
    ) -> None:
        self.resolved = resolved
        self.schemas = schemas
        self.diagnostics = diagnostics

    def build(self) -> tuple[tuple[ir.Event, ...], ir.Alias | None]:
        """Every webhook, then every callback, and the webhooks' union (None without any
        JSON payload)."""
        data = self.resolved.root.data
        events = list(self._webhooks(data.get("webhooks")))
        events += self._callbacks(data.get("paths"))
        return tuple(events), self._union([e for e in events if e.kind == "webhook"])

    # ---------------------------------------------------------------- walking the spec
    def _webhooks(self, webhooks: object) -> list[ir.Event]:
        found: list[ir.Event] = []
        for name, item in (webhooks.items() if isinstance(webhooks, dict) else ()):
            loc = Location("", join_pointer("/webhooks", str(name)))
            for method, op, op_loc in self._operations(item, loc):
                raw_id = op.get("operationId")
                base = (ir.NameHint("operation", raw_id, extra=(method, f"/{name}"))
                        if isinstance(raw_id, str) and raw_id else ir.NameHint("word", str(name)))
                found.append(self._event("webhook", str(name), method, op, op_loc,
                                         ir.NameHint("text", "Event", base)))
        return found

    def _callbacks(self, paths: object) -> list[ir.Event]:
        found: list[ir.Event] = []
        for path, item in (paths.items() if isinstance(paths, dict) else ()):
            item_loc = Location("", join_pointer("/paths", str(path)))
            for method, op, op_loc in self._operations(item, item_loc):
                callbacks = op.get("callbacks")
                raw_id = op.get("operationId")
                owner = ir.NameHint("operation", raw_id if isinstance(raw_id, str) else "",
                                    extra=(method, str(path)))
                for name, raw in (callbacks.items() if isinstance(callbacks, dict) else ()):
                    found += self._callback(str(name), raw, op_loc, owner)
        return found

    def _callback(
        self, name: str, raw: object, op_loc: Location, owner: ir.NameHint
    ) -> list[ir.Event]:
        """One entry of an operation's `callbacks`: its requests, by URL expression and method;
        their payloads are named after the operation and the callback's key."""
        at = op_loc.at("callbacks", name)
        try:
            node, at = self.resolved.deref(raw, at)
        except KeyError:
            return []
        hint = ir.NameHint("text", "Body", ir.NameHint("word", name, owner))
        found = []
        for expression, item in (node.items() if isinstance(node, dict) else ()):
            item_loc = at.at(str(expression))
            for method, op, loc in self._operations(item, item_loc):
                found.append(self._event("callback", name, method, op, loc, hint, op_loc.pointer))
        return found

    def _operations(
        self, item: object, loc: Location
    ) -> list[tuple[str, dict[str, Any], Location]]:
        """The operations of a path item (its `$ref` followed), with their places."""
        try:
            node, loc = self.resolved.deref(item, loc)
        except KeyError:
            return []
        if not isinstance(node, dict):
            return []
        return [(method, node[method], loc.at(method))
                for method in HTTP_METHODS if isinstance(node.get(method), dict)]

    def _event(
        self, kind: ir.EventKind, name: str, method: str, op: dict[str, Any], loc: Location,
        hint: ir.NameHint, owner: str = "",
    ) -> ir.Event:
        description = ir.spec_text(op.get("description")) or ir.spec_text(op.get("summary"))
        return ir.Event(kind, name, method, self._payload(op, loc, hint), description,
                        loc.pointer, owner)

    def _payload(self, op: dict[str, Any], loc: Location, hint: ir.NameHint) -> ir.TypeRef | None:
        """The type of the request body's JSON schema; None without one (a form body, say)."""
        at = loc.at("requestBody")
        try:
            node, at = self.resolved.deref(op.get("requestBody"), at)
        except KeyError:
            return None
        content = node.get("content") if isinstance(node, dict) else None
        for content_type, media in (content.items() if isinstance(content, dict) else ()):
            if body_kind(str(content_type)) == "json" and isinstance(media, dict):
                schema_loc = at.at("content",
                                                            str(content_type), "schema")
                return self.schemas.type_of(media.get("schema") or {}, schema_loc, hint)
        if isinstance(content, dict) and content:
            self.diagnostics.info(self.resolved.display_file(loc.file), loc.pointer,
                                  "only a JSON payload is parsed: this one has no model")
        return None

    # ---------------------------------------------------------------- the union
    def _union(self, webhooks: list[ir.Event]) -> ir.Alias | None:
        variants: list[ir.TypeRef] = []
        for event in webhooks:
            if event.payload is not None and event.payload not in variants:
                variants.append(event.payload)
        if not variants:
            return None
        target: ir.TypeRef = variants[0]
        if len(variants) > 1:
            target = ir.UnionOf(tuple(variants), self._discriminator(variants))
        return ir.Alias(
            key=ir.EVENTS, hint=ir.NameHint("text", _EVENT_HINT), target=target,
            description="Every event the API sends to your webhook endpoint (the payloads of "
                        "the spec's `webhooks`): what the client's `unwrap` returns.",
            pointer="/webhooks", inline=True,
        )

    def _discriminator(self, variants: list[ir.TypeRef]) -> ir.Discriminator | None:
        keys = [v.key for v in variants if isinstance(v, ir.ModelRef)]
        if len(keys) != len(variants) or any(k not in self.schemas.models for k in keys):
            return None
        models = [self.schemas.models[k] for k in keys]
        prop = implied(self.resolved, models)
        if prop is None:
            return None
        at = Location("", "/webhooks")

        def warn(where: Location, message: str) -> None:
            self.diagnostics.warning(self.resolved.display_file(where.file), where.pointer,
                                     message)

        return discriminator({"propertyName": prop}, tuple(variants), at, self.resolved, warn)
