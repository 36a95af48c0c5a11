"""A fixed-seed fuzz campaign over whole hostile specs (the long one is `make fuzz`).

Each spec is either generated into code that compiles, imports (in a separate process, with
its payloads failing to leave a marker) and builds both clients, or refused with located
errors. A sample also goes through the `sdkforge` command (exit 0 or 1, never a traceback)
and through `mypy --strict`. See tests/fuzz/oracle.py for what is checked.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from .oracle import Importer, Oracle, cli_check, fast_format, mypy_check, take_sample
from .strategies import specs

EXAMPLES = int(os.environ.get("SDKFORGE_FUZZ_EXAMPLES", "250"))
CLI_SAMPLE = 6
MYPY_SAMPLE = 3


def test_hostile_specs_generate_clean_code_or_are_refused(
    tmp_path_factory: pytest.TempPathFactory
) -> None:
    workdir = tmp_path_factory.mktemp("fuzz")
    importer = Importer(workdir)
    oracle = Oracle(workdir / "specs", importer)
    outcomes: Counter[str] = Counter()
    cli_specs: list[Path] = []
    mypy_names: list[str] = []

    # derandomize=True seeds Hypothesis from this function's source without comments: rewrapping
    # its lines would change which specs the campaign tests, hence the two noqa below.
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
    @given(specs(max_schemas=4, max_paths=3))
    def campaign(case: tuple[dict[str, Any], str]) -> None:
        checked = oracle.check(*case)
        outcomes[checked.outcome] += 1
        n = outcomes.total()
        if n % (EXAMPLES // CLI_SAMPLE) == 0 and len(cli_specs) < CLI_SAMPLE:
            kept = workdir / "cli" / f"{n}{checked.spec.suffix}"
            kept.parent.mkdir(exist_ok=True)
            shutil.copy(checked.spec, kept)
            cli_specs.append(kept)
        if checked.out is not None and outcomes["generated"] % 20 == 1 and len(mypy_names) < MYPY_SAMPLE:  # noqa: E501
            mypy_names.append(take_sample(checked.out, checked.package, workdir / "mypy", len(mypy_names)))  # noqa: E501
        shutil.rmtree(checked.spec.parent)

    try:
        with fast_format(black_every=10):
            campaign()
    finally:
        importer.close()

    # The campaign must reach code generation, and the refusal path, often enough to mean something.
    assert outcomes["generated"] >= EXAMPLES // 4, outcomes
    assert outcomes["refused"] >= EXAMPLES // 20, outcomes
    exits = Counter(cli_check(spec, spec.with_suffix(".out")) for spec in cli_specs)
    assert sum(exits.values()) == CLI_SAMPLE, exits
    assert len(mypy_names) == MYPY_SAMPLE
    mypy_check(workdir / "mypy", mypy_names)
