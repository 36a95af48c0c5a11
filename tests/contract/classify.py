"""Whose fault a failed call is: the client's, the mock's, the harness's, or unclassified.

`judge(call, spec)` reads one call record (`caller`'s JSON line) with the spec and returns a
`Verdict`: the call's kind (ok, rejected, parse, exception, harness) and one `Finding` per
complaint, each with a fault, a cause (the grouping key of SUMMARY.md) and why. The rules, in
short (each finding says which one it used):

- A parameter complaint (path, query, header, cookie): the value the harness made is checked
  against the schema first (invalid: the harness's fault); then what was sent is compared with
  what OpenAPI's style/explode table says (`wire`): different, the client's fault; the same, the
  mock's (it rejects a valid value sent as the standard says). A required parameter the
  signature made optional or left out is the client's fault.
- A body complaint: a required property the harness did not give is the client's fault when
  the signature let it be left out; a body sent when no body field was given for an optional
  body is the client's; an invalid synthesized body is the harness's; a JSON or form body
  that was sent exactly as made and is valid is the mock's; sent otherwise, the client's.
- 401/403: the credentials of some security alternative present in the request: the mock's;
  absent: the client's. 404/405: the URL matches the path template: the mock's; else the
  client's.
- A response that failed to parse: checked against the response schema (read mode): invalid,
  the mock's (its dynamic example is wrong); valid, the client's (typed too narrowly).
- Anything these rules do not decide is "unclassified", with the complaint kept.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from . import wire
from .validator import Checker

FAULTS = ("client", "mock", "harness", "unclassified")


@dataclass(frozen=True, slots=True)
class Finding:
    fault: str
    cause: str
    why: str


@dataclass
class Verdict:
    kind: str  # ok, miswired, rejected, parse, exception, harness, mock-crash
    findings: list[Finding] = field(default_factory=list)

    @property
    def fault(self) -> str | None:
        """The call's fault: the client's if any complaint is, then the harness's, the
        mock's, unclassified."""
        faults = {f.fault for f in self.findings}
        for fault in ("client", "harness", "mock", "unclassified"):
            if fault in faults:
                return fault
        return None


class Spec:
    """What classification needs from the spec: operations by pointer, parameters, bodies."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.checker = Checker(doc)

    def get(self, pointer: str) -> Any:
        node: Any = self.doc
        for token in pointer.lstrip("#").split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            node = node.get(token) if isinstance(node, dict) else None
        return self.deref(node)

    def deref(self, node: Any) -> Any:
        for _ in range(30):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            node = self.get(node["$ref"])
        return node if isinstance(node, dict) else {}

    def parameters(self, op_pointer: str) -> list[dict[str, Any]]:
        item = self.get(op_pointer.rsplit("/", 1)[0])
        op = self.get(op_pointer)
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for param in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
            param = self.deref(param)
            found[(str(param.get("in")), str(param.get("name")).lower())] = param
        return list(found.values())

    def parameter(self, op_pointer: str, where: str, name: str) -> dict[str, Any] | None:
        for param in self.parameters(op_pointer):
            if param.get("in") == where and str(param.get("name")).lower() == name.lower():
                return param
        return None


def judge(call: dict[str, Any], spec: Spec) -> Verdict:
    kind = call["outcome"]
    if kind == "ok":
        wrong = _miswired(call, spec, "accepted by the mock")
        return Verdict("miswired", wrong) if wrong else Verdict("ok")
    if kind == "harness":
        return _unconverted(call)
    if kind == "parse":
        return Verdict("parse", [_parse(call, spec)])
    if kind == "mock-crash":
        # The mock should have answered 422, not died; but a crash on a parameter the client
        # sent against the style table is the client's fault first.
        crashed = Finding("mock", "the mock process crashed on the request",
                          str(call.get("message")))
        return Verdict("mock-crash", [*_miswired(call, spec, "the mock crashed"), crashed])
    if kind == "exception":
        return Verdict("exception", [Finding("client", f"exception: {call.get('error')}",
                                             f"{call.get('message')} at {call.get('trace')}")])
    response = call.get("response") or {}
    status = response.get("status")
    violations = _violations(response)
    if violations:
        return Verdict("rejected", [_violation(call, spec, v) for v in violations])
    said = f"{status}: {str(response.get('body'))[:300]}"
    if status in (401, 403):
        return Verdict("rejected", [_security(call, spec)])
    if status in (404, 405):
        return Verdict("rejected", [_routing(call)])
    if status == 406:
        return Verdict("rejected", [_not_acceptable(call, spec, said)])
    problem = re.search(r'"type":\s*"https://stoplight.io/prism/errors#(\w+)"',
                        str(response.get("body")))  # the body may be cut, so not parsed
    if status == 500 and problem and problem.group(1) == "VIOLATIONS":
        return Verdict("rejected", [Finding("mock", "mock's own response breaks the schema "
                                            "(it says so itself)", said)])
    if status == 500 and (call.get("request") or {}).get("method") == "HEAD" \
            and not response.get("body"):
        return Verdict("rejected", [Finding(
            "mock", "mock answers a HEAD with 500 and no body (its log: request valid, then its "
            "own empty answer fails its response check)", said)])
    if status == 500 and problem:
        return Verdict("rejected", [Finding("mock", "mock cannot build a response (the "
                                            "request passed validation)", said)])
    wrong_type = _undeclared_content_type(call, spec)
    if wrong_type is not None:
        return Verdict("rejected", [Finding("client", "body sent with a Content-Type its "
                                            "requestBody does not declare", f"{said}; "
                                            f"{wrong_type}")])
    return Verdict("rejected", [Finding("unclassified", f"mock answered {status}", said)])


def _undeclared_content_type(call: dict[str, Any], spec: Spec) -> str | None:
    request = call.get("request") or {}
    sent = ((request.get("headers") or {}).get("content-type") or "").split(";")[0].strip()
    body = spec.deref(spec.get(call["pointer"]).get("requestBody"))
    declared = [m.split(";")[0].strip() for m in body.get("content") or {}]
    if not sent or not declared or any(_covers(d, sent) for d in declared):
        return None
    return f"sent Content-Type {sent!r}, declared {declared}"


def _violations(response: dict[str, Any]) -> list[dict[str, Any]]:
    """Prism's request violations: the 422 body it makes, or, when the spec declares its own
    400/422 answer, the `sl-violations` header beside it."""
    body = _json(response.get("body"))
    found = body.get("validation") if isinstance(body, dict) else None
    if not isinstance(found, list):
        found = _json((response.get("headers") or {}).get("sl-violations"))
    if not isinstance(found, list):
        return []
    out = []
    for v in found:
        if isinstance(v, dict) and v.get("severity", "Error") == "Error":
            location = [str(p) for p in v.get("location") or []]
            if location[:1] != ["response"]:  # the mock's check of its own answer
                out.append({**v, "location": location[1:] if location[:1] == ["request"]
                            else location})
    return out


def _not_acceptable(call: dict[str, Any], spec: Spec, said: str) -> Finding:
    accept = ((call.get("request") or {}).get("headers") or {}).get("accept", "*/*")
    declared = {media for response in (spec.get(call["pointer"]).get("responses") or {}).values()
                for media in (spec.deref(response).get("content") or {})}
    wanted = {a.split(";")[0].strip() for a in accept.split(",")}
    if any(_covers(d, w) or _covers(w, d) for d in declared for w in wanted):
        return Finding("mock", "mock refuses an Accept that a declared media range covers",
                       f"{said}; Accept: {accept}; declared {sorted(declared)}")
    return Finding("client", "Accept names no media type the operation answers with",
                   f"{said}; Accept: {accept}; declared {sorted(declared)}")


def _covers(media_range: str, media: str) -> bool:
    kind, _, sub = media_range.partition("/")
    other_kind, _, other_sub = media.partition("/")
    return kind == "*" or (kind == other_kind and sub in ("*", other_sub))


def _miswired(call: dict[str, Any], spec: Spec, said: str) -> list[Finding]:
    """The client's own faults in the parameters it sent, found by the style table whatever
    the mock said (Prism does not check cookies at all, and dies on some path styles)."""
    return [f for a in call["args"] if a["where"] in ("path", "query", "header", "cookie")
            for f in [_param(call, spec, a["where"], a["wire"], said)] if f.fault == "client"]


def _json(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _unconverted(call: dict[str, Any]) -> Verdict:
    bad = [a for a in call["args"] if "unconverted" in a]
    findings = []
    for arg in bad:
        if arg.get("invalid"):
            findings.append(Finding("harness", "synthesized value invalid",
                                    f"{arg['name']}: {arg['invalid']}"))
        else:
            findings.append(Finding(
                "unclassified", "annotation refuses a schema-valid value",
                f"{arg['name']}={json.dumps(arg['value'])[:120]}: {arg['unconverted']}"))
    return Verdict("harness", findings)


# -- parameters ---------------------------------------------------------------------------------

def _violation(call: dict[str, Any], spec: Spec, v: dict[str, Any]) -> Finding:
    location = [str(p) for p in v.get("location") or []]
    where = location[0] if location else ""
    said = f"{'.'.join(location)}: {v.get('message')}"
    if where == "body" or (not location and "Body parameter is required" in said):
        return _body(call, spec, location[1:], v, said)
    if where in ("path", "query", "header", "cookie") and len(location) == 1 \
            and _missing_property(v) is not None:  # "Request query must have required property"
        location.append(str(_missing_property(v)))
    if where in ("path", "query", "header", "cookie") and len(location) > 1:
        return _param(call, spec, where, location[1], said)
    return Finding("unclassified", f"complaint at {where or 'no location'}", said)


def _given(call: dict[str, Any], where: str, name: str) -> dict[str, Any] | None:
    for arg in call["args"]:
        if arg["where"] == where and arg["wire"].lower() == name.lower():
            return arg
    return None


def _param(call: dict[str, Any], spec: Spec, where: str, name: str, said: str) -> Finding:
    param = spec.parameter(call["pointer"], where, name)
    if param is None:
        return Finding("unclassified", f"{where} parameter not in the spec", said)
    arg = _given(call, where, name)
    if arg is None:
        return _not_given(call, where, param, said)
    if arg.get("invalid"):
        return Finding("harness", "synthesized value invalid", f"{said} ({arg['invalid']})")
    style = str(param.get("style", wire.DEFAULT_STYLE[where]))
    explode = bool(param.get("explode", wire.default_explode(style)))
    shape = _shape(arg["value"])
    expected = wire.expected(where, style, explode, str(param["name"]), arg["value"])
    sent = _sent(call, where, str(param["name"]), style, explode)
    label = f"{where} {shape} style={style} explode={str(explode).lower()}"
    if _python_repr(_own(sent, str(param["name"]), expected, arg["value"])):
        return Finding("client", f"{label}: Python's repr()/str() sent on the wire",
                       f"{said}; sent {str(sent)[:200]!r}")
    if expected is None or sent is None:
        return Finding("unclassified", f"{label}: encoding undefined by OpenAPI", said)
    if _matches(expected, sent):
        return Finding("mock", f"{label}: mock rejects the standard encoding",
                       f"{said}; sent {sent!r} as OpenAPI says")
    return Finding("client", f"{label}: sent differently from the style table",
                   f"{said}; sent {sent!r}, OpenAPI says {expected!r}")


def _own(sent: Any, name: str, expected: Any, value: Any) -> Any:
    """The sent pairs that belong to the parameter (its name, `name[...]`, the names the table
    gives, an object's own keys when it is spread); path and header texts as they are."""
    if not isinstance(sent, list):
        return sent
    names = {k for k, _ in expected} if isinstance(expected, list) else set()
    names |= set(value) if isinstance(value, dict) else set()
    return [(k, v) for k, v in sent if k == name or k.startswith(f"{name}[") or k in names]


def _python_repr(sent: Any) -> bool:
    """A value as Python prints it ("['a']", "{'x': 1}", a model's "x=1 y='a'"): no encoding
    OpenAPI or JSON knows."""
    texts = [v for _, v in sent] if isinstance(sent, list) else [sent]
    return any(isinstance(t, str) and re.search(r"^[\[{]'|\{'[^']*': |\['|^\w+=\S+ \w+=", t)
               is not None for t in texts)


def _shape(value: Any) -> str:
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) \
        else "primitive"


def _sent(call: dict[str, Any], where: str, name: str, style: str, explode: bool) -> Any:
    request = call.get("request") or {}
    if where == "query":
        return wire.sent_query(request.get("url", ""))
    if where == "cookie":
        return wire.sent_cookies(request.get("headers", {}).get("cookie"))
    if where == "header":
        return request.get("headers", {}).get(name.lower())
    template = call["endpoint"].partition(" ")[2]
    found = wire.path_values(template, request.get("url", ""))
    return None if found is None else found.get(name)


def _matches(expected: Any, sent: Any) -> bool:
    """For pairs: each name the table gives is sent with exactly the values it gives (a name
    sent twice, say by an argument and a credential of the same name, does not match)."""
    if isinstance(expected, list):
        if not isinstance(sent, list):
            return False
        names = {k for k, _ in expected}
        return all([_same(v) for k, v in sent if k == n] == [_same(v) for k, v in expected
                                                              if k == n] for n in names)
    return _same(expected) == _same(sent)


def _same(text: Any) -> Any:
    """A number's text as its value ("1" and "1.0" are one number in JSON Schema)."""
    try:
        return float(text) if isinstance(text, str) and text.strip() else text
    except ValueError:
        return text


def _not_given(call: dict[str, Any], where: str, param: dict[str, Any], said: str) -> Finding:
    name = str(param.get("name"))
    if where == "header" and name.lower() in _client_headers(call):
        sent = (call.get("request") or {}).get("headers", {}).get(name.lower())
        given = _client_headers(call)[name.lower()]
        if sent != given:
            return Finding("client", "a header given to the client is replaced or dropped",
                           f"{said}; the client was given {name}: {given!r}, sent {sent!r}")
        return Finding("unclassified", "header given to the client, sent as given", said)
    signature = [a for a in call.get("signature", [])
                 if a["where"] == where and a["wire"].lower() == name.lower()]
    if param.get("required") and not signature:
        return Finding("client", f"required {where} parameter has no argument", said)
    if param.get("required") and not signature[0]["required"]:
        return Finding("client", f"required {where} parameter optional in the signature", said)
    if not param.get("required") and not _present(call, where, name):
        return Finding("mock", f"mock checks an optional {where} parameter that was not sent",
                       said)
    return Finding("unclassified", f"{where} parameter not given", said)


def _present(call: dict[str, Any], where: str, name: str) -> bool:
    request = call.get("request") or {}
    if where == "query":
        return any(k == name or k.startswith(f"{name}[")
                   for k, _ in wire.sent_query(request.get("url", "")))
    if where == "header":
        return name.lower() in request.get("headers", {})
    if where == "cookie":
        return any(k == name for k, _ in wire.sent_cookies(request.get("headers", {})
                                                           .get("cookie")))
    return True


def _client_headers(call: dict[str, Any]) -> dict[str, str]:
    """Headers every operation declares, which sdkforge makes client options: {lower name: the
    value the client was given}."""
    return {k.lower(): v for k, v in (call.get("client_headers") or {}).items()}


# -- bodies -------------------------------------------------------------------------------------

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


def _body(call: dict[str, Any], spec: Spec, path: list[str], v: dict[str, Any],
          said: str) -> Finding:
    asked, value = _intended(call)
    request_body, media, schema, encoding = _body_schema(spec, call)
    sent_text = (call.get("request") or {}).get("body") or ""
    if not asked:
        if sent_text and not request_body.get("required"):
            return Finding("client", "optional body sent although no body field was given",
                           f"{said}; sent {sent_text[:120]!r}")
        if request_body.get("required"):
            return Finding("client", "required body: nothing in the signature requires it",
                           said)
        return Finding("unclassified", "body complaint, no body given", said)
    missing = _missing_property(v)
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


def _missing_property(v: dict[str, Any]) -> str | None:
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


# -- security, routing, responses ---------------------------------------------------------------

def _security(call: dict[str, Any], spec: Spec) -> Finding:
    op = spec.get(call["pointer"])
    alternatives = op.get("security", spec.doc.get("security")) or []
    schemes = (spec.doc.get("components") or {}).get("securitySchemes") or {}
    request = call.get("request") or {}
    said = f"{(call.get('response') or {}).get('status')}: " + \
        str((call.get("response") or {}).get("body"))[:200]
    for alternative in alternatives:
        if isinstance(alternative, dict) and all(
                _credential_sent(spec.deref(schemes.get(name)), request) for name in alternative):
            return Finding("mock", "mock refuses credentials that were sent", said)
    return Finding("client", "credentials not sent as the security scheme says", said)


def _credential_sent(scheme: dict[str, Any], request: dict[str, Any]) -> bool:
    headers = request.get("headers", {})
    kind = scheme.get("type")
    if kind == "apiKey":
        name = str(scheme.get("name", ""))
        where = scheme.get("in")
        if where == "header":
            return name.lower() in headers
        if where == "query":
            return any(k == name for k, _ in wire.sent_query(request.get("url", "")))
        return any(k == name for k, _ in wire.sent_cookies(headers.get("cookie")))
    auth = headers.get("authorization", "")
    if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        return auth.lower().startswith("basic ")
    return auth.lower().startswith("bearer ")


def _routing(call: dict[str, Any]) -> Finding:
    request = call.get("request") or {}
    method, _, template = call["endpoint"].partition(" ")
    said = f"{(call.get('response') or {}).get('status')}: " + \
        str((call.get("response") or {}).get("body"))[:200]
    if wire.path_values(template, request.get("url", "")) is None \
            or request.get("method") != method.upper():
        return Finding("client", "URL or method does not match the operation",
                       f"{said}; sent {request.get('method')} {request.get('url')}")
    return Finding("mock", "mock does not route a URL that matches the path template", said)


def _parse(call: dict[str, Any], spec: Spec) -> Finding:
    response = call.get("response") or {}
    status = str(response.get("status"))
    responses = spec.get(call["pointer"]).get("responses") or {}
    declared = responses.get(status) or responses.get(f"{status[0]}XX") \
        or responses.get("default")
    content = spec.deref(declared).get("content") or {}
    media = (response.get("headers", {}).get("content-type") or "").split(";")[0].strip()
    by_base = {k.split(";")[0].strip(): v for k, v in content.items()}
    schema = (spec.deref(by_base.get(media)) or {}).get("schema") if media in by_base else None
    said = f"{call.get('error')}: {str(call.get('message'))[:300]}"
    if schema is None:
        return Finding("unclassified", f"response {status} {media or '(no type)'} not declared "
                       "with a schema", said)
    body = _json(response.get("body"))
    if "json" in media and body is None:
        return Finding("mock", "mock response is not JSON", said)
    invalid = spec.checker.error(schema, body, write=False)
    if invalid is not None:
        return Finding("mock", "mock response invalid per the schema", f"{said} ({invalid})")
    return Finding("client", f"valid response failed to parse: {call.get('error')}", said)
