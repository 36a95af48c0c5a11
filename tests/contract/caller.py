"""One spec's calls, run in a fresh interpreter against a running mock:

    python -m tests.contract.caller SPEC PACKAGE_DIR CONTRACT_CACHE RESULTS.jsonl

Starts Prism itself (`prism.Mock`), and again whenever a call killed it (counted as the mock's
crash, not the client's exception).

Reads the generated package's surface file (`.sdkforge-api.json`: every method, its endpoint,
its arguments with their wire place and the spec pointer of their schema, and the client's
credential arguments), makes each argument's value from that schema (`synth`), checks it
(`validator`), turns it into the Python value the method's annotation asks for (pydantic's
`TypeAdapter` over the annotation: models, enums, dates, unions), and calls every method twice
(required arguments only; every argument), on the sync and the async client. Each call is one
JSON line: what was given, the request as sent and the response as received (recorded by httpx
event hooks), and the outcome. The surface is read rather than the spec's parameters so that
each value lands on the argument sdkforge made for it, and what sdkforge dropped or renamed
shows up as the mock's complaint, not as a harness error.
"""

from __future__ import annotations

import asyncio
import collections.abc
import functools
import importlib
import json
import operator
import sys
import traceback
import types
import typing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import typing_extensions

from sdkforge.emit.surface import Surface

from .prism import Mock
from .synth import Synth
from .validator import Checker
from .wire import text

BODY_LIMIT = 4000
CALL_TIMEOUT = 20.0
MODES = ("required", "all")


def load_spec(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    import yaml

    return yaml.safe_load(text)


@dataclass
class Arg:
    name: str  # the Python argument
    where: str  # path, query, header, cookie, body (a body field), whole-body
    wire: str  # the wire name (for a body field: the property name)
    required: bool
    pointer: str  # the surface's pointer: a parameter object or a schema
    types: list[str]


@dataclass
class Method:
    key: str
    symbol: str
    endpoint: str
    pointer: str
    args: list[Arg] = field(default_factory=list)


def surface_data(path: Path) -> dict[str, Any]:
    """The surface file as plain data: its package, and every entry as a dict of all fields."""
    surface = Surface.from_json(path.read_text(encoding="utf-8"))
    return {"package": surface.package,
            "entries": {key: asdict(entry) for key, entry in surface.entries.items()}}


def read_surface(surface: dict[str, Any]) -> tuple[list[Method], list[tuple[str, str]]]:
    """The methods with their arguments, and the client's credential arguments (name, pointer)."""
    entries = surface["entries"]
    methods = {key: Method(key, e["symbol"], e.get("endpoint", ""), e.get("pointer", ""))
               for key, e in entries.items() if e["kind"] == "method"}
    credentials = [(e["name"], e.get("pointer", "")) for e in entries.values()
                   if e["kind"] == "client-arg"]
    for key, e in sorted(entries.items()):
        if e["kind"] != "param" or e.get("parent") not in methods:
            continue
        tail = key[len(e["parent"]) + 1:]
        kind, _, rest = tail.partition(":")
        if kind == "param":
            where, _, wire = rest.partition(":")
        elif kind == "body" and rest:
            where, wire = "body", rest
        else:
            where, wire = "whole-body", ""
        methods[e["parent"]].args.append(Arg(e["name"], where, wire, bool(e.get("required")),
                                             e.get("pointer", ""), list(e.get("type") or [])))
    return sorted(methods.values(), key=lambda m: m.key), credentials


class Values:
    """Each argument's JSON value (made once per mode) and the harness's verdict on it."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.checker = Checker(doc)
        self.synth = Synth(doc, check=lambda s, v: self.checker.error(s, v))

    def schema(self, arg: Arg) -> Any:
        node = self.synth.deref(self.synth.pointer(arg.pointer))
        if arg.where in ("path", "query", "header", "cookie") and isinstance(node, dict) \
                and "in" in node:
            if "schema" in node:
                return node["schema"]
            for media in (node.get("content") or {}).values():
                if isinstance(media, dict) and "schema" in media:
                    return media["schema"]
            return {}
        if isinstance(node, dict) and isinstance(node.get("content"), dict):  # a requestBody
            return _media_schema(node["content"])
        return {"$ref": arg.pointer} if arg.pointer.startswith("#") else {}

    def read_only(self, arg: Arg) -> bool:
        schema = self.synth.merged(self.schema(arg))
        return isinstance(schema, dict) and schema.get("readOnly") is True

    def make(self, arg: Arg, full: bool) -> tuple[Any, str | None]:
        schema = self.schema(arg)
        try:
            value = self.synth.value(schema, full)
        except RecursionError:
            return None, "synthesis recursed too deep"
        return value, self.checker.error(schema, value)


def _media_schema(content: dict[str, Any]) -> Any:
    ranked = sorted(content, key=lambda m: ("json" not in m, "form" not in m, m))
    for media in ranked:
        if isinstance(content[media], dict):
            return content[media].get("schema", {})
    return {}


def header_schema(doc: Any, synth: Synth, name: str) -> Any:
    for item in (doc.get("paths") or {}).values():
        item = synth.deref(item)
        ops = [item, *(v for v in item.values() if isinstance(v, dict))]
        for op in ops:
            for param in op.get("parameters") or [] if isinstance(op, dict) else []:
                param = synth.deref(param)
                if param.get("in") == "header" and str(param.get("name")).lower() == name.lower():
                    return param.get("schema", {})
    return {}


def credential_value(name: str) -> str:
    if "user" in name:
        return "contract-user"
    if "pass" in name:
        return "contract-pass"
    return "contract-token"


def python_value(method: Any, arg: Arg, value: Any) -> Any:
    if any("FileTypes" in t for t in arg.types):
        one = ("contract.bin", b"contract-bytes", "application/octet-stream")
        if any(t.startswith("list[") for t in arg.types):  # a file per item synthesized
            return [one] * (len(value) if isinstance(value, list) and value else 1)
        return one
    hints = typing.get_type_hints(method)
    from pydantic import TypeAdapter

    return TypeAdapter(_models_only(hints[arg.name])).validate_python(value)


def _models_only(annotation: Any) -> Any:
    """`annotation` without the Params (`TypedDict`s) beside its models: a synthesized object
    becomes the model (its extra keys kept, where a `TypedDict` drops them); the methods' dict
    forms are driven over the socket by tests/behaviour/test_dict_inputs.py."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        kept = [_models_only(a) for a in args if not typing_extensions.is_typeddict(a)]
        return functools.reduce(operator.or_, kept) if kept else annotation
    if origin in (collections.abc.Sequence, list) and args:
        return list[_models_only(args[0])]  # type: ignore[misc]  # a type made at run time
    if origin in (collections.abc.Mapping, dict) and len(args) == 2:
        return dict[args[0], _models_only(args[1])]  # type: ignore[misc]  # the same
    return annotation


class Recorder:
    def __init__(self) -> None:
        self.request: dict[str, Any] | None = None
        self.response: dict[str, Any] | None = None

    def on_request(self, request: httpx.Request) -> None:
        try:
            body = request.read()
        except Exception:  # a streamed body cannot be read twice
            body = b"<streamed>"
        self.request = {"method": request.method, "url": str(request.url),
                        "headers": _headers(request.headers), "body": _text(body)}

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        self.response = {"status": response.status_code, "headers": _headers(response.headers),
                         "body": _text(response.content)}

    async def a_request(self, request: httpx.Request) -> None:
        try:
            body = await request.aread()
        except Exception:
            body = b"<streamed>"
        self.request = {"method": request.method, "url": str(request.url),
                        "headers": _headers(request.headers), "body": _text(body)}

    async def a_response(self, response: httpx.Response) -> None:
        await response.aread()
        self.response = {"status": response.status_code, "headers": _headers(response.headers),
                         "body": _text(response.content)}


def _headers(headers: httpx.Headers) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.multi_items()}


def _text(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace")
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + "...(cut)"


def outcome(error: BaseException | None, recorder: Recorder) -> dict[str, Any]:
    if error is None:
        return {"outcome": "ok"}
    name = type(error).__name__
    status = getattr(getattr(error, "response", None), "status_code", None)
    text = "".join(traceback.format_exception_only(type(error), error)).strip()[-800:]
    if status is not None and status >= 400 and name != "APIResponseValidationError":
        return {"outcome": "status", "error": name, "message": text}
    response = recorder.response
    if response is not None and 200 <= response["status"] < 400:
        return {"outcome": "parse", "error": name, "message": text,
                "trace": _where(error)}
    return {"outcome": "exception", "error": name, "message": text, "trace": _where(error)}


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    return " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))


class Runner:
    def __init__(self, spec: Path, package_dir: Path, mock: Mock) -> None:
        self.doc = load_spec(spec)
        self.mock = mock
        surface = surface_data(package_dir / ".sdkforge-api.json")
        self.methods, credentials = read_surface(surface)
        sys.path.insert(0, str(package_dir))
        self.package = importlib.import_module(surface["package"])
        runtime = importlib.import_module(f"{surface['package']}._runtime._base_client")
        self.sync_class, self.async_class = _clients(self.package, runtime)
        self.values = Values(self.doc)
        self.credentials = {name: self.client_value(name, pointer)
                            for name, pointer in credentials if "securitySchemes" in pointer}
        self.client_headers = {pointer.rsplit("/header:", 1)[1]: self.credentials[name]
                               for name, pointer in credentials if "/header:" in pointer}

    def client_value(self, name: str, pointer: str) -> str:
        """A credential, or a header every operation declares (sdkforge makes it a client
        option, its pointer `#/components/securitySchemes/header:NAME`): a value from the
        header's schema."""
        tail = pointer.rsplit("/", 1)[-1]
        if not tail.startswith("header:"):
            return credential_value(name)
        schema = header_schema(self.doc, self.values.synth, tail[len("header:"):])
        value = self.values.synth.value(schema, False)
        return text(value)

    def arguments(self, method: Method, function: Any, mode: str) -> tuple[dict[str, Any],
                                                                           list[dict[str, Any]]]:
        given: dict[str, Any] = {}
        record: list[dict[str, Any]] = []
        for arg in method.args:
            if mode == "required" and not arg.required:
                continue
            if not arg.required and arg.where == "body" and self.values.read_only(arg):
                continue  # a request should not carry it (OpenAPI: readOnly); see SUMMARY.md
            value, invalid = self.values.make(arg, full=mode == "all")
            entry = {"name": arg.name, "where": arg.where, "wire": arg.wire, "value": value,
                     "invalid": invalid, "pointer": arg.pointer, "required": arg.required}
            try:
                given[arg.name] = python_value(function, arg, value)
            except Exception as exc:  # the harness could not make the value
                entry["unconverted"] = f"{type(exc).__name__}: {str(exc)[:300]}"
            record.append(entry)
        return given, record

    def run(self, out: Any) -> None:
        plans = []
        with self.sync_class(base_url=self.mock.url, max_retries=0, timeout=CALL_TIMEOUT,
                             **self.credentials) as client:
            for method in self.methods:
                for mode in MODES:
                    function = _resolve(client, method.symbol)
                    given, record = self.arguments(method, function, mode)
                    plans.append((method, mode, given, record))
                    out.write(json.dumps(self.call_sync(function, method, mode, given, record))
                              + "\n")
                    out.flush()
        for line in asyncio.run(self.run_async(plans)):
            out.write(json.dumps(line) + "\n")

    def _client_args(self) -> dict[str, Any]:
        return {"base_url": self.mock.url, "max_retries": 0, "timeout": CALL_TIMEOUT,
                **self.credentials}

    def call_sync(self, function: Any, method: Method, mode: str, given: dict[str, Any],
                  record: list[dict[str, Any]]) -> dict[str, Any]:
        recorder = Recorder()
        line = self._line(method, mode, "sync", record)
        if any("unconverted" in a for a in record):
            return {**line, "outcome": "harness", "message": "an argument could not be made"}
        hooks = {"request": [recorder.on_request], "response": [recorder.on_response]}
        error: BaseException | None = None
        with httpx.Client(event_hooks=hooks, timeout=CALL_TIMEOUT) as http, \
                self.sync_class(http_client=http, **self._client_args()) as client:
            try:
                _consume(_resolve(client, method.symbol)(**given))
            except Exception as exc:  # every failure is recorded
                error = exc
        return {**line, **self.survived(outcome(error, recorder)), "request": recorder.request,
                "response": recorder.response}

    def survived(self, result: dict[str, Any]) -> dict[str, Any]:
        """The outcome, or `mock-crash` when the mock died on this call (it is started again
        for the next one, on a new port)."""
        if result["outcome"] != "exception" or "Connection" not in result.get("error", "") \
                or self.mock.alive():
            return result
        tail = self.mock.crash_report()
        why = self.mock.restart()
        if why is not None:
            raise SystemExit(f"prism could not be started again: {why}")
        return {**result, "outcome": "mock-crash", "message": tail}

    async def run_async(self, plans: list[Any]) -> list[dict[str, Any]]:
        lines = []
        for method, mode, given, record in plans:
            line = self._line(method, mode, "async", record)
            if any("unconverted" in a for a in record):
                lines.append({**line, "outcome": "harness",
                              "message": "an argument could not be made"})
                continue
            recorder = Recorder()
            hooks = {"request": [recorder.a_request], "response": [recorder.a_response]}
            error: BaseException | None = None
            async with httpx.AsyncClient(event_hooks=hooks, timeout=CALL_TIMEOUT) as http:
                client = self.async_class(http_client=http, **self._client_args())
                try:
                    await _aconsume(await _resolve(client, method.symbol)(**given))
                except Exception as exc:
                    error = exc
                await client.close()
            lines.append({**line, **self.survived(outcome(error, recorder)),
                          "request": recorder.request, "response": recorder.response})
        return lines

    def _line(self, method: Method, mode: str, flavour: str, record: list[dict[str, Any]]
              ) -> dict[str, Any]:
        return {"operation": method.key, "endpoint": method.endpoint, "pointer": method.pointer,
                "mode": mode, "flavour": flavour, "args": record,
                "signature": [{"name": a.name, "where": a.where, "wire": a.wire,
                               "required": a.required} for a in method.args],
                "client_headers": self.client_headers,
                "read_only_offered": [a.name for a in method.args
                                      if a.where == "body" and self.values.read_only(a)]}


def _clients(package: Any, runtime: Any) -> tuple[type, type]:
    sync = [v for v in vars(package).values()
            if isinstance(v, type) and issubclass(v, runtime.SyncAPIClient)
            and v is not runtime.SyncAPIClient]
    asynchronous = [v for v in vars(package).values()
                    if isinstance(v, type) and issubclass(v, runtime.AsyncAPIClient)
                    and v is not runtime.AsyncAPIClient]
    return sync[0], asynchronous[0]


def _resolve(client: Any, symbol: str) -> Any:
    target = client
    for part in symbol.split(".")[1:]:
        target = getattr(target, part)
    return target


def _consume(result: Any) -> None:
    """A page object is left as it is (its first page is already parsed); a stream is read."""
    if hasattr(result, "__next__") and not hasattr(result, "model_dump"):
        for _ in result:
            pass


async def _aconsume(result: Any) -> None:
    if hasattr(result, "__anext__"):
        async for _ in result:
            pass


def main(argv: list[str] | None = None) -> int:
    """Exit 0 when every call ran, 3 when the mock did not start (why on stderr)."""
    spec, package_dir, cache, results = (argv or sys.argv[1:])[:4]
    mock = Mock(Path(cache), Path(spec), Path(results).with_name("prism.log"))
    why = mock.start()
    if why is not None:
        print(why, file=sys.stderr)
        return 3
    try:
        runner = Runner(Path(spec), Path(package_dir), mock)
        with open(results, "w", encoding="utf-8") as out:
            runner.run(out)
    finally:
        mock.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
