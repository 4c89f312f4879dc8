"""The OpenAI-compatible backend against a real llama.cpp server on localhost.

llama-cpp-python's server ignores `n` (one choice per request), so `n` is emulated with
consecutive seeds; it also serves its one model whatever name a request gives, so a wrong
model name cannot fail there (test_openai_logic.py covers the 404 that vLLM and hosted
APIs send).
"""

import pytest

from codescale.llm.errors import EndpointError
from codescale.llm.openai_compat import OpenAIGenerator
from codescale.llm.protocol import ChatMessage, GenerationRequest, SamplingParams
from codescale.ports import free_port
from tests.llm.conftest import SERVER_KEY

pytestmark = pytest.mark.model

PROMPTS = ["Write a Python function add(a, b).", "Write a Python function that squares x.",
           "Write a Python function is_even(n).", "Write a Python function that reverses s."]


def ask(text: str, **params: object) -> GenerationRequest:
    return GenerationRequest(messages=(ChatMessage(role="user", content=text),),
                             params=SamplingParams(**{"max_tokens": 12, **params}))  # type: ignore[arg-type]


def client(url: str, key: str | None = SERVER_KEY, model: str = "qwen") -> OpenAIGenerator:
    return OpenAIGenerator(url, model, key, max_retries=1, timeout_s=120)


def test_completions_come_back_with_token_counts(llama_server: str) -> None:
    [result] = client(llama_server).generate([ask(PROMPTS[0], temperature=0.0)])
    [completion] = result.completions
    assert completion.text.strip() and 0 < completion.completion_tokens <= 12
    assert completion.finish_reason in ("stop", "length")
    assert result.prompt_tokens > 5


def test_n_is_emulated_with_consecutive_seeds(llama_server: str) -> None:
    generator = client(llama_server)
    [result] = generator.generate([ask(PROMPTS[1], temperature=1.0, n=3, seed=11)])
    assert len(result.completions) == 3 and generator.native_n is False
    [single] = generator.generate([ask(PROMPTS[1], temperature=1.0, seed=13)])
    assert single.completions[0].text == result.completions[2].text


def test_a_concurrent_batch_matches_one_by_one(llama_server: str) -> None:
    generator = client(llama_server)
    batch = generator.generate([ask(text, temperature=0.0) for text in PROMPTS])
    alone = [generator.generate([ask(text, temperature=0.0)])[0] for text in PROMPTS]
    assert [r.completions for r in batch] == [r.completions for r in alone]


def test_the_server_ignores_the_model_name(llama_server: str) -> None:
    [result] = client(llama_server, model="no-such-model").generate([ask(PROMPTS[0])])
    assert result.completions[0].text


def test_a_bad_key_is_rejected_clearly(llama_server: str) -> None:
    with pytest.raises(EndpointError, match="rejected the API key \\(HTTP 401\\)"):
        client(llama_server, key="wrong").generate([ask(PROMPTS[0])])
    with pytest.raises(EndpointError, match="rejected the API key"):
        client(llama_server, key=None).generate([ask(PROMPTS[0])])


def test_a_wrong_path_is_named(llama_server: str) -> None:
    with pytest.raises(EndpointError, match="no chat completions API .*ends in /v1"):
        client(llama_server.removesuffix("/v1")).generate([ask(PROMPTS[0])])


def test_an_unreachable_url_is_named() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(EndpointError, match=f"cannot reach {url}"):
        client(url).generate([ask(PROMPTS[0])])
