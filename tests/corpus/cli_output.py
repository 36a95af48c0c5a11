"""What the `sdkforge` command printed, read back into values.

Diagnostics are printed by `sdkforge.diagnostics.Diagnostic.render`, one per line (a message
may go on over more lines):

    warning: /abs/spec.json:1:148924 at #/components/schemas/X/pattern: message (hint)

at most 40 of them, then `... and N more`. Warnings of one kind are printed once, followed by
`  and N more like it: #pointer, #pointer, ...` (the first few places): read back as N more.
Other lines start with `sdkforge: ` (the run stopped, a note, a usage or internal error) or
belong to a Python traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIAGNOSTIC = re.compile(r"^(error|warning|info): (.*)$")
# After the level: file[:line[:column]][ at #pointer]: message. The file names no ": " (it is
# the path given to sdkforge, or a referenced file), the pointer is taken up to the first ": ".
_PLACE = re.compile(r"^(?P<file>.*?)(?::\d+(?::\d+)?)?(?: at #(?P<pointer>.*?))?: (?P<message>.*)$",
                    re.DOTALL)
_MORE = re.compile(r"^\.\.\. and (\d+) more$")
_LIKE = re.compile(r"^  and (\d+) more like it: (.*)$")
TRACEBACK = "Traceback (most recent call last):"


@dataclass(frozen=True, slots=True)
class Printed:
    level: str
    pointer: str
    message: str  # with the hint, as printed


@dataclass(frozen=True, slots=True)
class Output:
    diagnostics: list[Printed]
    hidden: int  # diagnostics sdkforge counted but did not print
    other: list[str]  # every other non-empty line, in order


def parse(stderr: str) -> Output:
    diagnostics: list[Printed] = []
    other: list[str] = []
    hidden = 0
    continues = False  # the last line read was a diagnostic, whose message may go on
    for line in stderr.splitlines():
        found = _DIAGNOSTIC.match(line)
        more = _MORE.match(line)
        like = _LIKE.match(line) if diagnostics else None
        if like:
            first = diagnostics[-1]
            places = [p.strip()[1:] for p in like.group(2).split(", ") if p.strip().startswith("#")]
            for index in range(int(like.group(1))):
                pointer = places[index] if index < len(places) else ""
                diagnostics.append(Printed(first.level, pointer, first.message))
            continues = False
        elif found:
            place = _PLACE.match(found.group(2))
            pointer = (place.group("pointer") or "") if place else ""
            message = place.group("message") if place else found.group(2)
            diagnostics.append(Printed(found.group(1), pointer, message))
            continues = True
        elif more:
            hidden += int(more.group(1))
            continues = False
        elif continues and diagnostics and not line.startswith(("sdkforge: ", TRACEBACK)):
            last = diagnostics[-1]
            diagnostics[-1] = Printed(last.level, last.pointer, f"{last.message}\n{line}")
        elif line.strip():
            other.append(line)
            continues = False
    return Output(diagnostics, hidden, other)


def traceback_summary(stderr: str) -> str:
    """The exception line of the last traceback in `stderr`, and the innermost sdkforge frame
    it passed through: `KeyError: 'x' [sdkforge/model/schemas.py:123 in type_of]`."""
    lines = stderr.splitlines()
    start = max((i for i, line in enumerate(lines) if line.startswith(TRACEBACK)), default=-1)
    if start < 0:
        return ""
    tail = lines[start + 1:]
    frames = [m for line in tail
              if (m := re.match(r'\s*File "(.*)", line (\d+), in (.*)$', line))]
    exception = next((line for line in reversed(tail)
                      if line and not line.startswith((" ", "\t"))), "")
    ours = [f for f in frames if "/generator/" in f.group(1) or "/sdkforge/" in f.group(1)]
    if not ours:
        return exception
    frame = ours[-1]
    path = frame.group(1)
    short = "sdkforge/" + re.split(r"/(?:generator|sdkforge)/", path)[-1]
    return f"{exception} [{short}:{frame.group(2)} in {frame.group(3)}]"


_WROTE = re.compile(r"^wrote \d+ files for package `([^`]+)`")


def package_written(stdout: str) -> str:
    for line in stdout.splitlines():
        found = _WROTE.match(line)
        if found:
            return found.group(1)
    return ""
