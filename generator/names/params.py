"""The names of the params package: each model a caller may give as a plain dict gets a
`TypedDict` named after its class (`NewPet` -> `NewPetParam`).

A Param's name is claimed in one namespace with every name the models package exports and
the typing names a params module imports, so it never takes a model's name (a spec may well
have a `PromptCacheOptionsParam` schema beside a `PromptCacheOptions` one: that one's Param is
then `PromptCacheOptionsDict`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sdkforge.model import ir
from sdkforge.model.usage import Inputs
from sdkforge.names.allocate import ClassName, Namespace

# What a params module imports or spells in its annotations (the models and params packages
# it imports are `_models` and `_params`, which no class name is).
RESERVED_PARAM_NAMES = frozenset({
    "TypedDict", "Required", "NotRequired", "Literal", "Any", "Sequence", "Mapping",
    "datetime", "uuid", "decimal", "annotations",
})


def writable(model: ir.Model) -> bool:
    """Whether a caller sends anything of the model: a dict form needs a key to offer."""
    return any(not f.read_only for f in model.fields)


def param_names(
    models: Iterable[ir.Model], inputs: Inputs, types: Mapping[str, ClassName],
    exported: Iterable[str],
) -> dict[str, ClassName]:
    """The Param class of each model in `inputs` that has a field a caller sends, by model
    key; models sharing a class (`types`) share a Param. Claimed by class name, in order."""
    keys = [m.key for m in models if m.key in inputs.models and writable(m)]
    scope = Namespace("params package", {*exported, *RESERVED_PARAM_NAMES})
    by_class: dict[str, ClassName] = {}
    for cls in sorted({types[key] for key in keys}):
        wanted = f"{cls}Param"
        by_class[cls] = ClassName(scope.claim(f"{cls}Dict" if wanted in scope else wanted))
    return {key: by_class[types[key]] for key in keys}


def param_tags(
    inputs: Inputs, params: Mapping[str, ClassName]
) -> dict[ClassName, dict[str, tuple[str, ...]]]:
    """The tag values each Param's discriminator properties take (its variant's `Literal`),
    of every model sharing it, in order."""
    merged: dict[ClassName, dict[str, tuple[str, ...]]] = {}
    for key, props in inputs.tags.items():
        if key in params:
            for prop, values in props.items():
                found = merged.setdefault(params[key], {}).get(prop, ())
                merged[params[key]][prop] = (*found, *(v for v in values if v not in found))
    return merged
