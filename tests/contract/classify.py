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
from typing import Any

from . import wire
from .bodies import body_finding, missing_property
from .findings import Finding, Spec, Verdict
from .findings import parse_json as _json

__all__ = ["Finding", "Spec", "Verdict", "judge"]


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
        return body_finding(call, spec, location[1:], v, said)
    if where in ("path", "query", "header", "cookie") and len(location) == 1 \
            and missing_property(v) is not None:  # "Request query must have required property"
        location.append(str(missing_property(v)))
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
