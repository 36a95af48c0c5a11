"""The harness's own check of a JSON value against a schema of the spec (openapi-schema-validator,
the OpenAPI dialects of 3.0 and 3.1, formats checked): whether a synthesized argument is valid
(else a rejection is the harness's fault) and whether a mock response is (else a parse failure
is the mock's fault)."""

from __future__ import annotations

from typing import Any

import openapi_schema_validator as osv
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

_BASE = "urn:sdkforge-contract"


class Checker:
    def __init__(self, doc: Any) -> None:
        self.v31 = str(doc.get("openapi", "")).startswith("3.1")
        spec = DRAFT202012 if self.v31 else DRAFT4
        self.registry: Registry[Any] = Registry().with_resource(
            _BASE, Resource.from_contents(doc, default_specification=spec))

    def _validator(self, schema: Any, *, write: bool) -> Any:
        if self.v31:
            cls, formats = osv.OAS31Validator, osv.oas31_format_checker
        else:
            cls = osv.OAS30WriteValidator if write else osv.OAS30ReadValidator
            formats = osv.oas30_format_checker
        return cls(schema, registry=self.registry, format_checker=formats,
                   _resolver=self.registry.resolver(base_uri=_BASE))

    def error(self, schema: Any, value: Any, *, write: bool = True) -> str | None:
        """The first reason `value` does not fit `schema` (with its path), or None."""
        if not isinstance(schema, (dict, bool)):
            return None
        try:
            found = next(iter(self._validator(schema, write=write).iter_errors(value)), None)
        except Exception as exc:  # a schema the validator cannot read
            return None if _unreadable(exc) else f"validator failed: {exc}"
        if found is None:
            return None
        where = "/".join(str(p) for p in found.absolute_path)
        return f"{where or '(root)'}: {found.message}"[:300]

    def pointer_error(self, pointer: str, value: Any, *, write: bool = True) -> str | None:
        return self.error({"$ref": pointer}, value, write=write)


def _unreadable(exc: Exception) -> bool:
    return type(exc).__name__ in ("Unresolvable", "PointerToNowhere", "_WrappedReferencingError",
                                  "SchemaError", "UnknownType")
