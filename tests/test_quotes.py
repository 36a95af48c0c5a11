"""pyexpr writes string literals with the quotes black would leave them in, without black."""

from __future__ import annotations

import random

from black.strings import normalize_string_quotes

from sdkforge.emit.pyexpr import literal


def test_string_literals_are_what_black_makes_of_repr() -> None:
    rng = random.Random(7)
    pieces = ["a", "'", '"', "\\", "\\'", '\\"', "\n", "\x00", "é", "\u202e", "{", "}", " ", "''",
              '""', "\t", "\\\\"]
    checked = set()
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        if text in checked:
            continue
        checked.add(text)
        expected = normalize_string_quotes(repr(text))
        assert literal(text) == expected, text
        assert eval(expected) == text  # noqa: S307 - our own literal, to show it is the same string
    assert len(checked) > 10_000
