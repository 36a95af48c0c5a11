"""The spelling rules of every Python name sdkforge emits: pure functions from spec text.

`names.assign` applies them, once, through the allocator (`names.allocate`). Rules (all
independent of spec order):
- identifiers are valid, non-keyword, ASCII Python names; wire names survive as aliases;
- class names come from component keys, or from `title` when the key is a mangled
  FastAPI module path; colliding classes merge when structurally identical and are
  otherwise qualified by the distinguishing part of their keys, except the one plain
  (unmangled) key, or else the shape shared by most of them, which keeps the name;
- method names come from operationId with FastAPI's path-and-method suffix removed.
"""

from __future__ import annotations

import hashlib
import keyword
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence

MAX_IDENTIFIER = 80

# Names the generated modules import or define; a class may not take them.
RESERVED_CLASS_NAMES = frozenset(
    {
        "Any", "Annotated", "BaseModel", "Field", "Literal", "TypeAlias", "List", "Dict",
        "Optional", "Union", "Client", "AsyncClient", "Response", "NotGiven", "NOT_GIVEN",
        "datetime", "date", "time", "timedelta", "UUID", "Decimal", "IO", "Mapping",
        "Sequence", "Iterable", "TYPE_CHECKING", "LENIENT", "Timeout", "Headers", "Query",
        "Body", "FileTypes", "annotations", "Self", "PageItems",
    }
)

# Attributes of pydantic's BaseModel that a field must not shadow.
RESERVED_FIELD_NAMES = frozenset(
    {
        "dict", "json", "copy", "parse_obj", "parse_raw", "parse_file", "from_orm",
        "construct", "schema", "schema_json", "validate", "update_forward_refs",
        "model_config", "model_fields", "model_computed_fields", "model_extra",
        "model_fields_set", "model_construct", "model_copy", "model_dump",
        "model_dump_json", "model_json_schema", "model_parametrized_name",
        "model_post_init", "model_rebuild", "model_validate", "model_validate_json",
        "model_validate_strings", "self",
        # The runtime BaseModel's own methods.
        "to_dict", "to_json",
        # Names the annotations of a model module use: a field may not shadow them.
        "str", "int", "float", "bool", "bytes", "list", "tuple", "datetime", "uuid",
        "decimal", "Any", "Literal", "Annotated", "Union", "LENIENT", "Field", "BaseModel",
    }
)

# Keyword arguments every generated method takes; spec parameters may not take them.
RESERVED_KWARGS = frozenset(
    {
        "extra_headers", "extra_query", "extra_body", "timeout", "max_retries", "self", "body",
        "content_type", "request_options",
    }
)

# Attributes of the generated client, and `resource`, the descriptor its class body makes each
# resource with (a resource of that name would shadow it for the ones after it: Kubernetes'
# `resource` API group); resources may not take them.
RESERVED_RESOURCE_NAMES = frozenset(
    {
        "base_url", "timeout", "max_retries", "default_headers", "close", "request",
        "with_options", "copy", "models", "errors", "self", "webhook_secret", "resource",
    }
)

# Names the package's `__init__` and `_client` import or define; the client classes may not
# take them.
RESERVED_CLIENT_NAMES = frozenset(
    {
        "APIConnectionError", "APIError", "APIResponse", "APIResponseValidationError",
        "APIStatusError", "APITimeoutError", "AsyncStreamedResponse", "AuthenticationError",
        "BadRequestError", "BaseModel", "ConflictError", "InternalServerError", "NotFoundError",
        "PermissionDeniedError", "RateLimitError", "StreamedResponse", "UnprocessableEntityError",
        "NotGiven", "SyncAPIClient", "AsyncAPIClient", "Timeout", "Mapping", "TracebackType",
        "TYPE_CHECKING", "WebhookVerificationError",
    }
)

# Names a resource module imports; its classes (`X`, `AsyncX`) may not take them.
RESERVED_RESOURCE_CLASS_NAMES = frozenset(
    {
        "AsyncAPIClient", "SyncAPIClient", "Call", "Endpoint", "PageSpec", "NOT_GIVEN", "Body",
        "FileTypes", "Headers", "NotGiven", "Query", "Timeout", "Tag", "Any", "Literal", "cast",
        "cache", "cached_property",
    }
)

# A top-level package named like these would shadow them for the whole program (and for the
# generated code itself, which imports httpx and pydantic).
SHADOWED_MODULES = frozenset(sys.stdlib_module_names) | {
    "httpx", "httpcore", "h11", "anyio", "sniffio", "idna", "certifi", "pydantic", "pydantic_core",
    "typing_extensions", "typing_inspection", "annotated_types",
    # The web frameworks whose default title a spec keeps when its authors set none (FastAPI's
    # is "FastAPI"): a client named so would shadow the framework of the server beside it.
    "fastapi", "starlette", "flask", "django", "litestar", "ninja", "sanic", "aiohttp",
    "tornado", "falcon", "connexion", "quart", "pyramid", "bottle", "werkzeug", "uvicorn",
    "requests", "urllib3",
}

# An acronym's plural stays one word (`IPs`, `URLs`, `VPCs`: floating_ips, not floating_i_ps);
# then an acronym before a capitalised word (`HTTPServer`), a word, an acronym, a number.
_WORD = re.compile(
    r"[A-Z]{2,}s(?![a-z])|[A-Z]+\d*(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+[a-z]*"
)


_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "đ": "d", "ł": "l", "Ł": "L", "œ": "oe"}
)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    return decomposed.encode("ascii", "ignore").decode("ascii")


# Symbols spelt out in a name that has no letter (GitHub's reactions `+1` and `-1`), where
# dropping them would leave `1` twice.
_SYMBOLS = {"+": "plus", "-": "minus", "*": "star", "%": "percent", "<": "lt", ">": "gt",
            "=": "eq", "!": "not", "@": "at", "#": "hash", "$": "dollar", "&": "and",
            "|": "or", "~": "tilde", "^": "caret", "?": "question"}


def words(text: str) -> list[str]:
    """Split any spelling (camelCase, kebab-case, Title Case, snake_case) into words."""
    plain = _ascii(text).replace("'", "")
    if not any(c.isalpha() for c in plain):
        plain = "".join(f" {_SYMBOLS[c]} " if c in _SYMBOLS else c for c in plain)
    return _WORD.findall(plain)


def capped(text: str, limit: int = MAX_IDENTIFIER) -> str:
    """`text` cut to `limit` characters with a digest of the whole, when it is longer."""
    if len(text) <= limit:
        return text
    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
    return f"{text[: limit - 9].rstrip('_')}_{digest}"


def snake(text: str) -> str:
    """A snake_case identifier: "Cluster Triggers" -> cluster_triggers."""
    name = "_".join(w.lower() for w in words(text))
    if not name:
        name = "unnamed"
    if name[0].isdigit():
        name = f"n{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_"
    return capped(name)


def pascal(text: str) -> str:
    """A PascalCase class name that keeps inner capitals: TriggerHistoryResponse."""
    parts = words(text)
    name = "".join(w[:1].upper() + w[1:] for w in parts)
    if not name:
        name = "Unnamed"
    if name[0].isdigit():
        name = f"Model{name}"
    if keyword.iskeyword(name):  # None, True, False
        name += "_"
    return capped(name)


def py_name(wire: str) -> str:
    """A field or parameter name: the wire name when it is already a plain Python name."""
    if wire.isidentifier() and wire.isascii() and not wire.startswith("_"):
        name = wire
        if keyword.iskeyword(name) or keyword.issoftkeyword(name):
            name += "_"
        return capped(name)
    return snake(wire)


def param_name(wire: str) -> str:
    """Parameters are snake_case keywords: `X-Request-Id` -> x_request_id,
    `pageSize` -> page_size."""
    return snake(wire)


def field_name(wire: str) -> str:
    name = py_name(wire)
    return name + "_" if name in RESERVED_FIELD_NAMES else name


def unique_names(items: Sequence[tuple[str, str]], taken: Iterable[str] = ()) -> dict[str, str]:
    """Give each (id, wanted) a distinct name; exact wire matches win, then id order.

    Losers get trailing underscores, so the result depends only on the set of items.
    """
    used = set(taken)
    result: dict[str, str] = {}
    ordered = sorted(items, key=lambda item: (item[1] != item[0], item[0]))
    for ident, wanted in ordered:
        name = wanted
        while name in used:
            name += "_"
        used.add(name)
        result[ident] = name
    return result


# ---------------------------------------------------------------- operations

def method_name(operation_id: str, method: str, path: str) -> str:
    """`get_trigger_history_v1_clusters_triggers__trigger_id__history_post` ->
    get_trigger_history."""
    if not operation_id:
        return snake(f"{method} {path}")
    suffix = re.sub(r"\W", "_", path) + "_" + method.lower()
    if operation_id.endswith(suffix) and len(operation_id) > len(suffix):
        return snake(operation_id[: -len(suffix)])
    return snake(operation_id)


def _singular(word: str) -> str:
    for plural, single in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"),
                           ("shes", "sh"), ("s", "")):
        if word.endswith(plural) and len(word) > len(plural) + 1 and not word.endswith("ss"):
            return word[: -len(plural)] + single
    return word


# First words of a method name that say what it does: the resource's words may follow them.
_VERBS = frozenset(
    "get list create update delete patch put post add remove set read replace search find fetch "
    "retrieve upload download cancel start stop send submit close open enable disable describe "
    "modify put check count export import run execute reset restore rotate test validate "
    "verify watch".split()
)


def without_resource(method: str, resource: str) -> str | None:
    """The method's name without the words that repeat its resource, or None when nothing
    repeats or nothing would be left. The repeat is the resource's words (or their last ones;
    singular or plural) at the start of the name or right after a first word that is a verb:
    `chat_post_message` in `chat` -> post_message; `droplets_list` in `droplets` -> list;
    `create_batch` in `bucket_batches` -> create; `get_customers_customer` in `customers` ->
    get_customer. Elsewhere the words say something (`add_objects_to_batch` stays)."""
    have, own = method.split("_"), resource.split("_")
    for size in range(len(own), 0, -1):
        tail = own[-size:]
        for start in (0, 1) if have[0] in _VERBS else (0,):
            run = have[start : start + size]
            if len(run) == size and all(
                a == b or _singular(a) == _singular(b) for a, b in zip(run, tail, strict=True)
            ):
                left = "_".join(have[:start] + have[start + size :])
                if not left or left[0].isdigit() or keyword.iskeyword(left) or (
                        keyword.issoftkeyword(left)):
                    return None
                return left
    return None


def resource_name(tags: Sequence[object], path: str) -> str:
    """The first non-empty tag; else the first path segment that is not a version or a parameter."""
    for tag in tags[:1]:
        if isinstance(tag, str) and words(tag):
            return _resource_safe(snake(tag))
    for segment in path.split("/"):
        if segment and not segment.startswith("{") and not re.fullmatch(r"v\d+(\.\d+)*", segment):
            return _resource_safe(snake(segment))
    return "default"


def _resource_safe(name: str) -> str:
    return name + "_resource" if name in RESERVED_RESOURCE_NAMES else name


# Words of a title that name no product: "Mixpeek API", "GitHub v3 REST API".
_TITLE_NOISE = frozenset({"api", "apis", "openapi", "rest", "restful", "service", "services",
                          "client", "documentation", "the"})
# What a title adds after its name: "PTV Timetable API - Version 3", "ETSI GS MEC 010-2 - Part 2:
# Application lifecycle...", "Discord HTTP API (Preview)".
_TITLE_TAIL = re.compile(r"\s+[-\u2013\u2014|]\s+.*$|:\s.*$|\s*\([^)]*\)")
# A single token of three or more capitalised words is an identifier (MaintenanceManagementClient),
# not a brand (YouTube, DigitalOcean), and is split like one.
_COMPOUND = re.compile(r"(?:[A-Z][a-z0-9]+){3,}")
_TITLE_PREFIX = re.compile(r"^\s*odata\s+service\s+for\s+namespace\s+", re.IGNORECASE)
_VERSION_WORD = re.compile(r"v\d+(\.\d+)*", re.IGNORECASE)


def title_words(title: str) -> list[str]:
    """The words of a title as a person would write the product's name: split at spaces and
    punctuation only (so brand words keep their inner capitals: `OpenAI`, `YouTube`, `GitHub`),
    without `API`, `REST`, `Service` and version words; the plain words when nothing is left.
    "GitHub v3 REST API" -> [GitHub]; "OData Service for namespace microsoft.graph" ->
    [microsoft, graph]. What follows ` - `, `: ` or stands in brackets is left out, and an
    identifier-like title is split into its words ("SqlManagementClient" -> [Sql, Management])."""
    text = _ascii(_TITLE_PREFIX.sub("", title)).replace("'", "")
    tokens = _title_tokens(_TITLE_TAIL.sub("", text)) or _title_tokens(text)
    kept = [t for t in tokens if t.lower() not in _TITLE_NOISE and not _VERSION_WORD.fullmatch(t)]
    return kept or tokens


def _title_tokens(text: str) -> list[str]:
    tokens = [t for t in re.split(r"[^A-Za-z0-9]+", text) if t]
    return [w for t in tokens for w in (words(t) if _COMPOUND.fullmatch(t) else [t])]


def package_name(title: str) -> str:
    """The name a person would `pip install`: "Mixpeek API" -> mixpeek, "OpenAI API" ->
    openai, "GitHub v3 REST API" -> github."""
    name = "_".join(w.lower() for w in title_words(title)) or "client"
    if name[0].isdigit():
        name = f"api_{name}"
    if keyword.iskeyword(name) or name in SHADOWED_MODULES:
        name += "_api"
    return capped(name, 60)


def title_client(title: str) -> str:
    """What a client class is named from when nothing else is asked: the title's own words
    ("OpenAI API" -> OpenAI, "GitHub v3 REST API" -> GitHub); "" when they start with a digit
    (the package name is used then)."""
    text = " ".join(title_words(title))
    return text if text and not text[0].isdigit() else ""


def client_name(wanted: str, resource_classes: Iterable[str] = ()) -> str:
    """The client class: PascalCase of `wanted`, + "Client" while it (or its Async twin) would
    clash with a runtime name or a resource class."""
    name = pascal(wanted)
    taken = RESERVED_CLIENT_NAMES | set(resource_classes)
    while name in taken or f"Async{name}" in taken:
        name += "Client"
    return name


# ---------------------------------------------------------------- classes

def preferred_class_name(key: str, title: object) -> tuple[str, bool]:
    """The name a named schema asks for, and whether its key was a mangled module path."""
    last = key.rsplit("/", 1)[-1]
    mangled = "__" in last
    if mangled:
        short = last.rsplit("__", 1)[-1]
        base = title if isinstance(title, str) and words(title) else short
        # FastAPI's `-Input` / `-Output` twins share a title; the key keeps them apart.
        variant = re.search(r"-(Input|Output)$", short)
        if variant and not base.endswith(variant.group(1)):
            base += variant.group(1)
    else:
        base = last
    name = pascal(base)
    if name in RESERVED_CLASS_NAMES:
        name += "Model"
    return name, mangled


def _qualifiers(key: str) -> list[str]:
    """Module-path segments of a mangled key, nearest to the name first."""
    last = key.rsplit("/", 1)[-1]
    segments = last.split("__")[:-1]
    generic = {"models", "model", "schemas", "schema", "api", "shared", "app", "src", "core"}
    return [s for s in reversed(segments) if s.lower() not in generic] or list(reversed(segments))


def resolve_class_names(
    wanted: Mapping[str, tuple[str, bool, int]],
    fingerprint: Callable[[str], str],
    context: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Assign final class names. `wanted[key] = (name, mangled, tier)`; tier 0 wins over 1;
    `context[key]`, a name from where the type sits (an inline schema's operation and
    property), for colliding types that their keys do not tell apart.

    Returns key -> name; structurally identical colliding schemas share one name.
    """
    groups: dict[str, list[str]] = {}
    for key, (name, _, _) in wanted.items():
        groups.setdefault(name, []).append(key)
    result: dict[str, str] = {}
    for name, keys in sorted(groups.items()):
        if len(keys) == 1:
            result[keys[0]] = name
            continue
        # Structurally identical schemas merge into one class.
        by_shape: dict[str, list[str]] = {}
        for key in keys:
            by_shape.setdefault(fingerprint(key), []).append(key)
        if len(by_shape) == 1:
            for key in keys:
                result[key] = name
            continue
        top = min(wanted[k][2] for k in keys)
        plain = [k for k in keys if wanted[k][2] == top and not wanted[k][1]]
        # Of schemas spelt alike (`User`, `user`, `User_`), the one spelt as the class keeps it.
        exact = [k for k in plain if k.rsplit("/", 1)[-1] == name]
        keeps = plain[0] if len(plain) == 1 else exact[0] if len(exact) == 1 else None
        if keeps is None:
            # The shape most of the colliding schemas share keeps the plain name, so a bump that
            # adds one more, different schema of that name renames nothing that existed.
            sizes = sorted((len(v) for v in by_shape.values()), reverse=True)
            if sizes[0] > 1 and sizes[0] > sizes[1]:
                keeps = next(v for v in by_shape.values() if len(v) == sizes[0])[0]
        for shape_keys in by_shape.values():
            if keeps in shape_keys:
                for key in shape_keys:
                    result[key] = name
        others = sorted(k for k in keys if k not in result)
        result.update(_qualify(name, others, wanted, context or {}))
    return _dedupe(result, fingerprint)


def _qualify(
    name: str, keys: list[str], wanted: Mapping[str, tuple[str, bool, int]],
    context: Mapping[str, str],
) -> dict[str, str]:
    quals = {k: _qualifiers(k) if wanted[k][1] else [] for k in keys}
    depth = max((len(q) for q in quals.values()), default=0)
    for k in range(1, depth + 1):
        names = {key: pascal("_".join(reversed(q[:k]))) + name if q else name
                 for key, q in quals.items()}
        if len(set(names.values())) == len(names):
            return names
    # Not told apart by module path: the names their places give (`PostCustomersShipping`
    # for the `customer_shipping` of one operation's body), each kept where it is unique.
    placed = {key: context.get(key) or name for key in keys}
    counts: dict[str, int] = {}
    for placed_name in placed.values():
        counts[placed_name] = counts.get(placed_name, 0) + 1
    # Else (identical places, component keys spelt alike): a stable digest of the key.
    return {key: placed_name if counts[placed_name] == 1 and placed_name != name
            else name + hashlib.sha1(key.encode()).hexdigest()[:6].upper()
            for key, placed_name in placed.items()}


def _dedupe(names: dict[str, str], fingerprint: Callable[[str], str]) -> dict[str, str]:
    """A qualified name may land on another schema's name; settle that by key digest."""
    shapes: dict[str, set[str]] = {}
    for key, name in names.items():
        shapes.setdefault(name, set()).add(fingerprint(key))
    return {
        key: (name if len(shapes[name]) == 1
              else name + hashlib.sha1(key.encode()).hexdigest()[:6].upper())
        for key, name in names.items()
    }
