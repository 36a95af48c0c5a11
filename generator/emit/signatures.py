"""A method's signature: its arguments in order, with their annotations and defaults, and its
return type; what the resource modules print and what the public-API surface describes.

Arguments come in a fixed order: path parameters positionally in path order; then keyword
arguments, required ones first (each group: parameters by location and wire name, then body
fields in the spec's order, then `body` for a body that is not flattened); then
`content_type` when the body offers a choice.

An optional body whose schema requires some fields is sent only when a field is given, and
then must carry those: the method gets two typing overloads, one without any body field and
one with the required ones required (`Signature.overloads`); the implementation takes them
all as optional keywords.

A method whose success may be an event stream (`ir.ItemStream`) returns `Stream[Item]`
(`AsyncStream[Item]` in the async client) when the stream is all it may return. With another
response beside it, and a boolean `stream` field in the body, it gets overloads on that field
(`with_stream`): `Literal[True]` gives the stream, `Literal[False]` or nothing the other
response, a `bool` either; without such a field it returns the union, the runtime choosing by
the response's content type. (A list operation that pages returns its pages: a stream beside
them is left out.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from sdkforge.emit.pyexpr import SHADOWABLE_BUILTINS, TypeWriter, literal
from sdkforge.model import ir
from sdkforge.names.allocate import Identifier
from sdkforge.names.assign import BODY_ARGUMENT, CONTENT_TYPE_ARGUMENT, ArgumentKey, Names


@dataclass(frozen=True, slots=True)
class ArgView:
    name: Identifier
    annotation: str
    default: str  # "" for a required argument


@dataclass(frozen=True, slots=True)
class Argument:
    view: ArgView
    # (location or "body", wire name); ("body", "") for `body`; None for `content_type`
    key: ArgumentKey | None
    description: str
    deprecated: bool
    pointer: str


@dataclass(frozen=True, slots=True)
class Overload:
    """One typing overload: its keyword arguments and its return annotations."""

    keyword: tuple[Argument, ...]
    returns: str
    async_returns: str


@dataclass(frozen=True, slots=True)
class Signature:
    path_params: tuple[ir.Param, ...]  # in the order they appear in the path
    positional: tuple[Argument, ...]
    keyword: tuple[Argument, ...]
    returns: str  # the return annotation, as mypy reads it
    response_kind: str  # json, text, binary, empty or stream (when nothing else may come)
    parsed: ir.TypeRef | None  # the type a JSON response is parsed into; None for other kinds
    body_arg: Identifier | None  # `body` when the body is one argument
    # The spec's arguments as documented: parameters, body fields, body.
    declared: tuple[Argument, ...]
    # The typing overloads: none; or (without body fields, with the body's required fields
    # required); each split on the body's `stream` field as `with_stream` says
    overloads: tuple[Overload, ...] = ()
    stream: ir.ItemStream | None = None  # the event stream a success may be
    async_returns: str = ""  # the return annotation of the async method, when not `returns`
    stream_field: str = ""  # wire name of the body's boolean `stream` field the overloads split
    # The type of each 2XX status's JSON body (None: no body), when they differ: the runtime
    # parses an answer by its status, and gives None for a status that has no content.
    statuses: tuple[tuple[int, ir.TypeRef | None], ...] = ()
    accept: str = ""  # the JSON success's one media type, when it is not application/json

    @property
    def returns_async(self) -> str:
        return self.async_returns or self.returns

    @property
    def arguments(self) -> tuple[Argument, ...]:
        return self.positional + self.keyword


# An alias whose type holds an enum of this many values is named in signatures, not spelt out.
LONG_ENUM = 4


def named_aliases(api: ir.Api, names: Names) -> dict[str, str]:
    """The component aliases that signatures name instead of spelling out their type: those
    holding a long enum (`model: _models.ModelIdsShared`, not ninety literals in every
    method), by `repr` of the type; of aliases with one type (`ModelIdsShared`,
    `BetaModelIdsShared`), the shortest name, then the first in order, is used."""
    found: dict[str, list[str]] = {}  # repr of a type -> the aliases that have it
    for alias in names.named_aliases(api):
        target = alias.target
        if isinstance(target, (ir.UnionOf, ir.LiteralOf)) and any(
                isinstance(t, ir.LiteralOf) and len(t.values) >= LONG_ENUM
                for t in ir.walk(target)):
            found.setdefault(repr(target), []).append(f"_models.{names.aliases[alias.key]}")
    return {text: min(exprs, key=lambda e: (len(e), e)) for text, exprs in found.items()}


def signature_writer(
    names: Names, plain: bool = True, methods: Iterable[str] = (),
    aliases: Mapping[str, str] | None = None, inputs: bool = False,
) -> TypeWriter:
    """A writer of the types a resource module spells: models as `_models.Name`; `plain` for
    the annotations mypy reads, else the ones pydantic parses with (discriminator metadata);
    `methods`, the names the resource class defines (builtin types they shadow are qualified);
    `aliases`, the types signatures name (`named_aliases`; only in plain annotations);
    `inputs`, for the arguments: a model or its dict form (`_models.Pet | _params.PetParam`)."""
    types, params = names.types, names.params
    return TypeWriter(ref=lambda key: f"_models.{types[key]}", names=types, lenient_enums=False,
                      plain=plain, values=not plain,
                      shadowed=frozenset(methods) & SHADOWABLE_BUILTINS,
                      named=(aliases or {}) if plain else {},
                      param=((lambda key: f"_params.{params[key]}" if key in params else None)
                             if inputs else None),
                      models_too=inputs)


def signature(
    op: ir.Operation, names: Names, writer: TypeWriter, inputs: TypeWriter | None = None,
) -> Signature:
    """`writer` spells the types mypy reads (plain, no pydantic metadata); `inputs`, when
    given, those of the arguments (models or their dict forms: `signature_writer(inputs=True)`).
    """
    returned, writer = writer, inputs or writer
    path_params = tuple(sorted((p for p in op.params if p.location == "path"),
                               key=lambda p: op.path.find("{" + p.wire_name + "}")))
    positional = tuple(_param(op, p, names, writer) for p in path_params)
    args: list[Argument] = [_param(op, p, names, writer) for p in op.params if p.location != "path"]
    body = op.body
    fields = _body_fields(op, names, writer) if body is not None else []
    args += [declared if body is not None and body.required else optional
             for optional, declared in fields]
    body_arg = (BODY_ARGUMENT if body is not None and not body.fields and not body.empty
                else None)
    if body is not None and body_arg is not None:
        annotation, default = _arg_type(body.type, writer, body.required)
        args.append(Argument(ArgView(body_arg, annotation, default), ("body", ""), body.description,
                             False, ""))
    tail: list[Argument] = []
    if body is not None and body.content_types:
        writer.typing.add("Literal")
        choices = ", ".join(literal(ct) for ct in body.content_types)
        view = ArgView(CONTENT_TYPE_ARGUMENT, f"Literal[{choices}]", literal(body.content_types[0]))
        tail.append(Argument(view, None, "", False, ""))
    keyword_sets: tuple[tuple[Argument, ...], ...] = ()
    if body is not None and not body.required and any(a != b for a, b in fields):
        given = {a.view.name: b for a, b in fields}
        with_fields = [given.get(a.view.name, a) for a in args]
        without = [a for a in args if a.view.name not in given]
        keyword_sets = (_keyword_order(without, tail), _keyword_order(with_fields, tail))
    success = _success_responses(op)
    parsed = _success_type(success)
    returns, kind = _returns(success, parsed, returned)
    sig = Signature(path_params, positional, _keyword_order(args, tail), returns, kind, parsed,
                    body_arg, positional + tuple(args),
                    tuple(Overload(k, returns, returns) for k in keyword_sets),
                    statuses=_by_status(success) if kind == "json" else (),
                    accept=_accept(success) if kind == "json" else "")
    stream = next((r.stream for r in success if r.stream is not None), None)
    if stream is not None and op.pagination is None:
        sig = with_stream(sig, stream, op, returned)
    if sig.overloads:
        writer.typing.add("overload")
    return sig


def with_stream(
    sig: Signature, stream: ir.ItemStream, op: ir.Operation, writer: TypeWriter
) -> Signature:
    """`sig` of an operation whose success may be `stream`: the return types, and the
    overloads on the body's boolean `stream` field when something else may come too."""
    item = writer.expr(stream.item) if stream.item is not None else "ServerSentEvent"
    sync, asynchronous = f"Stream[{item}]", f"AsyncStream[{item}]"
    other = sig.returns
    union, async_union = f"{other} | {sync}", f"{other} | {asynchronous}"
    field = _stream_field(op)
    if sig.response_kind == "stream" or field is None:  # one return type for every call
        returns, async_returns = ((sync, asynchronous) if sig.response_kind == "stream"
                                  else (union, async_union))
        return replace(sig, returns=returns, async_returns=async_returns, stream=stream,
                       overloads=tuple(replace(o, returns=returns, async_returns=async_returns)
                                       for o in sig.overloads))
    writer.typing.add("Literal")
    overloads: list[Overload] = []
    for keyword in [o.keyword for o in sig.overloads] or [sig.keyword]:
        arg = next((a for a in keyword if a.key == ("body", field.wire_name)), None)
        if arg is None:  # the overload without body fields: no stream asked
            overloads.append(Overload(keyword, other, other))
            continue
        false = "Literal[False]" + (" | None" if isinstance(field.type, ir.Nullable) else "")
        false += " | NotGiven" if arg.view.default else ""
        overloads += [
            Overload(_with_arg(keyword, arg, false, arg.view.default), other, other),
            Overload(_with_arg(keyword, arg, "Literal[True]", ""), sync, asynchronous),
            Overload(keyword, union, async_union),
        ]
    return replace(sig, returns=union, async_returns=async_union, stream=stream,
                   stream_field=field.wire_name, overloads=tuple(overloads))


def _stream_field(op: ir.Operation) -> ir.Field | None:
    """The body's boolean `stream` field, which asks for the stream; None when it has none."""
    body = op.body
    if body is None or body.kind not in ("json", "form", "multipart"):
        return None
    return next((f for f in body.fields if f.wire_name == "stream"
                 and ir.non_null(f.type) == ir.Primitive("bool")), None)


def _with_arg(
    keyword: tuple[Argument, ...], arg: Argument, annotation: str, default: str
) -> tuple[Argument, ...]:
    """`keyword` with `arg` annotated and defaulted anew, required keywords first."""
    changed = replace(arg, view=ArgView(arg.view.name, annotation, default))
    args = [changed if a is arg else a for a in keyword]
    return tuple(sorted(args, key=lambda a: (a.key is None, bool(a.view.default))))


def _keyword_order(args: list[Argument], tail: list[Argument]) -> tuple[Argument, ...]:
    """Required keywords first, then those with defaults, then `tail`."""
    return tuple([a for a in args if not a.view.default] + [a for a in args if a.view.default]
                 + tail)


def _body_fields(
    op: ir.Operation, names: Names, writer: TypeWriter
) -> list[tuple[Argument, Argument]]:
    """Each flattened body field's argument as (optional, as its schema says): a field is
    optional when the body is, but required with any other field if its schema says so."""
    assert op.body is not None
    body = op.body
    pairs: list[tuple[Argument, Argument]] = []
    for f in body.fields:
        field_type = _file_type(f.type) if f.wire_name in body.file_fields else f.type
        name = names.argument(op, "body", f.wire_name)
        views = [ArgView(name, *_arg_type(field_type, writer, required))
                 for required in (False, f.required)]
        optional, declared = (Argument(v, ("body", f.wire_name), f.description, f.deprecated,
                                       f.pointer) for v in views)
        pairs.append((optional, declared))
    return pairs


def _success_responses(op: ir.Operation) -> list[ir.Response]:
    """The 2XX responses, else the default one."""
    return ([r for r in op.responses if r.status.startswith("2")]
            or [r for r in op.responses if r.status == "default"])


def _success_type(success: list[ir.Response]) -> ir.TypeRef | None:
    """The type of a JSON success response (nullable when a success may be empty); None for
    other kinds."""
    typed = [r for r in success if r.kind not in ("empty", "stream")]
    if not typed or {r.kind for r in typed} != {"json"}:
        return None
    variants = tuple(r.type for r in typed if r.type is not None)
    t: ir.TypeRef = (variants[0] if len(set(variants)) == 1
                     else ir.UnionOf(tuple(dict.fromkeys(variants))))
    return ir.Nullable(t) if any(r.kind == "empty" for r in success) else t


def _by_status(success: list[ir.Response]) -> tuple[tuple[int, ir.TypeRef | None], ...]:
    """Each exact 2XX status's body type (None when it has no content), when they are not all
    one; () when a JSON body has no schema (its status parses into the union as it is)."""
    found = [(int(r.status), r.type if r.kind == "json" else None) for r in success
             if r.status.isdigit() and r.kind in ("json", "empty")]
    if any(r.kind == "json" and r.type is None for r in success):
        return ()
    return tuple(found) if len({t for _, t in found}) > 1 else ()


def _accept(success: list[ir.Response]) -> str:
    """The media type to ask for when every JSON success is one vendor type
    (`application/vnd.api+json`): a server that negotiates may refuse `application/json`."""
    types = {r.content_type for r in success if r.kind == "json"}
    (only,) = types if len(types) == 1 else ("",)
    essence = only.split(";", 1)[0].strip().lower()
    return only if essence and "*" not in essence and essence != "application/json" else ""


def _returns(
    success: list[ir.Response], parsed: ir.TypeRef | None, writer: TypeWriter
) -> tuple[str, str]:
    """The return annotation and the response kind; `parsed` is the JSON success type."""
    typed = [r for r in success if r.kind not in ("empty", "stream")]
    if not typed:
        return ("None", "stream") if any(r.kind == "stream" for r in success) else ("None", "empty")
    if parsed is not None:
        return writer.expr(parsed), "json"
    kind = "text" if {r.kind for r in typed} == {"text"} else "binary"
    return ("str" if kind == "text" else "bytes"), kind


def _param(op: ir.Operation, p: ir.Param, names: Names, writer: TypeWriter) -> Argument:
    if p.location == "path":
        annotation, default = writer.expr(p.type), ""
    else:
        annotation, default = _arg_type(p.type, writer, p.required)
    return Argument(ArgView(names.argument(op, p.location, p.wire_name), annotation, default),
                    (p.location, p.wire_name), p.description, p.deprecated, p.pointer)


def _arg_type(t: ir.TypeRef, writer: TypeWriter, required: bool) -> tuple[str, str]:
    annotation = writer.expr(t)
    if required:
        return annotation, ""
    return f"{annotation} | NotGiven", "NOT_GIVEN"


def _file_type(t: ir.TypeRef) -> ir.TypeRef:
    """Multipart file parts take bytes, a binary file object or (filename, content[, type])."""
    if isinstance(t, ir.Nullable):
        return ir.Nullable(_file_type(t.inner))
    if isinstance(t, ir.ListOf):
        return ir.ListOf(_file_type(t.item))
    return ir.Primitive("file")
