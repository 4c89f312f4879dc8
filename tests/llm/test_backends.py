"""Choosing a backend from the `[llm]` table: each backend's own settings, and what it needs."""

import pytest
from pydantic import TypeAdapter, ValidationError

from codescale.config import Config
from codescale.llm.backends.llamacpp import LlamaCppConfig
from codescale.llm.backends.openai import OpenAIConfig
from codescale.llm.backends.vllm import VLLMConfig
from codescale.llm.config import LLMConfig
from codescale.llm.errors import BackendUnavailable
from codescale.llm.openai_compat import OpenAIGenerator
from codescale.llm.registry import GeneratorConfig, backends

TABLE: TypeAdapter[GeneratorConfig] = TypeAdapter(LLMConfig)


def test_every_builtin_backend_is_registered_and_the_table_picks_by_name() -> None:
    assert {"llamacpp", "openai", "vllm"} <= set(backends())
    assert isinstance(TABLE.validate_python({}), LlamaCppConfig)  # the embedded default
    assert isinstance(TABLE.validate_python({"backend": "openai", "model": "m"}), OpenAIConfig)
    assert isinstance(Config.model_validate({"llm": {"backend": "vllm", "model": "m"}}).llm,
                      VLLMConfig)


def test_settings_of_another_backend_are_rejected_naming_it() -> None:
    with pytest.raises(ValidationError, match="llamacpp.base_url"):
        TABLE.validate_python({"base_url": "http://localhost:1/v1"})
    with pytest.raises(ValidationError, match="vllm.n_ctx"):
        TABLE.validate_python({"backend": "vllm", "model": "m", "n_ctx": 512})
    with pytest.raises(ValidationError, match="'llamacpp', 'openai', 'vllm'"):
        TABLE.validate_python({"backend": "nope"})


def test_openai_needs_a_model_and_a_url() -> None:
    with pytest.raises(BackendUnavailable, match="needs llm.model"):
        OpenAIConfig(base_url="http://localhost:1/v1").open()
    with pytest.raises(BackendUnavailable, match="needs llm.base_url"):
        OpenAIConfig(model="m").open()


def test_openai_takes_the_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "from-env")
    generator = OpenAIConfig(model="m", base_url="http://localhost:1/v1/").open()
    assert isinstance(generator, OpenAIGenerator)
    assert generator.name == "openai:m" and generator.base_url == "http://localhost:1/v1"
    assert generator._headers == {"Authorization": "Bearer from-env"}


def test_vllm_needs_a_model() -> None:
    with pytest.raises(BackendUnavailable, match="the vllm backend needs llm.model"):
        VLLMConfig().open()
