"""Fixtures for the behaviour tests: the golden generated package on sys.path and a server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .server import LoopbackServer

REPO_ROOT = Path(__file__).resolve().parents[2]
GENERATED = REPO_ROOT / "generated" / "mixpeek-trigger-history"

if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A fresh scripted server for each test, stopped (connections dropped) afterwards."""
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    """Each test using it runs once with the sync client and once with the async one."""
    return str(request.param)
