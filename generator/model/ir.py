"""The intermediate model: what the API offers, free of spec dicts and of Python names.

Invariants (`build` makes them hold; every later stage relies on them):
- Frozen dataclasses only; no spec dict, no `Any` from the spec, reaches past `build`.
- Things are identified by where the spec declares them: a named type by `key` (the
  location of its schema, `file#/json/pointer`, "" file for the root document), an
  operation by `pointer`, a field or parameter by its wire name within its owner. Every
  `ModelRef`/`EnumRef` key is a key of `Api.models`/`Api.enums`.
- No Python identifier lives here. What a name is made of is kept instead (`NameHint`:
  the schema's key and title, the operation and property it sits under); the names stage
  (`sdkforge.names`) spells every identifier from it, once, in scoped namespaces.
- `TypeRef` is a closed union: `children` yields the types inside one, and every walk over
  types goes through it, so a new variant cannot be skipped silently (it ends in
  `assert_never`).
- Order is the spec's keys' order only where the output keeps it (fields, parameters);
  everything else is sorted by key, so spec order never changes the output.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, TypeAlias, assert_never
from urllib.parse import urlsplit

PrimitiveKind = Literal[
    "str", "int", "float", "bool", "datetime", "date", "time", "timedelta",
    "uuid", "bytes", "decimal", "file",
]


@dataclass(frozen=True, slots=True)
class Primitive:
    kind: PrimitiveKind


@dataclass(frozen=True, slots=True)
class AnyValue:
    pass


@dataclass(frozen=True, slots=True)
class ListOf:
    item: TypeRef


@dataclass(frozen=True, slots=True)
class DictOf:
    value: TypeRef


@dataclass(frozen=True, slots=True)
class Nullable:
    inner: TypeRef


@dataclass(frozen=True, slots=True)
class Discriminator:
    """The property whose wire value says which model of a union a payload is."""

    property: str
    tags: tuple[tuple[str, str], ...]  # (wire value, model key), sorted
    default: str = ""  # the model key of a value no tag names (a polymorphic base itself)


@dataclass(frozen=True, slots=True)
class UnionOf:
    variants: tuple[TypeRef, ...]
    discriminator: Discriminator | None = None


@dataclass(frozen=True, slots=True)
class ModelRef:
    key: str


@dataclass(frozen=True, slots=True)
class EnumRef:
    key: str


@dataclass(frozen=True, slots=True)
class TupleOf:
    items: tuple[TypeRef, ...]


@dataclass(frozen=True, slots=True)
class LiteralOf:
    values: tuple[str | int | float | bool | None, ...]
    open: bool = False  # an `enum` of several values: responses may bring values added later


TypeRef: TypeAlias = (
    Primitive | AnyValue | ListOf | DictOf | Nullable | UnionOf | ModelRef | EnumRef | LiteralOf
    | TupleOf
)


def children(t: TypeRef) -> Iterator[TypeRef]:
    """The types directly inside `t`, in order: the one place that knows every variant."""
    if isinstance(t, (Primitive, AnyValue, ModelRef, EnumRef, LiteralOf)):
        return
    elif isinstance(t, ListOf):
        yield t.item
    elif isinstance(t, DictOf):
        yield t.value
    elif isinstance(t, Nullable):
        yield t.inner
    elif isinstance(t, UnionOf):
        yield from t.variants
    elif isinstance(t, TupleOf):
        yield from t.items
    else:
        assert_never(t)


def walk(t: TypeRef) -> Iterator[TypeRef]:
    """`t` and every type inside it, depth first (references are not followed)."""
    stack = [t]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(tuple(children(current))))


def references(t: TypeRef) -> Iterator[str]:
    """Keys of the models and enums `t` refers to, in order (with repeats)."""
    if isinstance(t, (ModelRef, EnumRef)):  # most types are one reference or none: no walk
        yield t.key
    elif not isinstance(t, (Primitive, AnyValue, LiteralOf)):
        for inner in walk(t):
            if isinstance(inner, (ModelRef, EnumRef)):
                yield inner.key


def non_null(t: TypeRef) -> TypeRef:
    """The type without its `None`: `X` for `Nullable(X)`, else `t` itself."""
    return t.inner if isinstance(t, Nullable) else t


def spec_text(value: object) -> str:
    """Prose from the spec (a description, a summary), stripped; "" when absent or not text."""
    return value.strip() if isinstance(value, str) else ""


HintKind = Literal["schema", "operation", "title", "word", "text", "class"]


@dataclass(frozen=True, slots=True)
class NameHint:
    """What a named type's class name is made of, as the spec says it; `names` spells it.

    - `schema`: a component schema: `text` is its location, `title` its title;
    - `operation`: the operation a type sits under: `text` its operationId, `extra` (method, path);
    - `title`: an option's own title, `text`; `parent` when the title has no words;
    - `word`: `parent`'s spelling + the words of `text` (a property, a parameter);
    - `text`: `parent`'s spelling + `text` as it is ("Item", "Body", "Variant2");
    - `class`: the class name an inline schema at `parent` takes.
    """

    kind: HintKind
    text: str = ""
    parent: NameHint | None = None
    title: str | None = None
    extra: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Field:
    wire_name: str
    type: TypeRef
    required: bool
    description: str
    has_default: bool = False
    default: object = None
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False
    pointer: str = ""  # where the property is declared: file#/json/pointer ("" file for the spec)


@dataclass(frozen=True, slots=True)
class Model:
    key: str
    hint: NameHint  # what its class name is made of
    inline: bool  # an inline schema, named after where it sits
    fields: tuple[Field, ...]
    extra: TypeRef | None  # type of additional properties, None when forbidden
    description: str
    pointer: str
    base: str | None = None  # key of the model this one extends (allOf with one $ref)


@dataclass(frozen=True, slots=True)
class Enum:
    key: str
    hint: NameHint
    inline: bool
    values: tuple[str | int | float | bool, ...]
    description: str
    pointer: str


@dataclass(frozen=True, slots=True)
class Alias:
    """A named component schema that is not an object or an enum (a union, a list...).

    References to it are inlined; the alias only gives users a name to import."""

    key: str
    hint: NameHint
    target: TypeRef
    description: str
    pointer: str
    inline: bool = False
    # a long inline enum of parameters (`param_enums`): only sent, so written without the
    # lenient parsing of values added later (`emit.model_views`)
    parameter: bool = False


Location = Literal["path", "query", "header", "cookie"]


@dataclass(frozen=True, slots=True)
class Param:
    wire_name: str
    location: Location
    type: TypeRef
    required: bool
    description: str
    style: str = ""  # as declared, or its location's default (`encoding.DEFAULT_STYLES`)
    explode: bool = True
    deprecated: bool = False
    pointer: str = ""  # where the parameter is declared: file#/json/pointer


BodyKind = Literal["json", "form", "multipart", "binary", "text"]


@dataclass(frozen=True, slots=True)
class PartEncoding:
    """How one property of a form or multipart body goes on the wire (the media type's
    `encoding` entry, or the spec's default where it differs from a plain text value)."""

    wire_name: str
    style: str = "form"  # form bodies: form, spaceDelimited, pipeDelimited or deepObject
    explode: bool = True
    content_type: str = ""  # multipart: the part's Content-Type; "" for a plain text part
    headers: tuple[tuple[str, str], ...] = ()  # multipart: fixed headers each part carries


@dataclass(frozen=True, slots=True)
class Body:
    kind: BodyKind
    content_type: str
    type: TypeRef
    required: bool
    description: str
    # set when an object body is flattened into keywords; `required` as in the body's schema
    # (the caller must give those whenever any field is given, even of an optional body)
    fields: tuple[Field, ...]
    file_fields: tuple[str, ...] = ()  # wire names of multipart parts that carry files
    content_types: tuple[str, ...] = ()  # every content type the caller may choose, default first
    content_kinds: tuple[BodyKind, ...] = ()  # the kind of each of `content_types`
    encoding: tuple[PartEncoding, ...] = ()  # properties not sent as plain `form` text
    empty: bool = False  # the schema allows only an empty object: no argument; sent if required


# "stream": the response has only an event stream (see `ItemStream`)
ResponseKind = Literal["json", "binary", "text", "empty", "stream"]
# Server-sent events (text/event-stream), one JSON value a line (application/x-ndjson,
# application/jsonl), or JSON text sequences (application/json-seq, RFC 7464).
StreamFormat = Literal["sse", "ndjson", "json-seq"]


@dataclass(frozen=True, slots=True)
class ItemStream:
    """A response's event stream: its format, media type and the type of each item (from the
    media type's `itemSchema`, else its `schema`); `item` is None for server-sent events whose
    data the spec types as a string or not at all: the items are then the events themselves."""

    format: StreamFormat
    content_type: str
    item: TypeRef | None


@dataclass(frozen=True, slots=True)
class Response:
    status: str  # "200", "4XX", "default"
    kind: ResponseKind  # of the content other than a stream; "stream" when there is none
    content_type: str
    type: TypeRef | None
    description: str
    headers: tuple[str, ...] = ()  # the response headers it declares, lower-cased
    stream: ItemStream | None = None  # the event stream the response may be instead


PageStyle = Literal["offset", "page", "cursor", "link", "url"]


@dataclass(frozen=True, slots=True)
class Pagination:
    """How to ask for the next page of an operation's result, where its items are, and what
    in the response says the last page has come. Paths are wire names from the response's top.

    Styles: `offset`, `page` and `cursor` set `param` in the next request (the cursor from the
    `cursor` path, or from the last item's `item_cursor` field); `link` follows the response's
    `Link: <...>; rel="next"` header and `url` the next-page URL at `next`, as given."""

    style: PageStyle
    location: Literal["query", "body"]  # where the offset / page / cursor parameter goes
    param: str  # its wire name; "" for `link` and `url`
    items: str  # wire name of the response field holding the items; "" when it is the list
    item_type: TypeRef
    model: str  # key of the response model; "" when the response is the list
    total: tuple[str, ...] = ()  # to the total count of items
    cursor: tuple[str, ...] = ()  # to the next cursor
    item_cursor: str = ""  # the item field whose value in the last item is the next cursor
    has_more: tuple[str, ...] = ()  # to a boolean, false on the last page
    pages: tuple[str, ...] = ()  # to the count of pages
    next: tuple[str, ...] = ()  # to the next page's URL, null (or absent) on the last page
    size: str = ""  # wire name of the page-size parameter
    first: int = 1  # the number of the first page (`page` style)


AuthKind = Literal["bearer", "basic", "header", "query", "cookie"]
LIFTED = "header:"  # an AuthScheme name's start for a header lifted from the parameters


@dataclass(frozen=True, slots=True)
class AuthScheme:
    """A security scheme as the client offers it: constructor arguments with env fallbacks."""

    name: str  # its key in components.securitySchemes; "header:<wire>" for a lifted header
    kind: AuthKind
    wire_name: str  # the header, query parameter or cookie carrying the credential
    description: str
    oauth: bool = False  # an oauth2 / openIdConnect scheme (a bearer access token)
    argument: str | None = None  # the client argument the configuration names, for a lifted header
    # The tokenUrl of an oauth2 scheme's clientCredentials flow, as written (relative to the
    # server URL or absolute): the client fetches its own tokens there. "" for any other scheme.
    token_url: str = ""

    @property
    def lifted(self) -> bool:
        """A header the client sets for every call, lifted from the operations' parameters
        (`model.security`), not a scheme the spec declares."""
        return self.name.startswith(LIFTED)


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    description: str
    deprecated: bool
    params: tuple[Param, ...]
    body: Body | None
    responses: tuple[Response, ...]
    pointer: str
    tag: str  # its first tag ("" when it has none): the resource it belongs to
    security: tuple[str, ...] = ()  # names of the schemes whose credentials this operation sends
    # Its `security` requirements when more than one will do: the client sends the first it
    # has every credential of (plus the header settings it took), rather than all it has.
    alternatives: tuple[tuple[str, ...], ...] = ()
    # (scheme, its scopes space-separated and sorted) for the schemes with a token_url whose
    # requirement names scopes: the scope set the operation's token is fetched for
    scopes: tuple[tuple[str, str], ...] = ()
    pagination: Pagination | None = None


@dataclass(frozen=True, slots=True)
class ServerVariable:
    """A `{name}` in a server URL: what the client takes as an option of that name."""

    name: str  # as written in the URL template
    default: str
    enum: tuple[str, ...]  # the values allowed, () when any
    description: str


@dataclass(frozen=True, slots=True)
class Server:
    """One entry of `servers`, its `{variables}` left in `url`."""

    url: str
    description: str
    variables: tuple[ServerVariable, ...]

    @property
    def absolute(self) -> bool:
        """Whether the URL, its variables at their defaults, names a scheme and a host (one
        `urlsplit` cannot read, such as `http://[x/`, names none)."""
        try:
            parts = urlsplit(self.default_url())
        except ValueError:
            return False
        return bool(parts.scheme and parts.netloc) and "{" not in self.default_url()

    def default_url(self) -> str:
        """The URL with every variable at its default."""
        url = self.url
        for variable in self.variables:
            url = url.replace("{" + variable.name + "}", variable.default)
        return url


EventKind = Literal["webhook", "callback"]
EVENTS = "#/webhooks"  # the key of the alias (in `Api.aliases`) typing every webhook's payload


@dataclass(frozen=True, slots=True)
class Event:
    """A request the API makes to you: a `webhooks:` entry (OpenAPI 3.1), or a `callbacks:`
    entry of an operation. The client never sends it; its payload gets models, and the
    webhooks' payloads together are the type `client.webhooks.unwrap` returns."""

    kind: EventKind
    name: str  # its key under `webhooks`, or under the operation's `callbacks`
    method: str
    payload: TypeRef | None  # the type of its JSON request body; None when it has none
    description: str
    pointer: str  # where its operation is declared
    owner: str = ""  # a callback's operation: its pointer


@dataclass(frozen=True, slots=True)
class Api:
    title: str
    version: str
    description: str
    servers: tuple[Server, ...]
    operations: tuple[Operation, ...]  # sorted by (path, method)
    models: tuple[Model, ...]  # sorted by key
    enums: tuple[Enum, ...]  # sorted by key
    aliases: tuple[Alias, ...] = ()  # component schemas that are neither models nor enums
    auth: tuple[AuthScheme, ...] = ()
    events: tuple[Event, ...] = ()  # webhooks, then callbacks, each in the spec's order

    @property
    def unwraps(self) -> bool:
        """Whether the client gets `webhooks.unwrap`: some webhook has a JSON payload, and
        `aliases` holds their union at `EVENTS`."""
        return any(a.key == EVENTS for a in self.aliases)
