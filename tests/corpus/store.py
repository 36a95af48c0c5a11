"""The corpus cache: results by key, and one folder per run.

    $CORPUS_CACHE/results/<kind>/<key[:2]>/<key>.json   a spec's result, by what judged it
    $CORPUS_CACHE/runs/<run-id>/results.jsonl           every spec of the run, one JSON a line
    $CORPUS_CACHE/runs/<run-id>/typecheck.jsonl         the typecheck sample's results
    $CORPUS_CACHE/runs/<run-id>/SUMMARY.md              the run's summary
    $CORPUS_CACHE/runs/latest                           the last finished run's id
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Bump when the harness judges differently, so cached results made by the old rules are not
# reused.
HARNESS_VERSION = 1


def key(*parts: str) -> str:
    return hashlib.sha256("\0".join((str(HARNESS_VERSION), *parts)).encode()).hexdigest()


class Store:
    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.results = cache / "results"
        self.runs = cache / "runs"

    def _file(self, kind: str, name: str) -> Path:
        return self.results / kind / name[:2] / f"{name}.json"

    def get(self, kind: str, name: str) -> dict[str, Any] | None:
        try:
            found = json.loads(self._file(kind, name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    def put(self, kind: str, name: str, record: dict[str, Any]) -> None:
        path = self._file(kind, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
        partial.replace(path)

    def new_run(self) -> Path:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
        folder = self.runs / stamp
        suffix = 1
        while folder.exists():
            suffix += 1
            folder = self.runs / f"{stamp}-{suffix}"
        folder.mkdir(parents=True)
        return folder

    def finish_run(self, folder: Path) -> None:
        (self.runs / "latest").write_text(folder.name + "\n", encoding="utf-8")

    def latest_records(self) -> Iterator[dict[str, Any]]:
        """The per-spec records of the last finished run (none when there was none)."""
        try:
            name = (self.runs / "latest").read_text(encoding="utf-8").strip()
            lines = (self.runs / name / "results.jsonl").read_text(encoding="utf-8").splitlines()
        except OSError:
            return
        for line in lines:
            if line.strip():
                yield json.loads(line)


def succeeded(record: dict[str, Any]) -> bool:
    """Generated and every module imported: what `--failed-only` does not run again."""
    return (record.get("outcome") == "generated"
            and (record.get("import") or {}).get("status") == "ok")
