"""Class names for the models package: each named type's hint spelt, then collisions settled.

A hint (`ir.NameHint`) records what a name is made of; `spell` turns it into the name the
type asks for, by the rules of `naming`; `naming.resolve_class_names` settles collisions
(structurally identical types share a class; others are qualified by their keys).
"""

from __future__ import annotations

from sdkforge.model import ir
from sdkforge.names import naming
from sdkforge.names.allocate import ClassName

Named = ir.Model | ir.Enum | ir.Alias
EVENTS_FALLBACK = "AnyWebhookEvent"


def spell(hint: ir.NameHint | None, by_place: bool = False) -> str:
    """The text a hint stands for (`class` hints are PascalCased; the rest is concatenated).
    `by_place`: each title is replaced by its place (operation, property), without the variant
    number the title stood in for."""
    if hint is None:
        return ""
    if hint.kind == "schema":
        return naming.preferred_class_name(hint.text, hint.title)[0]
    if hint.kind == "operation":
        method, path = hint.extra
        return naming.pascal(naming.method_name(hint.text, method, path))
    if hint.kind == "title":
        if not by_place:
            return hint.text if naming.words(hint.text) else spell(hint.parent)
        parent = hint.parent
        if (parent is not None and parent.kind == "text" and parent.text.startswith("Variant")
                and parent.parent is not None):
            parent = parent.parent
        return spell(parent, by_place)
    if hint.kind == "word":
        return spell(hint.parent, by_place) + naming.pascal(hint.text)
    if hint.kind == "text":
        return spell(hint.parent, by_place) + hint.text
    return naming.pascal(spell(hint.parent, by_place))  # "class"


def wanted(item: Named) -> tuple[str, bool, int]:
    """(the name it asks for, whether its key is a mangled module path, tier: 0 for component
    schemas, which win a clash, 1 for inline ones)."""
    if item.hint.kind == "schema":
        name, mangled = naming.preferred_class_name(item.hint.text, item.hint.title)
        return name, mangled, 1 if item.inline else 0
    return spell(item.hint), False, 1 if item.inline else 0


def _place(hint: ir.NameHint) -> str:
    """The name a type's place gives it when its hint holds a title: the title's own place
    (operation, property) instead of the title (`PostCustomersBodyShipping` for a
    `customer_shipping` in one operation's body, `PostCustomersBodyShippingAddress` for a
    property of it); "" when there is no title."""
    if not _titled(hint):
        return ""
    return naming.pascal(spell(hint, by_place=True))


def _titled(hint: ir.NameHint | None) -> bool:
    while hint is not None:
        if hint.kind == "title":
            return True
        hint = hint.parent
    return False


def fingerprint(item: Named) -> str:
    """What must be equal for two colliding types to share one class. A model's base is part
    of it: a model that extends another is never "the same" as that other (sharing the name
    would make `class X(X)`)."""
    if isinstance(item, ir.Model):
        return repr(([(f.wire_name, f.type, f.required) for f in item.fields], item.base))
    if isinstance(item, ir.Alias):
        return repr(("alias", item.target))
    return repr(("enum", item.values))


def class_names(api: ir.Api) -> dict[str, ClassName]:
    """The class (or alias) name of every model, enum and alias, by key; not of an alias of a
    class that asks for the alias's own name (`Pet: {$ref: schemas/pet.yaml}`: the class is
    the public `Pet`)."""
    targets: dict[str, ir.Model | ir.Enum] = {m.key: m for m in api.models}
    targets.update((e.key, e) for e in api.enums)
    aliases = [a for a in api.aliases if not (
        isinstance(a.target, (ir.ModelRef, ir.EnumRef)) and a.target.key in targets
        and wanted(targets[a.target.key])[0] == wanted(a)[0])]
    items: list[Named] = [*api.models, *api.enums, *aliases]
    named = {item.key: item for item in items}
    shapes: dict[str, str] = {}  # key -> fingerprint, each made once (the rules ask repeatedly)

    def shape(key: str) -> str:
        if key not in shapes:
            shapes[key] = fingerprint(named[key])
        return shapes[key]

    context = {key: place for key, item in named.items() if (place := _place(item.hint))}
    if ir.EVENTS in named:  # the webhooks' union, when a schema is called `WebhookEvent`
        context[ir.EVENTS] = EVENTS_FALLBACK
    names = naming.resolve_class_names({key: wanted(item) for key, item in named.items()}, shape,
                                       context)
    given: dict[str, str] = {}  # name -> fingerprint of the types sharing it
    result: dict[str, ClassName] = {}
    for key in sorted(names):
        name = names[key]
        if given.setdefault(name, shape(key)) != shape(key):  # a bug in the rules
            raise AssertionError(f"two different types were both named {name!r}")
        result[key] = ClassName(name)
    return result
