"""Whose fault a body complaint is (see `classify`): a required property the signature let be
left out, a body sent for nothing, the harness's invalid value, or a JSON, form or multipart
body compared with what was asked for."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from . import wire
from .findings import Finding, Spec
from .findings import parse_json as _json


def _intended(call: dict[str, Any]) -> tuple[bool, Any]:
    """(whether a body was asked for, its JSON value)."""
    whole = [a for a in call["args"] if a["where"] == "whole-body"]
    if whole:
        return True, whole[0]["value"]
    fields = {a["wire"]: a["value"] for a in call["args"] if a["where"] == "body"}
    return bool(fields), fields


def _body_schema(spec: Spec, call: dict[str, Any]
                 ) -> tuple[dict[str, Any], str, Any, dict[str, Any]]:
    """(the requestBody, the media type sent, its schema, its `encoding` object)."""
    body = spec.deref(spec.get(call["pointer"]).get("requestBody"))
    content = body.get("content") or {}
    sent = ((call.get("request") or {}).get("headers", {}).get("content-type") or "")
    sent = sent.split(";")[0].strip()
    media = sent if sent in content else next(iter(content), "")
    found = spec.deref(content.get(media)) if media else {}
    return body, media, found.get("schema", {}), found.get("encoding") or {}


def body_finding(call: dict[str, Any], spec: Spec, path: list[str], v: dict[str, Any],
          said: str) -> Finding:
    asked, value = _intended(call)
    request_body, media, schema, encoding = _body_schema(spec, call)
    sent_text = (call.get("request") or {}).get("body") or ""
    if not asked:
        if sent_text and not request_body.get("required"):
            return Finding("client", "optional body sent although no body field was given",
                           f"{said}; sent {sent_text[:120]!r}")
        required_fields = (spec.deref(schema).get("required") or []) if schema else []
        sent_type = (call.get("request") or {}).get("headers", {}).get("content-type") or ""
        if request_body.get("required") and not required_fields and sent_type:
            # The schema requires no field: an empty form (or a multipart with no parts) is the
            # body `{}`, sent with its content type; Prism reads an empty body as none.
            return Finding("mock", f"required {media} body with no field required: the empty "
                           "body sent is taken for none", said)
        if request_body.get("required"):
            return Finding("client", "required body: nothing in the signature requires it",
                           said)
        return Finding("unclassified", "body complaint, no body given", said)
    missing = missing_property(v)
    if missing is not None and not path and missing not in (value or {}):
        known = [a for a in call.get("signature", []) if a["where"] == "body"
                 and a["wire"] == missing]
        if known and not known[0]["required"]:
            return Finding("client", "body field required by the schema optional in the "
                           "signature", said)
        if not known and call["mode"] == "all":
            return Finding("client", "required body field has no argument", said)
    invalid = spec.checker.error(schema, value) if schema else None
    if invalid is not None and "read-only" in invalid:
        field = invalid.split(":")[0].split("/")[0]
        required = [a for a in call.get("signature", []) if a["wire"] == field and a["required"]]
        if required:
            return Finding("client", "a readOnly property is a required argument",
                           f"{said} ({invalid}); the signature requires {required[0]['name']}")
    if invalid is not None and "is valid under each of" in invalid:
        return Finding("mock", "spec self-contradictory: oneOf variants that all accept the "
                       "value (none is required to differ)", f"{said} ({invalid})")
    if invalid is not None:
        return Finding("harness", "synthesized body invalid", f"{said} ({invalid})")
    return _body_sent(media, encoding, value, sent_text, said, path[:1])


def missing_property(v: dict[str, Any]) -> str | None:
    message = str(v.get("message", ""))
    if v.get("code") == "required" and "'" in message:
        return message.split("'")[1]
    return None


def _body_sent(media: str, encoding: dict[str, Any], value: Any, sent_text: str, said: str,
               field: list[str]) -> Finding:
    if "json" in media:
        sent = _json(sent_text)
        if sent == value:
            return Finding("mock", "mock rejects a valid JSON body sent as made", said)
        return Finding("client", "JSON body sent differently from the arguments",
                       f"{said}; sent {sent_text[:160]!r}")
    if media == "application/x-www-form-urlencoded" and isinstance(value, dict):
        sent_pairs = parse_qsl(sent_text, keep_blank_values=True)
        expected: list[tuple[str, str]] = []
        for key, item in value.items():
            how = encoding.get(key) if isinstance(encoding.get(key), dict) else {}
            style = str(how.get("style", "form"))
            explode = bool(how.get("explode", wire.default_explode(style)))
            pairs = wire.expected("query", style, explode, key, item)
            if not isinstance(pairs, list):
                return Finding("unclassified", f"form body: {style} explode={explode} of a "
                               "nested value, undefined by OpenAPI", said)
            expected += pairs
        if wire.contains(sent_pairs, expected):
            return Finding("mock", "mock rejects a valid form body sent as made", said)
        return Finding("client", "form body sent differently from the arguments",
                       f"{said}; sent {sent_text[:160]!r}")
    if media == "multipart/form-data" and isinstance(value, dict):
        return _multipart({k: v for k, v in value.items() if not field or k == field[0]},
                          sent_text, said)
    return Finding("unclassified", f"{media or 'body'} complaint", said)


def _multipart(value: dict[str, Any], sent_text: str, said: str) -> Finding:
    """One part per property, one per item of an array (OpenAPI 3.1 §4.8.14.5)."""
    names = re.findall(r'Content-Disposition: form-data; name="([^"]+)"', sent_text)
    wanted = {k: len(v) if isinstance(v, list) else 1 for k, v in value.items()}
    got = {k: names.count(k) for k in wanted}
    if got == wanted:
        return Finding("mock", "mock rejects multipart parts sent as OpenAPI says (one part "
                       "per property, one per array item)", f"{said}; parts {names}")
    return Finding("client", "multipart parts differ from the arguments",
                   f"{said}; parts {names}, wanted {wanted}")
