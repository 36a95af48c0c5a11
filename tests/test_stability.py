"""Names survive spec bumps: across the real Mixpeek versions, every class, method and parameter
that exists in two consecutive versions (same schema key / operationId / wire name) keeps its
name, and every class its module."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sdkforge.diagnostics import Diagnostics
from sdkforge.model.build import build
from sdkforge.names.assign import assign
from sdkforge.read.load import load
from sdkforge.read.resolve import resolve

MIXPEEK = Path(__file__).resolve().parent.parent.parent / "shared" / "specs" / "mixpeek"
BUMPS = [("2025-12-19", "2026-01-03"), ("2026-01-03", "2026-01-20")]

Facts = tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]], dict[str, str],
              dict[tuple[str, str, str], str]]


def facts(version: str) -> Facts:
    path = MIXPEEK / f"openapi-{version}.json"
    diagnostics = Diagnostics()
    api = build(resolve(load(path), diagnostics), diagnostics)
    names = assign(api)
    named = [*api.models, *api.enums]
    classes = {item.key: (names.types[item.key], names.modules[item.key]) for item in named}
    methods = {op.operation_id: (resource.attribute, names.method(op))
               for resource in names.resources for op in resource.operations}
    raw = json.loads(path.read_text())
    tags = {op["operationId"]: (op.get("tags") or [""])[0]
            for item in raw["paths"].values() for op in item.values()
            if isinstance(op, dict) and "operationId" in op}
    params = {(op.operation_id, p.location, p.wire_name): names.argument(op, p.location,
                                                                         p.wire_name)
              for op in api.operations for p in op.params}
    params |= {(op.operation_id, "body", f.wire_name): names.argument(op, "body", f.wire_name)
               for op in api.operations if op.body for f in op.body.fields}
    return classes, methods, tags, params


@pytest.mark.parametrize(("old", "new"), BUMPS)
def test_bump_renames_nothing_that_stays(old: str, new: str) -> None:
    classes_a, methods_a, tags_a, params_a = facts(old)
    classes_b, methods_b, tags_b, params_b = facts(new)
    shared = classes_a.keys() & classes_b.keys()
    assert len(shared) > 100
    assert {k: (classes_a[k], classes_b[k]) for k in shared if classes_a[k] != classes_b[k]} == {}
    ops = methods_a.keys() & methods_b.keys()
    assert len(ops) > 50
    # A method keeps its name while it stays in its resource (a method that moves drops the
    # words of its new resource: `organizations.delete_user` -> `organization_users.delete`).
    assert {k: (methods_a[k], methods_b[k]) for k in ops
            if methods_a[k][0] == methods_b[k][0] and methods_a[k][1] != methods_b[k][1]} == {}
    same_params = params_a.keys() & params_b.keys()
    assert len(same_params) > 100
    assert {k: (params_a[k], params_b[k]) for k in same_params if params_a[k] != params_b[k]} == {}
    # An operation changes resource only when the spec changed its tag.
    moved = {k for k in ops if methods_a[k][0] != methods_b[k][0]}
    assert all(tags_a[k] != tags_b[k] for k in moved)
