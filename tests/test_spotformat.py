"""Spot formatting gives black's output byte for byte, or declines and leaves the file to black."""

from __future__ import annotations

import multiprocessing.process
import os
import random
import textwrap
from pathlib import Path

import black
import pytest

from sdkforge.diagnostics import Diagnostics
from sdkforge.emit import format as format_module
from sdkforge.emit import spotformat
from sdkforge.emit.format import black_mode, format_files
from sdkforge.emit.render import STATIC_RUNTIME, TEMPLATES, Options, render
from sdkforge.emit.spotformat import SpotFormatter
from sdkforge.model.build import build
from sdkforge.names.assign import assign
from sdkforge.read.load import load
from sdkforge.read.resolve import resolve

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "specs"
LONG = "a_rather_long_identifier_that_spec_authors_like"
WIDE = "名前が長い識別子の説明文"  # east Asian characters count two columns, for black and for us


def _rendered(spec: Path) -> dict[str, str]:
    document = load(spec)
    resolved = resolve(document, Diagnostics())
    api = build(resolved, Diagnostics())
    names = assign(api)
    options = Options(package=names.package, client=names.client)
    files = render(api, names, options)
    return {path: text for path, text in files.items() if path.endswith(".py")}


# Each case is a module whose long lines spot formatting handles; black's output is the oracle.
HANDLED = {
    "call kwargs, dict": f"""
        def f() -> None:
            return g(
                Call(
                    method="post",
                    body={{"{LONG}": {LONG}, "second_{LONG}": second_{LONG}, "x": x}},
                    errors={{"400": _models.ErrorResponse, "401": _models.ErrorResponse, "404": _models.NotFound}},
                    one={{"only_one_entry_{LONG}": only_one_entry_{LONG}_with_a_tail_too}},
                    auth=("header:Authorization", "header:X-Namespace", "query:{LONG}_api_key_parameter"),
                )
            )
        """,  # noqa: E501 - lines over the limit are the case
    "call kwargs, nested": f"""
        x = f(
            pagination=PageSpec("offset", "body", "offset", "results_{LONG}", total="total_{LONG}"),
            cast=list[Annotated[{LONG}_first | {LONG}_second, Field(discriminator="{LONG}")]],
        )
        """,
    "statements": f"""
        from .resources.{LONG} import Async{LONG.title()}, {LONG.title()}, {LONG.title()} as Alias

        if TYPE_CHECKING:
            from .resources.{LONG}_x import Async{LONG.title()}, {LONG.title()}, {LONG.title()} as Alias


        class A:
            def __init__(self, resource: Resource) -> None:
                self.{LONG}_method = to_streamed_response(resource.{LONG}_method)
                raise PydanticCustomError("enum", "value {{value!r}} is not one of the known values", {{"v": 1}})


        {LONG}_alias: TypeAlias = Literal["first value", "second value", "third value", "fourth", "fifth"]
        {LONG}_alias_two: TypeAlias = Literal["first value", "second value", "third value", "fourth value", "fifth value", "sixth value", "seventh"]
        """,  # noqa: E501 - lines over the limit are the case
    "model fields": f"""
        class {LONG.title()}(BaseModel):
            \"\"\"A model.\"\"\"

            {LONG}: Annotated[list[{LONG.title()}Item] | None, Field(alias="{LONG}-wire-name")] = None
            \"\"\"A field docstring that is very long indeed, longer than the line length black keeps lines within.\"\"\"
            {WIDE}{WIDE}: Annotated[str | None, Field(alias="{WIDE}{WIDE}{WIDE}")] = None
            other: Literal["it's", 'say "hi"', "back\\\\slash", "tab\\t", "{WIDE}{WIDE}{WIDE}{WIDE}"] = "it's"
        """,  # noqa: E501 - lines over the limit are the case
    "def params and collections": f"""
        def method(
            self,
            {LONG}: list[_models.{LONG.title()}Input] | None | NotGiven = NOT_GIVEN,
            *,
            second_{LONG}: dict[str, list[_models.{LONG.title()}Input]] | NotGiven = NOT_GIVEN,
        ) -> None:
            pass


        names = (
            "{LONG}",
            "a lone string item is longer than the line length, and black leaves it as it is: {LONG}",
            ["{LONG}_one", "{LONG}_two", "{LONG}_three"],
            {{"{LONG}_set_member", "{LONG}_other_set_member"}},
        )
        mapping = {{
            "{LONG.title()}{LONG.title()}": "{LONG}_{LONG}",
            "short": "short",
        }}
        table = {{
            "{LONG}_key": ("bearer", "Authorization", _env({LONG}, "MIXPEEK_API_KEY_{LONG.upper()}")),
            **{{"{LONG}": 1, "{LONG}_2": 2, "{LONG}_3": 3}},
        }}
        """,  # noqa: E501 - lines over the limit are the case
}

# Compound statement headers: black formats them alone, given a body.
HANDLED |= {
    "class headers": f"""
        class {LONG.title()}{LONG.title()}({LONG.title()}Base, {LONG.title()}Mixin):
            pass


        class {LONG.title()}{LONG.title()}Item({LONG.title()}Base):
            pass
        """,
    "def headers": f"""
        class A:
            def {LONG}(self) -> PageItems[Annotated[{LONG}, Tag('{LONG}')] | {LONG}_other]:
                pass

            async def action_{LONG}_quote(self) -> ActionAccept{LONG.title()}Quote:
                if {LONG} is not None and {LONG}_two is not None and {LONG}_three is None:
                    return None
                for {LONG}_item, {LONG}_value in {LONG}_mapping_with_a_long_name.items():
                    pass
        """,
    "long return annotation after parameters over lines": f"""
        class A:
            def method(
                self,
                *,
                {LONG}: str | NotGiven = NOT_GIVEN,
            ) -> list[_models.{LONG}] | _models.{LONG}_two | _models.{LONG}_three | _models.x:
                x = 1

            def f(
                self,
            ) -> ListPage[_models.{LONG} | _models.{LONG}_two | _models.{LONG}_three | _models.{LONG}_four | _models.{LONG}_five]:
                return x
        """,  # noqa: E501 - lines over the limit are the case
}

# A def with no parameters is split at its return annotation, with no trailing comma added.
HANDLED["def without parameters, long return annotation"] = (
    f"@cache\ndef {LONG}_{LONG}_endpoint() -> Endpoint:\n    return Endpoint()\n")

# Lines of HANDLED that still go to black as snippets, not modelled natively: a single-quoted
# string (black may change its quotes), an `if`/`for` header with `and`/`is`/`in`.
_BLACK_LINES = {"model fields": 1, "def headers": 3}

# Natively too: a header over lines whose last line and a parameter line are long (black
# splits it at the parameters' brackets first, so each line comes out on its own).
HANDLED["long header over lines, a long line in it too"] = (
    f"def f(\n    self, {LONG}: {LONG}, {LONG}_two: {LONG}, {LONG}_three: int,\n"
    f") -> _models.{LONG} | _models.{LONG}_two | _models.{LONG}_three:\n    pass\n")

# Long lines black must see whole: spot formatting declines (None), never guesses.
DECLINED = {
    "long header over lines, a comment in it":
        "def f(\n    self,  # the comment\n"
        f") -> _models.{LONG} | _models.{LONG}_two | _models.{LONG}_three:\n    pass\n",
    "long decorator":
        f"@decorate({LONG}, {LONG}_two, {LONG}_three, {LONG}_four)\ndef f() -> None:\n    pass\n",
    "comment on a long line":
        f"x = f({LONG}, {LONG}_two, {LONG}_three)  # a comment on a long line\n",
    "unbalanced long line":
        f"x = f(\n    {LONG}, {LONG}_two, {LONG}_three, {LONG}_four, {LONG}_five, six=g(\n"
        "        1\n    )\n)\n",
}


@pytest.mark.parametrize("name", sorted(HANDLED))
def test_handled_lines_come_out_as_black_writes_them(name: str) -> None:
    text = textwrap.dedent(HANDLED[name]).lstrip("\n")
    expected = black.format_str(text, mode=black_mode())
    assert expected != text, "the case must give black something to do"
    formatter = SpotFormatter(black_mode())
    assert formatter.format(text) == expected
    assert formatter.black_lines == _BLACK_LINES.get(name, 0), "black for what is not modelled only"


def _assigned_call(rng: random.Random) -> str:
    """A long `x: T = f(...)` statement of the shapes generated code has, and others."""
    def name(low: int, high: int) -> str:
        return "n" + "".join(rng.choice("abcdefghij_XYZ") for _ in range(rng.randint(low, high)))

    item = name(3, 60)
    annotation = rng.choice(["", f": {item}", f": {item} | None", f": list[{item}] | None",
                             f": Annotated[{item}, LENIENT] | None", f": resource[{item}]",
                             f": dict[str, list[{item}]] | None"])
    arguments = [rng.choice([f'{name(1, 20)}="{name(1, 50)}"', f'"{name(1, 60)}"', name(1, 30),
                             "default=None", '"a, b) [c"', f"a.{name(1, 30)}",
                             str(rng.randint(0, 10 ** rng.randint(1, 12))), f"*{name(1, 9)}"])
                 for _ in range(rng.randint(1, 4))]
    callee = rng.choice(["Field", "resource", "pydantic.Field"])
    return f"{name(1, 60)}{annotation} = {callee}({', '.join(arguments)})"


def test_assignments_of_calls_are_split_natively_as_black_splits_them() -> None:
    """`x: T = f(a, b)` whose head fits is split without black (models' `Field(...)`, the
    client's `resource(...)`); 600 random ones, at three depths, against black."""
    rng = random.Random(18)
    natively = 0
    for _ in range(600):
        depth = rng.randint(0, 2)
        statement = _assigned_call(rng)
        if len(statement) + 4 * depth <= black_mode().line_length:
            continue
        pad = "    " * depth
        text = "".join("    " * d + "if x:\n" for d in range(depth)) + pad + statement + "\n"
        expected = black.format_str(text, mode=black_mode())
        assert SpotFormatter(black_mode()).format(text) == expected
        native = spotformat._native(statement, pad, "", black_mode().line_length)
        if native is not None:
            assert native + "\n" == expected.split("\n", depth)[-1], statement
            natively += 1
    assert natively >= 200, "half of these are split natively (238 of 467 with this seed)"


@pytest.mark.parametrize("name", sorted(DECLINED))
def test_what_it_is_unsure_of_goes_to_black(name: str) -> None:
    assert SpotFormatter(black_mode()).format(DECLINED[name]) is None


def test_short_lines_are_left_alone_and_snippets_are_reused() -> None:
    formatter = SpotFormatter(black_mode())
    text = "x = 1\n"
    assert formatter.format(text) is text
    long = textwrap.dedent(HANDLED["call kwargs, dict"]).lstrip("\n")
    formatter.format(long)
    snippets = len(formatter._snippets)
    renamed = long.replace("def f()", "def g()")
    assert formatter.format(renamed) == black.format_str(renamed, mode=black_mode())
    assert len(formatter._snippets) == snippets


def test_the_static_runtime_is_already_black_formatted() -> None:
    """Files copied as they are must be black's output already, or spot formatting would pass
    them through."""
    for source in sorted(set(STATIC_RUNTIME.values())):
        text = (TEMPLATES / source).read_text(encoding="utf-8")
        assert black.format_str(text, mode=black_mode()) == text, (
            f"templates/{source}: run black -l {black_mode().line_length} on it")


@pytest.mark.parametrize("spec", sorted((ROOT / "specs").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_file_of_the_feature_specs_is_spot_formatted_as_black_would(spec: Path) -> None:
    formatter = SpotFormatter(black_mode())
    for path, text in sorted(_rendered(spec).items()):
        got = formatter.format(text)
        assert got is not None, (
            f"{path}: spot formatting declined a file from the built-in templates")
        assert got == black.format_str(text, mode=black_mode()), path
    assert formatter.black_lines == 0, "a line of the built-in templates went to black"


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/specs is not beside the repository")
@pytest.mark.parametrize("name", ["mixpeek/openapi-2026-01-20.json", "public/openai-openapi.yaml"])
def test_real_spec_files_are_formatted_without_black_as_black_would(name: str) -> None:
    """Every file with a line over the length is spot formatted with no black at all; a fixed
    sample of 40 of them is compared with black whole (bench.spot_vs_black compares them all)."""
    formatter = SpotFormatter(black_mode())
    files = _rendered(SHARED / name)
    long = sorted(p for p, t in files.items()
                  if any(len(line) > black_mode().line_length for line in t.splitlines()))
    results = {path: formatter.format(files[path]) for path in long}
    assert [path for path, got in results.items() if got is None] == []
    assert formatter.black_lines == 0, "a line of the built-in templates went to black"
    for path in random.Random(7).sample(long, min(40, len(long))):
        assert results[path] == black.format_str(files[path], mode=black_mode()), path


def test_format_all_formats_snippets_on_two_processes_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spotformat, "_POOL_FROM", 1)
    texts = {name: textwrap.dedent(text).lstrip("\n") for name, text in HANDLED.items()}
    texts |= {name: text for name, text in DECLINED.items()}
    texts |= _rendered(ROOT / "specs" / "features.yaml")
    one_by_one = {path: SpotFormatter(black_mode()).format(text) for path, text in texts.items()}
    assert SpotFormatter(black_mode()).format_all(texts, workers=2) == one_by_one
    assert sum(result is None for result in one_by_one.values()) == len(DECLINED)


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, str], dict[str, str]]:
    """The feature spec's rendered files and their formatting in one process; from here on,
    `format_files` forks for any amount of text, with no memo to answer from."""
    texts = _rendered(ROOT / "specs" / "features.yaml")
    alone = format_files(texts)
    monkeypatch.setattr(format_module, "_FORK_FROM", 1)
    monkeypatch.setattr(format_module, "_MEMO", {})
    return texts, alone


def test_format_files_shares_the_files_with_a_forked_process_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch, forking: tuple[dict[str, str], dict[str, str]]
) -> None:
    """From `_FORK_FROM` characters of rendered text, half the files (by size) are spot
    formatted in a forked child; the result is the one process's, also when the child dies
    (its half is then formatted in the parent)."""
    texts, alone = forking
    assert format_files(texts) == alone
    parent = os.getpid()
    original = SpotFormatter.format_all

    def dies_in_the_child(self: SpotFormatter, texts: dict[str, str],
                          workers: int = 1) -> dict[str, str | None]:
        if os.getpid() != parent:
            os._exit(1)
        return original(self, texts, workers)

    monkeypatch.setattr(SpotFormatter, "format_all", dies_in_the_child)
    monkeypatch.setattr(format_module, "_MEMO", {})
    assert format_files(texts) == alone


def test_format_files_formats_everything_itself_when_no_process_can_be_started(
    monkeypatch: pytest.MonkeyPatch, forking: tuple[dict[str, str], dict[str, str]]
) -> None:
    texts, alone = forking

    def refused(self: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refused)
    assert format_files(texts) == alone


@pytest.mark.skipif(not format_module.can_fork(), reason="no fork on this platform")
def test_the_forked_half_sends_back_only_what_it_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a second process formatting half of the files, a file it leaves as it is comes back
    as the very text the parent holds, not a second copy pickled through the pipe; what it
    changed comes back changed, as formatting in one process gives."""
    monkeypatch.setattr(format_module, "_FORK_FROM", 0)
    files = _rendered(ROOT / "specs" / "features.yaml")
    wide = f"x = call({', '.join(f'{LONG}_{i}' for i in range(4))})\n"
    texts = {**files, "zz_wide.py": wide, "zz_wider.py": wide + wide}
    got = format_module._spot_format(texts, 2)
    assert got == format_module._spot(dict(texts))
    assert got["zz_wide.py"] != wide and got["zz_wider.py"] != wide + wide
    unchanged = [path for path in texts if got[path] == texts[path]]
    assert len(unchanged) > 10
    assert all(got[path] is texts[path] for path in unchanged)
