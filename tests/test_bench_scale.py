"""The arithmetic and judging of `make bench-scale` (bench/scale_report.py), on made-up runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.layout import OPC, SDK, Spec
from bench.measure import Sample, Series
from bench.scale import Compared, Found
from bench.scale_report import fit_exponent, render


def test_fit_exponent_recovers_the_power() -> None:
    assert fit_exponent([(n, 3.0 * n**1.5) for n in (1000, 10000, 50000)]) == pytest.approx(1.5)
    assert fit_exponent([(n, 7.0) for n in (1000, 50000)]) == pytest.approx(0.0)
    assert fit_exponent([(1000, 1.0)]) is None


def _series(*samples: tuple[float, int]) -> Series:
    return Series([Sample(seconds, rss_proc=rss, rss_tree=rss) for seconds, rss in samples])


def test_targets_are_judged_from_medians_of_the_same_run() -> None:
    github = Compared(Spec("GitHub REST", Path("gh.json")), 845, {
        SDK: _series((2.0, 100_000_000), (1.0, 90_000_000), (9.0, 95_000_000)),
        OPC: _series((7.0, 200_000_000), (6.0, 210_000_000), (6.5, 190_000_000)),
    })
    found = Found(compared=[github], synth=[
        (1000, _series((10.0, 100_000_000))), (10000, _series((100.0, 1_000_000_000))),
        (50000, _series((800.0, 5_000_000_000))),
    ])
    text = render(found, "machine", quick=False)
    # median 2.0 s over 6.5 s; memory 95 MB over 200 MB
    assert "| GitHub REST: <= 0.3x openapi-python-client's time | 0.31x | **no** |" in text
    assert "| GitHub REST: <= 0.5x openapi-python-client's peak memory | 0.47x | yes |" in text
    assert "time exponent <= 1.1 | 1.11 | **no** |" in text  # 1.0 then 1.29: fitted 1.11
    assert "memory exponent <= 1.1 | 1.00 | yes |" in text
