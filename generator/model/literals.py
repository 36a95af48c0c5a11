"""Which `const` and `enum` values a `Literal` type can hold, and what the rest become.

Python's `Literal` takes strings, integers, booleans and None, and nothing else: `Literal[1.5]`
is not valid typing. A `const` or `enum` with a number that is not an integer is typed by the
kind of its values (`float`) instead, with a warning; the values stay in the docs.
"""

from __future__ import annotations

from collections.abc import Sequence

from sdkforge.model import ir

Scalar = str | int | float | bool

_KINDS: dict[type, ir.PrimitiveKind] = {str: "str", int: "int", float: "float", bool: "bool"}


def literal_ready(values: Sequence[object]) -> bool:
    """Whether every value can stand in a `Literal` (no float that is not a bool or an int)."""
    return not any(type(v) is float for v in values)


def loose_type(values: Sequence[Scalar]) -> ir.TypeRef:
    """The types of the values, when they cannot be a `Literal`: `float`, or a union by kind."""
    kinds = list(dict.fromkeys(_KINDS[type(v)] for v in values))
    if "float" in kinds and "int" in kinds:
        kinds.remove("int")  # an int is a valid float
    variants = tuple(ir.Primitive(kind) for kind in kinds)
    return variants[0] if len(variants) == 1 else ir.UnionOf(variants)


def unique_values(values: Sequence[Scalar]) -> tuple[tuple[Scalar, ...], list[Scalar]]:
    """The values without repeats (1 and True and 1.0 are different values), and the repeats."""
    seen: list[Scalar] = []
    keys: set[tuple[type, object]] = set()  # by (type, value): linear in the values (EC2's
    repeats: list[Scalar] = []  # instance-type enums made a pairwise check 16 million steps)
    for v in values:
        try:
            repeated = (type(v), v) in keys
            keys.add((type(v), v))
        except TypeError:  # an unhashable value (a list or object in an enum): compare
            repeated = any(type(v) is type(s) and v == s for s in seen)
        if repeated:
            repeats.append(v)
        else:
            seen.append(v)
    return tuple(seen), repeats
