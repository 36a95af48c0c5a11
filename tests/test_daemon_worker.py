"""sdkforge run inside a daemonic process (a `multiprocessing.Pool` worker: a build tool, a
test runner) may not start processes of its own: validation and formatting, which fork a
second process for large specs, run in the one process instead, with the same result."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from sdkforge.config import GenerateOptions
from sdkforge.emit import format as format_module
from sdkforge.pipeline import generate
from sdkforge.read import validate

SPEC = Path(__file__).resolve().parents[1] / "specs" / "features.yaml"


def _files(spec: Path) -> dict[str, str]:
    return generate(GenerateOptions(spec)).files


def test_a_pool_worker_generates_what_a_process_of_its_own_does(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validate, "_BACKGROUND_FROM", 1)  # fork for any spec...
    monkeypatch.setattr(format_module, "_FORK_FROM", 1)  # ...and any amount of text
    alone = _files(SPEC)
    with multiprocessing.get_context("fork").Pool(1) as pool:  # the worker inherits the patches
        assert pool.apply(_files, (SPEC,)) == alone
