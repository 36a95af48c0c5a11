"""The native port of black's line splitting (emit.linesplit) writes what black writes.

Black is the oracle: random long lines of the forms generated code has (assignments, annotated
fields, calls with keyword arguments, `def` headers and their parameters, return annotations,
unions, subscripts, displays, one-tuples, implicit string concatenation), in the contexts the
templates put them, at random depths and lengths; spot formatting must give black's bytes
without asking black. Lines outside what the port models are refused, never guessed.
"""

from __future__ import annotations

import random
import subprocess
import sys

import black
import pytest
from black.strings import str_width

from sdkforge.emit.format import black_mode
from sdkforge.emit.linesplit import split
from sdkforge.emit.spotformat import SpotFormatter
from sdkforge.emit.textwidth import width

_WORDS = ["id", "name", "value", "items", "page", "Field", "Literal", "Annotated", "NotGiven",
          "str", "int", "list", "dict", "LENIENT", "NOT_GIVEN", "PageSpec", "type"]


class _Gen:
    """Random expressions in black's own spacing, short lines as black leaves them."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def name(self) -> str:
        r = self.random
        word = r.choice(_WORDS)
        if r.random() < 0.5:
            word += "_" + "".join(r.choice("abcdefghij_") for _ in range(r.randint(1, 40)))
        return f"_models.{word.title()}" if r.random() < 0.2 else word

    def string(self) -> str:
        size = self.random.randint(0, 45)
        return '"' + "".join(self.random.choice("abc de-fgh_xyz:/") for _ in range(size)) + '"'

    def expr(self, depth: int = 0) -> str:
        r = self.random
        if depth and r.random() < 0.05:  # an ellipsis item, as untyped wrappers' annotations
            return f"Callable[..., {self.expr(depth + 1)}]"
        choice = r.randint(0, 12 if depth < 3 else 2)
        if choice == 0:
            return self.name()
        if choice == 1:
            return self.string()
        if choice == 2:
            return r.choice(["0", "1", "-1", "20", "2.5", "True", "None"])
        if choice in (3, 4):
            return f"{self.name()}({self.args(depth)})"
        if choice == 5:
            items = ", ".join(self.expr(depth + 1) for _ in range(r.randint(1, 3)))
            return f"{self.name()}[{items}]"
        if choice in (6, 7):
            return " | ".join(self.expr(depth + 1) for _ in range(r.randint(2, 5)))
        if choice == 8:
            return "[" + ", ".join(self.expr(depth + 1) for _ in range(r.randint(0, 5))) + "]"
        if choice == 9:
            items = [self.expr(depth + 1) for _ in range(r.randint(1, 5))]
            return f"({items[0]},)" if len(items) == 1 else "(" + ", ".join(items) + ")"
        if choice == 10:
            pairs = (f"{self.string()}: {self.expr(depth + 1)}" for _ in range(r.randint(0, 4)))
            return "{" + ", ".join(pairs) + "}"
        if choice == 11:
            return " ".join(self.string() for _ in range(r.randint(2, 3)))
        return f"{self.name()}.{self.name()}"

    def args(self, depth: int) -> str:
        r = self.random
        parts = [self.expr(depth + 1) for _ in range(r.randint(0, 3))]
        parts += [f"{self.name()}={self.expr(depth + 1)}" for _ in range(r.randint(0, 4))]
        if r.random() < 0.1:
            parts.append(f"**{self.name()}")
        return ", ".join(parts)

    def param(self) -> str:
        r = self.random
        text = f"{self.identifier()}: {self.expr(1)}"
        return text + (f" = {self.expr(2)}" if r.random() < 0.6 else "")

    def identifier(self) -> str:
        return self.name().replace(".", "_")

    def module(self) -> str:
        """A small module: each statement kind once, at some depth."""
        r = self.random
        params = "".join(f", {self.param()}" for _ in range(r.randint(0, 3)))
        lines = [
            f"{self.name()} = {self.expr()}",
            f"{self.name()}: {self.expr(1)} = {self.expr()}",
            "",
            "",
            f"class {self.identifier()}({self.name()}):",
            f"    {self.identifier()}: {self.expr(1)}",
            f"    {self.identifier()}: {self.expr(1)} = {self.expr()}",
            "",
            "    @overload",  # a stub: black keeps its `...` on the header's last line
            f"    def {self.identifier()}(",
            "        self,",
            f"    ) -> {self.expr(1)}: ...",
            "",
            f"    def {self.identifier()}(self{params}) -> {self.expr(1)}:",
            f"        return {self.expr()}",
            "",
            "",
            f"def {self.identifier()}(",
            *(f"    {self.param()}," for _ in range(r.randint(1, 3))),
            f") -> {self.expr(1)}:",
            f"    {self.name()}({self.args(0)})",
            f"    return {self.name()}(",
            *(f"        {self.identifier()}={self.expr(1)}," for _ in range(r.randint(1, 3))),
            "    )",
        ]
        return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(16))
def test_random_long_lines_come_out_as_black_writes_them(seed: int) -> None:
    """Byte for byte, whether a line was split natively or handed to black as a snippet (the
    random forms go beyond what the templates write: about a fifth of the modules need no
    black at all, a third are declined whole); the generated code's own files are held to no
    black at all in test_spotformat."""
    generator = _Gen(seed)
    mode = black_mode()
    checked = 0
    for _ in range(10):
        text = generator.module()
        got = SpotFormatter(mode).format(text)
        if got is not None:  # declined: black formats it whole, which is right by definition
            assert got == black.format_str(text, mode=mode), text
            checked += 1
    assert checked >= 3


@pytest.mark.parametrize("line", [
    "x = f(a, b)  # a comment",
    "x = lambda a: a",
    "x = a + b",
    "x = [a for a in b]",
    "x = f(a,)",
    "x = (a)",
    "x = 'single quoted'",
    "x = a if b else c",
    "del a, b",
    "type X = int",
    "x = y = f(a)",
    "a, b = f(c)",
    "x = ...",
    "x = f(a)...",
])
def test_what_it_does_not_model_is_left_to_black(line: str) -> None:
    assert split(line, 0, "", 10) is None


def test_a_line_that_fits_is_left_as_it_is() -> None:
    assert split("x = f(a, b)", 4, "", 100) == "    x = f(a, b)"


def test_widths_are_blacks_to_the_character_without_importing_black() -> None:
    # Every code point up to the supplementary planes' end of the width table, and mixed lines.
    points = [*range(0x80, 0x3400), *range(0x1F000, 0x1FB00), 0xE0001, 0x10FFFF]
    assert [width(chr(p)) for p in points] == [str_width(chr(p)) for p in points]
    for text in ["naïve — café", "表格 with 絵文字 🎉🎉", "e\u0301\u0302", "\x1b[0m"]:
        assert width(text) == str_width(text)
    code = ("import sys; import sdkforge.emit.textwidth as t; t.width('表'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'black'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
