"""Stage 2: is this an OpenAPI 3.x document, and what is wrong with it?

Findings of openapi-spec-validator become located diagnostics. Problems that leave
the meaning clear (a duplicated `required` entry, an unknown keyword) are warnings;
the rest are errors. `--strict` turns warnings into errors later, in the pipeline.
"""

from __future__ import annotations

import re
from typing import Any

from .diagnostics import Diagnostics, fail, join_pointer
from .load import Document

# jsonschema validator keywords whose failures leave a spec's meaning clear.
_LENIENT = {"uniqueItems", "additionalProperties", "unevaluatedProperties"}


def check_version(doc: Document) -> str:
    """Return "3.0" or "3.1", or raise a clear error for anything else."""
    data = doc.data
    if not isinstance(data, dict):
        raise fail(doc.name, "", "not an OpenAPI document: the top level is not a mapping")
    if "swagger" in data:
        raise fail(
            doc.name, "/swagger",
            f"this is a Swagger {data['swagger']} document, not OpenAPI 3; sdkforge reads OpenAPI 3.0 and 3.1 only",
            "convert it first, for example with swagger2openapi",
        )
    version = data.get("openapi")
    if not isinstance(version, str):
        raise fail(doc.name, "", "not an OpenAPI document: there is no `openapi: 3.x` version field")
    if version.startswith("3.0"):
        return "3.0"
    if version.startswith("3.1"):
        return "3.1"
    raise fail(doc.name, "/openapi", f"unsupported OpenAPI version {version!r}; sdkforge reads 3.0 and 3.1")


def validate(doc: Document, version: str, diagnostics: Diagnostics) -> None:
    """Run openapi-spec-validator over the root document and record its findings."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    validator_cls = OpenAPIV31SpecValidator if version == "3.1" else OpenAPIV30SpecValidator
    base_uri = doc.path.resolve().as_uri()
    seen: set[tuple[str, str]] = set()
    try:
        for error in validator_cls(doc.data, base_uri=base_uri).iter_errors():
            pointer = join_pointer("", *[str(p) for p in getattr(error, "absolute_path", ())])
            message = _message(error)
            if not pointer:
                pointer = _operation_pointer(message)
            if (pointer, message) in seen:
                continue
            seen.add((pointer, message))
            if getattr(error, "validator", None) in _LENIENT:
                diagnostics.warning(doc.name, pointer, message)
            else:
                diagnostics.error(doc.name, pointer, message)
    except RecursionError:
        diagnostics.error(doc.name, "", "the validator gave up: the document nests too deeply")
    except Exception as exc:  # the validator crashing on odd input is still a finding
        diagnostics.warning(doc.name, "", f"openapi-spec-validator could not finish: {type(exc).__name__}: {exc}")


_OPERATION = re.compile(r"'(get|put|post|delete|options|head|patch|trace)' operation in '([^']+)'")


def _operation_pointer(message: str) -> str:
    """The validator's own checks name the operation only in prose; recover its pointer."""
    found = _OPERATION.search(message)
    return join_pointer("", "paths", found.group(2), found.group(1)) if found else ""


def _message(error: Any) -> str:
    text = str(getattr(error, "message", error))
    if len(text) > 300:
        text = text[:297] + "..."
    return f"invalid OpenAPI: {text}"
