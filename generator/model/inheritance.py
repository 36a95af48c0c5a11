"""When a model may be a subclass of the model its `allOf` names: the rules that keep a
subclass a valid instance of its base (pydantic checks fields, and so would a user's code)."""

from __future__ import annotations

from sdkforge.model import ir


def extends_soundly(base: ir.Model, fields: tuple[ir.Field, ...]) -> bool:
    """A subclass may add fields and narrow inherited ones (`pet_type: str` to `Literal["cat"]`,
    optional to required), never widen or drop them. (Inherited fields keep the base's
    Python names: the names stage gives them first.)"""
    own = {f.wire_name: f for f in fields}
    for inherited in base.fields:
        mine = own.get(inherited.wire_name)
        if mine is None:
            return False
        if mine == inherited:
            continue
        if not (_narrows(inherited.type, mine.type) and (mine.required or not inherited.required)):
            return False
    return True


def _narrows(base: ir.TypeRef, child: ir.TypeRef) -> bool:
    if base == child or isinstance(base, ir.AnyValue):
        return True
    if isinstance(base, ir.Nullable):
        inner = ir.non_null(child)
        return _narrows(base.inner, inner)
    if isinstance(child, ir.LiteralOf) and isinstance(base, ir.Primitive):
        python = {"str": str, "int": int, "float": float, "bool": bool}.get(base.kind)
        return python is not None and all(type(v) is python for v in child.values)
    if isinstance(child, ir.LiteralOf) and isinstance(base, ir.LiteralOf):
        return set(child.values) <= set(base.values)
    return False
