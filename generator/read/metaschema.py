"""The meta-schema check of each schema in a spec, by jsonschema-rs first.

openapi-spec-validator checks every Schema Object against its dialect's meta-schema with
the pure-Python `jsonschema` (`check_openapi_schema`): three quarters of validation time
on a big 3.1 spec, for about 2,000 schemas that are nearly always valid. Here a Rust
validator, compiled once per process, checks the same schema against the same meta-schema
(the resources openapi-schema-validator ships, served from memory: nothing is fetched),
with the same format checks (the Python format checker's own functions). It may only ever
say "valid": when it says invalid, cannot be built, or cannot read the schema, the Python
check runs and reports what openapi-spec-validator always did, but every failure of the
schema rather than the first (`every_error`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import jsonschema_rs
from jsonschema import validators as python_validators  # type: ignore[import-untyped]  # jsonschema has no types
from jsonschema_path import SchemaPath
from openapi_schema_validator._specifications import REGISTRY
from openapi_schema_validator.validators import check_openapi_schema
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from openapi_spec_validator.validation.keywords import (
    KeywordValidator,
    OpenAPIV30SchemaValidator,
    OpenAPIV31SchemaValidator,
    SchemaValidator,
)
from openapi_spec_validator.validation.registries import KeywordValidatorRegistry

from sdkforge.read.failures import EVERY

# The Rust validator of each draft the Python meta-schema validator may be.
_RUST_DRAFTS: dict[type[Any], type[jsonschema_rs.Validator]] = {
    python_validators.Draft4Validator: jsonschema_rs.Draft4Validator,
    python_validators.Draft6Validator: jsonschema_rs.Draft6Validator,
    python_validators.Draft7Validator: jsonschema_rs.Draft7Validator,
    python_validators.Draft201909Validator: jsonschema_rs.Draft201909Validator,
    python_validators.Draft202012Validator: jsonschema_rs.Draft202012Validator,
}
# Schemas nested deeper take the Python path. Its check needs up to ~12 interpreter frames a
# level (measured: OAS 3.1 dialect, `items` in `items`; 3.0 needs half), so up to this depth
# it stays far below the recursion limit; deeper, it runs and fails with RecursionError (which
# `validate` reports) or not, as it always did. It also keeps cyclic data away from Rust.
MAX_DEPTH = 32


class IdRegistry(list[int]):
    """A list of ids that answers `in` from a set. openapi-spec-validator keeps the schemas it
    has visited and meta-checked in lists and asks `in` for every schema (quadratic on big
    specs); it only ever appends to them and asks `in`."""

    def __init__(self) -> None:
        super().__init__()
        self._ids: set[int] = set()

    def append(self, item: int) -> None:
        super().append(item)
        self._ids.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._ids


class _FastMeta(SchemaValidator):
    def __init__(self, registry: KeywordValidatorRegistry) -> None:
        super().__init__(registry)
        self.visited_schema_ids = IdRegistry()
        self.meta_checked_schema_ids = IdRegistry()

    def _validate_schema_meta(
        self, schema: SchemaPath, schema_value: Any
    ) -> OpenAPIValidationError | None:
        check = self._check(schema, schema_value)
        if check is None:
            return super()._validate_schema_meta(schema, schema_value)
        if fast_valid(rust_meta_validator(*check), schema_value):
            return None
        return every_error(*check, schema_value)

    def _check(self, schema: SchemaPath, schema_value: Any) -> tuple[type, Any] | None:
        """The class whose `check_openapi_schema` the Python path runs on this schema, and its
        format checker; None for any other check (the Rust twin is of that one only)."""
        cls: type | None  # the class whose `check_schema` the Python path calls
        if isinstance(self, OpenAPIV31SchemaValidator):  # honours `$schema` and `jsonSchemaDialect`
            try:
                dialect = self._get_schema_dialect_id(schema, schema_value)
            except ValueError:  # a `$schema` that is not a string: the Python path says so
                return None
            cls = self._get_validator_class_for_dialect(dialect)
            checker = self.schema_validator_format_checker
        elif isinstance(self, OpenAPIV30SchemaValidator):
            cls = self.schema_validator_cls
            checker = getattr(cls, "FORMAT_CHECKER", None)
        else:
            return None
        # Only openapi-schema-validator's own check has a twin; another dialect's (`$schema`
        # naming draft 2020-12, say) runs in Python.
        check = getattr(getattr(cls, "check_schema", None), "__func__", None)
        if cls is None or check is not check_openapi_schema:
            return None
        return cls, checker


def every_error(cls: type[Any], checker: Any, schema: Any) -> OpenAPIValidationError | None:
    """What `check_openapi_schema(cls, schema, checker)` finds, as openapi-spec-validator
    reports it, but every failure rather than the first: a schema whose first failure leaves
    the meaning plain (a warning) may hide one that does not. Several failures come in one
    error's `context`, under the keyword `failures.EVERY`."""
    meta_schema = cls.META_SCHEMA
    validator_class = python_validators.validator_for(meta_schema, default=cls)
    validator = validator_class(meta_schema, format_checker=checker, registry=REGISTRY)
    errors = list(validator.iter_errors(schema))
    if not errors:
        return None
    if len(errors) == 1:
        return OpenAPIValidationError.create_from(errors[0])  # type: ignore[no-any-return]
    return OpenAPIValidationError(errors[0].message, validator=EVERY, context=errors)


def fast_meta(cls: type[KeywordValidator]) -> type[KeywordValidator]:
    """openapi-spec-validator's schema keyword validator `cls`, meta-checking by Rust first."""
    if not issubclass(cls, SchemaValidator):
        return cls
    return type(f"FastMeta{cls.__name__}", (_FastMeta, cls), {})


def fast_valid(validator: jsonschema_rs.Validator | None, schema: Any) -> bool:
    """True only if the Rust twin finds `schema` valid; False means "ask the Python path"."""
    if validator is None or not plain_json(schema):
        return False
    try:
        return validator.is_valid(schema)
    except Exception:  # a format function raised, say: the Python path reports it as it always did
        return False


def plain_json(node: object, depth: int = 0) -> bool:
    """Whether `node` is JSON exactly as `json.loads` makes it, nested at most MAX_DEPTH deep.

    Rust reads such data exactly as Python does. Anything else (a YAML date, a key that is not
    a string, a tuple, NaN) takes the Python path; integers of any size are exact in both."""
    if type(node) is dict:
        if depth >= MAX_DEPTH:
            return False
        for key, value in node.items():
            if type(key) is not str or not plain_json(value, depth + 1):
                return False
        return True
    if type(node) is list:
        if depth >= MAX_DEPTH:
            return False
        return all(plain_json(item, depth + 1) for item in node)
    if type(node) is float:
        return math.isfinite(node)
    return type(node) is str or type(node) is int or type(node) is bool or node is None


@functools.cache
def rust_meta_validator(cls: type[Any], checker: Any) -> jsonschema_rs.Validator | None:
    """The Rust twin of `check_openapi_schema(cls, schema, format_checker=checker)`, compiled
    once per process; None when it cannot be built (the Python path then runs every time)."""
    meta_schema = cls.META_SCHEMA
    rust_class = _RUST_DRAFTS.get(python_validators.validator_for(meta_schema, default=cls))
    if rust_class is None:
        return None
    try:
        return rust_class(
            meta_schema, registry=_rust_registry(), offline=True, validate_formats=True,
            formats={name: _format_check(checker, name)
                     for name in _format_names() | _formats_in(meta_schema)},
        )
    except Exception:  # a newer meta-schema jsonschema-rs cannot compile: Python it is
        return None


@functools.cache
def _rust_registry() -> jsonschema_rs.Registry:
    """Every meta-schema and vocabulary `check_openapi_schema` resolves against."""
    return jsonschema_rs.Registry([(uri, REGISTRY.contents(uri)) for uri in REGISTRY])


@functools.cache
def _format_names() -> frozenset[str]:
    """The formats named anywhere in the meta-schemas and vocabularies: Rust validates the
    formats it knows unless told how, so each gets the Python checker's verdict."""
    return frozenset().union(*(_formats_in(REGISTRY.contents(uri)) for uri in REGISTRY))


def _formats_in(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["format"]} if isinstance(node.get("format"), str) else set()
        for value in node.values():
            found |= _formats_in(value)
        return found
    if isinstance(node, list):
        return set().union(*(_formats_in(item) for item in node))
    return set()


def _format_check(checker: Any, name: str) -> Callable[[str], bool]:
    """The Python format checker's own check for `name`; a format it does not check passes,
    as it does there (jsonschema's `FormatChecker.check`)."""
    known = getattr(checker, "checkers", {}).get(name)
    if known is None:
        return _unchecked
    func, raises = known

    def check(value: str) -> bool:
        try:
            return bool(func(value))
        except raises:
            return False

    return check


def _unchecked(value: str) -> bool:
    return True
