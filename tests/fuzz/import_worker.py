"""Imports generated packages one by one for the fuzz oracle, in its own process and folder.

Reads one JSON request a line, `{"out": folder, "package": name, "client": class name}`,
imports the package and every module in it, touches every lazily exported model and builds
the sync and async clients, then answers one JSON line: `{"ok": bool, "error": str,
"pwned": [what changed]}`. A payload that escaped into code would leave a marker file in
the working folder (or at the absolute marker path) or a changed environment.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
from pathlib import Path

MARKER_FILE, MARKER_ABS, MARKER_ENV = sys.argv[1], sys.argv[2], sys.argv[3]


def _modules(out: Path, package: str) -> list[str]:
    names = []
    for path in sorted((out / package).rglob("*.py")):
        parts = list(path.relative_to(out).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def _exercise(out: Path, package: str, client: str) -> None:
    pkg = importlib.import_module(package)
    for name in _modules(out, package):
        importlib.import_module(name)
    models = importlib.import_module(f"{package}.models")
    for name in getattr(models, "__all__", ()):
        getattr(models, name)
    for name in getattr(pkg, "__all__", ()):
        getattr(pkg, name)
    sync = getattr(pkg, client)(base_url="http://127.0.0.1:9", max_retries=0)
    for resource in dir(sync):
        if not resource.startswith("_"):
            getattr(sync, resource)
    sync.close()
    getattr(pkg, f"Async{client}")(base_url="http://127.0.0.1:9", max_retries=0)


def _forget(package: str) -> None:
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            del sys.modules[name]


def main() -> None:
    environ = dict(os.environ)
    for line in sys.stdin:
        request = json.loads(line)
        out, package, client = Path(request["out"]), request["package"], request["client"]
        error = ""
        sys.path.insert(0, str(out))
        try:
            _exercise(out, package, client)
        except BaseException:  # SystemExit and KeyboardInterrupt from a payload count too
            error = "".join(traceback.format_exc(limit=-3))[-3000:]
        finally:
            sys.path.remove(str(out))
            _forget(package)
        pwned = [p for p in (MARKER_FILE, MARKER_ABS) if os.path.exists(p)]
        if dict(os.environ) != environ:
            changed = sorted(set(os.environ) ^ set(environ)) or ["values"]
            pwned.append("environment changed: " + ", ".join(changed))
            os.environ.clear()
            os.environ.update(environ)
        print(json.dumps({"ok": not error, "error": error, "pwned": pwned}), flush=True)


if __name__ == "__main__":
    main()
