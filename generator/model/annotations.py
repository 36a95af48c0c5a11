"""Schema keywords that describe a value's use without constraining it, and the `allOf`
members made only of them (how a 3.0 spec, where `$ref` takes no siblings, describes a
referenced schema in place: `allOf: [{$ref: X}, {description: ...}]`)."""

from __future__ import annotations

from typing import Any

# Keywords that describe a schema's use without constraining its values: an `allOf` member
# made only of these (and `x-` extensions) adds nothing to the type.
_ANNOTATIONS = frozenset({
    "description", "title", "xml", "example", "examples", "externalDocs", "deprecated",
    "readOnly", "writeOnly", "default", "nullable", "$comment",
})


def _annotates(key: object) -> bool:
    """Whether a schema keyword only describes the value (an extension, `x-...`, too)."""
    return str(key) in _ANNOTATIONS or str(key).startswith("x-")


def _annotation_only(part: object) -> bool:
    return isinstance(part, dict) and all(_annotates(k) for k in part)


def sole_member(node: dict[str, Any]) -> int | None:
    """The index of the one `allOf` member that says what the value is, when the others and
    the node itself only describe it (how a 3.0 spec puts a description beside a `$ref`)."""
    parts = node["allOf"]
    if not isinstance(parts, list) or not all(_annotates(k) or k == "allOf" for k in node):
        return None
    rest = [i for i, part in enumerate(parts) if not _annotation_only(part)]
    return rest[0] if len(rest) == 1 else None


def property_annotations(node: dict[str, Any]) -> dict[str, Any]:
    """A property schema's annotations: its own, else those of `allOf` members that only
    annotate (`allOf: [{$ref: X}, {description: ...}]`)."""
    parts = node.get("allOf")
    if not isinstance(parts, list) or sole_member(node) is None:
        return node
    found: dict[str, Any] = {}
    for part in parts:
        if _annotation_only(part):
            found.update(part)
    return {**found, **node}
