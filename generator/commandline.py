"""The `sdkforge` command line: its commands and options, and a generate command spelt back
as the user would type it (what `check` tells them to run)."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from sdkforge import __version__
from sdkforge.bump.version import NEXT
from sdkforge.cache import default_cache_dir
from sdkforge.config import Config
from sdkforge.pipeline import valid_version


def _package_version(text: str) -> str:
    if text.strip() == NEXT:
        return NEXT
    if not valid_version(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a Python package version (PEP 440), "
                                         "e.g. 1.2.0")
    return text.strip()


def parser() -> argparse.ArgumentParser:
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
                         help="OpenAPI document (.yaml, .yml or .json); "
                              "default: `spec` in [tool.sdkforge]")
        sub.add_argument("-o", "--output", type=Path, metavar="OUT",
                         help="output folder; default: `output` in [tool.sdkforge]")
        _naming_options(sub)
        sub.add_argument("--strict", action="store_true", default=None,
                         help="treat warnings as errors")
        sub.add_argument("--templates", type=Path, metavar="DIR",
                         help="templates overriding the built-in ones by relative path "
                              "(the rest stay built-in)")
        sub.add_argument("--meta", action="store_true", default=None,
                         help="also write a pyproject.toml, "
                              "so `pip install OUT` installs the package")
        sub.add_argument("--package-version", type=_package_version, metavar="VERSION",
                         help="the version --meta writes (default: info.version); `next`: "
                              "the previous generation's, bumped by the API changes since "
                              "(major: breaking, minor: additions, patch: other)")
        sub.add_argument("--cache-dir", type=Path, metavar="DIR",
                         help="cache of formatted files and validation results "
                              f"(default: $SDKFORGE_CACHE_DIR or {default_cache_dir()})")
        sub.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
        sub.add_argument("--allow-remote-refs", action="store_true",
                         help="fetch $refs to http(s) URLs "
                              "(refused by default: a spec is untrusted input)")
        _overlay_option(sub)
        if name == "generate":
            sub.add_argument("--force", action="store_true",
                             help="write into a non-empty folder sdkforge did not write, "
                                  "and over generated files edited by hand")
            sub.add_argument("--changelog", type=Path, metavar="FILE",
                             help="append the API changes since the previous generation "
                                  "to FILE (markdown)")
            sub.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    _diff_parser(commands)
    return parser


def _diff_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = "the change in the generated Python API from OLD_SPEC to NEW_SPEC"
    details = (": a summary, then the breaking changes (to calls first, then in the types they "
               "take or return), then additions, then docs")
    sub = commands.add_parser("diff", help=text, description=text + details)
    sub.add_argument("old", type=Path, metavar="OLD_SPEC")
    sub.add_argument("new", type=Path, metavar="NEW_SPEC")
    sub.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                     help="report format (default: text)")
    sub.add_argument("--full", action="store_true",
                     help="list every change one a line, with where the spec says it, "
                          "nothing folded or cut (markdown is otherwise cut to fit a "
                          "pull-request comment)")
    sub.add_argument("--fail-on-breaking", action="store_true",
                     help="exit 1 when there are breaking changes")
    sub.add_argument("--allow-remote-refs", action="store_true",
                     help="fetch $refs to http(s) URLs (refused by default)")
    _overlay_option(sub, " to both specs")
    _naming_options(sub)


def _overlay_option(sub: argparse.ArgumentParser, where: str = "") -> None:
    sub.add_argument("--overlay", type=Path, action="append", metavar="FILE",
                     help=f"apply this OpenAPI Overlay document{where} before reading it; "
                          "repeat for several, applied in order "
                          "(default: `overlays` in [tool.sdkforge])")


def overlays(args: argparse.Namespace, config: Config) -> tuple[Path, ...]:
    """The overlays asked for: the command line's, else the configuration's."""
    return tuple(args.overlay) if args.overlay else config.overlays


def _naming_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--package-name", help="Python package name (default: from info.title)")
    sub.add_argument("--client-name", help="client class name (default: from the package name)")
    sub.add_argument("--config", type=Path, metavar="PYPROJECT",
                     help="read [tool.sdkforge] from this file "
                          "(default: ./pyproject.toml when it has one)")


# The options of generate and check a user may give, as they are spelt on the command line.
_GIVEN = (("package_name", "--package-name"), ("client_name", "--client-name"),
          ("config", "--config"), ("strict", "--strict"), ("templates", "--templates"),
          ("meta", "--meta"), ("package_version", "--package-version"),
          ("cache_dir", "--cache-dir"), ("no_cache", "--no-cache"),
          ("allow_remote_refs", "--allow-remote-refs"))


def generate_command(args: argparse.Namespace) -> str:
    """The generate command that does what this check compared with: the spec, output and
    options this check was given (none: the configuration's)."""
    words = ["sdkforge", "generate"]
    if args.spec is not None:
        words.append(str(args.spec))
    if args.output is not None:
        words += ["-o", str(args.output)]
    for name, flag in _GIVEN:
        value = getattr(args, name, None)
        if value is True:
            words.append(flag)
        elif value not in (None, False):
            words += [flag, str(value)]
    for overlay in getattr(args, "overlay", None) or ():
        words += ["--overlay", str(overlay)]
    return shlex.join(words)
