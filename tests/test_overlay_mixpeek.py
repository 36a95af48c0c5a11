"""The README's overlays for Mixpeek, written against the 2025-12-19 spec, keep working on the
two bumps after it (2026-01-03, 2026-01-20): each applies with no warning, the spec file stays as
it was, and the generated code has the renamed methods, the discriminated union, the server and
none of the dropped operations. One generation per spec (in memory), with all four overlays."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdkforge.config import GenerateOptions
from sdkforge.pipeline import generate

ROOT = Path(__file__).resolve().parent.parent
MIXPEEK = ROOT.parent / "shared" / "specs" / "mixpeek"
README = Path(__file__).resolve().parent / "overlays" / "readme"
OVERLAYS = tuple(README / name for name in (
    "rename-operation.yaml", "discriminator.yaml", "server.yaml", "drop-operations.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("version", ["2025-12-19", "2026-01-03", "2026-01-20"])
def test_mixpeek_overlays_survive_the_bumps(version: str) -> None:
    spec = MIXPEEK / f"openapi-{version}.json"
    if not spec.is_file():
        pytest.skip(f"{spec} is not here")
    text = spec.read_bytes()
    result = generate(GenerateOptions(spec=spec, overlays=OVERLAYS))
    assert spec.read_bytes() == text
    about_overlays = [d for d in result.diagnostics if d.file in {str(p) for p in OVERLAYS}]
    assert about_overlays == []
    files = result.files
    triggers = files["mixpeek/resources/cluster_triggers.py"]
    assert "    def pause(" in triggers and "    def resume(" in triggers
    assert "def pause_trigger(" not in triggers and "def resume_trigger(" not in triggers
    for side in ("input", "output"):
        model = files[f"mixpeek/models/payload_index_config_{side}.py"]
        assert 'discriminate(\n' in model and '"bool": "BoolIndexParams",' in model
        assert '"text": "TextIndexParams",' in model
    assert 'DEFAULT_BASE_URL = "https://mixpeek.gateway.example.com"' in files["mixpeek/_client.py"]
    resources = "".join(text for path, text in files.items() if "/resources/" in path)
    assert "/v1/private/" not in resources and "/v1/internal/" not in resources
    assert "/v1/clusters/triggers/" in resources
