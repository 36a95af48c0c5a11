"""How OpenAPI says a parameter value goes on the wire (3.1 §4.8.12.4, style and explode), written
here independently of the generated runtime: when the mock rejects a parameter, the harness
compares what the client sent with what this table says, to tell the client's fault from the
mock's.

`expected(where, style, explode, name, value)` gives, for a JSON value:
- query and cookie: the decoded `(name, value)` pairs, in order;
- path and header: the decoded text.
It returns None where OpenAPI leaves the result undefined (nested objects, deepObject of an
array, spaceDelimited and pipeDelimited with explode of an object).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

DEFAULT_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


def text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def default_explode(style: str) -> bool:
    return style == "form"


def _flat(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value
    return all(not isinstance(v, (dict, list)) for v in items)


def expected(where: str, style: str, explode: bool, name: str, value: Any
             ) -> list[tuple[str, str]] | str | None:
    if isinstance(value, (dict, list)) and not _flat(value):
        return None
    if where in ("query", "cookie"):
        return _pairs(style, explode, name, value)
    if where in ("path", "header"):
        return _template(style, explode, name, value)
    return None


_JOIN = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def _pairs(style: str, explode: bool, name: str, value: Any) -> list[tuple[str, str]] | None:
    if isinstance(value, list):
        if style == "deepObject":
            return None
        if explode:
            return [(name, text(v)) for v in value]
        return [(name, _JOIN.get(style, ",").join(text(v) for v in value))]
    if isinstance(value, dict):
        if style == "deepObject":
            return [(f"{name}[{k}]", text(v)) for k, v in value.items()]
        if explode:
            return None if style != "form" else [(k, text(v)) for k, v in value.items()]
        flat = [text(x) for kv in value.items() for x in kv]
        return [(name, _JOIN.get(style, ",").join(flat))]
    return [(name, text(value))]


def _template(style: str, explode: bool, name: str, value: Any) -> str | None:
    if isinstance(value, list):
        parts = [text(v) for v in value]
        if style == "label":
            return "." + ("." if explode else ",").join(parts)
        if style == "matrix":
            if explode:
                return "".join(f";{name}={p}" for p in parts)
            return f";{name}=" + ",".join(parts)
        return ",".join(parts)
    if isinstance(value, dict):
        if explode:
            parts = [f"{k}={text(v)}" for k, v in value.items()]
            sep = {"label": ".", "matrix": ";"}.get(style, ",")
            lead = {"label": ".", "matrix": ";"}.get(style, "")
            return lead + sep.join(parts)
        flat = ",".join(text(x) for kv in value.items() for x in kv)
        return {"label": "." + flat, "matrix": f";{name}={flat}"}.get(style, flat)
    lead = {"label": ".", "matrix": f";{name}="}.get(style, "")
    return lead + text(value)


# -- what was sent ------------------------------------------------------------------------------

def sent_query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def sent_cookies(header: str | None) -> list[tuple[str, str]]:
    pairs = []
    for part in (header or "").split(";"):
        if "=" in part:
            key, _, value = part.strip().partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


def path_values(template: str, url: str, base_path: str = "") -> dict[str, str] | None:
    """The decoded text of each `{name}` of `template` in the sent URL's path, or None when
    the path does not match the template at all."""
    names: list[str] = []

    def group(found: re.Match[str]) -> str:
        names.append(found.group(1))
        return f"(?P<p{len(names) - 1}>[^/]*)"

    pattern = re.sub(r"\\\{([^}]+)\\\}", group, re.escape(template))
    path = urlsplit(url).path
    if base_path and path.startswith(base_path):
        path = path[len(base_path):]
    found = re.fullmatch(pattern, path)
    if found is None:
        return None
    return {name: unquote(found.group(f"p{i}")) for i, name in enumerate(names)}


def contains(sent: list[tuple[str, str]], wanted: list[tuple[str, str]]) -> bool:
    """Every wanted pair is among the sent ones (as many times as wanted)."""
    pool = list(sent)
    for pair in wanted:
        if pair not in pool:
            return False
        pool.remove(pair)
    return True
