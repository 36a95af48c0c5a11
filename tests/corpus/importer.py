"""Import every module of a generated package; run in a fresh interpreter by `generate`:

    python -I importer.py OUT PACKAGE

(`-I`: no environment variables, user site or script folder on `sys.path`, so only the output
folder and the virtualenv are importable). Prints one line starting with `corpus-import: `
and a JSON object: modules imported, how many failed, the first failure's module and exception.
Imports only the standard library.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import time


def main(out: str, package: str) -> dict[str, object]:
    sys.path.insert(0, out)
    started = time.perf_counter()
    failures: list[tuple[str, str]] = []

    def failed(name: str, exc: BaseException) -> None:
        if all(name != seen for seen, _ in failures):  # a subpackage fails in walk and here
            failures.append((name, f"{type(exc).__name__}: {exc}"))

    try:
        root = importlib.import_module(package)
    except BaseException as exc:
        failed(package, exc)
        return _result(1, failures, started)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, package + ".",
                                      onerror=lambda name: failed(name, sys.exc_info()[1]
                                                                  or Exception("?"))):
        names.append(info.name)
        try:
            importlib.import_module(info.name)
        except BaseException as exc:
            failed(info.name, exc)
    return _result(len(names), failures, started)


def _result(modules: int, failures: list[tuple[str, str]], started: float) -> dict[str, object]:
    first = failures[0] if failures else ("", "")
    return {"modules": modules, "failed": len(failures), "module": first[0],
            "error": first[1][:2000], "seconds": round(time.perf_counter() - started, 3)}


if __name__ == "__main__":
    result = main(sys.argv[1], sys.argv[2])
    sys.stdout.write("corpus-import: " + json.dumps(result) + "\n")
