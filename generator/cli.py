"""The `sdkforge` command: generate, check and diff."""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from sdkforge.bump.change import Report
from sdkforge.bump.changelog import entry as changelog_entry
from sdkforge.bump.diff import compare as compare_surfaces
from sdkforge.bump.render import render_json, render_markdown, render_text
from sdkforge.bump.stale import Stale
from sdkforge.bump.stale import lines as stale_lines
from sdkforge.bump.version import NEXT, Previous, read_previous
from sdkforge.cache import Cache, default_cache_dir
from sdkforge.commandline import generate_command, overlays, parser
from sdkforge.config import Config, GenerateOptions, load_config
from sdkforge.diagnostics import Diagnostic, rendered
from sdkforge.emit.format import FormatStats
from sdkforge.emit.surface import Surface
from sdkforge.errors import (
    EXIT_CONFLICT,
    EXIT_OK,
    EXIT_SPEC,
    ConfigError,
    OutputError,
    SdkforgeError,
)
from sdkforge.output import uptodate
from sdkforge.output.edits import Edit
from sdkforge.output.manifest import MANIFEST, known_formatting
from sdkforge.output.shadow import installed_elsewhere
from sdkforge.output.write import Later, Staged, check_output_folder, compare, stage
from sdkforge.pipeline import Generated, Services, analyse, generate, valid_version


def _report(diagnostics: Sequence[Diagnostic], quiet: bool) -> None:
    shown = [d for d in diagnostics if not quiet or d.level == "error"]
    for line in rendered(shown):
        print(line, file=sys.stderr)
    hidden = sum(1 for d in diagnostics if d.level == "warning") if quiet else 0
    if hidden:  # -q keeps a count, so a quiet CI log still says the spec has warnings
        print(f"sdkforge: {hidden} warning{'s' if hidden != 1 else ''} about the spec "
              "(run without -q to see them)", file=sys.stderr)


# sdkforge allocates millions of objects that live for the whole run (the spec, the IR, the
# texts) and makes little cyclic garbage. With CPython's default thresholds the collector scans
# all of them again and again: 2.2 s of a cold 11 s OpenAI run (13 full collections), 0.17 s of
# a 2 s Mixpeek bump. Collecting the young generation every 100,000 allocations instead still
# frees short-lived cycles (black's syntax trees) and took 0.4 s and 0.05 s, for 3% more memory.
# The middle generation is collected only every 1,000 of those: each of its collections scans
# every object that survived the young one since the last, which on the largest specs is
# millions (the synthetic 50,000 operations: 6 collections took 1.8 s of 34 s; names.assign
# alone 7.0 s without the collector, 8.8 s with it, where it is linear in the spec); at 1,000,
# 0.004 s (the young collections take 1.5 s), the run 34.4 -> 33.1 s, and Microsoft Graph beta
# 18.4-18.9 -> 18.0-18.5 s in the same memory.
_GC_THRESHOLDS = (100_000, 1000, 100)


def main(argv: Sequence[str] | None = None) -> int:
    before = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLDS)
    try:
        return _main(argv)
    finally:
        gc.set_threshold(*before)  # as it was, for a program that calls main() and goes on


def _main(argv: Sequence[str] | None) -> int:
    command_line = parser()
    args = command_line.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print("\n".join(exc.report("the configuration")), file=sys.stderr)
        return exc.exit_code
    subject = str(getattr(args, "spec", None) or getattr(args, "new", None) or config.spec
                  or "the spec")
    try:
        if args.command == "diff":
            return _diff(args, config)
        return _generate_or_check(command_line, args, config)
    except SdkforgeError as exc:
        print("\n".join(exc.report(subject)), file=sys.stderr)
        return exc.exit_code
    except RecursionError:
        print(f"sdkforge: {subject}: the spec nests schemas too deeply to generate; "
              "nothing was written.", file=sys.stderr)
        return EXIT_SPEC
    except Exception as exc:
        # A bug in sdkforge: say so plainly; SDKFORGE_DEBUG=1 shows the traceback.
        if os.environ.get("SDKFORGE_DEBUG"):
            raise
        print(f"sdkforge: internal error ({type(exc).__name__}: {exc}) while working on {subject}; "
              "nothing was written. Please report it with the spec "
              "(SDKFORGE_DEBUG=1 shows details).", file=sys.stderr)
        return EXIT_SPEC


def _generate_or_check(
    parser: argparse.ArgumentParser, args: argparse.Namespace, config: Config
) -> int:
    started = time.perf_counter()
    quiet = bool(getattr(args, "quiet", False))
    spec: Path | None = args.spec or config.spec
    out: Path | None = args.output or config.output
    if spec is None or out is None:
        parser.error("give SPEC and -o OUT, or set `spec` and `output` under [tool.sdkforge] "
                     "in pyproject.toml")
    if args.command == "generate":
        check_output_folder(out, args.force, spec=spec)
    options, cache = _run_options(args, config, spec)
    if args.command == "check" and cache is not None and _trusted(cache, options, out):
        return EXIT_OK
    stats = FormatStats()
    staged: Staged | None = None
    refused: OutputError | None = None  # raised once the spec's findings are reported

    def stage_output(files: Mapping[str, str], later: Later) -> None:  # while validating
        nonlocal staged, refused
        try:
            staged = stage(out, files, force=args.force, later=later)
        except OutputError as exc:
            refused = exc

    services = Services(cache=cache, known=known_formatting(out) if out.is_dir() else None,
                        stats=stats, stage=stage_output if args.command == "generate" else None)
    previous = read_previous(out) if _versioned_next(options, out) else None
    try:
        result = generate(options, services, previous)
    except BaseException:
        if staged is not None:
            staged.discard()
        raise
    _report(result.diagnostics, quiet)
    if args.command == "generate":  # about this environment, not the spec: shown even with -q
        for line in rendered(_shadowing(spec, result.package, out)):
            print(line, file=sys.stderr)
    if cache is not None and cache.problem and not quiet:
        print(f"sdkforge: note: {cache.problem}; going on without it", file=sys.stderr)
    if refused is not None:
        raise refused
    if args.command == "check":
        return _check(out, result, cache, options, generate_command(args))
    changelog, before = _changelog(args, config, out, previous)
    assert staged is not None  # generate() staged the files it returned
    staged.commit()
    if cache is not None:
        _record(cache, options, out, result, staged.plan.merged_hashes())
    if changelog is not None:
        _append_changelog(changelog, before, result)
    if not quiet:
        _summary(result, out, stats, time.perf_counter() - started)
    return _report_edits(out, staged.plan.edits, quiet)


def _summary(result: Generated, out: Path, stats: FormatStats, elapsed: float) -> None:
    """What generate did, in a line (two with `--package-version next`)."""
    if result.bump is not None:
        print(f"package version {result.bump.sentence()}")
    print(f"wrote {len(result.files)} files for package `{result.package}` to {out} "
          f"in {elapsed:.1f}s (black ran on {stats.formatted}; {stats.reused} unchanged, "
          f"{stats.cached} from the cache)")
    for key, count in result.by_size.items():
        print(f"{count:,} operation{'s' if count != 1 else ''}: {_BY_SIZE[key]}")


# What the spec's size alone chose (`pipeline.Analysed.by_size`), and how to choose otherwise.
_BY_SIZE = {
    "typed-wrappers": "the with_raw_response and with_streaming_response methods take any "
    "arguments (typed, they would make mypy several times slower); `typed-wrappers = true` "
    "in [tool.sdkforge] types them",
    "derived-async": "the async client's methods are derived from the sync ones, one line "
    "each (written out, the package would be about a third larger); `derived-async = false` "
    "in [tool.sdkforge] writes them out",
    "unpacked-options": "each method takes its per-call options (extra_headers, timeout, ...) "
    "as `**request_options` (as five keywords each, the package would be about a tenth "
    "larger); `unpacked-options = false` in [tool.sdkforge] writes them out",
}


def _report_edits(out: Path, edits: Sequence[Edit], quiet: bool) -> int:
    """One line for each file holding a hand edit (stdout, unless -q), one for each conflict
    (stderr); EXIT_CONFLICT when there is one."""
    for edit in edits:
        if not edit.conflicts and not quiet:
            print(f"{edit.path}: {edit.describe()}")
    conflicts = [(edit.path, line) for edit in edits for line in edit.conflicts]
    for path, line in conflicts:
        print(f"conflict: {out / path}:{line}: your edit and the spec's change touch the same "
              "lines", file=sys.stderr)
    if not conflicts:
        return EXIT_OK
    files = len({path for path, _ in conflicts})
    print(f"sdkforge: {len(conflicts)} conflict{'s' if len(conflicts) != 1 else ''} in {files} "
          f"file{'s' if files != 1 else ''}, marked <<<<<<< your edit ... >>>>>>> generated now; "
          "everything else was written. Keep what you want between the markers, delete them, "
          "and run generate again (--force drops your edits instead).", file=sys.stderr)
    return EXIT_CONFLICT


def _versioned_next(options: GenerateOptions, out: Path) -> bool:
    """Whether the run's version is `next`: what the output folder holds decides it."""
    return options.meta and options.package_version == NEXT and out.is_dir()


def _shadowing(spec: Path, package: str, out: Path) -> list[Diagnostic]:
    """A warning when another installed package has the import name of the one written."""
    shadowed = installed_elsewhere(package, out)
    if not shadowed:
        return []
    return [Diagnostic(
        "warning", str(spec), "/info/title",
        f"the package name `{package}` is already importable here, from {shadowed}: "
        "whichever comes first on sys.path hides the other",
        "pick another name with --package-name, or package-name under [tool.sdkforge]",
    )]


def _run_options(
    args: argparse.Namespace, config: Config, spec: Path
) -> tuple[GenerateOptions, Cache | None]:
    """The options of a generate or check run, and the cache it uses (None: --no-cache)."""
    version = args.package_version or config.package_version
    if version is not None and version != NEXT and not valid_version(version):
        raise OutputError(f"package-version {version!r} is not a Python package version "
                          "(PEP 440), e.g. 1.2.0, nor `next`")
    cache = (None if args.no_cache
             else Cache(args.cache_dir or config.cache_dir or default_cache_dir()))
    return _generate_options(args, config, spec, version), cache


def _trusted(cache: Cache, options: GenerateOptions, out: Path) -> bool:
    """`check` answered by the record of the run that wrote (or last checked) `out`, when
    nothing it depends on changed since (`output.uptodate`): its findings, then up to date."""
    trusted = uptodate.trusted(cache, options, out)
    if trusted is None:
        return False
    _report(trusted.diagnostics, quiet=False)
    print(f"{out} is up to date ({trusted.files} files)")
    return True


def _generate_options(
    args: argparse.Namespace, config: Config, spec: Path, version: str | None
) -> GenerateOptions:
    """The options of a generate or check run: the command line's, else the configuration's."""
    return GenerateOptions(
        spec=spec, package=args.package_name or config.package_name,
        client=args.client_name or config.client_name,
        strict=config.strict if args.strict is None else args.strict, config=config,
        templates=args.templates or config.templates,
        meta=config.meta if args.meta is None else args.meta,
        package_version=version, allow_remote_refs=args.allow_remote_refs,
        overlays=overlays(args, config),
    )


def _record(cache: Cache, options: GenerateOptions, out: Path, result: Generated,
            edited: Mapping[str, str]) -> None:
    """What this run wrote or found up to date, for the next `check` (`output.uptodate`);
    `edited` holds the hash of each hand-edited file kept as it is."""
    uptodate.record(cache, options, out, result.files[MANIFEST], result.documents,
                    result.diagnostics, edited)


def _check(out: Path, result: Generated, cache: Cache | None, options: GenerateOptions,
           command: str) -> int:
    """Whether `out` is what generate writes; when not, what differs and what to run."""
    state = compare(out, result.files, result.options)
    if not state.stale:
        if cache is not None:
            _record(cache, options, out, result, state.kept)
        kept = f"; {len(state.kept)} with your edits" if state.kept else ""
        print(f"{out} is up to date ({len(result.files)} files{kept})")
        return EXIT_OK
    for path, at in state.conflicts:
        print(f"conflict: {out / path}:{at}: resolve it (remove the markers), then run generate",
              file=sys.stderr)
    before = read_previous(out).surface
    stale = Stale(out, state, len(result.files), command, before, result.surface)
    for line in stale_lines(stale):
        print(line, file=sys.stderr)
    return EXIT_SPEC


def _changelog(
    args: argparse.Namespace, config: Config, out: Path, previous: Previous | None
) -> tuple[Path | None, Surface | None]:
    """The changelog to append to, if any, and the API surface the folder holds before the
    write (what the entry compares with)."""
    changelog: Path | None = args.changelog or config.changelog
    if changelog is None:
        return None, None
    return changelog, (previous or read_previous(out)).surface


def _append_changelog(path: Path, previous: Surface | None, result: Generated) -> None:
    text = changelog_entry(previous, result.surface, result.bump,
                           datetime.date.today().isoformat())
    if text is None:
        return
    try:
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        separator = "" if not existing else ("\n" if existing.endswith("\n") else "\n\n")
        with open(path, "a", encoding="utf-8", newline="\n") as handle:
            handle.write(separator + text)
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"the output was written, but the changelog {path} could not be: "
                          f"{exc}") from None


def _diff(args: argparse.Namespace, config: Config) -> int:
    def surface_of(spec: Path) -> Surface:
        options = GenerateOptions(spec=spec, package=args.package_name or config.package_name,
                                  client=args.client_name or config.client_name, config=config,
                                  allow_remote_refs=args.allow_remote_refs,
                                  overlays=overlays(args, config))
        analysed = analyse(options, cache)
        if options.overlays:  # what the overlays did not do to this spec, named
            applied = {d.name for d in analysed.findings.overlays}
            said = [d for d in analysed.findings.items() if d.file in applied]
            if said:
                print(f"sdkforge: {spec}:", file=sys.stderr)
                _report(said, quiet=False)
        return analysed.surface

    cache = Cache(config.cache_dir or default_cache_dir())

    report: Report = compare_surfaces(surface_of(args.old), surface_of(args.new))
    renderers: dict[str, Callable[[Report], str]] = {
        "text": lambda r: render_text(r, full=args.full),
        "markdown": lambda r: render_markdown(r, full=args.full), "json": render_json,
    }
    sys.stdout.write(renderers[args.format](report))
    return EXIT_SPEC if args.fail_on_breaking and report.breaking else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
