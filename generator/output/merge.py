"""A three-way merge of texts, line by line, as `git merge-file` does it (diff3).

BASE is what sdkforge wrote last time, OURS the file as the user left it, THEIRS what sdkforge
writes now. Lines both sides keep as in BASE anchor the merge; between two anchors a side that
left BASE alone takes the other side's change, two sides that made the same change give it
once, and two different changes are a conflict, written with git's markers (the diff3 style,
BASE in the middle, so the reader sees what each side changed):

    <<<<<<< your edit
    ...OURS
    ||||||| generated before
    ...BASE
    =======
    ...THEIRS
    >>>>>>> generated now

As git's zdiff3 does, lines at the start and end of a conflict that both sides have in common
are written once, outside the markers. A change next to the other side's (adjacent lines) is a
conflict, as in git. Lines are split at "\\n" only and keep their endings, so a CRLF line stays
CRLF; a last line without a newline gets one before a marker.

The line matching is difflib's (longest matching blocks), after the common start and end are
set aside, so a local edit in a long file costs little.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

OURS_MARK, BASE_MARK, SPLIT_MARK, THEIRS_MARK = "<<<<<<<", "|||||||", "=======", ">>>>>>>"
# Beyond this many lines in the part two texts do not share at their ends, difflib leaves
# lines repeated more than once in a hundred out of its search (autojunk): much faster, and
# at worst it finds a change larger than it is (a conflict where git might see none).
_EXACT_LIMIT = 4000


@dataclass(frozen=True, slots=True)
class Labels:
    ours: str = "your edit"
    base: str = "generated before"
    theirs: str = "generated now"


@dataclass(frozen=True, slots=True)
class Merged:
    text: str
    conflicts: tuple[int, ...]  # the line (1-based) of each conflict's first marker

    @property
    def clean(self) -> bool:
        return not self.conflicts


def lines(text: str) -> list[str]:
    """`text` split after each "\\n", endings kept (not str.splitlines, which also splits at
    form feeds and other separators a Python file may hold in a string)."""
    parts = text.split("\n")
    found = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        found.append(parts[-1])
    return found


def merge(base: str, ours: str, theirs: str, labels: Labels = Labels()) -> Merged:
    """OURS and THEIRS merged over BASE; conflicts are marked in the text and listed, with
    those an earlier merge marked in OURS and the user left there."""
    if theirs == base or ours == theirs:
        return Merged(ours, marked(ours, labels))
    if ours == base:
        return Merged(theirs, ())
    old, mine, new = lines(base), lines(ours), lines(theirs)
    out: list[str] = []
    for chunk in _chunks(old, mine, new):
        if isinstance(chunk, list):
            out += chunk
            continue
        was, a, b = chunk
        prefix = _common_prefix(a, b)
        suffix = _common_prefix(a[prefix:][::-1], b[prefix:][::-1])
        out += a[:prefix]
        out += _marked(a[prefix:len(a) - suffix], was, b[prefix:len(b) - suffix], labels)
        out += a[len(a) - suffix:]
    text = "".join(out)
    return Merged(text, marked(text, labels))


def marked(text: str, labels: Labels = Labels()) -> tuple[int, ...]:
    """The line of each conflict marked in `text`: this merge's, and those an earlier one
    left that the user has not resolved yet."""
    start = f"{OURS_MARK} {labels.ours}"
    if start not in text:
        return ()
    return tuple(number for number, line in enumerate(lines(text), 1)
                 if line.rstrip("\r\n") == start)


Conflict = tuple[list[str], list[str], list[str]]  # base, ours, theirs


def _chunks(base: list[str], ours: list[str], theirs: list[str]) -> list[list[str] | Conflict]:
    """The merge as a list of settled runs of lines and conflicts (base, ours, theirs)."""
    found: list[list[str] | Conflict] = []
    at_base = at_ours = at_theirs = 0
    for start, end, in_ours, in_theirs in _anchors(base, ours, theirs):
        was, a, b = base[at_base:start], ours[at_ours:in_ours], theirs[at_theirs:in_theirs]
        if a == b or b == was:
            found.append(a)
        elif a == was:
            found.append(b)
        else:
            found.append((was, a, b))
        found.append(base[start:end])
        length = end - start
        at_base, at_ours, at_theirs = end, in_ours + length, in_theirs + length
    return found


def _anchors(base: list[str], ours: list[str],
             theirs: list[str]) -> list[tuple[int, int, int, int]]:
    """Runs of BASE lines both sides keep: (start, end in base, start in ours, in theirs),
    in order, ending with an empty run at the end of all three."""
    found = []
    mine, new = _blocks(base, ours), _blocks(base, theirs)
    i = j = 0
    while i < len(mine) and j < len(new):
        (a_base, a_at, a_len), (b_base, b_at, b_len) = mine[i], new[j]
        start, end = max(a_base, b_base), min(a_base + a_len, b_base + b_len)
        if start < end:
            found.append((start, end, a_at + start - a_base, b_at + start - b_base))
        if a_base + a_len < b_base + b_len:
            i += 1
        else:
            j += 1
    found.append((len(base), len(base), len(ours), len(theirs)))
    return found


def _blocks(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    """Matching blocks (start in a, start in b, length), difflib's, with the common start and
    end of the two found first."""
    head = _common_prefix(a, b)
    tail = _common_prefix(a[head:][::-1], b[head:][::-1])
    middle_a, middle_b = a[head:len(a) - tail], b[head:len(b) - tail]
    exact = max(len(middle_a), len(middle_b)) <= _EXACT_LIMIT
    matcher = difflib.SequenceMatcher(None, middle_a, middle_b, autojunk=not exact)
    found = [(0, 0, head)] if head else []
    found += [(i + head, j + head, size) for i, j, size in matcher.get_matching_blocks() if size]
    if tail:
        found.append((len(a) - tail, len(b) - tail, tail))
    return found


def _common_prefix(a: Sequence[str], b: Sequence[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _marked(ours: list[str], base: list[str], theirs: list[str], labels: Labels) -> list[str]:
    return [f"{OURS_MARK} {labels.ours}\n", *_ended(ours),
            f"{BASE_MARK} {labels.base}\n", *_ended(base),
            f"{SPLIT_MARK}\n", *_ended(theirs),
            f"{THEIRS_MARK} {labels.theirs}\n"]


def _ended(part: list[str]) -> list[str]:
    """The lines with a newline after the last one, so a marker starts a line of its own."""
    if part and not part[-1].endswith("\n"):
        return [*part[:-1], part[-1] + "\n"]
    return part
