"""Every error sdkforge raises for its user derives from `SdkforgeError`, which carries the
exit code the command returns and the lines it prints; `cli` needs no ladder of cases.

Exit codes: 0 ok, 1 problems in the spec (or a stale output, or breaking changes when asked),
2 bad usage (flags, configuration, templates, the output folder), 3 sdkforge's own fault found
by its proof of the output (`InternalError`), 4 `generate` wrote the output but a hand edit
conflicts with the spec's change and is marked in its file (not an error: nothing is raised).
Anything else that escapes is a bug in sdkforge and is reported as such.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from sdkforge.diagnostics import Diagnostic, rendered

EXIT_OK, EXIT_SPEC, EXIT_USAGE, EXIT_INTERNAL, EXIT_CONFLICT = 0, 1, 2, 3, 4
MAX_LISTED = 20


class SdkforgeError(Exception):
    """The root of sdkforge's own errors: the message says what is wrong and what to do."""

    exit_code: ClassVar[int] = EXIT_SPEC

    def report(self, subject: str) -> list[str]:
        """The lines printed for it; `subject` names what the run was working on (the spec)."""
        return [f"sdkforge: {self}"]


class SpecError(SdkforgeError):
    """Generation cannot continue; carries the located diagnostics that say why."""

    exit_code = EXIT_SPEC

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.render() for d in diagnostics))

    def report(self, subject: str) -> list[str]:
        stopped = f"sdkforge: {subject}: stopped; nothing was written."
        errors = sum(1 for d in self.diagnostics if d.level == "error")
        warnings = sum(1 for d in self.diagnostics if d.level == "warning")
        if warnings and not errors:  # only --strict stops on warnings
            stopped = (f"sdkforge: {subject}: stopped by --strict, which makes the "
                       f"{warnings} warning{'s' if warnings != 1 else ''} above errors; "
                       "nothing was written.")
        return [*rendered(self.diagnostics), stopped]


def fail(file: str, pointer: str, message: str, hint: str = "") -> SpecError:
    """A SpecError for one located problem."""
    return SpecError([Diagnostic("error", file, pointer, message, hint)])


class FormatError(SdkforgeError):
    """Generated code black could not parse, reported with the file."""

    exit_code = EXIT_SPEC

    def __init__(self, message: str, custom_templates: bool = False) -> None:
        self.custom_templates = custom_templates
        super().__init__(message)

    def report(self, subject: str) -> list[str]:
        hint = ("check your --templates" if self.custom_templates
                else "please report it with the spec")
        return [f"sdkforge: {self}; nothing was written ({hint})"]


class InternalError(SdkforgeError):
    """sdkforge made output it can prove wrong: its own bug, not the spec's; nothing is written."""

    exit_code = EXIT_INTERNAL

    def report(self, subject: str) -> list[str]:
        return [f"sdkforge: internal error on {subject}: {self}",
                "nothing was written. This is a bug in sdkforge, not in the spec: please report it "
                "with the spec."]


class UsageError(SdkforgeError):
    """sdkforge was asked for something it cannot do: a flag, the configuration, a template,
    the output folder."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """The configuration cannot be used; the message names the file and the key."""


class TemplateProblem(UsageError):
    """A custom template is missing, unreadable or does not render; the message names it."""


class OutputError(UsageError):
    """The output folder cannot be used; the message says why and what to do."""


class EditedFilesError(OutputError):
    """Generated files were edited by hand since sdkforge wrote them, and cannot be merged:
    files sdkforge owns entirely, or files without a record of what it wrote last time."""

    def __init__(self, out: Path, refused: list[tuple[str, str]]) -> None:
        self.paths = [path for path, _ in refused]
        listed = "".join(f"\n  edited: {path}: {why}" for path, why in refused[:MAX_LISTED])
        more = (f"\n  ... and {len(refused) - MAX_LISTED} more" if len(refused) > MAX_LISTED
                else "")
        super().__init__(
            f"{out}: {len(refused)} generated file(s) changed since sdkforge wrote them "
            f"cannot be kept; nothing was written.{listed}{more}\nUndo those changes, or pass "
            "--force to write sdkforge's text over them (and over every other hand edit)."
        )


class RemoteError(SdkforgeError):
    """A referenced document could not be fetched; the message says why."""
