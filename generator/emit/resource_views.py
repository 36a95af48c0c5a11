"""The views of resource modules: method signatures, docstrings and the runtime
`Endpoint(...)` and `Call(...)` each method makes.

Everything the resource template prints is computed here; the template only loops.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sdkforge.emit.page_views import attributes
from sdkforge.emit.pyexpr import TypeWriter, doc_lines, docstring_lines, literal, tuple_expr
from sdkforge.emit.signatures import (
    ArgView,
    Signature,
    named_aliases,
    signature,
    signature_writer,
)
from sdkforge.model import ir
from sdkforge.model.encoding import DEFAULT_STYLES
from sdkforge.model.operations import request_path
from sdkforge.names import naming
from sdkforge.names.allocate import ClassName, Identifier, ModuleName
from sdkforge.names.assign import Names, ResourceNames


@dataclass(frozen=True, slots=True)
class OverloadView:
    keyword: tuple[ArgView, ...]
    returns: str
    async_returns: str


@dataclass(frozen=True, slots=True)
class MethodView:
    name: Identifier
    positional: tuple[ArgView, ...]
    keyword: tuple[ArgView, ...]
    overloads: tuple[OverloadView, ...]  # the typing overloads; () for none
    returns: str
    async_returns: str  # `returns` of the async method (`AsyncStream[...]` for `Stream[...]`)
    docstring_lines: tuple[str, ...]
    deprecated: bool
    endpoint: str  # the module-level function that makes the method's Endpoint once
    endpoint_args: tuple[tuple[str, str], ...]  # keyword -> expression for runtime Endpoint(...)
    call_args: tuple[tuple[str, str], ...]  # keyword -> expression for runtime Call(endpoint, ...)
    # The async class derives this method from the sync class's (`config.derived_async`): one
    # line, the same arguments and result. One returning a stream (`AsyncStream` async),
    # overloaded or deprecated (whose warning points at the caller's line) is written out; one
    # of no result returns the request's (None), which the async twin awaits.
    derived: bool
    readme_call: str  # get_pet(pet_id, name=...)
    readme_returns: str  # models.Pet
    signature: Signature

    @property
    def result(self) -> str:
        """The `Endpoint[...]`'s type, what `request` gives: the result, or `Any` where the
        async method's differs (a stream), which then `cast`s it."""
        return self.returns if self.returns == self.async_returns else "Any"

    @property
    def casts_result(self) -> bool:
        return self.result == "Any" and self.returns not in ("Any", "None")

    @property
    def returns_value(self) -> bool:
        return self.returns != "None" or self.derived

    @property
    def inline_endpoint(self) -> str:
        """The class a derived method's one body calls to make its Endpoint on each call (0.6
        us; as functions of the module, Graph's 9,000 would cost 4 MB), else "". mypy does not
        infer the type from a `-> None` method's return: there, `Endpoint[None]`."""
        return ("" if not self.derived else "Endpoint[None]" if self.returns == "None"
                else "Endpoint")


@dataclass(frozen=True, slots=True)
class ResourceView:
    attribute: Identifier
    class_name: ClassName
    module: ModuleName
    imports: tuple[str, ...]
    uses_params: bool  # the arguments' dict forms name the params package (`_params.XParam`)
    methods: tuple[MethodView, ...]
    uses_models: bool
    uses_files: bool
    uses_discriminator: bool
    uses_pagination: bool
    uses_list_pages: bool  # a method returns a `ListPage` (a paged list response)
    streams: tuple[str, ...]  # what the module imports from the runtime's `_streaming`
    # The raw- and streaming-response wrappers repeat each method's typed arguments (a generic
    # call per method, which mypy infers), or take any arguments (`config.typed_wrappers`).
    typed_wrappers: bool = True
    uses_async_method: bool = False  # a method is derived (`MethodView.derived`)
    # Each method takes its per-call options as `**request_options` (`config.unpacked_options`)
    unpacked_options: bool = False
    runtime_types: tuple[str, ...] = ()  # what the module imports from the runtime's `_types`
    # What the untyped wrappers' class imports from the runtime's `_response` (`Wrapped`, ...)
    wrapper_types: tuple[str, ...] = ()
    # (function, map) of the error maps several endpoints share (`_shared_errors`)
    shared_errors: tuple[tuple[str, str], ...] = ()

    @property
    def untyped_wrappers(self) -> bool:
        """The wrappers are one class of annotations (`Wrapped`): asked for, and a method."""
        return not self.typed_wrappers and bool(self.methods)


def resource_views(api: ir.Api, names: Names, typed_wrappers: bool = True,
                   derived_async: bool = False, unpacked: bool = False) -> list[ResourceView]:
    """The view of every resource: what `render` writes and `surface` describes, made once
    for both. Aliases have no names here: references to them are inlined."""
    models = {m.key: m for m in api.models}
    aliases = named_aliases(api, names)
    return [resource_view(r, names, models, aliases, typed_wrappers, derived_async, unpacked)
            for r in names.resources]


def resource_view(
    resource: ResourceNames, names: Names, models: Mapping[str, ir.Model],
    aliases: Mapping[str, str] | None = None, typed_wrappers: bool = True,
    derived_async: bool = False, unpacked: bool = False,
) -> ResourceView:
    defined = [names.method(op) for op in resource.operations]
    writer = signature_writer(names, methods=defined, aliases=aliases)
    inputs = signature_writer(names, methods=defined, aliases=aliases, inputs=True)
    runtime = signature_writer(names, plain=False, methods=defined)
    maps = [_error_map(op, runtime) for op in resource.operations]
    shared = _shared_errors(maps)
    methods = tuple(_method(op, names, models, writer, runtime, inputs, derived_async, unpacked,
                            f"{shared[errors]}()" if errors in shared else errors)
                    for op, errors in zip(resource.operations, maps, strict=True))
    deprecated = {"warnings"} if any(m.deprecated for m in methods) else set()
    modules = writer.modules | inputs.modules | runtime.modules
    imports = [f"import {m}" for m in sorted(modules | deprecated)]
    untyped = not typed_wrappers and bool(methods)  # `ResourceView.untyped_wrappers`
    # the abstract types the arguments' dict forms take; the untyped wrappers' class takes a
    # `Callable`
    abc = sorted(set(inputs.abc) | ({"Callable"} if untyped else set()))
    if abc:
        imports.append(f"from collections.abc import {', '.join(abc)}")
    cached = shared or any(not m.inline_endpoint for m in methods)
    imports.append("from functools import cache, cached_property" if cached
                   else "from functools import cached_property")
    casts = {"cast"} if any(m.casts_result for m in methods) else set()
    casts |= {"Any"} if any(m.result == "Any" for m in methods) else set()
    more = {"Unpack"} if unpacked and methods else set()
    more |= {"Any", "Generic"} if untyped else set()
    typing_names = sorted(writer.typing | inputs.typing | runtime.typing | casts | more)
    if typing_names:
        imports.append(f"from typing import {', '.join(typing_names)}")
    if runtime.uses_discriminator:
        imports.extend(["", "from pydantic import Tag as _Tag"])
    uses_files = any("FileTypes" in a.annotation for m in methods for a in m.keyword)
    return ResourceView(
        attribute=resource.attribute, class_name=resource.class_name, module=resource.module,
        imports=tuple(imports), uses_params=bool(inputs.params), methods=methods,
        uses_models=any(w.names_models for w in (writer, inputs, runtime)),
        uses_files=uses_files,
        uses_discriminator=runtime.uses_discriminator,
        uses_pagination=any(op.pagination is not None for op in resource.operations),
        uses_list_pages=any(op.pagination is not None and not op.pagination.model
                            for op in resource.operations),
        streams=_stream_imports(methods), typed_wrappers=typed_wrappers,
        uses_async_method=any(m.derived for m in methods), unpacked_options=unpacked,
        runtime_types=_runtime_types(methods, uses_files, unpacked),
        wrapper_types=_wrapper_types(methods) if untyped else (),
        shared_errors=tuple((function, errors) for errors, function in shared.items()),
    )


def _wrapper_types(methods: Iterable[MethodView]) -> tuple[str, ...]:
    """What the untyped wrappers' class imports from `_response`, in isort's order: the kinds,
    `Wrapped` for a method of one result, `Wrapped2` for one whose async result differs."""
    wrapped = {"Wrapped" if m.returns == m.async_returns else "Wrapped2" for m in methods}
    return ("AsyncRaw", "AsyncStreaming", "Raw", "Streaming", *sorted(wrapped), "WrapperKind")


def _runtime_types(methods: Iterable[MethodView], uses_files: bool,
                   unpacked: bool) -> tuple[str, ...]:
    """The names the module imports from the runtime's `_types`, in isort's order: the per-call
    options' types (five keywords, or `RequestOptions`), and what the arguments use."""
    used = {"FileTypes"} if uses_files else set()
    if not unpacked:
        used |= {"NOT_GIVEN", "Body", "Headers", "NotGiven", "Query", "Timeout"}
    else:
        used.add("RequestOptions")
        arguments = [a for m in methods for a in (*m.positional, *m.keyword,
                                                  *(k for o in m.overloads for k in o.keyword))]
        used |= {"NOT_GIVEN"} if any(a.default == "NOT_GIVEN" for a in arguments) else set()
        used |= {"NotGiven"} if any("NotGiven" in a.annotation for a in arguments) else set()
    return tuple(sorted(used, key=lambda n: (not n.isupper(), n)))


def _auth_fields(op: ir.Operation) -> list[tuple[str, str]]:
    """The Endpoint's schemes, and the OAuth2 scopes of those whose tokens the client fetches."""
    fields = []
    if op.security:
        fields.append(("auth", tuple_expr([literal(s) for s in op.security])))
    if op.alternatives:
        sets = [tuple_expr([literal(s) for s in names]) for names in op.alternatives]
        fields.append(("auth_sets", tuple_expr(sets)))
    if op.scopes:
        scopes = ", ".join(f"{literal(scheme)}: {literal(wanted)}" for scheme, wanted in op.scopes)
        fields.append(("scopes", "{" + scopes + "}"))
    return fields


def _stream_imports(methods: Iterable[MethodView]) -> tuple[str, ...]:
    """The names of `_streaming` the methods' annotations use (`signatures.with_stream`): the
    streams, and `ServerSentEvent` for one whose items are the events themselves."""
    streams = [m.signature.stream for m in methods if m.signature.stream is not None]
    used = {"AsyncStream", "Stream"} if streams else set()
    used |= {"ServerSentEvent"} if any(s.item is None for s in streams) else set()
    return tuple(sorted(used))


def _method(
    op: ir.Operation, names: Names, models: Mapping[str, ir.Model], writer: TypeWriter,
    runtime: TypeWriter, inputs: TypeWriter | None = None, derived_async: bool = False,
    unpacked: bool = False, errors: str = "",
) -> MethodView:
    """`writer` spells the types mypy reads; `runtime` the ones pydantic parses with;
    `inputs` the arguments' (a model or its dict form); `derived_async`: the async twin is
    derived where it can be; `unpacked`: the per-call options are `**request_options`;
    `errors`: the Endpoint's error map, or the call of the function that makes it."""
    sig = signature(op, names, writer, inputs)
    returns, async_returns = sig.returns, sig.returns_async
    if op.pagination is not None and not op.pagination.model:
        # A list response that pages: the list itself, with the page methods (a `list` subclass).
        returns = async_returns = f"ListPage[{writer.expr(op.pagination.item_type)}]"
    cast_expr = runtime.expr(sig.parsed) if sig.parsed is not None else "None"
    path = request_path(op.path, {p.wire_name for p in op.params if p.location == "path"})
    endpoint = [("method", literal(op.method)), ("path", literal(path)), *_parameter_styles(op)]
    if op.body is not None:
        endpoint += [("body_kind", literal(op.body.kind)),
                     ("content_type", literal(op.body.content_type)), *_body_encoding(op.body)]
        if op.body.content_types:
            # The caller picks the content type; each one's kind is the generator's decision
            # (made by `build`), written out so the runtime never works it out from the type.
            kinds = zip(op.body.content_types, op.body.content_kinds, strict=True)
            choices = ", ".join(f"{literal(ct)}: {literal(kind)}" for ct, kind in kinds)
            endpoint.append(("body_kinds", "{" + choices + "}"))
    if op.pagination is not None:
        endpoint.append(("pagination", _page_spec(op.pagination, names, models)))
    endpoint += _auth_fields(op)
    # the runtime's defaults (`cast_to=None`, `response_kind="json"`) are not written
    endpoint += [("cast_to", cast_expr)] if cast_expr != "None" else []
    if sig.statuses:
        by_status = (f"{code}: {'None' if t is None else runtime.expr(t)}"
                     for code, t in sig.statuses)
        endpoint.append(("statuses", "{" + ", ".join(by_status) + "}"))
    endpoint += [("accept", literal(sig.accept))] if sig.accept else []
    endpoint += ([("response_kind", literal(sig.response_kind))]
                 if sig.response_kind != "json" else [])
    if sig.stream is not None:
        endpoint.append(("stream", _stream_spec(sig, runtime)))
    if errors:
        endpoint.append(("errors", errors))
    name = names.method(op)
    positional = tuple(a.view for a in sig.positional)
    keyword = tuple(a.view for a in sig.keyword)
    required = [a.name for a in positional] + [f"{a.name}=..." for a in keyword if not a.default]
    derived = (derived_async and async_returns == returns and not sig.overloads
               and not op.deprecated)
    return MethodView(
        name=name, positional=positional, keyword=keyword,
        overloads=tuple(OverloadView(tuple(a.view for a in o.keyword), o.returns,
                                     o.async_returns) for o in sig.overloads),
        returns=returns, async_returns=async_returns,
        docstring_lines=tuple(docstring_lines(_method_doc(op, sig))), deprecated=op.deprecated,
        endpoint=f"_{name}_endpoint", endpoint_args=tuple(endpoint),
        call_args=_call_args(op, sig, names, unpacked), derived=derived,
        readme_returns=_public(returns),
        readme_call=f"{name}({', '.join(required)})", signature=sig,
    )


def _stream_spec(sig: Signature, runtime: TypeWriter) -> str:
    """The runtime `StreamSpec(...)`: the stream's format, its item type (None: the events
    themselves) and the body field asking for it."""
    assert sig.stream is not None
    item = runtime.expr(sig.stream.item) if sig.stream.item is not None else "None"
    spec = [literal(sig.stream.format), item]
    if sig.stream_field:
        spec.append(f"field={literal(sig.stream_field)}")
    return f"StreamSpec({', '.join(spec)})"


def _parameter_styles(op: ir.Operation) -> list[tuple[str, str]]:
    """`query_styles`, `path_styles`, `header_styles`, `cookie_styles`: the parameters whose
    style and explode are not their location's defaults, which the runtime assumes; but a
    scalar's `explode`, which changes nothing (Microsoft Graph's `$filter`, `form` unexploded
    in 3,211 operations)."""
    found: list[tuple[str, str]] = []
    for location in ("query", "path", "header", "cookie"):
        default = (DEFAULT_STYLES[location], DEFAULT_STYLES[location] == "form")
        odd = [(p.wire_name, p.style, p.explode) for p in op.params
               if p.location == location and (p.style, p.explode) != default
               and not (p.style == default[0] and _scalar(p.type))]
        if odd:
            shown = ", ".join(f"{literal(w)}: ({literal(s)}, {e})" for w, s, e in odd)
            found.append((f"{location}_styles", "{" + shown + "}"))
    return found


def _scalar(t: ir.TypeRef) -> bool:
    """Whether every value of `t` is written as one text (no list, no object), which each
    style of its location's default writes alike, exploded or not."""
    if isinstance(t, (ir.Nullable, ir.UnionOf)):
        return all(_scalar(inner) for inner in ir.children(t))
    if isinstance(t, ir.Primitive):
        return t.kind not in ("bytes", "file")
    return isinstance(t, (ir.EnumRef, ir.LiteralOf))


def _body_encoding(body: ir.Body) -> list[tuple[str, str]]:
    """Whether the body is sent when no field is given, and how its properties are written
    when not as plain form text: `form_styles`, `part_types`, `part_headers`."""
    found = [("body_required", "True")] if body.required else []
    styles = [(e.wire_name, e.style, e.explode) for e in body.encoding
              if (e.style, e.explode) != ("form", True)]
    if styles and body.kind == "form":
        shown = ", ".join(f"{literal(w)}: ({literal(s)}, {x})" for w, s, x in styles)
        found.append(("form_styles", "{" + shown + "}"))
    types = [(e.wire_name, literal(e.content_type)) for e in body.encoding if e.content_type]
    if types:
        found.append(("part_types", _mapping(types)))
    headers = [(e.wire_name, _mapping((k, literal(v)) for k, v in e.headers))
               for e in body.encoding if e.headers]
    if headers and body.kind == "multipart":
        found.append(("part_headers", _mapping(headers)))
    return found


def _call_args(op: ir.Operation, sig: Signature, names: Names,
               unpacked: bool = False) -> tuple[tuple[str, str], ...]:
    """Keyword -> expression for the runtime `Call(endpoint, ...)` a method makes; the per-call
    options are passed on one by one, or as `**request_options` (the template's) if `unpacked`."""
    call: list[tuple[str, str]] = []
    if sig.path_params:
        call.append(("path_params", _mapping((p.wire_name, names.argument(op, "path", p.wire_name))
                                             for p in sig.path_params)))
    for location, keyword in (("query", "query"), ("header", "headers"), ("cookie", "cookies")):
        items = [(p.wire_name, names.argument(op, location, p.wire_name)) for p in op.params
                 if p.location == location]
        if items:
            call.append((keyword, _mapping(items)))
    body = op.body
    if body is not None:
        if body.fields:
            plain = [(f.wire_name, names.argument(op, "body", f.wire_name)) for f in body.fields
                     if f.wire_name not in body.file_fields]
            parts = [(f.wire_name, names.argument(op, "body", f.wire_name)) for f in body.fields
                     if f.wire_name in body.file_fields]
            call.append(("body", _mapping(plain)))
            if parts:
                call.append(("files", _mapping(parts)))
        elif sig.body_arg is not None:
            call.append(("body", sig.body_arg))
        if body.content_types:
            call.append(("content_type", "content_type"))
    if not unpacked:
        call += [(extra, extra) for extra in
                 ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries")]
    return tuple(call)


def _error_map(op: ir.Operation, runtime: TypeWriter) -> str:
    """`{status: runtime type}` of the JSON error responses (4XX, 5XX, default); "" if none."""
    errors = [
        (r.status if r.status == "default" else r.status.upper(), runtime.expr(r.type))
        for r in op.responses
        if r.type is not None and r.kind == "json" and not r.status.startswith("2")
        and (r.status[0] in "45" or r.status == "default")
    ]
    return "{" + ", ".join(f"{literal(s)}: {e}" for s, e in errors) + "}" if errors else ""


def _shared_errors(maps: Iterable[str]) -> dict[str, str]:
    """Of the operations' error maps (`_error_map`), those they share, each to the name of the
    function that makes it (`_errors_1`), in order of first use: a large API's operations
    mostly share one (Microsoft Graph's 11,422 all do), which each endpoint would spell out. A
    map is shared when its repeats are longer than the function (one short, used twice, is not)."""
    counts = Counter(maps)
    shared = [errors for errors, n in counts.items() if errors and (n - 1) * len(errors) > 120]
    return {errors: f"_errors_{i}" for i, errors in enumerate(shared, 1)}


def _page_spec(pg: ir.Pagination, names: Names, models: Mapping[str, ir.Model]) -> str:
    """The runtime `PageSpec(...)`: the response fields by their Python names."""
    spec = [literal(pg.style), literal(pg.location), literal(pg.param),
            literal(names.field(pg.model, pg.items) if pg.items else "")]
    for key, path in (("total", pg.total), ("cursor", pg.cursor), ("has_more", pg.has_more),
                      ("pages", pg.pages), ("next", pg.next)):
        if path:
            names_along = [literal(a) for a in attributes(pg.model, path, names, models)]
            spec.append(f"{key}={tuple_expr(names_along)}")
    if pg.item_cursor:
        item = ir.non_null(pg.item_type)
        key = item.key if isinstance(item, ir.ModelRef) else ""
        attribute = names.field(key, pg.item_cursor) if key in models else pg.item_cursor
        spec.append(f"item_cursor={literal(attribute)}")
    if pg.size:
        spec.append(f"size={literal(pg.size)}")
    if pg.first != 1:
        spec.append(f"first={pg.first}")
    return f"PageSpec({', '.join(spec)})"


def _public(annotation: str) -> str:
    """How users spell a type: `models.Pet`, not the resource module's private `_models.Pet`."""
    return re.sub(r"\b_models\.", "models.", annotation)


def _mapping(items: Iterable[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{literal(wire)}: {py}" for wire, py in items) + "}"


def _method_doc(op: ir.Operation, sig: Signature) -> list[str]:
    lines: list[str] = []
    if op.summary:
        lines.extend(doc_lines(op.summary, 76))
    if op.description and op.description != op.summary:
        if lines:
            lines.append("")
        lines.extend(doc_lines(op.description, 76))
    if op.deprecated:
        lines.extend(["", "Deprecated: this operation is deprecated by the API."])
    documented = [(a.view.name,
                   a.description or ("The request body." if a.key == ("body", "") else ""))
                  for a in sig.declared]
    documented = [(name, text) for name, text in documented if text]
    if documented:
        lines.extend(["", "Args:"])
        for name, text in documented:
            wrapped = doc_lines(text, 68)
            lines.append(f"    {name}: {wrapped[0]}".rstrip())  # black strips what is left
            lines.extend(f"        {w}" if w else "" for w in wrapped[1:])
    if not lines:
        lines.append(f"{op.method.upper()} {naming.snake(op.path)}")
    return lines
