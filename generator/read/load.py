"""Stage 1: read a spec file (YAML or JSON) into plain data.

JSON goes through `json.loads` (a YAML parser is ~40x slower on large JSON specs);
YAML through libyaml's safe loader when available. Source positions are recovered
lazily, only when a diagnostic needs a line number.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from sdkforge.errors import fail
from sdkforge.read.limits import (
    DuplicateKey,
    UniqueKeyLoader,
    check_json_depth,
    check_shape,
    check_yaml_depth,
    duplicate_key_error,
    json_object,
    max_spec_bytes,
    too_large,
)
from sdkforge.read.locate import locate_many

_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"), (b"\xef\xbb\xbf", "utf-8"),
)
_MARKS = tuple(bom for bom, _ in _BOMS)


@dataclass(frozen=True, slots=True)
class Document:
    path: Path
    data: Any
    # The text as UTF-8 (without a byte order mark), held for the run as bytes: the text as a
    # `str` takes 2 or 4 bytes a character as soon as one character needs them (GitHub's spec,
    # 5.7 MB with an emoji, was 23 MB; EC2's 4.7 MB, 9.4 MB; Graph's 20 MB, 40 MB).
    source: bytes
    url: str = ""  # set for a document fetched over http(s)
    # A digest of the overlays applied to `data` ("" when none): what `data` was made from
    # besides the text, for what is cached by the text (validation's findings).
    edits: str = ""

    @property
    def name(self) -> str:
        return self.url or str(self.path)

    @property
    def text(self) -> str:
        """The text as read (decoded each time it is asked for: only to find a line)."""
        return self.source.decode("utf-8", "surrogatepass")

    @property
    def digest(self) -> str:
        """sha256 of the text as UTF-8: what the manifest records for a source document."""
        return hashlib.sha256(self.source).hexdigest()

    def locate_many(self, pointers: list[str]) -> dict[str, tuple[int, int]]:
        """1-based (line, column) of the nodes at `pointers` that exist, found in one pass."""
        return locate_many(self.text, pointers)


def load(path: Path, kind: str = "spec file") -> Document:
    """Read and parse one spec file (or another `kind` of YAML or JSON input, such as an
    overlay, under the same limits); raise SpecError with the place on failure."""
    name = str(path)
    limit = max_spec_bytes(name)
    try:
        if path.is_dir():
            article = "an" if kind[:1] in "aeiou" else "a"
            raise fail(name, "", f"is a folder, not {article} {kind}",
                       "pass the path of a .yaml or .json file")
        # Never more than the limit, whatever the file (or device) holds.
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise fail(name, "", f"{kind} not found", "check the path") from None
    except PermissionError:
        raise fail(name, "", f"{kind} is not readable (permission denied)") from None
    except OSError as exc:
        raise fail(name, "", f"cannot read {kind}: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise too_large(name, path.stat().st_size if path.is_file() else len(raw), limit, kind)
    return _document(path, raw, name, kind)


def _document(path: Path, raw: bytes, name: str, kind: str = "spec file",
              url: str = "") -> Document:
    """Decode and parse `raw`; the text is held only while it is parsed."""
    text = decode(raw, name, kind)
    # the bytes as read, unless they start with a byte order mark (or are UTF-16 or 32)
    source = text.encode("utf-8", "surrogatepass") if raw.startswith(_MARKS) else raw
    data = parse(text, source, name, json_first=_looks_like_json(path, text))
    return Document(path=path, data=data, source=source, url=url)


def load_remote(url: str) -> Document:
    """Fetch and parse a document over http(s) (for `--allow-remote-refs`)."""
    from sdkforge.errors import RemoteError
    from sdkforge.read.remote import fetch

    try:
        raw = fetch(url, max_spec_bytes(url))
    except RemoteError as exc:
        raise fail(url, "", str(exc)) from None
    return _document(Path(urlsplit(url).path or "remote"), raw, url, url=url)


def decode(raw: bytes, name: str, kind: str = "spec file") -> str:
    """UTF-8 (with or without a byte order mark), or UTF-16/32 announced by their BOM."""
    encoding = next((codec for bom, codec in _BOMS if raw.startswith(bom)), "utf-8")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(name, "", f"{kind} is not valid {encoding.upper()}: byte {exc.start} "
                   f"(line {line}) cannot be decoded", "save the file as UTF-8") from None
    text = text.removeprefix("\ufeff")
    if "\x00" in text:  # YAML and JSON forbid raw NUL; escaped ones ("\\u0000") are fine
        line = text[: text.index("\x00")].count("\n") + 1
        raise fail(name, "", f"{kind} contains a NUL character (line {line}); "
                   "is it a binary file?")
    return text


def _looks_like_json(path: Path, text: str) -> bool:
    if path.suffix.lower() == ".json":
        return True
    if path.suffix.lower() in (".yaml", ".yml"):
        return False
    return text.lstrip()[:1] in ("{", "[")


def parse(text: str, source: bytes, name: str, *, json_first: bool) -> Any:
    """`text` parsed; `source` is the same text as UTF-8."""
    if json_first:
        data = _parse_json(text, name)
        check_json_depth(source, name)
        return data
    data = _parse_yaml(text, name)
    check_shape(data, name)
    return data


def _parse_json(text: str, name: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=json_object)
    except json.JSONDecodeError as exc:
        raise fail(
            name, "", f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise fail(name, "", "document is nested too deeply") from None
    except DuplicateKey:
        raise duplicate_key_error(text, name) from None


def _parse_yaml(text: str, name: str) -> Any:
    try:
        check_yaml_depth(text, name)
        return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a safe loader
    except DuplicateKey:
        raise duplicate_key_error(text, name) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "syntax error"
        raise fail(name, "", f"malformed YAML{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise fail(name, "", f"malformed YAML: {exc}") from None
    except RecursionError:
        raise fail(name, "", "document is nested too deeply") from None
