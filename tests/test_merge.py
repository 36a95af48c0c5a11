"""The three-way merge on its own (`output/merge.py`): what git merge-file keeps, combines and
marks as a conflict, on small texts where each case can be seen."""

from __future__ import annotations

import random

import pytest

from sdkforge.output.merge import Labels, lines, marked, merge

BASE = "one\ntwo\nthree\nfour\nfive\nsix\nseven\n"


def edit(text: str, number: int, new: str) -> str:
    """`text` with line `number` (1-based) replaced by `new` (which may be several lines)."""
    parts = lines(text)
    parts[number - 1] = new
    return "".join(parts)


def conflict(ours: str, base: str, theirs: str, labels: Labels | None = None) -> str:
    labels = labels or Labels()
    return (f"<<<<<<< {labels.ours}\n{ours}||||||| {labels.base}\n{base}=======\n{theirs}"
            f">>>>>>> {labels.theirs}\n")


def test_lines_split_at_newlines_only() -> None:
    assert lines("a\r\nb\x0cc\n\nd") == ["a\r\n", "b\x0cc\n", "\n", "d"]
    assert lines("") == [] and lines("\n") == ["\n"]


def test_one_side_changed_takes_that_side() -> None:
    ours = edit(BASE, 2, "TWO\n")
    assert merge(BASE, ours, BASE).text == ours
    assert merge(BASE, BASE, ours).text == ours
    assert merge(BASE, BASE, ours).clean


def test_changes_apart_are_combined() -> None:
    ours = edit(BASE, 2, "TWO\n")
    theirs = edit(BASE, 6, "SIX\n")
    merged = merge(BASE, ours, theirs)
    assert merged.clean
    assert merged.text == edit(edit(BASE, 2, "TWO\n"), 6, "SIX\n")


def test_insertions_and_deletions_apart_are_combined() -> None:
    ours = BASE.replace("three\n", "three\nthree and a half\n")
    theirs = BASE.replace("six\n", "")
    merged = merge(BASE, ours, theirs)
    assert merged.clean
    assert merged.text == "one\ntwo\nthree\nthree and a half\nfour\nfive\nseven\n"


def test_the_same_line_changed_both_ways_is_a_conflict() -> None:
    ours, theirs = edit(BASE, 4, "mine\n"), edit(BASE, 4, "spec's\n")
    merged = merge(BASE, ours, theirs)
    assert merged.conflicts == (4,)
    assert merged.text == ("one\ntwo\nthree\n" + conflict("mine\n", "four\n", "spec's\n")
                           + "five\nsix\nseven\n")


def test_identical_changes_are_no_conflict() -> None:
    both = edit(edit(BASE, 3, "THREE\n"), 7, "")
    merged = merge(BASE, both, both)
    assert merged.clean and merged.text == both
    # the same change inside other changes too
    ours = edit(edit(BASE, 3, "THREE\n"), 1, "ONE\n")
    theirs = edit(edit(BASE, 3, "THREE\n"), 6, "SIX\n")
    merged = merge(BASE, ours, theirs)
    assert merged.clean and merged.text == "ONE\ntwo\nTHREE\nfour\nfive\nSIX\nseven\n"


def test_adjacent_changes_are_a_conflict_as_in_git() -> None:
    ours, theirs = edit(BASE, 3, "THREE\n"), edit(BASE, 4, "FOUR\n")
    merged = merge(BASE, ours, theirs)
    assert merged.conflicts == (3,)
    assert conflict("THREE\nfour\n", "three\nfour\n", "three\nFOUR\n") in merged.text


def test_insertions_at_the_same_place() -> None:
    ours = BASE.replace("two\n", "two\nmine\n")
    theirs = BASE.replace("two\n", "two\nspec's\n")
    merged = merge(BASE, ours, theirs)
    assert merged.conflicts == (3,)
    assert merged.text.startswith("one\ntwo\n" + conflict("mine\n", "", "spec's\n"))
    same = merge(BASE, ours, ours)
    assert same.clean and same.text == ours


def test_a_deletion_against_a_change_is_a_conflict() -> None:
    ours, theirs = BASE.replace("five\n", ""), edit(BASE, 5, "FIVE\n")
    merged = merge(BASE, ours, theirs)
    assert merged.conflicts == (5,)
    assert conflict("", "five\n", "FIVE\n") in merged.text


def test_common_lines_at_a_conflicts_ends_are_written_once() -> None:
    ours = BASE.replace("three\nfour\nfive\n", "three\nX\nfive\n").replace("two\n", "2\n")
    theirs = BASE.replace("three\nfour\nfive\n", "three\nY\nfive\n").replace("two\n", "2\n")
    merged = merge(BASE, ours, theirs)
    # "2" is the same change on both sides; X against Y, between lines both sides kept.
    assert merged.text == ("one\n2\nthree\n" + conflict("X\n", "four\n", "Y\n")
                           + "five\nsix\nseven\n")
    ours = BASE.replace("four\n", "X\nsame\n")
    theirs = BASE.replace("four\n", "Y\nsame\n")
    assert merge(BASE, ours, theirs).text == (
        "one\ntwo\nthree\n" + conflict("X\n", "four\n", "Y\n") + "same\nfive\nsix\nseven\n")


def test_file_ends() -> None:
    # Lines added at the end by each side: a conflict at the end; by one side: kept.
    ours, theirs = BASE + "mine\n", BASE + "spec's\n"
    merged = merge(BASE, ours, theirs)
    assert merged.conflicts == (8,) and merged.text.endswith(conflict("mine\n", "", "spec's\n"))
    assert merge(BASE, BASE + "mine\n", "zero\n" + BASE).text == "zero\n" + BASE + "mine\n"
    # A last line without a newline gets one before a marker, and none is added elsewhere.
    merged = merge("a\nb", "a\nB", "a\nc")
    assert merged.text == "a\n" + conflict("B\n", "b\n", "c\n")
    assert merge("a\nx\nb", "A\nx\nb", "a\nx\nb\nc").text == "A\nx\nb\nc"
    assert merge("a\nx\nb\n", "A\nx\nb\n", "a\nx\nb").text == "A\nx\nb"
    # the last line's newline is a change of that line: next to an edit of the line before
    assert merge("a\nb", "A\nb", "a\nb\nc").conflicts == (1,)


def test_empty_files() -> None:
    assert merge("", "", "new\n").text == "new\n"
    assert merge("", "mine\n", "").text == "mine\n"
    merged = merge("", "mine\n", "new\n")
    assert merged.conflicts == (1,) and merged.text == conflict("mine\n", "", "new\n")
    assert merge("old\n", "", "old\nnew\n").conflicts == (1,)  # emptied against a change
    assert merge("old\n", "old\n", "").text == ""


def test_crlf_lines_are_kept_as_they_are() -> None:
    base = "a\r\nb\r\nc\r\nd\r\n"
    ours = base.replace("a\r\n", "A\r\n")
    theirs = base.replace("d\r\n", "D\r\n")
    assert merge(base, ours, theirs).text == "A\r\nb\r\nc\r\nD\r\n"
    # A line whose ending alone changed is a changed line.
    assert merge("a\nb\n", "a\r\nb\n", "a\nb\nc\n").text == "a\r\nb\nc\n"


def test_labels_and_leftover_markers() -> None:
    labels = Labels(ours="mine", base="before", theirs="sdkforge 9")
    merged = merge("x\n", "y\n", "z\n", labels)
    assert merged.text == conflict("y\n", "x\n", "z\n", labels)
    # A conflict left unresolved is still reported by the next merge, wherever it moved.
    again = merge("z\n", "head\n" + merged.text, "z\n", labels)
    assert again.conflicts == (2,) and marked(again.text, labels) == (2,)
    # Once resolved (markers gone), the next merge is an ordinary one.
    resolved = "top\ngap\n" + merged.text.replace(conflict("y\n", "x\n", "z\n", labels),
                                                  "y+z\n")
    later = merge("top\ngap\nz\n", resolved, "TOP\ngap\nz\n", labels)
    assert later.clean and later.text == "TOP\ngap\ny+z\n"


def test_a_local_edit_in_a_long_file_merges_with_changes_elsewhere() -> None:
    base = "".join(f"    line {i} = value({i % 7})\n" if i % 3 else "\n" for i in range(20000))
    ours = base.replace("line 10001 =", "line 10001: int =")
    theirs = base.replace("line 5 =", "line five =").replace("line 19999 =", "last =")
    merged = merge(base, ours, theirs)
    assert merged.clean
    assert merged.text == theirs.replace("line 10001 =", "line 10001: int =")


@pytest.mark.parametrize("seed", range(30))
def test_random_edits_far_apart_always_merge(seed: int) -> None:
    """Edits at least two lines apart from the other side's: both kept, nothing else lost."""
    rng = random.Random(seed)
    base = [f"line {i}\n" for i in range(60)]
    spots = rng.sample(range(0, 60, 3), 8)
    ours, theirs = list(base), list(base)
    expected = list(base)
    for n, spot in enumerate(sorted(spots, reverse=True)):
        side = ours if n % 2 else theirs
        change = rng.choice(["replace", "insert", "delete"])
        if change == "replace":
            side[spot] = expected[spot] = f"changed {spot}\n"
        elif change == "insert":
            side.insert(spot, f"new {spot}\n")
            expected.insert(spot, f"new {spot}\n")
        else:
            del side[spot]
            del expected[spot]
    merged = merge("".join(base), "".join(ours), "".join(theirs))
    assert merged.clean and merged.text == "".join(expected)
