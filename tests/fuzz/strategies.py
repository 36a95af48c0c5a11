"""Hypothesis strategies for whole OpenAPI 3.0 / 3.1 documents full of hostile text.

A drawn spec is a plain dict (and the format it is saved in). Most are valid OpenAPI, so they
reach naming, rendering and import; some are not (a component key outside OpenAPI's
alphabet, a required property nobody declared, a path parameter without its slot), and those
must be refused with located diagnostics. Every name, title, description, enum value,
default and example comes from `hostile_text`: Python keywords and builtins, quote runs,
backslashes, NUL, CR/LF, Jinja syntax, `# type: ignore`, confusables, bidi marks, names
that differ only in case or punctuation, 1,000-character names, empty strings, and
payloads that try to run code on import (see `MARKER_FILE` and `MARKER_ENV`).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import yaml
from hypothesis import strategies as st

MARKER_FILE = "SDKFORGE_PWNED"  # relative: created in the importing process's cwd
MARKER_ABS = "/tmp/sdkforge-fuzz-pwned-marker"
MARKER_ENV = "SDKFORGE_PWNED"

# Code an escape bug would run on import, in every quoting context a template offers.
_PAYLOAD = f'__import__("os").system("touch {MARKER_FILE}")'
_ENV_PAYLOAD = f'__import__("os").environ.__setitem__("{MARKER_ENV}", "1")'
PAYLOADS = [
    _PAYLOAD,
    f'"); {_PAYLOAD}; ("',
    f"'); {_PAYLOAD}; ('",
    f'"""\n{_PAYLOAD}\n"""',
    f"'''\n{_PAYLOAD}\n'''",
    f"\\\"\"\"\n{_ENV_PAYLOAD}\n#",
    f'\n{_ENV_PAYLOAD}\n',
    f'\r\nopen("{MARKER_ABS}", "w")\r\n',
    f'x = 1\nopen("{MARKER_FILE}", "w")  # type: ignore',
    f'{{{{ {_PAYLOAD} }}}}',
    "{% for x in range(3) %}{{ x }}{% endfor %}",
    "{{ cycler.__init__.__globals__.os.system('touch " + MARKER_FILE + "') }}",
    f"]\nimport os; os.system('touch {MARKER_FILE}')\n[",
    f"\x00{_PAYLOAD}",
    f"\\\n{_PAYLOAD}",
    f"\\N{{{_PAYLOAD}}}",
    f"f'{{{_PAYLOAD}}}'",
]

KEYWORDS = [
    "class", "def", "import", "from", "None", "True", "False", "return", "lambda", "async", "await",
    "match", "case", "type", "_", "__init__", "__class__", "__dict__", "__all__", "self", "cls",
    "print", "list", "dict", "str", "int", "float", "bool", "bytes", "object", "id", "input",
    "exec", "eval", "open", "super", "property", "Any", "List", "Optional", "Client", "AsyncClient",
    "Response", "BaseModel", "Field", "Literal", "datetime", "date", "uuid", "Decimal", "json",
    "model_config", "model_dump", "validate", "schema", "copy", "with_raw_response", "request",
    "timeout", "max_retries", "extra_headers", "extra_body", "body", "content_type", "base_url",
    "errors", "models", "resources", "_runtime", "NOT_GIVEN", "NotGiven",
    "annotations", "os", "sys",
]

ATOMS = [
    "", " ", "  ", "\t", "\n", "\r\n", "\r", "\x00", "\x1b[31m", "\x7f", '"', "'", '"""', "'''",
    "\\", "\\\\", "\\x00", "\\n", "\\u0000", "\\N", "{{", "}}", "{{ x }}", "{%", "%}", "{% raw %}",
    "{#", "#}", "# type: ignore", "#", "%s", "%(x)s", "${x}", "`", "$", "@", "-", ".", "..", "/",
    "../", "?", "&", "=", ";", ":", ",", "[", "]", "(", ")", "<", ">", "*", "+", "0", "1", "9x",
    "1e400", "-0", "NaN", "Infinity",
    "\u202e", "\u202d", "\u200f", "\u200e", "\u2066", "\u2069", "\u200b", "\ufeff", "\u00a0",
    "\u0430dmin", "\u0441lass", "ｃｌａｓｓ", "ℌ", "ﬁ", "ß", "İ", "ǅ", "Σ", "ς", "\u0301",
    "\U0001f600", "\u2028", "\u2029", "日本", "ايقاف",
    "get", "Get", "GET", "get_", "get-", "Get-", "Pet", "pet", "PET", "p_e_t", "p-e-t", "p.e.t",
    *KEYWORDS,
    *PAYLOADS,
]

# Characters OpenAPI allows in component keys: the names that survive validation.
COMPONENT_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
COMPONENT_ATOMS = [
    "class", "None", "List", "Client", "Response", "Any", "datetime", "Pet", "pet", "PET", "p_e_t",
    "p-e-t", "p.e.t", "_", "__", "__init__", "0", "1a", "a__b__Pet", "x__y__Pet", "Pet-Input",
    "Pet-Output", "-", ".", "..", "Error", "ValidationError", "self", "model_config", "NotGiven",
]


def _long(atom: str) -> str:
    return (atom * (1000 // max(len(atom), 1) + 1))[:1000]


@cache
def hostile_text(max_atoms: int = 4) -> st.SearchStrategy[str]:
    pieces = st.one_of(
        st.sampled_from(ATOMS),
        st.text(max_size=6),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=4),
    )
    joined = st.lists(pieces, max_size=max_atoms).map("".join)
    return st.one_of(joined, st.sampled_from(ATOMS), st.sampled_from(ATOMS).map(_long))


@cache
def component_key() -> st.SearchStrategy[str]:
    plain = st.lists(
        st.one_of(st.sampled_from(COMPONENT_ATOMS),
                  st.text(alphabet=COMPONENT_ALPHABET, min_size=1, max_size=5)),
        min_size=1, max_size=3,
    ).map("".join)
    return st.one_of(
        plain,
        plain,
        plain.map(_long),
        hostile_text(2).filter(bool),  # outside OpenAPI's alphabet: must be refused, not crash
    )


@cache
def json_value(depth: int = 2) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
        hostile_text(), st.integers(min_value=-(2**70), max_value=2**70),
    )
    if depth <= 0:
        return scalars
    inner = json_value(depth - 1)
    return st.one_of(
        scalars, st.lists(inner, max_size=3), st.dictionaries(hostile_text(2), inner, max_size=3)
    )


FORMATS = ["date-time", "date", "time", "uuid", "binary", "byte", "decimal", "duration", "email",
           "int64", "float", "double", "uri", "password", ""]
PATTERNS = ["^[a-z]+$", r"\p{Print}+", "(?<=x)y", "[", "(?P<x>a)(?P=x)", "a{2,1}", "\\", '"""']


@cache
def _one_in(probability: int) -> st.SearchStrategy[bool]:
    return st.integers(0, probability - 1).map(lambda n: n == 0)


class _Draw:
    """Builds schemas, parameters and operations for one document from one `draw`."""

    def __init__(self, draw: st.DrawFn, version: str, keys: list[str]) -> None:
        self.draw = draw
        self.v31 = version.startswith("3.1")
        self.keys = keys
        self.param_keys: list[str] = []

    def text(self, max_atoms: int = 4) -> str:
        return self.draw(hostile_text(max_atoms))

    def maybe(self, probability: int = 3) -> bool:
        """True about one time in `probability`."""
        return self.draw(_one_in(probability))

    def ref(self, kind: str = "schemas") -> dict[str, Any]:
        keys = self.keys if kind == "schemas" else self.param_keys
        key = self.draw(st.sampled_from(keys)) if keys else "Missing"
        if kind == "schemas" and self.maybe(40):
            return {"$ref": self.draw(st.sampled_from(["#/components/schemas/Nope", "#/nope", "#",
                                                       "other.yaml#/x"]))}
        return {"$ref": f"#/components/{kind}/{key.replace('~', '~0').replace('/', '~1')}"}

    def schema(self, depth: int, top: bool = False) -> dict[str, Any]:
        kinds = ["string", "integer", "number", "boolean", "enum", "any"]
        # a component that is only a $ref may be a cycle
        if self.keys and (not top or self.maybe(20)):
            kinds.append("ref")
        if depth > 0:
            kinds += ["object", "object", "array", "union", "union", "allOf", "nullable", "dict"]
        kind = self.draw(st.sampled_from(kinds))
        node: dict[str, Any]
        if kind == "string":
            node = {"type": "string"}
            if self.maybe():
                node["format"] = self.draw(st.sampled_from(FORMATS))
            if self.maybe(5):
                node["pattern"] = self.draw(st.sampled_from(PATTERNS))
        elif kind in ("integer", "number", "boolean"):
            node = {"type": kind}
        elif kind == "enum":
            value = st.one_of(hostile_text(2), st.integers(-3, 3), st.none(), st.booleans())
            values = self.draw(st.lists(value, min_size=1, max_size=6))
            node = {"enum": values}
            if all(isinstance(v, str) for v in values):
                node["type"] = "string"
            elif self.v31 and self.maybe(4):
                node = {"const": values[0]}
        elif kind == "any":
            node = {}
        elif kind == "ref":
            return self.ref()
        elif kind in ("object", "dict"):
            node = {"type": "object"}
            if kind == "object":
                names = self.draw(st.lists(hostile_text(3), max_size=5, unique=True))
                node["properties"] = {name: self.schema(depth - 1) for name in names}
                required = [n for n in names if self.maybe(2)]
                if self.maybe(8):
                    required.append(self.text(2))  # required but never declared
                if required:
                    node["required"] = required
            if kind == "dict" or self.maybe(4):
                node["additionalProperties"] = (self.schema(depth - 1) if self.maybe(2)
                                                else self.draw(st.booleans()))
        elif kind == "array":
            node = {"type": "array", "items": self.schema(depth - 1)}
        elif kind in ("union", "allOf"):
            word = "allOf" if kind == "allOf" else self.draw(st.sampled_from(["oneOf", "anyOf"]))
            variants = [self.schema(depth - 1) for _ in range(self.draw(st.integers(1, 4)))]
            node = {word: variants}
            if word == "oneOf" and self.keys and self.maybe(3):
                refs = [self.ref() for _ in range(self.draw(st.integers(1, 3)))]
                node = {"oneOf": refs, "discriminator": {"propertyName": self.text(2)}}
                if self.maybe(2):
                    node["discriminator"]["mapping"] = {self.text(2): r["$ref"] for r in refs}
        else:  # nullable
            inner = self.schema(depth - 1)
            if self.v31:
                if isinstance(inner.get("type"), str):
                    inner["type"] = [inner["type"], "null"]
                    node = inner
                else:
                    node = {"anyOf": [inner, {"type": "null"}]}
            else:
                node = ({**inner, "nullable": True} if "$ref" not in inner
                        else {"allOf": [inner], "nullable": True})
        return self.decorate(node)

    def decorate(self, node: dict[str, Any]) -> dict[str, Any]:
        if self.maybe(3):
            node["description"] = self.text(6)
        if self.maybe(4):
            node["title"] = self.text(3)
        if self.maybe(4):
            if "enum" in node and self.maybe(2):
                node["default"] = self.draw(st.sampled_from(node["enum"]))
            else:
                node["default"] = self.draw(json_value(1))
        if self.maybe(6):
            if self.v31:
                node["examples"] = self.draw(st.lists(json_value(1), max_size=2))
            else:
                node["example"] = self.draw(json_value(1))
        if self.maybe(8):
            node[self.draw(st.sampled_from(["deprecated", "readOnly", "writeOnly"]))] = True
        return node

    def parameter(self, location: str, name: str | None = None) -> dict[str, Any]:
        param: dict[str, Any] = {"name": name if name is not None else self.text(3), "in": location}
        if location == "path" or self.maybe(3):
            param["required"] = True
        param["schema"] = self.schema(1) if location != "path" else self.draw(
            st.sampled_from([{"type": "string"}, {"type": "integer"},
                             {"type": "string", "format": "uuid"}])
        )
        if self.maybe(3):
            param["description"] = self.text(5)
        if location == "query" and self.maybe(4):
            param["style"] = self.draw(
                st.sampled_from(["form", "spaceDelimited", "pipeDelimited", "deepObject"])
            )
            param["explode"] = self.draw(st.booleans())
        return param

    def content(self) -> dict[str, Any]:
        media = self.draw(st.sampled_from([
            "application/json", "application/json", "application/x-www-form-urlencoded",
            "multipart/form-data", "application/octet-stream", "text/plain",
            "application/vnd.x+json", "image/*", "*/*",
        ]))
        return {media: {"schema": self.schema(2)}}

    def operation(self, path_params: list[str]) -> dict[str, Any]:
        op: dict[str, Any] = {}
        if not self.maybe(5):
            op["operationId"] = self.text(3)
        if self.maybe(2):
            op["tags"] = self.draw(st.lists(hostile_text(2), max_size=2))
        for word in ("summary", "description"):
            if self.maybe(2):
                op[word] = self.text(6)
        if self.maybe(8):
            op["deprecated"] = True
        params = [self.parameter("path", name) for name in path_params]
        for _ in range(self.draw(st.integers(0, 5))):
            location = self.draw(st.sampled_from(["query", "query", "header", "cookie"]))
            param = self.parameter(location)
            unique = all((p["name"], p["in"]) != (param["name"], param["in"]) for p in params)
            if unique or self.maybe(10):
                params.append(param)
        if self.param_keys and self.maybe(4):
            params.append(self.ref("parameters"))
        if params:
            op["parameters"] = params
        if self.maybe(2):
            op["requestBody"] = {"content": self.content(), "required": self.draw(st.booleans())}
        responses: dict[str, Any] = {}
        codes = st.sampled_from(["200", "201", "204", "400", "404", "4XX", "5XX", "default"])
        for status in self.draw(st.lists(codes, min_size=1, max_size=3, unique=True)):
            response: dict[str, Any] = {"description": self.text(3)}
            if status != "204" and not self.maybe(4):
                response["content"] = self.content()
            responses[status] = response
        op["responses"] = responses
        if self.maybe(5):
            op["security"] = [{self.text(2): []}]
        return op


@st.composite
def specs(draw: st.DrawFn, max_schemas: int = 6, max_paths: int = 4) -> tuple[dict[str, Any], str]:
    """A whole OpenAPI document and the format to save it in ("json" or "yaml")."""
    version = draw(st.sampled_from(["3.0.3", "3.1.0", "3.0.0", "3.1.1"]))
    keys = draw(st.lists(component_key(), max_size=max_schemas, unique=True))
    d = _Draw(draw, version, keys)
    depth = draw(st.integers(0, 3))
    info: dict[str, Any] = {"title": d.text(3), "version": d.text(2)}
    if d.maybe(2):
        info["description"] = d.text(8)
    doc: dict[str, Any] = {"openapi": version, "info": info}
    if d.maybe(2):
        doc["servers"] = [
            {"url": d.draw(st.sampled_from(["https://api.example.com", "/", ""])) + d.text(2)}
        ]
    components: dict[str, Any] = {"schemas": {key: d.schema(depth, top=True) for key in keys}}
    if keys and d.maybe(3):
        components["parameters"] = {key: d.parameter("query") for key in keys}
        d.param_keys = keys
    if d.maybe(3):
        schemes: dict[str, Any] = {}
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(st.sampled_from(["bearer", "basic", "header", "query", "cookie"]))
            scheme: dict[str, Any] = (
                {"type": "http", "scheme": kind} if kind in ("bearer", "basic")
                else {"type": "apiKey", "in": kind, "name": d.text(2)}
            )
            if d.maybe(2):
                scheme["description"] = d.text(4)
            schemes[d.text(2) or "auth"] = scheme
        components["securitySchemes"] = schemes
        doc["security"] = [{name: []} for name in schemes]
    doc["components"] = components
    paths: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, max_paths))):
        segments = draw(st.lists(st.one_of(hostile_text(2), st.just("{}")), min_size=1, max_size=4))
        params: list[str] = []
        parts = []
        for segment in segments:
            if segment == "{}" or d.maybe(4):
                name = d.text(2)
                if "{" in name or "}" in name or "/" in name:
                    name = name.replace("{", "").replace("}", "").replace("/", "")
                if name in params:
                    name += "x"
                params.append(name)
                parts.append("{" + name + "}")
            else:
                parts.append(segment)
        item: dict[str, Any] = {}
        verbs = st.sampled_from(["get", "post", "put", "patch", "delete", "head"])
        for method in draw(st.lists(verbs, min_size=1, max_size=3, unique=True)):
            item[method] = d.operation(params)
        paths["/" + "/".join(parts)] = item
    doc["paths"] = paths
    fmt = draw(st.sampled_from(["json", "yaml"]))
    return doc, fmt


def dump(doc: dict[str, Any], fmt: str) -> tuple[bytes, str]:
    """The document's bytes and file suffix: YAML when PyYAML can write it, else JSON
    (ASCII-escaped)."""
    if fmt == "yaml":
        try:
            return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8"), ".yaml"
        except (yaml.YAMLError, UnicodeEncodeError):
            pass
    return json.dumps(doc, ensure_ascii=True, indent=1).encode("ascii"), ".json"
