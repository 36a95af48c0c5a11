"""Argument values made from the spec's own schemas: JSON values the schema accepts.

`Synth(doc).value(schema, full)` walks a schema (OpenAPI 3.0 or 3.1; `$ref`s into the same
document) and returns a JSON value: `full=False` fills only the required properties of objects,
`full=True` every property a request may carry (not `readOnly`), down to `MAX_DEPTH`. It keeps to
`type`, `format`, `enum`, `const`, `default`, `minimum`/`maximum` (and the exclusive ones),
`multipleOf`, `minLength`/`maxLength`, `pattern` (a matching string built from the parsed
regex), `minItems`/`maxItems` (two items where allowed), `uniqueItems`, `allOf` (merged),
`oneOf`/`anyOf` (the first variant the whole schema accepts, its discriminator tag set as
`mapping` says), `nullable` and `type: [.., "null"]`.
An `example` the schema accepts is preferred to a made-up string.

Why values from the schema and not from the generated method's types: the spec is what the mock
checks, and the Python types lose the constraints (lengths, patterns, ranges) on the way. The
values are then checked against the schema by `validator.check`, so a value this module got
wrong is counted as the harness's fault, not the client's.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from tests.corpus.directory import pointer as json_pointer

try:  # Python 3.11 warns on sre_parse; the module is the same
    import re._parser as sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    import sre_parse

MAX_DEPTH = 5
_FORMATS: dict[str, Any] = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "time": "03:04:05Z",
    "duration": "P1D",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "contract@example.com",
    "idn-email": "contract@example.com",
    "uri": "https://example.com/contract",
    "url": "https://example.com/contract",
    "iri": "https://example.com/contract",
    "uri-reference": "https://example.com/contract",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": base64.b64encode(b"contract").decode(),
    "binary": "contract-bytes",
    "password": "contract-secret",
}


class Synth:
    def __init__(self, doc: Any, *, check: Any = None) -> None:
        self.doc = doc
        self.check = check  # (schema, value) -> error text or None; used to vet examples
        self._patterns: dict[tuple[str, int, int | None], str | None] = {}

    # -- references and merging -------------------------------------------------------------

    def deref(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 30:
            node, seen = self.pointer(node["$ref"]), seen + 1
        return node if isinstance(node, (dict, bool)) else {}

    def pointer(self, ref: str) -> Any:
        if not ref.startswith("#"):
            return {}
        node = json_pointer(self.doc, ref[1:])
        return {} if node is None else node

    def merged(self, schema: Any, depth: int = 0) -> dict[str, Any]:
        """`schema` with its `allOf` folded in: properties, required and the other keywords."""
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return {}
        parts = schema.get("allOf")
        if not isinstance(parts, list) or depth > 10:
            return schema
        out: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        props: dict[str, Any] = {}
        required: list[str] = []
        for part in [*parts, {k: v for k, v in schema.items() if k != "allOf"}]:
            part = self.merged(part, depth + 1)
            for key, value in part.items():
                if key == "properties" and isinstance(value, dict):
                    props.update(value)
                elif key == "required" and isinstance(value, list):
                    required += [r for r in value if r not in required]
                elif key not in out:
                    out[key] = value
        if props:
            out["properties"] = props
        if required:
            out["required"] = required
        return out

    # -- values -----------------------------------------------------------------------------

    def value(self, schema: Any, full: bool, depth: int = 0, salt: int = 0) -> Any:
        schema = self.merged(schema)
        if schema is True or not isinstance(schema, dict):
            return "contract"
        if "const" in schema:
            return schema["const"]
        enum = [v for v in schema.get("enum") or [] if v is not None]
        if enum:
            return enum[salt % len(enum)]
        for key in ("default", "example"):
            if key in schema and schema[key] is not None and self._accepts(schema, schema[key]):
                return schema[key]
        examples = schema.get("examples")
        if isinstance(examples, list) and examples and examples[0] is not None \
                and self._accepts(schema, examples[0]):
            return examples[0]
        variants = schema.get("oneOf") or schema.get("anyOf")
        if isinstance(variants, list) and variants:
            return self._variant(schema, variants, full, depth, salt)
        kind = _kind(schema)
        if kind == "object":
            return self._object(schema, full, depth)
        if kind == "array":
            return self._array(schema, full, depth)
        if kind == "integer":
            return self._number(schema, integer=True, salt=salt)
        if kind == "number":
            return self._number(schema, integer=False, salt=salt)
        if kind == "boolean":
            return True
        return self._string(schema, salt)

    def _accepts(self, schema: dict[str, Any], value: Any) -> bool:
        return self.check is not None and self.check(schema, value) is None

    def _variant(self, schema: dict[str, Any], variants: list[Any], full: bool, depth: int,
                 salt: int) -> Any:
        choices = [v for v in variants if _kind(self.merged(v)) != "null"] or variants
        first = None
        for chosen in choices[:8]:
            found = self._one_variant(schema, chosen, full, depth, salt)
            if self.check is None or self.check(schema, found) is None:
                return found  # valid for the whole schema: oneOf matches this variant only
            first = found if first is None else first
        return first

    def _one_variant(self, schema: dict[str, Any], chosen: Any, full: bool, depth: int,
                     salt: int) -> Any:
        # The base schema's own properties (oneOf beside properties) are part of the value.
        base = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf", "discriminator")}
        merged = self.merged({"allOf": [base, chosen]}) if base.get("properties") else chosen
        found = self.value(merged, full, depth, salt)
        tag = self._tag(schema, chosen)
        if tag is not None and isinstance(found, dict):
            found[tag[0]] = tag[1]
        return found

    def _tag(self, schema: dict[str, Any], chosen: Any) -> tuple[str, str] | None:
        disc = schema.get("discriminator")
        if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str):
            return None
        ref = chosen.get("$ref") if isinstance(chosen, dict) else None
        if not isinstance(ref, str):
            return None
        for tag, target in (disc.get("mapping") or {}).items():
            if target == ref or target == ref.rsplit("/", 1)[-1]:
                return disc["propertyName"], tag
        prop = (self.merged(chosen).get("properties") or {}).get(disc["propertyName"])
        prop = self.deref(prop)
        if isinstance(prop, dict) and ("const" in prop or prop.get("enum")):
            return None  # the variant's own const/enum already set it
        return disc["propertyName"], ref.rsplit("/", 1)[-1]

    def _object(self, schema: dict[str, Any], full: bool, depth: int) -> dict[str, Any]:
        props = schema.get("properties") or {}
        required = [r for r in schema.get("required") or [] if isinstance(r, str)]
        out: dict[str, Any] = {}
        for name, sub in props.items():
            sub_schema = self.merged(sub)
            wanted = name in required or (full and depth < MAX_DEPTH)
            if not wanted or (name not in required and isinstance(sub_schema, dict)
                              and sub_schema.get("readOnly")):
                continue
            out[name] = self.value(sub, full, depth + 1)
        for name in required:
            if name not in out:
                extra = schema.get("additionalProperties")
                out[name] = self.value(extra if isinstance(extra, dict) else {}, False, depth + 1)
        extra = schema.get("additionalProperties")
        if not props and isinstance(extra, dict) and extra and (full or not out):
            out["contract"] = self.value(extra, full, depth + 1)
        return out

    def _array(self, schema: dict[str, Any], full: bool, depth: int) -> list[Any]:
        """Two items where the schema allows (one hides how a style joins them), told apart by
        their salt; one when the items are objects that must be unique."""
        items = schema.get("items")
        low = _int(schema.get("minItems"), 0)
        high = _int(schema.get("maxItems"), max(low, 2))
        count = min(max(low, 2), high)
        if schema.get("uniqueItems") and _kind(self.merged(items)) in ("object", "array"):
            count = min(max(low, 1), high)
        if depth >= MAX_DEPTH + 3:
            return []
        return [self.value(items if items is not None else {}, full, depth + 1, salt=i)
                for i in range(count)]

    def _number(self, schema: dict[str, Any], *, integer: bool, salt: int) -> int | float:
        low, high = schema.get("minimum"), schema.get("maximum")
        ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        step = schema.get("multipleOf")
        lo = float(low) if isinstance(low, (int, float)) and not isinstance(low, bool) else None
        hi = float(high) if isinstance(high, (int, float)) and not isinstance(high, bool) else None
        if isinstance(ex_low, (int, float)) and not isinstance(ex_low, bool):
            lo = float(ex_low) + (1 if integer else 0.5)
        elif ex_low is True and lo is not None:
            lo += 1 if integer else 0.5
        if isinstance(ex_high, (int, float)) and not isinstance(ex_high, bool):
            hi = float(ex_high) - (1 if integer else 0.5)
        elif ex_high is True and hi is not None:
            hi -= 1 if integer else 0.5
        value = lo if lo is not None else (min(1.0 + salt, hi) if hi is not None else 1.0 + salt)
        if isinstance(step, (int, float)) and step > 0:
            value = -(-value // step) * step
        if integer:
            value = float(int(-(-value // 1)))
            return int(value)
        return int(value) if value == int(value) else value

    def _string(self, schema: dict[str, Any], salt: int) -> str:
        low = _int(schema.get("minLength"), 0)
        high = schema.get("maxLength")
        high = high if isinstance(high, int) and not isinstance(high, bool) else None
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            found = self._matching(pattern, low, high)
            if found is not None:
                return found
        fmt = schema.get("format")
        text = _FORMATS.get(fmt, "contract") if isinstance(fmt, str) else "contract"
        if salt and fmt not in _FORMATS:
            text = f"{text}{salt}"
        if len(text) < low:
            text += "x" * (low - len(text))
        if high is not None and len(text) > high:
            text = text[:high]
        return text

    def _matching(self, pattern: str, low: int, high: int | None) -> str | None:
        key = (pattern, low, high)
        if key not in self._patterns:
            self._patterns[key] = _from_regex(pattern, low, high)
        return self._patterns[key]


def _kind(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "string"
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if kinds else "null"
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def _int(value: Any, fallback: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else fallback


def _from_regex(pattern: str, low: int, high: int | None) -> str | None:
    """A string matching `pattern` (searched, as JSON Schema means it) within the lengths:
    built from the parsed regex (first branch, first character of each class, each repeat
    taken as few times as it allows, then more until the length fits); None when that fails."""
    try:
        tree = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    for extra in (0, 1, 2, 4, 8, 16, 32, 64):
        try:
            text = _build(tree, extra, {})
        except (_NoString, RecursionError):
            return None
        if low <= len(text) and (high is None or len(text) <= high):
            try:
                if re.search(pattern, text):
                    return text
            except re.error:
                return None
    return None


class _NoString(Exception):
    pass


_CATEGORY = {"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " ",
             "CATEGORY_NOT_DIGIT": "a", "CATEGORY_NOT_WORD": "-", "CATEGORY_NOT_SPACE": "a"}


def _build(tree: Any, extra: int, groups: dict[int, str]) -> str:
    out = []
    for op, arg in tree:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_in(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            least, most, sub = arg
            count = max(least, 1) + extra
            if most != sre_parse.MAXREPEAT:
                count = min(count, most)
            out.append("".join(_build(sub, extra, groups) for _ in range(count)))
        elif name == "SUBPATTERN":
            text = _build(arg[-1], extra, groups)
            if arg[0] is not None:
                groups[arg[0]] = text
            out.append(text)
        elif name == "BRANCH":
            out.append(_build(arg[1][0], extra, groups))
        elif name == "GROUPREF":
            out.append(groups.get(arg, ""))
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        else:
            raise _NoString(name)
    return "".join(out)


def _in(items: Any) -> str:
    negate = any(str(op) == "NEGATE" for op, _ in items)
    if negate:
        banned = {chr(a) for op, a in items if str(op) == "LITERAL"}
        return next(c for c in "azAZ09-_" if c not in banned)
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            return chr(arg)
        if name == "RANGE":
            return chr(arg[0])
        if name == "CATEGORY":
            return _CATEGORY.get(str(arg), "a")
    raise _NoString("IN")
