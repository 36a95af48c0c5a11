"""Which specs of the directory show which feature: how the contract specs were chosen.

    python -m tests.contract.scan [--max-ops 120] [--top 8]

Reads every spec of the pinned directory, notes the features the contract run must cover
(`FEATURES`) and the operation count, and prints, per feature, the smallest specs that show it
most. `specs.CHOSEN` was picked from this listing; run it again to check a choice or find a
replacement.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.corpus.directory import HTTP_METHODS, default_cache, directory_folder, list_specs

FEATURES = (
    "discriminator", "form-body", "multipart-body", "binary-response", "text-response",
    "header-param", "cookie-param", "query-array", "query-object", "204", "default-response",
    "server-variables",
    # every style/explode pair a parameter can take: `style:LOCATION:STYLE:EXPLODE`
)
STYLES = {
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "path": ("simple", "label", "matrix"),
    "header": ("simple",),
    "cookie": ("form",),
}
_DEFAULT_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


def _deref(doc: Any, node: Any, depth: int = 0) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 20:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return {}
        target: Any = doc
        for token in ref[2:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            target = target.get(token) if isinstance(target, dict) else None
        node, depth = target, depth + 1
    return node if isinstance(node, dict) else {}


def _operations(doc: Any) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(path item, operation) pairs."""
    for item in (doc.get("paths") or {}).values():
        item = _deref(doc, item)
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                yield item, item[method]


def _param_features(doc: Any, param: dict[str, Any]) -> Iterator[str]:
    where = param.get("in")
    if where in ("header", "cookie"):
        yield f"{where}-param"
    if where not in _DEFAULT_STYLE or "content" in param:
        return
    style = param.get("style", _DEFAULT_STYLE[where])
    explode = param.get("explode", style == "form")
    schema = _deref(doc, param.get("schema"))
    kind = schema.get("type")
    if where == "query" and kind == "array":
        yield "query-array"
    if where == "query" and (kind == "object" or "properties" in schema):
        yield "query-object"
    if kind in ("array", "object") or "properties" in schema or style != _DEFAULT_STYLE[where]:
        yield f"style:{where}:{style}:{'explode' if explode else 'no-explode'}"


def features(doc: Any) -> Counter[str]:
    """How many operations of `doc` show each feature (servers and discriminators: counts of
    the spec as a whole)."""
    found: Counter[str] = Counter()
    for server in doc.get("servers") or []:
        if isinstance(server, dict) and server.get("variables"):
            found["server-variables"] += 1
    schemas = ((doc.get("components") or {}).get("schemas") or {})
    found["discriminator"] = sum(1 for s in schemas.values()
                                 if isinstance(s, dict) and "discriminator" in s)
    for item, op in _operations(doc):
        seen: set[str] = set()
        for param in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
            seen.update(_param_features(doc, _deref(doc, param)))
        content = _deref(doc, op.get("requestBody")).get("content") or {}
        if "application/x-www-form-urlencoded" in content:
            seen.add("form-body")
        if "multipart/form-data" in content:
            seen.add("multipart-body")
        for status, response in (op.get("responses") or {}).items():
            seen.update(_response_features(str(status), _deref(doc, response)))
        found.update(seen)
    return found


def _response_features(status: str, response: dict[str, Any]) -> Iterator[str]:
    if status == "204":
        yield "204"
    if status == "default":
        yield "default-response"
    if not status.startswith("2"):
        return
    for media, body in (response.get("content") or {}).items():
        schema = body.get("schema") if isinstance(body, dict) else None
        if media.startswith("text/"):
            yield "text-response"
        if media in ("application/octet-stream", "application/pdf") or media.startswith(
                ("image/", "audio/", "video/")) or (
                isinstance(schema, dict) and schema.get("format") == "binary"):
            yield "binary-response"


def scan(folder: Path) -> dict[str, tuple[int, int, Counter[str]]]:
    """{spec id: (operations, bytes, features)} over the directory."""
    table: dict[str, tuple[int, int, Counter[str]]] = {}
    for spec in list_specs(folder):
        doc = json.loads(spec.path.read_text(encoding="utf-8"))
        ops = sum(1 for _ in _operations(doc))
        table[spec.id] = (ops, spec.size, features(doc))
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.contract.scan")
    parser.add_argument("--max-ops", type=int, default=120)
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args(argv)
    table = scan(directory_folder(default_cache()))
    names = sorted({f for (_, _, found) in table.values() for f in found})
    for name in names:
        fits = [(spec, ops, found[name]) for spec, (ops, _, found) in table.items()
                if found[name] and ops <= args.max_ops]
        fits.sort(key=lambda x: (-min(x[2], 5), x[1]))
        total = sum(1 for (_, _, found) in table.values() if found[name])
        print(f"{name}: {total} specs")
        for spec, ops, count in fits[: args.top]:
            print(f"    {spec} ({ops} ops): {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
