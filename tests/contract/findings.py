"""What `classify` and `bodies` judge with: a finding, a call's verdict, the spec as read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .validator import Checker

FAULTS = ("client", "mock", "harness", "unclassified")


@dataclass(frozen=True, slots=True)
class Finding:
    fault: str
    cause: str
    why: str


@dataclass
class Verdict:
    kind: str  # ok, miswired, rejected, parse, exception, harness, mock-crash
    findings: list[Finding] = field(default_factory=list)

    @property
    def fault(self) -> str | None:
        """The call's fault: the client's if any complaint is, then the harness's, the
        mock's, unclassified."""
        faults = {f.fault for f in self.findings}
        for fault in ("client", "harness", "mock", "unclassified"):
            if fault in faults:
                return fault
        return None


class Spec:
    """What classification needs from the spec: operations by pointer, parameters, bodies."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.checker = Checker(doc)

    def get(self, pointer: str) -> Any:
        node: Any = self.doc
        for token in pointer.lstrip("#").split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            node = node.get(token) if isinstance(node, dict) else None
        return self.deref(node)

    def deref(self, node: Any) -> Any:
        for _ in range(30):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            node = self.get(node["$ref"])
        return node if isinstance(node, dict) else {}

    def parameters(self, op_pointer: str) -> list[dict[str, Any]]:
        item = self.get(op_pointer.rsplit("/", 1)[0])
        op = self.get(op_pointer)
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for param in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
            param = self.deref(param)
            found[(str(param.get("in")), str(param.get("name")).lower())] = param
        return list(found.values())

    def parameter(self, op_pointer: str, where: str, name: str) -> dict[str, Any] | None:
        for param in self.parameters(op_pointer):
            if param.get("in") == where and str(param.get("name")).lower() == name.lower():
                return param
        return None


def parse_json(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
