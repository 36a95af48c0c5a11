"""What a benchmark run found: rows of measurements, targets, the scale table, failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .measure import Series

Unit = Literal["s", "ms"]


@dataclass(slots=True)
class Row:
    case: str
    tool: str
    series: Series
    unit: Unit
    # The series of sdkforge this row is compared with: the table shows sdkforge / this row.
    versus: Series | None = None
    rss: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Target:
    case: str
    goal: str
    measured: str
    met: bool | None  # None: could not be measured


@dataclass(frozen=True, slots=True)
class ScalePoint:
    operations: int
    schemas: int
    spec_bytes: int
    series: Series
    lines: int


@dataclass(slots=True)
class Results:
    rows: list[Row] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    scale: list[ScalePoint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Failures that make `make bench` exit non-zero: sdkforge failing, or a floor or a peer
    # failing where it is expected to work (see bench/README.md).
    failures: list[str] = field(default_factory=list)
    profile: str = ""

    def add(self, row: Row, *, may_fail: bool = False) -> Row:
        self.rows.append(row)
        if row.series.failure and not may_fail:
            self.failures.append(f"{row.case}: {row.tool} failed: {row.series.failure}")
        return row
