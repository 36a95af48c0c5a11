"""The settings a spec's size decides unless `[tool.sdkforge]` gives them (`typed-wrappers`,
`derived-async`, `unpacked-options`): from their threshold of operations each takes its
compact form; the configuration wins either way, is read and checked, is recorded for `check`,
and the CLI says when the size alone decided. What each compact form writes is tested beside it
(tests/test_untyped_wrappers.py, test_derived_async.py, test_unpacked_options.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sdkforge import config as config_module
from sdkforge.config import (
    Config,
    GenerateOptions,
    derived_async,
    load_config,
    typed_wrappers,
    unpacked_options,
)
from sdkforge.pipeline import generate

SEED = Path(__file__).resolve().parents[1] / "specs" / "mixpeek-trigger-history.yaml"


@dataclass(frozen=True)
class Setting:
    key: str  # in [tool.sdkforge]
    field: str  # of Config
    decide: Callable[[Config, int], bool]
    threshold: str  # the name of the constant in `config`
    compact: bool  # the value a large API gets
    marker: str  # what the compact form writes in the seed's resource module
    told: str  # the start of what the CLI says when the size alone chose it


SETTINGS = [
    Setting("typed-wrappers", "typed_wrappers", typed_wrappers, "UNTYPED_WRAPPERS_FROM", False,
            "wrap_all(self, resource, ", "the with_raw_response and with_streaming_response "
            "methods take any arguments"),
    Setting("derived-async", "derived_async", derived_async, "DERIVED_ASYNC_FROM", True,
            " = async_method(", "the async client's methods are derived from the sync ones"),
    Setting("unpacked-options", "unpacked_options", unpacked_options, "UNPACKED_OPTIONS_FROM",
            True, "**request_options,", "each method takes its per-call options"),
]


@pytest.fixture(params=SETTINGS, ids=[s.key for s in SETTINGS])
def setting(request: pytest.FixtureRequest) -> Setting:
    return request.param  # type: ignore[no-any-return]  # pytest gives Any


def test_the_default_follows_the_threshold_and_the_setting_wins(setting: Setting) -> None:
    threshold: int = getattr(config_module, setting.threshold)
    assert setting.decide(Config(), threshold - 1) is not setting.compact
    assert setting.decide(Config(), threshold) is setting.compact
    asked_not = Config(**{setting.field: not setting.compact})
    assert setting.decide(asked_not, 10 * threshold) is not setting.compact
    assert setting.decide(Config(**{setting.field: setting.compact}), 1) is setting.compact


def test_the_setting_is_read_and_checked(setting: Setting, tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    value = "true" if setting.compact else "false"
    config.write_text(f"[tool.sdkforge]\n{setting.key} = {value}\n", encoding="utf-8")
    assert getattr(load_config(config), setting.field) is setting.compact
    config.write_text("[tool.sdkforge]\n", encoding="utf-8")
    assert getattr(load_config(config), setting.field) is None
    config.write_text(f'[tool.sdkforge]\n{setting.key} = "yes"\n', encoding="utf-8")
    with pytest.raises(Exception, match=f"'{setting.key}' must be true or false"):
        load_config(config)


def test_a_spec_as_large_as_the_threshold_gets_it_and_is_told(
    setting: Setting, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sdkforge.cli import main

    assert setting.key not in generate(GenerateOptions(SEED)).by_size  # one operation
    monkeypatch.setattr(config_module, setting.threshold, 1)
    result = generate(GenerateOptions(SEED))
    assert result.by_size == {setting.key: 1}
    assert setting.marker in result.files["mixpeek/resources/cluster_triggers.py"]
    assert setting.key not in result.options
    explicit = generate(GenerateOptions(SEED, config=Config(**{setting.field: setting.compact})))
    assert setting.key not in explicit.by_size  # asked for: nothing to explain
    assert explicit.options[setting.key] is setting.compact  # `check` sees the setting change
    assert main(["generate", str(SEED), "-o", str(tmp_path / "out"), "--no-cache"]) == 0
    assert f"1 operation: {setting.told}" in capsys.readouterr().out
