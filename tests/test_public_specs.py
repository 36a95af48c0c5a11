"""The public specs in ../shared: each generates, imports and passes `mypy --strict`.

OpenAI's spec is large and slightly invalid (a duplicated `required` entry, a few defaults
that do not match their schemas): it generates with located warnings and fails under
`--strict`. Its discriminated unions must pick the right model for real payloads.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pydantic
import pytest
from behaviour.server import LoopbackServer

from sdkforge.config import GenerateOptions
from sdkforge.errors import SpecError
from sdkforge.pipeline import Generated, generate

PUBLIC = Path(__file__).resolve().parent.parent.parent / "shared" / "specs" / "public"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def generated(
    public_clients: dict[str, tuple[Path, Generated]]
) -> dict[str, tuple[Path, Generated]]:
    """Generated once for the session (conftest.py): test_pyright checks them too."""
    return public_clients


@pytest.fixture(scope="module")
def openai(generated: dict[str, tuple[Path, Generated]]) -> Iterator[ModuleType]:
    folder, gen = generated["openai-openapi"]
    sys.path.insert(0, str(folder))
    yield importlib.import_module(gen.package)
    sys.path.remove(str(folder))


def test_every_public_spec_imports_and_type_checks(
    generated: dict[str, tuple[Path, Generated]]
) -> None:
    script = "import importlib, pkgutil, sys\n" + "".join(
        f"""
pkg = importlib.import_module({gen.package!r})
pkg.{gen.client}(base_url="http://127.0.0.1:9"), pkg.Async{gen.client}(base_url="http://127.0.0.1:9")
for name in pkg.models.__all__:
    getattr(pkg.models, name)
for name in pkg.params.__all__:
    getattr(pkg.params, name)
for info in pkgutil.iter_modules(importlib.import_module({gen.package!r} + ".resources").__path__):
    importlib.import_module({gen.package!r} + ".resources." + info.name)
"""
        for _, gen in generated.values()
    )
    path = ":".join(str(folder) for folder, _ in generated.values())
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=600, env={"PYTHONPATH": path, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    packages = [arg for _, gen in generated.values() for arg in ("-p", gen.package)]
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *packages],
        capture_output=True, text=True, timeout=900, env={"MYPYPATH": path, "PATH": "/usr/bin:/bin"}
    )
    assert checked.returncode == 0, checked.stdout[-5000:]


def test_openai_generates_with_located_warnings_and_fails_when_strict(
    generated: dict[str, tuple[Path, Generated]]
) -> None:
    _, gen = generated["openai-openapi"]
    warnings = [d for d in gen.diagnostics if d.level == "warning"]
    duplicated = [d for d in warnings if "more than once" in d.message]
    assert duplicated and all(d.pointer.endswith("/required") for d in duplicated)
    assert all(d.pointer for d in warnings)
    with pytest.raises(SpecError) as failure:
        generate(GenerateOptions(PUBLIC / "openai-openapi.yaml", strict=True))
    assert any("more than once" in d.message for d in failure.value.diagnostics)


def test_a_spec_of_webhooks_only_has_their_models_and_unwrap(
    generated: dict[str, tuple[Path, Generated]]
) -> None:
    """The OpenAPI 3.1 webhook example (no paths): its one webhook's payload is what
    `client.webhooks.parse` (and `unwrap`) returns."""
    folder, gen = generated["oai-v3.1-webhook-example"]
    assert not [d for d in gen.diagnostics if "webhooks" in d.message]
    sys.path.insert(0, str(folder))
    try:
        pkg = importlib.import_module(gen.package)
        client = getattr(pkg, gen.client)(base_url="http://127.0.0.1:9")
        pet = client.webhooks.parse(b'{"id": 1, "name": "Rex"}')
        assert isinstance(pet, pkg.models.Pet) and pet.name == "Rex"
    finally:
        sys.path.remove(str(folder))


def test_openai_stream_events_parse_into_the_right_model(openai: ModuleType) -> None:
    m = openai.models
    events = pydantic.TypeAdapter(list[m.ResponseStreamEvent]).validate_python([
        {"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0,
         "content_index": 0, "delta": "Hel", "sequence_number": 3, "logprobs": []},
        {"type": "response.audio.delta", "sequence_number": 4, "delta": "AAA="},
    ])
    assert [type(e) for e in events] == [m.ResponseTextDeltaEvent, m.ResponseAudioDeltaEvent]
    assert events[0].delta == "Hel"


def test_openai_tools_and_messages_parse_into_the_right_model(openai: ModuleType) -> None:
    m = openai.models
    tools = pydantic.TypeAdapter(list[m.Tool]).validate_python([
        {"type": "function", "name": "get_weather", "parameters": {"type": "object"},
         "strict": True},
        {"type": "web_search", "search_context_size": "high"},
    ])
    assert [type(t) for t in tools] == [m.FunctionTool, m.WebSearchTool]
    messages = pydantic.TypeAdapter(list[m.ChatCompletionRequestMessage]).validate_python([
        {"role": "user", "content": "hi"},
        {"role": "tool", "content": "42", "tool_call_id": "call_1"},
    ])
    assert [type(x) for x in messages] == [m.ChatCompletionRequestUserMessage,
                                           m.ChatCompletionRequestToolMessage]
    with pytest.raises(pydantic.ValidationError):
        # Right model, missing `name`
        pydantic.TypeAdapter(m.Tool).validate_python({"type": "function"})


def test_an_enum_value_added_later_does_not_fail(openai: ModuleType) -> None:
    tool = openai.models.WebSearchTool.model_validate({"type": "web_search",
                                                       "search_context_size": "extreme"})
    assert tool.search_context_size == "extreme"


def test_openai_lists_page_with_after_and_last_id(openai: ModuleType) -> None:
    page = openai.models.ListAssistantsResponse
    assert callable(page.iter_all) and callable(page.has_next_page)


def test_openai_chat_messages_given_as_dicts_go_on_the_wire_as_given(openai: ModuleType) -> None:
    # Sent as given, byte for byte; the same call with models sends the same JSON (its keys in
    # the models' order). tests/test_dict_input_types.py types the call.
    m = openai.models
    with LoopbackServer() as server:
        client = getattr(openai, openai.__all__[0])(api_key="k", base_url=server.url,
                                                     max_retries=0)
        sent = []
        for messages in (
            [{"role": "system", "content": "Be brief."},
             {"role": "user", "content": [{"type": "text", "text": "hi"}]}],
            [m.ChatCompletionRequestSystemMessage(role="system", content="Be brief."),
             m.ChatCompletionRequestUserMessage(role="user", content=[
                 m.ChatCompletionRequestMessageContentPartText(type="text", text="hi")])],
        ):
            server.reply(200, json={"id": "c", "object": "chat.completion", "created": 1,
                                    "model": "gpt-4o", "choices": []})
            client.chat.create_completion(model="gpt-4o", messages=messages)
            sent.append(server.requests[-1].body)
        client.close()
    assert sent[0] == (
        b'{"messages":[{"role":"system","content":"Be brief."},'
        b'{"role":"user","content":[{"type":"text","text":"hi"}]}],"model":"gpt-4o"}'
    )
    assert json.loads(sent[0]) == json.loads(sent[1])
