"""What a user of the generated seed client writes type-checks, with exact types; misuse does
not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_OUT = ROOT / "generated" / "mixpeek-trigger-history"
FEATURES_OUT = ROOT / "generated" / "features"

GOOD = """
import datetime
from typing import assert_type

import mixpeek

client = mixpeek.Mixpeek(base_url="http://127.0.0.1:8000", max_retries=0)
r = client.cluster_triggers.get_history("trg_1", limit=10, status_filter=None)
assert_type(r, mixpeek.models.TriggerHistoryResponse)
assert_type(r.executions[0].triggered_at, datetime.datetime)
assert_type(r.executions[0].execution_time_ms, int | None)
assert_type(r.total, int)
try:
    client.cluster_triggers.get_history("missing")
except mixpeek.NotFoundError as e:
    print(e.body.error.message, e.status_code)


async def main() -> None:
    async with mixpeek.AsyncMixpeek() as aclient:
        h = await aclient.cluster_triggers.get_history("trg_1", offset=5, timeout=3.0)
        assert_type(h, mixpeek.models.TriggerHistoryResponse)
"""

BAD = """
import mixpeek

client = mixpeek.Mixpeek()
client.cluster_triggers.get_history("trg_1", limit="ten")
client.cluster_triggers.get_history(trigger_id=1)
client.cluster_triggers.get_history("trg_1", 10)
client.cluster_triggers.get_history("trg_1", offset=None)
"""


def mypy(tmp_path: Path, code: str, package: Path = SEED_OUT) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "user.py"
    script.write_text(code)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(script)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
        env={"MYPYPATH": str(package), "PATH": "/usr/bin:/bin"},
    )


def test_documented_usage_type_checks_with_exact_types(tmp_path: Path) -> None:
    done = mypy(tmp_path, GOOD)
    assert done.returncode == 0, done.stdout


def test_misuse_is_caught_by_mypy(tmp_path: Path) -> None:
    done = mypy(tmp_path, BAD)
    assert done.returncode == 1
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert [int(line.split(":")[1]) for line in errors] == [5, 6, 7, 8], done.stdout


SENT_ONLY = """
from features import models

models.NewPet(name="Rex", pet_type="dog", owner_id=None, nickname=None)
models.NewPet(name="Rex", pet_type="dog", owner_id=None, weight_kg=3.5)
models.NewPet(name="Rex", pet_type="dog", owner_id=None, weight_kg=None)
"""


def test_a_sent_only_models_optional_field_that_may_not_be_null_cannot_be_set_to_none(
    tmp_path: Path,
) -> None:
    # NewPet is only sent: `weight_kg` may be left out but not sent as null; `nickname` may.
    done = mypy(tmp_path, SENT_ONLY, FEATURES_OUT)
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert [int(line.split(":")[1]) for line in errors] == [6], done.stdout
    assert "weight_kg" in errors[0]
