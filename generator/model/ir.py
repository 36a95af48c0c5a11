"""The intermediate model: what the SDK offers, free of spec dicts.

Named things (models, enums, aliases) are referred to by `key`, the location of
their schema in the spec; `naming` gives each key its Python name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

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
    Primitive | AnyValue | ListOf | DictOf | Nullable | UnionOf | ModelRef | EnumRef | LiteralOf | TupleOf
)


def non_null(t: TypeRef) -> TypeRef:
    """The type without its `None`: `X` for `Nullable(X)`, else `t` itself."""
    return t.inner if isinstance(t, Nullable) else t


def spec_text(value: object) -> str:
    """Prose from the spec (a description, a summary), stripped; "" when absent or not text."""
    return value.strip() if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class Field:
    wire_name: str
    py_name: str
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
    wanted_name: str
    mangled_key: bool  # the key is a FastAPI module path; the name came from `title`
    inline: bool  # an inline schema, named after where it sits
    fields: tuple[Field, ...]
    extra: TypeRef | None  # type of additional properties, None when forbidden
    description: str
    pointer: str
    name: str = ""
    base: str | None = None  # key of the model this one extends (allOf with one $ref)


@dataclass(frozen=True, slots=True)
class Enum:
    key: str
    wanted_name: str
    mangled_key: bool
    inline: bool
    values: tuple[str | int | float | bool, ...]
    description: str
    pointer: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Alias:
    """A named component schema that is not an object or an enum (a union, a list...).

    References to it are inlined; the alias only gives users a name to import."""

    key: str
    wanted_name: str
    mangled_key: bool
    target: TypeRef
    description: str
    pointer: str
    name: str = ""
    inline: bool = False


Location = Literal["path", "query", "header", "cookie"]


@dataclass(frozen=True, slots=True)
class Param:
    wire_name: str
    py_name: str
    location: Location
    type: TypeRef
    required: bool
    description: str
    style: str = ""
    explode: bool = True
    deprecated: bool = False
    pointer: str = ""  # where the parameter is declared: file#/json/pointer


BodyKind = Literal["json", "form", "multipart", "binary", "text"]


@dataclass(frozen=True, slots=True)
class Body:
    kind: BodyKind
    content_type: str
    type: TypeRef
    required: bool
    description: str
    fields: tuple[Field, ...]  # set when an object body is flattened into keywords
    file_fields: tuple[str, ...] = ()  # wire names of multipart parts that carry files
    content_types: tuple[str, ...] = ()  # every content type the caller may choose, default first


ResponseKind = Literal["json", "binary", "text", "empty"]


@dataclass(frozen=True, slots=True)
class Response:
    status: str  # "200", "4XX", "default"
    kind: ResponseKind
    content_type: str
    type: TypeRef | None
    description: str


@dataclass(frozen=True, slots=True)
class Pagination:
    """How to ask for the next page of an operation's result, and where its items are."""

    style: Literal["offset", "page", "cursor"]
    location: Literal["query", "body"]  # where the offset / page / cursor parameter goes
    param: str  # its wire name
    items: str  # Python name of the response field holding the page's items
    item_type: TypeRef
    model: str  # key of the response model
    total: str | None = None  # Python name of the response field with the total count
    cursor: tuple[str, ...] = ()  # Python attribute path to the next cursor in the response


AuthKind = Literal["bearer", "basic", "header", "query", "cookie"]


@dataclass(frozen=True, slots=True)
class AuthScheme:
    """A security scheme as the client offers it: constructor arguments with env fallbacks."""

    name: str  # the scheme's key under components.securitySchemes
    kind: AuthKind
    wire_name: str  # the header, query parameter or cookie carrying the credential
    args: tuple[str, ...]  # client arguments: (api_key,) or (username, password)
    description: str


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    operation_id: str
    name: str
    summary: str
    description: str
    deprecated: bool
    params: tuple[Param, ...]
    body: Body | None
    responses: tuple[Response, ...]
    pointer: str
    resource: str
    security: tuple[str, ...] = ()  # names of the schemes whose credentials this operation sends
    pagination: Pagination | None = None


@dataclass(frozen=True, slots=True)
class Resource:
    name: str  # attribute on the client: cluster_triggers
    class_name: str  # ClusterTriggers
    module: str  # resources/<module>.py
    operations: tuple[Operation, ...]


@dataclass(frozen=True, slots=True)
class Api:
    title: str
    version: str
    description: str
    servers: tuple[str, ...]
    resources: tuple[Resource, ...]
    models: tuple[Model, ...]
    enums: tuple[Enum, ...]
    aliases: tuple[Alias, ...] = ()
    auth: tuple[AuthScheme, ...] = ()

    def type_names(self) -> dict[str, str]:
        """The Python name of each model and enum by key: what type expressions refer to
        (references to aliases are inlined)."""
        return {m.key: m.name for m in self.models} | {e.key: e.name for e in self.enums}

    def exported_names(self) -> dict[str, str]:
        """`type_names` and the aliases: every name the models package exports, by key."""
        return self.type_names() | {a.key: a.name for a in self.aliases}
