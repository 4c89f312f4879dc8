"""Choosing a backend from the configuration, and the settings each one needs."""

import pytest

from codescale.llm.config import LLMConfig
from codescale.llm.errors import BackendUnavailable
from codescale.llm.factory import open_generator
from codescale.llm.openai_compat import OpenAIGenerator


def test_openai_needs_a_model_and_a_url() -> None:
    with pytest.raises(BackendUnavailable, match="needs llm.model"):
        open_generator(LLMConfig(backend="openai", base_url="http://localhost:1/v1"))
    with pytest.raises(BackendUnavailable, match="needs llm.base_url"):
        open_generator(LLMConfig(backend="openai", model="m"))


def test_openai_takes_the_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "from-env")
    generator = open_generator(LLMConfig(backend="openai", model="m",
                                         base_url="http://localhost:1/v1/"))
    assert isinstance(generator, OpenAIGenerator)
    assert generator.name == "openai:m" and generator.base_url == "http://localhost:1/v1"
    assert generator._headers == {"Authorization": "Bearer from-env"}


def test_vllm_needs_a_model() -> None:
    with pytest.raises(BackendUnavailable, match="the vllm backend needs llm.model"):
        open_generator(LLMConfig(backend="vllm"))
