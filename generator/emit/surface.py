"""The Python API a generated package offers, as flat entries two versions can be compared by.

Each entry has a stable identity (what it is in the spec: an operationId, a schema key, a
property's wire name), the symbol a caller writes (`client.pets.list_pets(limit)`,
`Pet.name`), and what a caller depends on: the members of its type, whether it is required,
its place among positional arguments, a digest of its documentation.

`diff` compares two surfaces. The output folder keeps the surface of the package it holds
(`.sdkforge-api.json`), so the next generation can say what a spec bump changed without the
old spec.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Literal

from sdkforge.emit.pyexpr import TypeWriter, literal
from sdkforge.emit.signatures import (
    Argument,
    Signature,
    named_aliases,
    signature,
    signature_writer,
)
from sdkforge.forked import ChildFailed, Forked, can_fork
from sdkforge.model import ir
from sdkforge.model.usage import Usage, model_usage
from sdkforge.names.assign import Names, OperationKey, operation_key

SURFACE_FILE = ".sdkforge-api.json"
# Entries from which `Beside` forks, and up to which. Below, the surface and its text take
# under 0.45 s (EC2's 20,000: 0.45 s, Mixpeek's 7,000: 0.2 s), not worth a process and its copy
# of the pages it reads: forking from 15,000, EC2's time was within the noise and its tree's
# peak 152 -> 211 MB. Above, that copy is what the largest specs cannot spare, and their time
# is not the limit: on Graph v1.0 (112,000 entries) a child making only the text saved 2.8 s
# of 37.6 and added 155 MB to the tree's peak (593 -> 748 MB).
_FORK_FROM, _FORK_UNTIL = 30_000, 100_000
FORMAT_VERSION = 2  # 1: one JSON object per entry (read, no longer written)

Kind = Literal["client-arg", "resource", "method", "param", "model", "field", "enum", "value",
               "alias"]


@dataclass(frozen=True, slots=True)
class Entry:
    kind: Kind
    symbol: str  # what a caller writes: client.pets.list_pets(limit)
    name: str  # the last part of the symbol: limit
    pointer: str  # where the spec declares it: file#/json/pointer ("" file for the spec itself)
    parent: str = ""  # identity of the entry it belongs to (a param's method, a field's model)
    type: tuple[str, ...] = ()  # members of its type union, sorted; "None" when nullable
    required: bool = False
    position: int = -1  # place among the positional arguments
    doc: str = ""  # digest of its description / summary
    deprecated: bool = False
    usage: Usage = ""  # models: sent in requests ("in"), read from responses ("out") or both
    endpoint: str = ""  # methods: "GET /pets/{id}", to follow an operationId that changed


@dataclass(frozen=True, slots=True)
class Surface:
    title: str
    version: str
    package: str
    entries: Mapping[str, Entry] = field(default_factory=dict)  # identity -> entry

    def to_json(self) -> str:
        """One entry per line, sorted by identity, as a positional row (`_COLUMNS`) whose
        identity, symbol and pointer are written as the length they share with the previous
        row's and the rest: small diffs in version control, and about a quarter of the size of
        format 1 (one object per entry; 53 MB on Microsoft Graph v1.0)."""
        encode = _ROW_ENCODER.encode
        lines = []
        previous = ("", "", "")
        for identity, entry in sorted(self.entries.items()):
            lines.append(encode(_row(identity, entry, previous)))
            previous = (identity, entry.symbol, entry.pointer)
        head = json.dumps({"format": FORMAT_VERSION, "title": self.title, "version": self.version,
                           "package": self.package, "columns": list(_COLUMNS)})
        return head[:-1] + ', "entries": [\n' + ",\n".join(lines) + "\n]}\n"

    @staticmethod
    def from_json(text: str) -> Surface:
        """Read a surface this or an earlier version of sdkforge wrote (format 2, or format 1:
        one object per entry); raise ValueError for anything else."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") not in (1, FORMAT_VERSION):
            raise ValueError("not an sdkforge API surface of a known format")
        try:
            if data["format"] == 1:
                entries = {str(identity): _entry({**_DEFAULTS, **raw})
                           for identity, raw in data["entries"].items()}
            else:
                entries = dict(_rows(data["entries"]))
        except (TypeError, KeyError, AttributeError, IndexError) as exc:
            raise ValueError(f"a malformed sdkforge API surface ({type(exc).__name__})") from None
        return Surface(str(data.get("title", "")), str(data.get("version", "")),
                       str(data.get("package", "")), entries)


# Format 2's row: front-coded identity, symbol and pointer (length shared with the previous
# row's, then the rest); `parent` as the length of the identity's prefix that is the parent's
# identity (0: none), or the parent's identity where it is not a prefix (a method's resource).
_COLUMNS = ("identity_shared", "identity", "kind", "symbol_shared", "symbol", "name",
            "pointer_shared", "pointer", "parent", "type", "required", "position", "doc",
            "deprecated", "usage", "endpoint")
_ROW_ENCODER = json.JSONEncoder(separators=(",", ":"))  # one encoder: `dumps` makes one a call


def _front(value: str, previous: str) -> tuple[int, str]:
    """How many characters `value` shares with the start of `previous`, and the rest of it
    (found by halving: a few comparisons of slices rather than one a character)."""
    if value.startswith(previous):  # the same pointer as the row before, often
        return len(previous), value[len(previous):]
    low, high = 0, min(len(value), len(previous))
    while low < high:
        middle = (low + high + 1) // 2
        if value[:middle] == previous[:middle]:
            low = middle
        else:
            high = middle - 1
    return low, value[low:]


def _row(identity: str, entry: Entry, previous: tuple[str, str, str]) -> list[object]:
    if not entry.parent:
        parent: int | str = 0
    elif identity.startswith(entry.parent):
        parent = len(entry.parent)
    else:
        parent = entry.parent
    row: list[object] = [*_front(identity, previous[0]), entry.kind,
                         *_front(entry.symbol, previous[1]), entry.name,
                         *_front(entry.pointer, previous[2]),
                         parent, list(entry.type), int(entry.required), entry.position, entry.doc,
                         int(entry.deprecated), entry.usage, entry.endpoint]
    while len(row) > 8 and row[-1] == _ROW_DEFAULTS[len(row) - 9]:
        row.pop()
    return row


def _rows(rows: list[list[Any]]) -> Iterator[tuple[str, Entry]]:
    """Format 2's rows back into entries."""
    previous = ("", "", "")
    for row in rows:
        if not isinstance(row, list) or not 8 <= len(row) <= len(_COLUMNS):
            raise TypeError("row")
        full = [*row, *_ROW_DEFAULTS[len(row) - 8:]]
        (id_n, id_rest, kind, sym_n, sym_rest, name, ptr_n, ptr_rest, parent, types, required,
         position, doc, deprecated, usage, endpoint) = full
        identity = previous[0][:id_n] + id_rest
        symbol, pointer = previous[1][:sym_n] + sym_rest, previous[2][:ptr_n] + ptr_rest
        parent = identity[:parent] if isinstance(parent, int) else parent
        yield identity, _entry({
            "kind": kind, "symbol": symbol, "name": name, "pointer": pointer, "parent": parent,
            "type": types, "required": bool(required), "position": position, "doc": doc,
            "deprecated": bool(deprecated), "usage": usage, "endpoint": endpoint})
        previous = (identity, symbol, pointer)


def _entry(values: dict[str, Any]) -> Entry:
    """An entry from its fields as read (type members as a list), checked to be of their kind."""
    for name in ("kind", "symbol", "name", "pointer", "parent", "doc", "usage", "endpoint"):
        if not isinstance(values[name], str):
            raise TypeError(name)
    if not isinstance(values["type"], list | tuple) or not isinstance(values["position"], int):
        raise TypeError("type")
    values["type"] = tuple(_requoted(str(member)) for member in values["type"])
    return Entry(**values)


_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def _requoted(member: str) -> str:
    """A type member with its string literals quoted as `literal` quotes them now: surfaces
    written before sdkforge wrote `Literal['a']` as `Literal["a"]` compare equal."""
    if "'" not in member:
        return member
    return _STRING.sub(lambda m: literal(ast.literal_eval(m.group())), member)


_DEFAULTS = {f.name: f.default for f in fields(Entry) if f.default is not MISSING}


def _cell(value: object) -> object:
    """A field's value as a format 2 row holds it (tuples as lists, booleans as 0 or 1)."""
    if isinstance(value, tuple):
        return list(value)
    return int(value) if isinstance(value, bool) else value


# The row's trailing cells that hold their defaults are trimmed: from `parent` (0: none) on.
_ROW_DEFAULTS: tuple[object, ...] = (0, *(_cell(_DEFAULTS[c]) for c in _COLUMNS[9:]))


def digest(*texts: str) -> str:
    if not any(texts):  # most entries: no description (GitHub's: 34,000 of 43,000)
        return ""
    joined = "\n".join(t for t in texts if t)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:12]


@functools.cache  # one annotation in ten is new: GitHub's 40,000 are 3,000 distinct ones
def members(annotation: str) -> tuple[str, ...]:
    """The members of a type union as written: `list[A | B] | None` -> ("None", "list[A | B]").
    A builtin qualified because a method shadows it (`builtins.list`) is the plain builtin."""
    annotation = annotation.replace("builtins.", "")
    if "[" in annotation or "(" in annotation:
        parts = _top_level_parts(annotation)
    else:  # most are: no bracket to look into
        parts = annotation.split("|")
    return tuple(sorted({p.strip() for p in parts} - {"", "NotGiven"}))


def _top_level_parts(annotation: str) -> list[str]:
    """`annotation` split at the bars outside its brackets."""
    parts = []
    depth = start = 0
    for index, char in enumerate(annotation):
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(annotation[start:index])
            start = index + 1
    parts.append(annotation[start:])
    return parts


class Beside:
    """A package's surface and its text (`to_json`), made on first use, or, for an API of
    `_FORK_FROM` to `_FORK_UNTIL` entries, the text made in a forked child on the second core
    while the caller renders and formats (GitHub's 43,000 entries: 0.4 s for the surface and
    0.45 s for the text, taken off the critical path). The surface itself is then read back
    from the text only if it is asked for (`check`, a changelog): `from_json` gives back what
    `to_json` was given, as the next generation's `--package-version next` relies on."""

    def __init__(self, make: Callable[[], Surface]) -> None:
        self._make = make
        self._surface: Surface | None = None
        self._text: str | None = None
        self._child: Forked[str] | None = None

    def start(self, expected: int) -> None:
        """Have a forked child make the text from now on, for an API of about `expected`
        entries in the fork range, unless something of it is made or being made already."""
        if (self._child is None and self._surface is None and self._text is None
                and _FORK_FROM <= expected < _FORK_UNTIL and can_fork()):
            with contextlib.suppress(OSError):  # no process to be had: made here, when asked
                self._child = Forked(lambda: self._make().to_json(), "surface")

    def busy(self) -> bool:
        """Whether a forked child is making the text now, on the second core."""
        return self._child is not None and self._child.busy()

    def surface(self) -> Surface:
        if self._surface is None:
            self._surface = (Surface.from_json(self._text) if self._text is not None
                             else self._make())
        return self._surface

    def text(self) -> str:
        if self._text is None:
            if self._child is not None:
                with contextlib.suppress(ChildFailed):  # made here instead
                    self._text = self._child.result()
                self._child = None
            if self._text is None:
                self._text = self.surface().to_json()
        return self._text

    def close(self) -> None:
        """Stop waiting for the child (a run that failed): it ends instead of blocking."""
        if self._child is not None:
            self._child.close()
            self._child = None


def expected_entries(api: ir.Api) -> int:
    """About how many entries `surface` makes for `api` (within a tenth on real specs), known
    before making them."""
    return (sum(1 + len(op.params) + (len(op.body.fields) if op.body is not None else 0)
                for op in api.operations)
            + sum(1 + len(m.fields) for m in api.models)
            + sum(1 + len(e.values) for e in api.enums))


def surface(
    api: ir.Api, names: Names, signatures: Mapping[OperationKey, Signature] | None = None
) -> Surface:
    """The surface of the package `render` writes for `api` and its `names`; `signatures` are
    the methods' signatures by operation when already made (else they are made here)."""
    exported = names.exported
    writer = TypeWriter(ref=lambda key: exported[key], names=exported, lenient_enums=False,
                        plain=True)
    if signatures is None:
        aliases = named_aliases(api, names)
        method_writer = signature_writer(names, aliases=aliases)
        inputs = signature_writer(names, aliases=aliases, inputs=True)
        signatures = {operation_key(op): signature(op, names, method_writer, inputs)
                      for op in api.operations}
    entries: dict[str, Entry] = {}
    for scheme in api.auth:
        for index, arg in enumerate(names.credentials[scheme.name]):
            # An OAuth2 scheme's second argument is its token provider (`names.client._groups`).
            kind = ("callable",) if scheme.oauth and index == 1 else ("str",)
            entries[f"client:{arg}"] = Entry("client-arg", f"{names.client}({arg})", arg,
                                             f"#/components/securitySchemes/{scheme.name}",
                                             type=kind, doc=digest(scheme.description))
    for variable in api.servers[0].variables if names.server_options else ():
        arg = names.server_options[variable.name]
        entries[f"client:{arg}"] = Entry(
            "client-arg", f"{names.client}({arg})", arg, "/servers/0/variables",
            type=tuple(sorted(literal(v) for v in variable.enum)) or ("str",),
            doc=digest(variable.description))
    for resource in names.resources:
        entries.update(_resource_entries(resource.attribute, resource.operations, names,
                                         signatures))
    usage = model_usage(api)
    for model in api.models:
        model_id = f"model:{model.key}"
        name = names.types[model.key]
        entries[model_id] = Entry("model", name, name, model.key, doc=digest(model.description),
                                  usage=usage.get(model.key, ""))
        for f in model.fields:
            attribute = names.field(model.key, f.wire_name)
            entries[f"{model_id}/field:{f.wire_name}"] = Entry(
                "field", f"{name}.{attribute}", attribute, f.pointer or model.key, parent=model_id,
                type=members(writer.expr(f.type)), required=f.required, doc=digest(f.description),
                deprecated=f.deprecated,
            )
    for enum in api.enums:
        enum_id = f"enum:{enum.key}"
        name = names.types[enum.key]
        entries[enum_id] = Entry("enum", name, name, enum.key, doc=digest(enum.description))
        for value in enum.values:
            shown = json.dumps(value)
            entries[f"{enum_id}/value:{shown}"] = Entry("value", f"{name}[{shown}]", shown,
                                                        enum.key, parent=enum_id)
    for alias in names.named_aliases(api):
        name = names.aliases[alias.key]
        entries[f"alias:{alias.key}"] = Entry("alias", name, name, alias.key,
                                              type=members(writer.expr(alias.target)),
                                              doc=digest(alias.description))
    # In identity order, as `from_json` reads a surface back: what iterates over entries (the
    # bump's `reach`) sees one order, made here or read from the output folder.
    return Surface(api.title, api.version, names.package, dict(sorted(entries.items())))


def _resource_entries(
    attribute: str, operations: tuple[ir.Operation, ...], names: Names,
    signatures: Mapping[OperationKey, Signature],
) -> Iterator[tuple[str, Entry]]:
    res_id = f"resource:{attribute}"
    res_symbol = f"client.{attribute}"
    yield res_id, Entry("resource", res_symbol, attribute,
                        _where(operations[0].pointer if operations else ""))
    for op in operations:
        sig = signatures[operation_key(op)]
        method = names.method(op)
        op_id = f"operation:{op.operation_id or op.method.upper() + ' ' + op.path}"
        symbol = f"{res_symbol}.{method}"
        yield op_id, Entry(
            "method", symbol, method, _where(op.pointer), parent=res_id,
            type=members(sig.returns.replace("_models.", "")),
            doc=digest(op.summary, op.description), deprecated=op.deprecated,
            endpoint=f"{op.method.upper()} {op.path}",
        )
        yield from _arguments(op, op_id, symbol, sig.arguments)


def _arguments(
    op: ir.Operation, op_id: str, symbol: str, args: tuple[Argument, ...]
) -> Iterator[tuple[str, Entry]]:
    """The method's arguments as callers pass them: spec parameters, flattened body fields,
    `body`."""
    body_at = _where(f"{op.pointer}/requestBody")
    positional = 0
    for arg in args:
        if arg.key is None:
            continue  # content_type: offered because the spec lists several, follows `body`
        location, wire = arg.key
        if location != "body":
            identity, pointer = (f"{op_id}/param:{location}:{wire}",
                                 arg.pointer or _where(op.pointer))
        elif wire:
            identity, pointer = f"{op_id}/body:{wire}", arg.pointer or body_at
        else:
            identity, pointer = f"{op_id}/body", body_at
        is_positional = location == "path"
        yield identity, Entry(
            "param", f"{symbol}({arg.view.name})", arg.view.name, pointer, parent=op_id,
            type=members(arg.view.annotation.replace("_models.", "").replace("_params.", "")),
            required=not arg.view.default, position=positional if is_positional else -1,
            doc=digest(arg.description), deprecated=arg.deprecated,
        )
        positional += is_positional


def _where(pointer: str) -> str:
    """Operations live in the spec's own file: their pointers as `#/paths/...`."""
    return f"#{pointer}" if pointer.startswith("/") else pointer
