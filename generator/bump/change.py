"""One change a spec bump makes to the generated Python API, and the report of them all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sdkforge.emit.surface import Surface

Severity = Literal["breaking", "additive", "docs"]
SEVERITIES: tuple[Severity, ...] = ("breaking", "additive", "docs")
HEADINGS = {"breaking": "Breaking changes", "additive": "Additions",
            "docs": "Documentation changes"}

# The entries a caller writes in a call (`client.<resource>.<method>(...)`); the rest are
# model-level (models, fields, enums, aliases), reported under the calls they reach.
CALL_KINDS = frozenset({"client-arg", "resource", "method", "param"})


@dataclass(frozen=True, slots=True)
class Change:
    severity: Severity
    kind: str  # the entry kind: method, param, field...
    symbol: str  # the Python symbol a caller uses (the new one, or the old one when removed)
    what: str  # what happened to it, in words
    pointer: str  # where the spec says so (the new spec, or the old one when removed)
    # Model-level changes: the calls that send or receive the type, directly or nested, as
    # ("takes" | "returns", method symbol), sorted; empty when no method uses it.
    affects: tuple[tuple[str, str], ...] = ()
    # An argument of a flattened body: the request model's field it is (the model-level change
    # it would otherwise repeat), e.g. "CreatePetRequest.name".
    field: str = ""

    @property
    def call(self) -> bool:
        return self.kind in CALL_KINDS


@dataclass(frozen=True, slots=True)
class Report:
    old: Surface
    new: Surface
    changes: tuple[Change, ...]

    def count(self, severity: Severity) -> int:
        return sum(1 for c in self.changes if c.severity == severity)

    @property
    def breaking(self) -> bool:
        return self.count("breaking") > 0
