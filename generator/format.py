"""Stage 7: black, in-process, on the second core too when there is much to format."""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor

import black

MODE = black.Mode(target_versions={black.mode.TargetVersion.PY311}, line_length=100)
_PARALLEL_FROM = 64


class FormatError(Exception):
    """Generated code black could not parse: a bug in sdkforge, reported with the file."""


def _format_one(item: tuple[str, str]) -> tuple[str, str, str]:
    path, text = item
    if not path.endswith(".py"):
        return path, text, ""
    try:
        return path, black.format_str(text, mode=MODE), ""
    except Exception as exc:  # black.InvalidInput and friends
        return path, text, f"{type(exc).__name__}: {exc}"


def format_files(files: Mapping[str, str]) -> dict[str, str]:
    items = sorted(files.items())
    workers = min(2, os.cpu_count() or 1)
    if len(items) >= _PARALLEL_FROM and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_format_one, items, chunksize=16))
    else:
        results = [_format_one(item) for item in items]
    failures = [(path, problem) for path, _, problem in results if problem]
    if failures:
        path, problem = failures[0]
        raise FormatError(f"sdkforge produced Python that black cannot read in {path}: {problem}")
    return {path: text for path, text, _ in results}
