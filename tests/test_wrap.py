"""pyexpr.wrap is textwrap.wrap (no long-word or hyphen breaks), only faster."""

from __future__ import annotations

import random
import textwrap

from sdkforge.emit.pyexpr import wrap


def test_wrap_equals_textwrap_on_random_text() -> None:
    rng = random.Random(3)
    pieces = ["a", "bb", "cccccc", " ", "  ", "-", "x" * 12, "é", "\xa0", "\t"]
    checked = 0
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))).strip()
        if not text:
            continue
        width = rng.randint(1, 16)
        expected = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
        assert wrap(text, width) == expected, (text, width)
        checked += 1
    assert checked > 15_000
