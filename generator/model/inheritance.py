"""When a model may be a subclass of the model its `allOf` names: the rules that keep a
subclass a valid instance of its base (pydantic checks fields, and so would a user's code)."""

from __future__ import annotations

from sdkforge.model import ir


def extends_soundly(base: ir.Model, fields: tuple[ir.Field, ...]) -> bool:
    """A subclass may add fields, and redeclare inherited ones with a new description or
    default, never change their type or whether they are required. Model fields can be
    assigned, so an inherited field's type cannot narrow either (`pet_type: str` to
    `Literal["cat"]`): code holding the base could then set a value the subclass does not
    allow, and pyright reports it. A model that narrows repeats its base's fields instead.
    (Inherited fields keep the base's Python names: the names stage gives them first.)"""
    own = {f.wire_name: f for f in fields}
    for inherited in base.fields:
        mine = own.get(inherited.wire_name)
        if mine is None:
            return False
        if mine.type != inherited.type or mine.required != inherited.required:
            return False
    return True
