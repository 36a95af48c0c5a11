"""Whether the package about to be written would shadow, or be shadowed by, another package
installed where sdkforge runs (`prefect` generated beside the real `prefect` library): both
are imported as the same top-level name, and which one wins depends on `sys.path` order."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path


def installed_elsewhere(package: str, out: Path) -> str | None:
    """What else provides the import name `package` in this environment (a distribution's
    name, or the folder it is found in), or None when nothing does or it is the output itself."""
    try:
        found = importlib.util.find_spec(package)
    except (ImportError, ValueError):  # a broken package of that name is still in the way
        return _distributions(package) or None
    if found is None:
        return None
    places = [Path(p) for p in (found.submodule_search_locations or [])]
    if found.origin and found.origin not in ("built-in", "frozen"):
        places.append(Path(found.origin).parent)
    target = out.resolve()
    if any(target == p.resolve() or target in p.resolve().parents for p in places):
        return None  # the previous output itself, installed (e.g. `pip install -e`)
    return _distributions(package) or (str(places[0]) if places else package)


def _distributions(package: str) -> str:
    names = sorted(set(importlib.metadata.packages_distributions().get(package, [])))
    return ", ".join(f"the `{name}` distribution" for name in names)
