"""Stage 7: black's formatting, with black itself run on as little text as possible.

Black is by far the slowest stage (about 0.4 ms a line), so:
- the built-in templates write code the way black does, and `spotformat` splits the lines
  spec names made too long as black would, natively (`linesplit`), handing black as small
  snippets only the lines it does not model (none on the real specs tested); the output is
  byte-identical to black's (tests hold it so), and files it is unsure of go to black whole.
  FORMATTER (the format cache's key) stays black's version and mode: the output is black's
  for any text, so a cached entry from either path is right;
- `known` gives the formatted text of files whose rendered text is unchanged since the
  previous run (read back from the output folder, vouched for by its manifest);
- the user cache (`cache.Cache`) keeps formatted text by the hash of the rendered text,
  black's version and its mode, for every project alike.
black itself is imported only when some text needs it (`check` on an up-to-date folder never
does): the import costs about 0.1 s. A large output's files are spot formatted half in a forked
second process (`_spot_format`).
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sdkforge.cache import Cache
from sdkforge.emit.spotformat import SpotFormatter
from sdkforge.errors import FormatError
from sdkforge.forked import ChildFailed, Forked, can_fork

if TYPE_CHECKING:
    import black

LINE_LENGTH = 100
FORMATTER = f"black {importlib.metadata.version('black')} line-length {LINE_LENGTH}"


@functools.cache
def black_mode() -> black.Mode:
    """black's mode for generated code (importing black on first use)."""
    import black

    return black.Mode(target_versions={black.mode.TargetVersion.PY311}, line_length=LINE_LENGTH)

_PARALLEL_FROM = 64
_NAMESPACE = "format-v1"
# Within one process (a test session, a tool calling `generate` again) the static runtime and
# small files come out of black once: a bounded memo, oldest entries dropped first.
_MEMO: dict[str, str] = {}
_MEMO_ENTRIES, _MEMO_LARGEST = 256, 64 * 1024


def _format_one(item: tuple[str, str]) -> tuple[str, str, str]:
    import black

    path, text = item
    try:
        return path, black.format_str(text, mode=black_mode()), ""
    except Exception as exc:  # black.InvalidInput and friends
        return path, text, f"{type(exc).__name__}: {exc}"


# Python text from which spot formatting is shared with a forked second process (one half of
# the files each, by size), and up to which. Below, it does not pay: on Mixpeek (3.6 MB) it
# saved 0.04 s and added 13 MB to the tree's peak (bench/results-scale-followup.md); GitHub
# (8.3 MB) saves 0.35 s, EC2 (13.4 MB) 0.5 s for up to 25 MB more. Above, the child's
# formatted half, pickled back, costs more memory than the largest specs can spare (Graph),
# whose time is not the limit (0.12x openapi-python-client's there).
_FORK_FROM, _FORK_UNTIL = 6 << 20, 64 << 20


def _spot_format(texts: dict[str, str], workers: int) -> dict[str, str | None]:
    """`SpotFormatter.format_all` of `texts`, half of them in a forked child when there is
    enough text and a second core."""
    size = sum(map(len, texts.values()))
    if workers < 2 or not _FORK_FROM <= size <= _FORK_UNTIL or not can_fork():
        return _spot(texts, workers)
    halves: tuple[dict[str, str], dict[str, str]] = ({}, {})
    sizes = [0, 0]
    for path, text in sorted(texts.items(), key=lambda item: -len(item[1])):
        smaller = sizes[1] < sizes[0]
        halves[smaller][path] = text
        sizes[smaller] += len(text)
    try:
        other = Forked(functools.partial(_spot_changes, halves[1]), "formatter")
    except OSError:  # no process to be had (a limit on them): all of it here
        return _spot(texts, workers)
    with other:
        mine = _spot(halves[0])
        try:
            theirs: dict[str, str | None] = {**halves[1], **other.result()}
        except ChildFailed:  # its half is formatted here, where a problem shows as usual
            theirs = _spot(halves[1])
    return {**mine, **theirs}


def _spot(texts: dict[str, str], workers: int = 1) -> dict[str, str | None]:
    return SpotFormatter(black_mode, LINE_LENGTH).format_all(texts, workers)


def _spot_changes(texts: dict[str, str]) -> dict[str, str | None]:
    """`_spot` of `texts` without the texts it left as they were: a forked child's answer,
    pickled back, where a text sent back is a second copy of one the parent holds (on EC2,
    511 of the child's 1,425 files came back unchanged)."""
    return {path: done for path, done in _spot(texts).items() if done != texts[path]}


Known = Callable[[str, str], str | None]  # (path, rendered text) -> formatted text, when known


@dataclass(slots=True)
class FormatStats:
    reused: int = 0  # unchanged since the previous run, read back from the output folder
    cached: int = 0  # found in the format cache
    spotted: int = 0  # formatted by giving black only the lines it would change
    formatted: int = 0  # run through black whole


def format_files(
    files: Mapping[str, str], cache: Cache | None = None, known: Known | None = None,
    stats: FormatStats | None = None, spot: bool = True, cores: int | None = None,
) -> dict[str, str]:
    """Format every .py file of `files`; black runs only on text neither `known` nor `cache` has,
    and (with `spot`, for text from the built-in templates) only on the lines it would change.
    `cores`: how many to use (default: two, where the machine has them)."""
    stats = stats if stats is not None else FormatStats()
    result: dict[str, str] = {}
    unknown: dict[str, str] = {}
    workers = cores or min(2, os.cpu_count() or 1)
    for path, text in sorted(files.items()):
        if not path.endswith(".py"):
            result[path] = text
            continue
        done = known(path, text) if known is not None else None
        if done is not None:
            stats.reused += 1
        elif text in _MEMO:
            done = _MEMO[text]
            stats.cached += 1
        elif cache is not None:
            done = cache.get(_NAMESPACE, FORMATTER + "\0" + text)
            stats.cached += done is not None
        if done is None:
            unknown[path] = text
        else:
            result[path] = done
    todo: list[tuple[str, str]] = []
    spotted: dict[str, str | None] = {}
    if spot and unknown:  # black is imported only if some line needs it
        spotted = _spot_format(unknown, workers)
    for path, text in unknown.items():
        done = spotted.get(path)
        if done is None:
            todo.append((path, text))
        else:
            result[path] = done
            stats.spotted += 1
    stats.formatted = len(todo)
    if len(todo) >= _PARALLEL_FROM and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            formatted = list(pool.map(_format_one, todo, chunksize=16))
    else:
        formatted = [_format_one(item) for item in todo]
    failures = [(path, problem) for path, _, problem in formatted if problem]
    if failures:
        path, problem = failures[0]
        raise FormatError(f"black cannot read the generated {path}: {problem}",
                          custom_templates=not spot)
    rendered = dict(todo)
    for path, text, _ in formatted:
        result[path] = text
        if len(rendered[path]) <= _MEMO_LARGEST:
            _MEMO[rendered[path]] = text
            while len(_MEMO) > _MEMO_ENTRIES:
                del _MEMO[next(iter(_MEMO))]
        if cache is not None:
            cache.put(_NAMESPACE, FORMATTER + "\0" + rendered[path], text)
    return dict(sorted(result.items()))
