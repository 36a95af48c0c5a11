"""Synthetic OpenAPI 3.1 specs of any size, for measuring how generation grows.

    python -m bench.synth 10000 -o big.json [--revision 1]

Operations come in resources (one tag each) of eight, shaped like a FastAPI service such as
Mixpeek's: list with limit/offset/cursor, create, get, update, delete, search, an action and
a paged history, with X-Namespace headers, nullable fields (`anyOf` with null), enums,
date-times, free-form objects and shared error schemas. Schemas grow with operations (six per
resource plus five shared, about 0.75 per operation; Mixpeek has about two). `--revision 1` is a
spec bump: one operation in twenty added, a field added to every tenth item schema,
descriptions reworded, everything else identical.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

PER_RESOURCE = 8
JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any], title: str, description: str) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}], "title": title, "description": description}


def _shared_schemas() -> dict[str, Any]:
    return {
        "ErrorDetail": {
            "type": "object", "title": "ErrorDetail", "required": ["message", "type"],
            "properties": {
                "message": {"type": "string", "title": "Message"},
                "type": {"type": "string", "title": "Type"},
                "details": _nullable({"type": "object", "additionalProperties": True}, "Details",
                                     "Debug details"),
            },
        },
        "ErrorResponse": {
            "type": "object", "title": "ErrorResponse", "required": ["status", "error"],
            "properties": {
                "success": {"type": "boolean", "default": False, "title": "Success"},
                "status": {"type": "integer", "title": "Status"},
                "error": _ref("ErrorDetail"),
            },
        },
        "ValidationError": {
            "type": "object", "title": "ValidationError", "required": ["loc", "msg", "type"],
            "properties": {
                "loc": {"type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                "msg": {"type": "string"}, "type": {"type": "string"},
            },
        },
        "HTTPValidationError": {
            "type": "object", "title": "HTTPValidationError",
            "properties": {"detail": {"type": "array", "items": _ref("ValidationError")}},
        },
        "Owner": {
            "type": "object", "title": "Owner", "required": ["id"],
            "properties": {"id": {"type": "string"},
                           "email": _nullable({"type": "string", "format": "email"}, "Email", "")},
        },
    }


def _resource_schemas(r: int, revision: int) -> dict[str, Any]:
    name = f"Resource{r:05d}"
    item_properties: dict[str, Any] = {
        "id": {"type": "string", "title": "Id", "description": f"{name} id"},
        "name": {"type": "string", "title": "Name", "maxLength": 200},
        "created_at": {"type": "string", "format": "date-time", "title": "Created At"},
        "status": {"type": "string", "enum": ["pending", "active", "failed", "archived"],
                   "title": "Status"},
        "tags": {"type": "array", "items": {"type": "string"}, "title": "Tags"},
        "score": _nullable({"type": "number"}, "Score", "Relevance score"),
        "count": _nullable({"type": "integer", "minimum": 0}, "Count", "How many"),
        "metadata": {"type": "object", "additionalProperties": True, "title": "Metadata"},
        "owner": _ref("Owner"),
    }
    if revision and r % 10 == 0:
        item_properties["labels"] = _nullable({"type": "array", "items": {"type": "string"}},
                                              "Labels", "Added in the bump")
    writable = {k: item_properties[k] for k in ("name", "tags", "metadata")}
    return {
        f"{name}Item": {
            "type": "object", "title": f"{name}Item",
            "required": ["id", "name", "created_at", "status"],
            "description": f"One {name} ({'revised' if revision else 'first'} wording).",
            "properties": item_properties,
        },
        f"{name}CreateRequest": {
            "type": "object", "title": f"{name}CreateRequest", "required": ["name"],
            "properties": writable,
        },
        f"{name}UpdateRequest": {
            "type": "object", "title": f"{name}UpdateRequest",
            "properties": {k: _nullable(v, k.title(), "") for k, v in writable.items()},
        },
        f"{name}ListResponse": {
            "type": "object", "title": f"{name}ListResponse", "required": ["results", "pagination"],
            "properties": {
                "results": {"type": "array", "items": _ref(f"{name}Item")},
                "pagination": {"type": "object", "properties": {
                    "total": {"type": "integer"},
                    "next_cursor": _nullable({"type": "string"}, "Next Cursor", "")}},
            },
        },
        f"{name}SearchRequest": {
            "type": "object", "title": f"{name}SearchRequest",
            "properties": {
                "query": {"type": "string"},
                "filters": {"type": "object", "additionalProperties": {"type": "string"}},
                "limit": {"type": "integer", "default": 10, "minimum": 1, "maximum": 100},
            },
        },
        f"{name}HistoryRequest": {
            "type": "object", "title": f"{name}HistoryRequest",
            "properties": {
                "offset": {"type": "integer", "default": 0, "minimum": 0},
                "limit": {"type": "integer", "default": 50, "minimum": 1, "maximum": 1000},
                "status_filter": _nullable({"type": "string"}, "Status Filter", ""),
            },
        },
    }


_ERRORS = {code: {"description": text, "content": {JSON: {"schema": _ref("ErrorResponse")}}}
           for code, text in (("400", "Bad Request"), ("404", "Not Found"),
                              ("500", "Internal Server Error"))}
_ERRORS["422"] = {"description": "Validation Error",
                  "content": {JSON: {"schema": _ref("HTTPValidationError")}}}
_NAMESPACE = {"name": "X-Namespace", "in": "header", "required": False,
              "schema": _nullable({"type": "string"}, "X-Namespace", "")}
_ID = {"name": "item_id", "in": "path", "required": True,
       "schema": {"type": "string", "title": "Item Id"}}


def _operation(r: int, kind: int, revision: int) -> tuple[str, str, dict[str, Any]]:
    """(path, method, operation) for the `kind`-th operation (0..7) of resource `r`."""
    name, base = f"Resource{r:05d}", f"/v1/resource-{r:05d}"
    paths = [(f"{base}/list", "post"), (base, "post"), (f"{base}/{{item_id}}", "get"),
             (f"{base}/{{item_id}}", "patch"), (f"{base}/{{item_id}}", "delete"),
             (f"{base}/search", "post"), (f"{base}/{{item_id}}/actions/run", "post"),
             (f"{base}/{{item_id}}/history", "post")]
    path, method = paths[kind]
    verb = ["list", "create", "get", "update", "delete", "search", "run", "history"][kind]
    body = [None, "CreateRequest", None, "UpdateRequest", None, "SearchRequest", None,
            "HistoryRequest"][kind]
    result = ["ListResponse", "Item", "Item", "Item", None, "ListResponse", "Item",
              "ListResponse"][kind]
    parameters: list[dict[str, Any]] = [_ID] if "{item_id}" in path else []
    if kind == 0:
        parameters += [
            {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 20}},
            {"name": "offset", "in": "query", "schema": {"type": "integer", "default": 0}},
            {"name": "cursor", "in": "query", "schema": _nullable({"type": "string"}, "Cursor", "")}
        ]
    parameters.append(_NAMESPACE)
    operation: dict[str, Any] = {
        "tags": [f"Resource {r:05d}"],
        "summary": f"{verb.title()} {name}",
        "description": (f"{verb.title()} {name} objects "
                        f"({'revised' if revision else 'first'} wording)."),
        "operationId": f"{verb}_{name.lower()}_v1_resource_{r:05d}_{method}",
        "parameters": parameters,
        "responses": {"200": ({"description": "Successful Response",
                               "content": {JSON: {"schema": _ref(f"{name}{result}")}}}
                              if result else {"description": "Deleted"}), **_ERRORS},
    }
    if body:
        operation["requestBody"] = {"required": True,
                                    "content": {JSON: {"schema": _ref(f"{name}{body}")}}}
    return path, method, operation


def synth(operations: int, revision: int = 0) -> dict[str, Any]:
    """An OpenAPI 3.1 document with `operations` operations (more for a revision)."""
    total = operations + (operations // 20 if revision else 0)
    resources = -(-total // PER_RESOURCE)
    paths: dict[str, dict[str, Any]] = {}
    schemas = _shared_schemas()
    for index in range(total):
        r, kind = divmod(index, PER_RESOURCE)
        path, method, operation = _operation(r, kind, revision)
        paths.setdefault(path, {})[method] = operation
    for r in range(resources):
        schemas.update(_resource_schemas(r, revision))
    return {
        "openapi": "3.1.0",
        "info": {"title": "Synth API", "version": f"1.{revision}",
                 "description": f"A synthetic API of {total} operations."},
        "servers": [{"url": "https://api.synth.example"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def write(path: Path, operations: int, revision: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(synth(operations, revision), indent=1) + "\n", encoding="utf-8")
    return path


def write_apart(path: Path, operations: int) -> Path:
    """`write`, in a process of its own: a big spec's dict would otherwise stay in the bench's
    process, and a child forked from it starts its ru_maxrss from the parent's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "bench.synth", str(operations), "-o", str(path)],
                   check=True, cwd=Path(__file__).resolve().parents[1])
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description="write a synthetic OpenAPI 3.1 spec with N operations"
    )
    parser.add_argument("operations", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--revision", type=int, default=0, help="1: the spec after a bump")
    args = parser.parse_args()
    write(args.output, args.operations, args.revision)


if __name__ == "__main__":
    main()
