"""Options from `[tool.sdkforge]` in pyproject.toml; command-line flags override them.

    [tool.sdkforge]
    spec = "openapi.yaml"
    output = "clients/acme"
    package-name = "acme"
    client-name = "Acme"
    strict = true
    templates = "sdk-templates"      # override built-in templates by relative path
    meta = true                      # write a pyproject.toml for the generated package
    package-version = "1.2.0"        # its version (default: info.version; "next": bumped
                                     # from the previous one by the API changes)
    changelog = "CHANGELOG.md"       # append the API changes of every regeneration
    cache-dir = ".cache/sdkforge"    # formatted-file cache (default: the user cache folder)
    overlays = ["fixes.yaml"]        # OpenAPI Overlay documents applied to the spec, in order
    typed-wrappers = false           # with_raw_response / with_streaming_response methods: typed
                                     # arguments (true), or any arguments and a typed result
                                     # (false: mypy checks the package several times faster);
                                     # default: true below 2,000 operations
    derived-async = true             # the async client's methods: derived from the sync ones,
                                     # one line each with the same arguments and result
                                     # (true: Graph v1.0 installs 27% smaller), or each written out
                                     # (false); default: true from 2,000 operations

    [tool.sdkforge.headers]          # header parameters as client settings
    "X-Namespace" = "namespace"      # lift it, as this argument (env ACME_NAMESPACE)
    "X-Request-Id" = false           # never lift it: it stays a method parameter

    [tool.sdkforge.pagination.list_things]   # by operationId or method name
    style = "cursor"                 # offset | page | cursor | link | url
    param = "cursor"                 # the request parameter carrying it (offset, page, cursor)
    items = "results"                # the response field with the items (default: detected,
                                     # or the response itself when it is a list)
    cursor = "pagination.next_cursor"  # cursor: where the next cursor is, or else
    item-cursor = "id"               # cursor: the last item's field that is the next cursor
    next = "links.next"              # url: the next page's URL (others: null on the last page)
    total = "meta.total"             # the count of items     | what says the last page has
    pages = "meta.total_pages"       # the count of pages     | come: any of these four
    has-more = "has_more"            # false on the last page |
    size = "per_page"                # the page-size parameter (with `total`, page style)
    first = 0                        # the first page's number (page style; default 1)

A pagination entry set to `false` turns detection off for that operation. Paths are dotted
field names (wire or Python) from the top of the response. `link` follows the response's
`Link: <...>; rel="next"` header; `url` the URL at `next`.
Unknown keys are errors that name the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sdkforge.errors import ConfigError

_TOP = {
    "spec", "output", "package-name", "client-name", "strict", "headers", "pagination",
    "templates", "meta", "package-version", "changelog", "cache-dir", "overlays",
    "typed-wrappers", "derived-async", "unpacked-options",
}
_PAGE_STYLES = ("offset", "page", "cursor", "link", "url")
_PAGE_PATHS = ("cursor", "next", "total", "pages", "has-more")
_PAGE_KEYS = {"style", "param", "items", "item-cursor", "size", "first", *_PAGE_PATHS}


@dataclass(frozen=True, slots=True)
class PageOverride:
    """One `[tool.sdkforge.pagination]` entry: field paths are dotted names split on the dots."""

    style: Literal["offset", "page", "cursor", "link", "url"]
    param: str = ""
    items: str = ""  # "" to detect it (or the response is the list)
    cursor: tuple[str, ...] = ()
    total: tuple[str, ...] = ()
    item_cursor: str = ""
    next: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    has_more: tuple[str, ...] = ()
    size: str = ""
    first: int = 1


@dataclass(frozen=True, slots=True)
class Config:
    spec: Path | None = None
    output: Path | None = None
    package_name: str | None = None
    client_name: str | None = None
    strict: bool = False
    # lowercased wire name -> argument
    headers: Mapping[str, str | None] = field(default_factory=dict)
    pagination: Mapping[str, PageOverride | None] = field(default_factory=dict)
    templates: Path | None = None
    meta: bool = False
    package_version: str | None = None
    changelog: Path | None = None
    cache_dir: Path | None = None
    overlays: tuple[Path, ...] = ()
    typed_wrappers: bool | None = None  # None: decided by the spec's size (`typed_wrappers`)
    derived_async: bool | None = None  # None: decided by the spec's size (`derived_async`)
    unpacked_options: bool | None = None  # None: decided by the spec's size (`unpacked_options`)


@dataclass(frozen=True, slots=True)
class GenerateOptions:
    """Everything one run of the pipeline is asked for: the command line over `[tool.sdkforge]`."""

    spec: Path
    package: str | None = None  # the package name; default: from info.title
    client: str | None = None  # the client class name; default: from the package name
    strict: bool = False  # warnings stop generation
    config: Config = field(default_factory=Config)  # header and pagination settings
    templates: Path | None = None  # templates overriding the built-in ones, by relative path
    meta: bool = False  # also write a pyproject.toml for the package
    package_version: str | None = None  # the version --meta writes, or "next"; info.version
    allow_remote_refs: bool = False  # fetch $refs to http(s) URLs
    overlays: tuple[Path, ...] = ()  # OpenAPI Overlay documents applied to the spec, in order


def load_config(path: Path | None) -> Config:
    """Read `[tool.sdkforge]` from `path` (default: ./pyproject.toml when it has that table)."""
    explicit = path is not None
    path = path or Path("pyproject.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"{path}: config file not found") from None
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from None
    table = data.get("tool", {}).get("sdkforge")
    if table is None:
        if explicit:
            raise ConfigError(f"{path}: there is no [tool.sdkforge] table")
        return Config()
    return _parse(table, path)


def _parse(table: Any, path: Path) -> Config:
    where = f"{path}: [tool.sdkforge]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(table) - _TOP)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_TOP))})")
    base = path.parent
    return Config(
        spec=base / _str(table, "spec", where) if "spec" in table else None,
        output=base / _str(table, "output", where) if "output" in table else None,
        package_name=_str(table, "package-name", where) if "package-name" in table else None,
        client_name=_str(table, "client-name", where) if "client-name" in table else None,
        strict=_bool(table, "strict", where) if "strict" in table else False,
        headers=_headers(table.get("headers", {}), f"{where}.headers"),
        pagination=_pagination(table.get("pagination", {}), f"{where}.pagination"),
        templates=base / _str(table, "templates", where) if "templates" in table else None,
        meta=_bool(table, "meta", where) if "meta" in table else False,
        package_version=(_str(table, "package-version", where)
                         if "package-version" in table else None),
        changelog=base / _str(table, "changelog", where) if "changelog" in table else None,
        cache_dir=base / _str(table, "cache-dir", where) if "cache-dir" in table else None,
        overlays=_paths(table, "overlays", where, base),
        typed_wrappers=(_bool(table, "typed-wrappers", where)
                        if "typed-wrappers" in table else None),
        derived_async=(_bool(table, "derived-async", where)
                       if "derived-async" in table else None),
        unpacked_options=(_bool(table, "unpacked-options", where)
                          if "unpacked-options" in table else None),
    )


# Operations from which the raw- and streaming-response wrappers take any arguments by default.
# A typed wrapper is a generic call mypy infers, ~1.5 ms each and four per operation: on
# Microsoft Graph v1.0 (11,422 operations) 66 s of 87 s checking the resources; untyped, 21 s
# (mypy --timing-stats, bench/results-scale-followup.md).
UNTYPED_WRAPPERS_FROM = 2000


def typed_wrappers(config: Config, operations: int) -> bool:
    """Whether the wrappers repeat each method's typed arguments."""
    return _sized(config.typed_wrappers, operations < UNTYPED_WRAPPERS_FROM)


# Operations from which the async class derives its methods from the sync class's by default:
# each written out is 40% of a large API's resource source (28 of 80 MB on Microsoft Graph
# v1.0; installed with bytecode 126 -> 92 MB); derived, mypy --strict on code using it takes
# as long there, in 18% less memory (bench/results-scale-followup.md, fifth pass).
DERIVED_ASYNC_FROM = 2000


def derived_async(config: Config, operations: int) -> bool:
    """Whether the async class's methods are derived from the sync class's, not written out."""
    return _sized(config.derived_async, operations >= DERIVED_ASYNC_FROM)


# Operations from which a method's per-call options (extra_headers, extra_query, extra_body,
# timeout, max_retries) are one `**request_options: Unpack[RequestOptions]` by default, not five
# keyword arguments passed on one by one: on Microsoft Graph v1.0, the package's files and their
# bytecode 88.4 -> 80.5 MB (bench/results-scale-followup.md, sixth pass).
UNPACKED_OPTIONS_FROM = 2000


def unpacked_options(config: Config, operations: int) -> bool:
    """Whether each method takes its per-call options as `**request_options`."""
    return _sized(config.unpacked_options, operations >= UNPACKED_OPTIONS_FROM)


def size_settings(config: Config) -> dict[str, bool | None]:
    """The settings the spec's size decides unless the configuration gives them, by key, as the
    configuration gives them (None: the size decides)."""
    return {"typed-wrappers": config.typed_wrappers, "derived-async": config.derived_async,
            "unpacked-options": config.unpacked_options}


def _sized(setting: bool | None, by_size: bool) -> bool:
    """A setting the spec's size decides unless the configuration gives it."""
    return by_size if setting is None else setting


def _str(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table[key]
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: {key!r} must be a non-empty string")
    return value


def _paths(table: Mapping[str, Any], key: str, where: str, base: Path) -> tuple[Path, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: {key!r} must be a list of paths (non-empty strings)")
    return tuple(base / v for v in value)


def _bool(table: Mapping[str, Any], key: str, where: str) -> bool:
    value = table[key]
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key!r} must be true or false")
    return value


def _headers(table: Any, where: str) -> dict[str, str | None]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    result: dict[str, str | None] = {}
    for wire, arg in table.items():
        if arg is False:
            result[wire.lower()] = None
        elif isinstance(arg, str) and arg.isidentifier() and not arg.startswith("_"):
            result[wire.lower()] = arg
        else:
            raise ConfigError(f"{where}: {wire!r} must be a Python argument name or false")
    return result


def _pagination(table: Any, where: str) -> dict[str, PageOverride | None]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    result: dict[str, PageOverride | None] = {}
    for operation, entry in table.items():
        here = f"{where}.{operation}"
        if entry is False:
            result[operation] = None
            continue
        if not isinstance(entry, dict):
            raise ConfigError(f"{here} must be a table or false")
        result[operation] = _page_entry(entry, here)
    return result


def _page_entry(entry: Mapping[str, Any], here: str) -> PageOverride:
    unknown = sorted(set(entry) - _PAGE_KEYS)
    if unknown:
        known = ", ".join(sorted(_PAGE_KEYS))
        raise ConfigError(f"{here}: unknown key {unknown[0]!r} (known: {known})")
    style = entry.get("style")
    if style not in _PAGE_STYLES:
        raise ConfigError(f"{here}: 'style' must be offset, page, cursor, link or url")
    words = {key: _str(entry, key, here) if key in entry else ""
             for key in ("param", "items", "item-cursor", "size", *_PAGE_PATHS)}
    if style in ("offset", "page", "cursor") and not words["param"]:
        raise ConfigError(f"{here}: {'param'!r} is required (a string) for the {style} style")
    if style == "cursor" and bool(words["cursor"]) == bool(words["item-cursor"]):
        raise ConfigError(f"{here}: a cursor style needs 'cursor', the dotted path to the next "
                          "cursor, or 'item-cursor', the last item's field that is the cursor")
    if style == "url" and not words["next"]:
        raise ConfigError(f"{here}: a url style needs 'next', the dotted path to the next URL")
    first = entry.get("first", 1)
    if isinstance(first, bool) or not isinstance(first, int) or first < 0:
        raise ConfigError(f"{here}: 'first' must be a page number (0 or more)")
    paths = {key: tuple(words[key].split(".")) if words[key] else () for key in _PAGE_PATHS}
    return PageOverride(
        style, words["param"], words["items"], paths["cursor"], paths["total"],
        words["item-cursor"], paths["next"], paths["pages"], paths["has-more"], words["size"],
        first,
    )
