"""Paths -> operations: parameters, request bodies and responses, typed by `schemas`."""

from __future__ import annotations

import re
from typing import Any

from sdkforge.diagnostics import Diagnostics, join_pointer, unescape_pointer_token
from sdkforge.model import ir
from sdkforge.model.encoding import body_encoding, only_empty, param_style, transport_owned
from sdkforge.model.schemas import SchemaBuilder
from sdkforge.model.security import operation_scopes, operation_security, unsaid
from sdkforge.model.streams import FORMATS, item_stream, stream_format
from sdkforge.read.resolve import Location, Resolved

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_LOCATIONS: tuple[ir.Location, ...] = ("path", "query", "header", "cookie")


def body_kind(content_type: str) -> ir.BodyKind | None:
    media = content_type.split(";", 1)[0].strip().lower()
    if media.endswith(("/json", "+json")) or media == "*/*":  # text/json too (ASP.NET)
        return "json"
    if media == "application/x-www-form-urlencoded":
        return "form"
    if media == "multipart/form-data":
        return "multipart"
    if media.startswith("text/"):
        return "text"
    if media:
        return "binary"
    return None


_BODY_PREFERENCE: dict[ir.BodyKind, int] = {
    "json": 0, "form": 1, "multipart": 2, "binary": 3, "text": 4,
}


class OperationBuilder:
    def __init__(
        self, resolved: Resolved, schemas: SchemaBuilder, diagnostics: Diagnostics,
        auth_schemes: set[str], token_schemes: set[str] | None = None,
    ) -> None:
        self.resolved = resolved
        self.schemas = schemas
        self.diagnostics = diagnostics
        self.auth_schemes = auth_schemes
        self.token_schemes = token_schemes or set()  # those the client fetches tokens for
        self.unsaid = 0  # operations whose security neither they nor the document say

    def build_all(self) -> list[ir.Operation]:
        paths = self.resolved.root.data.get("paths") or {}
        operations: list[ir.Operation] = []
        if not isinstance(paths, dict):
            return operations
        for path, item in paths.items():
            item_loc = Location("", join_pointer("/paths", str(path)))
            item, item_loc = self.resolved.deref(item, item_loc)
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, dict):
                    loc = item_loc.at(method)
                    operations.append(self._operation(str(path), method, op, item, loc))
        return operations

    # ---------------------------------------------------------------- one operation
    def _operation(
        self, path: str, method: str, op: dict[str, Any], item: dict[str, Any], loc: Location
    ) -> ir.Operation:
        raw_id = op.get("operationId")
        operation_id = raw_id if isinstance(raw_id, str) else ""
        hint = ir.NameHint("operation", operation_id, extra=(method, path))
        body = self._body(op, loc, hint, method)
        responses = self._responses(op, loc, hint)
        success = ({r.kind for r in responses if r.status.startswith("2")}
                   or {r.kind for r in responses if r.status == "default"}) - {"empty"}
        params = self._params(self._merged_params(item, op, loc), hint,
                              has_body=body is not None, json_response=success == {"json"})
        data = self.resolved.root.data
        security, alternatives = operation_security(op, data, self.auth_schemes)
        self.unsaid += unsaid(op, data)
        return ir.Operation(
            method=method, path=path, operation_id=operation_id,
            summary=ir.spec_text(op.get("summary")),
            description=ir.spec_text(op.get("description")),
            deprecated=op.get("deprecated") is True, params=params,
            body=body, responses=responses, pointer=loc.pointer,
            tag=_first_tag(op.get("tags")),
            security=security, alternatives=alternatives,
            scopes=operation_scopes(op, data, self.token_schemes),
        )

    def _merged_params(
        self, item: dict[str, Any], op: dict[str, Any], loc: Location
    ) -> list[tuple[dict[str, Any], Location]]:
        """Path-level parameters, overridden by operation-level ones with the same name and
        place."""
        merged: dict[tuple[str, str], tuple[dict[str, Any], Location]] = {}
        item_loc = Location(loc.file, loc.pointer.rsplit("/", 1)[0])
        for source, source_loc in ((item, item_loc), (op, loc)):
            for index, raw in enumerate(source.get("parameters") or []):
                pointer = join_pointer(source_loc.pointer, "parameters", index)
                node, at = self.resolved.deref(raw, Location(source_loc.file, pointer))
                if (isinstance(node, dict) and isinstance(node.get("name"), str)
                        and node.get("in") in _LOCATIONS):
                    merged[(node["name"], node["in"])] = (node, at)
        return list(merged.values())

    def _params(
        self, raw: list[tuple[dict[str, Any], Location]], hint: ir.NameHint, *,
        has_body: bool, json_response: bool,
    ) -> tuple[ir.Param, ...]:
        """The parameters a caller gives, in location then name order; a header the transport
        or the body owns is left out, with a warning."""
        ordered = sorted(raw, key=lambda r: (_LOCATIONS.index(r[0]["in"]), r[0]["name"]))
        params: list[ir.Param] = []
        for node, at in ordered:
            file = self.resolved.display_file(at.file)
            owner = (transport_owned(node["name"], has_body, json_response)
                     if node["in"] == "header" else "")
            if owner:
                self.diagnostics.warning(
                    file, at.pointer, f"header parameter {node['name']!r} is not an argument: "
                    f"{owner}", "remove the parameter, or set the header with extra_headers")
                continue
            location: ir.Location = node["in"]
            style, explode, problem = param_style(node, location)
            if problem:
                self.diagnostics.warning(file, join_pointer(at.pointer, "style"), problem)
            schema = node.get("schema")
            if schema is None and isinstance(node.get("content"), dict) and node["content"]:
                first = next(iter(node["content"]))
                schema = (node["content"][first] or {}).get("schema")
                at = at.at("content", first)
            params.append(ir.Param(
                wire_name=node["name"], location=location,
                type=self.schemas.type_of(schema if schema is not None else {},
                                          at.at("schema"),
                                          ir.NameHint("word", node["name"], hint)),
                required=location == "path" or node.get("required") is True,
                description=ir.spec_text(node.get("description")),
                style=style, explode=explode,
                deprecated=node.get("deprecated") is True, pointer=at.key,
            ))
        return tuple(params)

    # ---------------------------------------------------------------- bodies
    def _body(
        self, op: dict[str, Any], loc: Location, hint: ir.NameHint, method: str
    ) -> ir.Body | None:
        raw = op.get("requestBody")
        if raw is None:
            return None
        body_loc = loc.at("requestBody")
        node, at = self.resolved.deref(raw, body_loc)
        content = node.get("content") if isinstance(node, dict) else None
        if not isinstance(content, dict) or not content:
            return None
        choices = [(ct, body_kind(ct)) for ct in content]
        # A concrete media type before a range of them (`application/*+json`, ASP.NET's first)
        usable = sorted((_BODY_PREFERENCE[k], "*" in ct, ct, k) for ct, k in choices
                        if k is not None)
        if not usable:
            return None
        *_, declared, kind = usable[0]
        media = content[declared] if isinstance(content[declared], dict) else {}
        # A JSON body declared only by a range is sent as JSON. Other structured content types
        # with the same schema are the caller's to choose; a range is no type to send.
        content_type = "application/json" if kind == "json" and "*" in declared else declared
        same_schema = [
            (content_type if ct == declared else ct, k) for *_, ct, k in usable
            if k in ("json", "form", "multipart") and kind in ("json", "form", "multipart")
            and isinstance(content[ct], dict) and ("*" not in ct or ct == declared)
            and (content[ct] or {}).get("schema") == media.get("schema")
        ]
        schema_loc = at.at("content", declared, "schema")
        required = node.get("required") is True
        description = ir.spec_text(node.get("description"))
        schema, _ = self.resolved.deref(media.get("schema"), schema_loc)
        if kind in ("json", "form", "multipart") and only_empty(schema):
            return self._empty_body(kind, content_type, required, description, method, body_loc)
        if kind == "binary":
            body_type: ir.TypeRef = ir.Primitive("bytes")
        elif kind == "text":
            body_type = ir.Primitive("str")
        else:
            body_type = self.schemas.type_of(media.get("schema") or {}, schema_loc,
                                             _shared_hint(at, "requestBodies")
                                             or ir.NameHint("text", "Body", hint))
        fields: tuple[ir.Field, ...] = ()
        if isinstance(body_type, ir.ModelRef) and kind in ("json", "form", "multipart"):
            fields = tuple(f for f in self.schemas.models[body_type.key].fields if not f.read_only)
        else:  # a form or multipart body is an object's fields: an array or a scalar is JSON
            same_schema = [(ct, k) for ct, k in same_schema if k == kind]
        self._unoffered(content, media, declared, body_loc)
        files = (tuple(f.wire_name for f in fields if _is_file(f.type)) if kind == "multipart"
                 else ())
        encoding = self._encoding(media, kind, fields, files, at, content_type)
        return ir.Body(
            kind=kind, content_type=content_type, type=body_type, required=required,
            description=description, fields=fields, file_fields=files,
            content_types=tuple(ct for ct, _ in same_schema) if len(same_schema) > 1 else (),
            content_kinds=tuple(k for _, k in same_schema) if len(same_schema) > 1 else (),
            encoding=encoding,
        )

    def _unoffered(self, content: dict[str, Any], media: dict[str, Any], sent: str,
                   at: Location) -> None:
        """Warn of the body's content types of another schema, which the method does not offer
        (an upload beside a JSON form of the same call); one of the same schema (XML, a form
        of an array) says nothing the sent one does not."""
        other = [ct for ct, m in content.items() if "*" not in ct and body_kind(ct) is not None
                 and isinstance(m, dict) and m.get("schema") != media.get("schema")]
        if other:
            self.diagnostics.warning(
                self.resolved.display_file(at.file), at.pointer,
                f"the body is sent as {sent}; its {', '.join(other)} form, of another schema, is "
                "not offered",
                "an overlay that removes the other content types makes the method send that one")

    def _empty_body(
        self, kind: ir.BodyKind, content_type: str, required: bool, description: str,
        method: str, at: Location,
    ) -> ir.Body | None:
        """A body whose schema admits only `{}` is no argument: sent (empty) when required,
        never on a GET, HEAD or DELETE, whose bodies servers may refuse or drop."""
        if method in ("get", "head", "delete"):
            self.diagnostics.warning(
                self.resolved.display_file(at.file), at.pointer,
                f"the request body can only be an empty object, on a {method.upper()!r} "
                "request: it is not an argument and is never sent",
                "remove the requestBody: a body on this method has no meaning")
            return None
        if not required:
            return None
        return ir.Body(kind=kind, content_type=content_type, type=ir.DictOf(ir.AnyValue()),
                       required=True, description=description, fields=(), empty=True)

    def _encoding(
        self, media: dict[str, Any], kind: ir.BodyKind, fields: tuple[ir.Field, ...],
        files: tuple[str, ...], at: Location, content_type: str,
    ) -> tuple[ir.PartEncoding, ...]:
        """The `encoding` of a form or multipart body (none for other kinds), problems
        reported as warnings at it."""
        if kind not in ("form", "multipart"):
            return ()

        def deref(value: object) -> object:
            return self.resolved.deref(value, at)[0]

        encoding, problems = body_encoding(media, kind, fields, files, deref)
        pointer = join_pointer(at.pointer, "content", content_type, "encoding")
        for problem in problems:
            self.diagnostics.warning(self.resolved.display_file(at.file), pointer, problem)
        return encoding

    # ---------------------------------------------------------------- responses
    def _responses(
        self, op: dict[str, Any], loc: Location, hint: ir.NameHint
    ) -> tuple[ir.Response, ...]:
        raw = op.get("responses")
        result: list[ir.Response] = []
        if not isinstance(raw, dict):
            return ()
        for status, response in raw.items():
            status = str(status)
            pointer = join_pointer(loc.pointer, "responses", status)
            node, at = self.resolved.deref(response, Location(loc.file, pointer))
            if not isinstance(node, dict):
                continue
            content = node.get("content")
            description = ir.spec_text(node.get("description"))
            if not isinstance(content, dict) or not content:
                result.append(ir.Response(status, "empty", "", None, description))
                continue
            success = status.startswith("2") or status == "default"
            stream = self._stream(content, at, hint) if success else None
            others = [ct for ct in content if stream is None or stream_format(ct) is None]
            if not others:
                assert stream is not None
                result.append(ir.Response(status, "stream", stream.content_type, None,
                                          description, stream=stream))
                continue
            content_type = _preferred_response_type(others)
            kind = body_kind(content_type)
            media = content[content_type] or {}
            schema = media.get("schema") if isinstance(media, dict) else None
            if kind == "json":
                suffix = "Response" if status.startswith("2") else f"Error{status.upper()}"
                rtype: ir.TypeRef = self.schemas.type_of(
                    schema if schema is not None else {},
                    at.at("content", content_type, "schema"),
                    _shared_hint(at, "responses") or ir.NameHint("text", suffix, hint),
                )
                declared = node.get("headers")
                headers = tuple(sorted(str(h).lower() for h in declared)
                                if isinstance(declared, dict) else ())
                result.append(ir.Response(status, "json", content_type, rtype, description,
                                          headers, stream))
            elif kind == "text":
                result.append(ir.Response(status, "text", content_type, ir.Primitive("str"),
                                          description, stream=stream))
            else:
                result.append(ir.Response(status, "binary", content_type, ir.Primitive("bytes"),
                                          description, stream=stream))
        return tuple(result)

    def _stream(
        self, content: dict[str, Any], at: Location, hint: ir.NameHint
    ) -> ir.ItemStream | None:
        """The event stream among a success response's media types (the first, by the order
        of `FORMATS`, then by name), or None."""
        found = sorted((ct for ct in content if stream_format(ct) is not None),
                       key=lambda ct: (list(FORMATS).index(ct.split(";", 1)[0].strip().lower()),
                                       ct))
        if not found:
            return None
        media = content[found[0]]
        return item_stream(media if isinstance(media, dict) else {}, found[0], at, self.resolved,
                           self.schemas, hint)


def _first_tag(tags: object) -> str:
    """The operation's first tag, "" when it has none (the names stage then uses the path)."""
    first = tags[0] if isinstance(tags, list) and tags else None
    return first if isinstance(first, str) else ""


def _is_file(t: ir.TypeRef) -> bool:
    if isinstance(t, ir.Nullable):
        return _is_file(t.inner)
    if isinstance(t, ir.ListOf):
        return _is_file(t.item)
    return t == ir.Primitive("bytes")


def _preferred_response_type(content_types: list[str]) -> str:
    order = {"json": 0, "text": 2, "binary": 1, "form": 3, "multipart": 3}
    return min(content_types, key=lambda ct: (order.get(body_kind(ct) or "binary", 4), ct))


def _shared_hint(at: Location, section: str) -> ir.NameHint | None:
    """A response or request body shared under `components` is named after its key there
    (Spotify's `Unauthorized`), not after the first operation that happens to use it."""
    parts = at.pointer.split("/")
    if len(parts) == 4 and parts[1] == "components" and parts[2] == section and parts[3]:
        return ir.NameHint("word", unescape_pointer_token(parts[3]))
    return None


_TEMPLATED_PAIR = re.compile(r"[^=&]*=\{([^{}]*)\}")


def request_path(path: str, path_params: set[str]) -> str:
    """The path an operation calls: its key, less the `name={param}` pairs some specs write in
    the key's query (`/alerts?lat={lat}&lon={lon}` -> /alerts: the query parameters the
    operation declares carry them); fixed pairs (`/rest?method=flickr.x`) stay."""
    base, mark, query = path.partition("?")
    if not mark:
        return path
    kept = [pair for pair in query.split("&") if pair and not (
        (found := _TEMPLATED_PAIR.fullmatch(pair)) and found.group(1) not in path_params)]
    return base + ("?" + "&".join(kept) if kept else "")

