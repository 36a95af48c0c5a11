"""The entry `generate --changelog` appends for one generation: the report of what the bump
changed (summary first, folded like `diff --format markdown`), and the version it chose."""

from __future__ import annotations

from sdkforge.bump.diff import compare
from sdkforge.bump.render import render_markdown
from sdkforge.bump.version import Bump
from sdkforge.emit.surface import Surface


def entry(previous: Surface | None, current: Surface, bump: Bump | None, today: str) -> str | None:
    """The changelog's text for this generation; None when the API did not change."""
    version = f"Version {bump.sentence()}.\n\n" if bump is not None else ""
    if previous is None:
        methods = sum(1 for e in current.entries.values() if e.kind == "method")
        models = len({e.symbol for e in current.entries.values() if e.kind == "model"})
        title = f"{current.title} {current.version}".strip()
        return (f"## {title} ({today})\n\n{version}"
                f"First generation: {methods} methods, {models} models.\n")
    report = compare(previous, current)
    if not report.changes:
        return None
    heading, _, rest = render_markdown(report).partition("\n")
    return f"{heading} ({today})\n\n{version}{rest.lstrip()}"
