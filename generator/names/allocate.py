"""The one allocator of Python names: scoped namespaces whose claims never collide.

Every identifier sdkforge emits is one of these types, made only in this package: a raw
`str` cannot reach an identifier slot of a view without passing through here. A scope is
what Python itself keeps apart: a module's top-level names, a class's attributes, a
function's parameters, a package's modules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NewType

ClassName = NewType("ClassName", str)  # a class, enum alias or type alias in the models package
ModuleName = NewType("ModuleName", str)  # a module or package name (no dots)
Identifier = NewType("Identifier", str)  # an attribute, field, parameter or method name


class Namespace:
    """One scope. `claim` gives each wanted name, or the first free variant of it, and
    remembers it: two claims in one scope never get one name. Callers claim in an order
    that depends only on the things named (sorted keys), never on spec order."""

    def __init__(self, scope: str, reserved: Iterable[str] = ()) -> None:
        self.scope = scope
        self._taken: set[str] = set(reserved)

    def __contains__(self, name: str) -> bool:
        return name in self._taken

    def claim(self, wanted: str, prefix: str = "") -> str:
        """`wanted`; when taken, `prefix_wanted` (with a prefix); then with `_` appended
        until free."""
        name = wanted
        if name in self._taken and prefix:
            name = f"{prefix}_{name}"
        while name in self._taken:
            name += "_"
        self._taken.add(name)
        return name
