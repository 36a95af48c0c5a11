"""sdkforge's proof of its own models package, before it reports success: a cheap structural
check of the class graph each model module declares (no parsing, no import).

It catches the faults that once gave exit 0 with a package that cannot be imported (a class
extending itself, `class X(X):`; a base that is neither defined before its subclass nor
imported; two classes of one name in a module; a name the package exports that its module
does not define). A finding is sdkforge's bug, not the spec's: `InternalError`, exit 3.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from sdkforge.emit.model_views import ModelModuleView
from sdkforge.errors import InternalError

RUNTIME_BASES = frozenset({"BaseModel", "PageModel"})
_IMPORTED = re.compile(r"^from \.(\w+) import (\w+)$")


def problems(views: list[ModelModuleView], exported: Mapping[str, str]) -> Iterator[str]:
    """What would stop the models package from importing; `exported` maps each exported name
    to the module it is exported from."""
    defined: dict[str, set[str]] = {}
    for view in views:
        imported = {m.group(2) for line in view.imports if (m := _IMPORTED.match(line))}
        names: set[str] = {alias.name for alias in view.enums}
        for cls in view.classes:
            where = f"models/{view.module}.py, class {cls.name}"
            if cls.name in names:
                yield f"{where}: a second class or alias of that name in the module"
            for base in cls.bases:
                if base == cls.name:
                    yield f"{where}: the class extends itself"
                elif base not in names and base not in imported and base not in RUNTIME_BASES:
                    yield f"{where}: its base {base} is neither defined above it nor imported"
            names.add(cls.name)
        for alias in view.late:
            if alias.name in names:
                yield f"models/{view.module}.py, alias {alias.name}: a second of that name"
            names.add(alias.name)
        defined[view.module] = names
    for name, module in sorted(exported.items()):
        if name not in defined.get(module, set()):
            yield (f"models/__init__.py exports {name} from models/{module}.py, "
                   "which does not define it")


def prove(views: list[ModelModuleView], exported: Mapping[str, str]) -> None:
    """Raise InternalError listing what is wrong, when anything is."""
    found = list(problems(views, exported))
    if found:
        raise InternalError("the generated models package would not import: " + "; ".join(found[:5])
                            + (f"; and {len(found) - 5} more" if len(found) > 5 else ""))
