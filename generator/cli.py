"""The `sdkforge` command: generate and check."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .config import ConfigError, load_config
from .diagnostics import Diagnostic, SpecError
from .format import FormatError
from .pipeline import generate
from .write import OutputError, check_output_folder, compare, write

EXIT_OK, EXIT_SPEC, EXIT_USAGE = 0, 1, 2
MAX_SHOWN = 40


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sdkforge", description="Generate a typed Python SDK from an OpenAPI 3.0/3.1 document."
    )
    parser.add_argument("--version", action="version", version=f"sdkforge {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("generate", "write the client package for SPEC into OUT"),
        ("check", "exit 1 when OUT is not what `generate` would write"),
    ):
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("spec", type=Path, nargs="?", metavar="SPEC",
                         help="OpenAPI document (.yaml, .yml or .json); default: `spec` in [tool.sdkforge]")
        sub.add_argument("-o", "--output", type=Path, metavar="OUT", help="output folder; default: `output` in [tool.sdkforge]")
        sub.add_argument("--package-name", help="Python package name (default: from info.title)")
        sub.add_argument("--client-name", help="client class name (default: from the package name)")
        sub.add_argument("--strict", action="store_true", default=None, help="treat warnings as errors")
        sub.add_argument("--allow-remote-refs", action="store_true",
                         help="fetch $refs to http(s) URLs (refused by default: a spec is untrusted input)")
        sub.add_argument("--config", type=Path, metavar="PYPROJECT",
                         help="read [tool.sdkforge] from this file (default: ./pyproject.toml when it has one)")
        if name == "generate":
            sub.add_argument("--force", action="store_true", help="replace a non-empty folder sdkforge did not write")
            sub.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    return parser


def _report(diagnostics: Sequence[Diagnostic], quiet: bool) -> None:
    shown = [d for d in diagnostics if not quiet or d.level == "error"]
    for item in shown[:MAX_SHOWN]:
        print(item.render(), file=sys.stderr)
    if len(shown) > MAX_SHOWN:
        print(f"... and {len(shown) - MAX_SHOWN} more", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    started = time.perf_counter()
    quiet = bool(getattr(args, "quiet", False))
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"sdkforge: {exc}", file=sys.stderr)
        return EXIT_USAGE
    args.spec = args.spec or config.spec
    args.output = args.output or config.output
    if args.spec is None or args.output is None:
        parser.error("give SPEC and -o OUT, or set `spec` and `output` under [tool.sdkforge] in pyproject.toml")
    strict = config.strict if args.strict is None else args.strict
    try:
        if args.command == "generate":
            check_output_folder(args.output, args.force, spec=args.spec)
        result = generate(
            args.spec, package=args.package_name or config.package_name, strict=strict,
            client=args.client_name or config.client_name, config=config,
            allow_remote_refs=args.allow_remote_refs,
        )
        _report(result.diagnostics, quiet)
        if args.command == "check":
            state = compare(args.output, result.files)
            if state.stale:
                print(f"{args.output} is stale: run `sdkforge generate` (or `make generate`)", file=sys.stderr)
                for label, paths in (("added", state.added), ("removed", state.removed), ("changed", state.changed)):
                    for path in paths[:MAX_SHOWN]:
                        print(f"  {label}: {path}", file=sys.stderr)
                return EXIT_SPEC
            print(f"{args.output} is up to date ({len(result.files)} files)")
            return EXIT_OK
        write(args.output, result.files, force=args.force)
    except SpecError as exc:
        _report(exc.diagnostics, quiet=False)
        print(f"sdkforge: {args.spec}: generation stopped; nothing was written.", file=sys.stderr)
        return EXIT_SPEC
    except OutputError as exc:
        print(f"sdkforge: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except FormatError as exc:
        print(f"sdkforge: internal error: {exc}; please report it with the spec", file=sys.stderr)
        return EXIT_SPEC
    except RecursionError:
        print(f"sdkforge: {args.spec}: the spec nests schemas too deeply to generate; nothing was written.",
              file=sys.stderr)
        return EXIT_SPEC
    except Exception as exc:  # a bug in sdkforge: say so plainly; SDKFORGE_DEBUG=1 shows the traceback
        if os.environ.get("SDKFORGE_DEBUG"):
            raise
        print(f"sdkforge: internal error ({type(exc).__name__}: {exc}) while generating {args.spec}; "
              "nothing was written. Please report it with the spec (SDKFORGE_DEBUG=1 shows details).",
              file=sys.stderr)
        return EXIT_SPEC
    if not quiet:
        elapsed = time.perf_counter() - started
        print(f"wrote {len(result.files)} files for package `{result.package}` to {args.output} in {elapsed:.1f}s")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
