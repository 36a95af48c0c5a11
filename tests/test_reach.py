"""bump.reach and bump.place on small hand-made surfaces: which calls a model-level change
reaches (directly, nested, through an alias, through a flattened body, not through a Literal's
text), and a request field's change said once."""

from __future__ import annotations

from sdkforge.bump.diff import compare
from sdkforge.bump.reach import users
from sdkforge.emit.surface import Entry, Surface

R1 = "#/components/schemas/R/properties/r1"


def entries() -> dict[str, Entry]:
    def method(name: str, returns: str) -> Entry:
        return Entry("method", f"client.r.{name}", name, f"#/paths/~1{name}/get",
                     parent="resource:r", type=(returns,), endpoint=f"GET /{name}")

    return {
        "resource:r": Entry("resource", "client.r", "r", "#/paths/~1m1/get"),
        "operation:m1": method("m1", "A"),
        "operation:m2": method("m2", "None"),
        "operation:m2/param:query:p": Entry("param", "client.r.m2(p)", "p", "#/paths/~1m2/get",
                                            parent="operation:m2", type=("C", "CParam")),
        "operation:m3": method("m3", "None"),
        "operation:m3/body:r1": Entry("param", "client.r.m3(r1)", "r1", R1,
                                      parent="operation:m3", type=("str",), required=True),
        "operation:m4": method("m4", "S"),
        "model:A": Entry("model", "A", "A", "#/components/schemas/A"),
        "model:A/field:x": Entry("field", "A.x", "x", "#/components/schemas/A/properties/x",
                                 parent="model:A", type=("B",)),
        "model:B": Entry("model", "B", "B", "#/components/schemas/B"),
        "model:B/field:y": Entry("field", "B.y", "y", "#/components/schemas/B/properties/y",
                                 parent="model:B", type=("str",), usage="in+out"),
        "model:B/field:z": Entry("field", "B.z", "z", "#/components/schemas/B/properties/z",
                                 parent="model:B", type=('Literal["A", "S"]',)),
        "alias:C": Entry("alias", "C", "C", "#/components/schemas/C", type=("list[B]",)),
        "model:R": Entry("model", "R", "R", "#/components/schemas/R", usage="in"),
        "model:R/field:r1": Entry("field", "R.r1", "r1", R1, parent="model:R", type=("str",),
                                  required=True),
        "model:S": Entry("model", "S", "S", "#/components/schemas/S"),
        "model:S/field:rs": Entry("field", "S.rs", "rs", "#/components/schemas/S/properties/rs",
                                  parent="model:S", type=("list[R]",)),
    }


def surface(values: dict[str, Entry]) -> Surface:
    return Surface("T", "1", "t", values)


def test_calls_reaching_a_type() -> None:
    found = users(surface(entries()))
    # B: nested in A (m1 returns it) and in the alias C (m2 takes it)
    assert found.calls_reaching("model:B") == {("returns", "operation:m1"),
                                               ("takes", "operation:m2")}
    # A's name inside B.z's Literal is text, not a reference
    assert found.calls_reaching("model:A") == {("returns", "operation:m1")}
    # R: m3's flattened body (its argument is R.r1), and nested in S, which m4 returns
    assert found.calls_reaching("model:R") == {("takes", "operation:m3"),
                                               ("returns", "operation:m4")}
    assert found.calls_reaching("model:S") == {("returns", "operation:m4")}


def test_a_model_change_is_listed_once_with_the_calls_it_reaches() -> None:
    new = entries()
    del new["model:B/field:y"]
    report = compare(surface(entries()), surface(new))
    assert [(c.symbol, c.what, c.affects) for c in report.changes] == [
        ("B.y", "field removed", (("returns", "client.r.m1"), ("takes", "client.r.m2")))]


def test_a_flattened_field_is_said_by_its_argument_and_kept_for_other_calls() -> None:
    new = entries()
    del new["model:R/field:r1"], new["operation:m3/body:r1"]
    report = compare(surface(entries()), surface(new))
    assert [(c.symbol, c.what, c.field, c.affects) for c in report.changes] == [
        ("client.r.m3(r1)", "parameter removed", "R.r1", ()),
        # still listed for m4, which returns R inside S; not for m3, whose argument said it
        ("R.r1", "field removed", "", (("returns", "client.r.m4"),)),
    ]


def test_a_field_only_flattened_is_not_listed_again() -> None:
    old = entries()
    del old["operation:m4"]
    new = dict(old)
    del new["model:R/field:r1"], new["operation:m3/body:r1"]
    report = compare(surface(old), surface(new))
    assert [(c.symbol, c.field) for c in report.changes] == [("client.r.m3(r1)", "R.r1")]
