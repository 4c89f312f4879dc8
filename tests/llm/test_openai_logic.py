"""The OpenAI-compatible client's retry, error and `n` logic against a scripted local server.

The same client is tested against a real llama.cpp server in test_openai_server.py.
"""

from typing import Any

import pytest

from codescale.llm.errors import EndpointError
from codescale.llm.openai_compat import OpenAIGenerator
from codescale.llm.protocol import ChatMessage, GenerationRequest, SamplingParams
from tests.llm.scripted_server import Reply, chat_reply, scripted_server


def ask(n: int = 1, seed: int | None = 7, text: str = "hi") -> GenerationRequest:
    return GenerationRequest(messages=(ChatMessage(role="user", content=text),),
                             params=SamplingParams(n=n, seed=seed, max_tokens=8))


def client(url: str, **options: Any) -> OpenAIGenerator:
    return OpenAIGenerator(url, "test-model", **{"backoff_s": 0.01, "max_retries": 3, **options})


def test_503_then_200_is_retried() -> None:
    with scripted_server(lambda body, call: (503, {"error": "busy"}, {}) if call == 1
                         else chat_reply(["ok"])) as (url, script):
        [result] = client(url).generate([ask()])
    assert [c.text for c in result.completions] == ["ok"]
    assert len(script.received) == 2


def test_429_honours_retry_after() -> None:
    with scripted_server(lambda body, call: (429, {"error": "slow down"}, {"Retry-After": "0"})
                         if call < 3 else chat_reply(["ok"])) as (url, script):
        [result] = client(url).generate([ask()])
    assert result.completions[0].text == "ok" and len(script.received) == 3


def test_persistent_5xx_fails_after_the_retries() -> None:
    with scripted_server(lambda body, call: (500, {"error": {"message": "engine died"}}, {})
                         ) as (url, script), \
            pytest.raises(EndpointError, match="answered HTTP 500: engine died"):
        client(url, max_retries=2).generate([ask()])
    assert len(script.received) == 3


def test_a_slow_server_times_out_with_a_clear_error() -> None:
    with scripted_server(lambda body, call: chat_reply(["late"]), delay_s=0.5) as (url, _), \
            pytest.raises(EndpointError, match="no answer within 0.1s after 2 attempts"):
        client(url, timeout_s=0.1, max_retries=1).generate([ask()])


@pytest.mark.parametrize("status, message, expected", [
    (401, "Invalid API Key", "rejected the API key \\(HTTP 401\\): Invalid API Key"),
    (404, "The model `test-model` does not exist.", "model 'test-model' is not served at"),
    (404, "Not Found", "no chat completions API at .*/chat/completions"),
    (400, "max_tokens is too large", "answered HTTP 400: max_tokens is too large"),
])
def test_errors_that_retrying_cannot_fix_fail_at_once(status: int, message: str,
                                                      expected: str) -> None:
    with scripted_server(lambda body, call: (status, {"error": {"message": message}}, {})
                         ) as (url, script), \
            pytest.raises(EndpointError, match=expected):
        client(url).generate([ask()])
    assert len(script.received) == 1


def test_a_non_json_answer_is_named() -> None:
    with scripted_server(lambda body, call: (200, "<html>hello</html>", {})) as (url, _), \
            pytest.raises(EndpointError, match="did not answer with JSON"):
        client(url).generate([ask()])


def test_native_n_is_one_request_and_tokens_add_up() -> None:
    with scripted_server(lambda body, call: chat_reply(["a" * body["n"] * k for k in (1, 2, 3)],
                                                       completion_tokens=30)) as (url, script):
        generator = client(url)
        [result] = generator.generate([ask(n=3)])
    assert len(script.received) == 1 and script.received[0]["n"] == 3
    assert generator.native_n is True
    assert [c.completion_tokens for c in result.completions] == [5, 10, 15]
    assert result.prompt_tokens == 9


def refuse_n(body: dict[str, Any], call: int) -> Reply:
    if body["n"] > 1:
        return 400, {"error": {"message": "n must be 1"}}, {}
    return chat_reply([f"seed {body.get('seed')}"])


def test_a_refused_n_is_emulated_with_consecutive_seeds_and_remembered() -> None:
    with scripted_server(refuse_n) as (url, script):
        generator = client(url)
        [first] = generator.generate([ask(n=3, seed=7)])
        [second] = generator.generate([ask(n=2, seed=20)])
    assert [c.text for c in first.completions] == ["seed 7", "seed 8", "seed 9"]
    assert [c.text for c in second.completions] == ["seed 20", "seed 21"]
    assert generator.native_n is False
    assert [body["n"] for body in script.received] == [3, 1, 1, 1, 1, 1]


def test_fewer_choices_than_n_are_topped_up_with_the_next_seeds() -> None:
    with scripted_server(lambda body, call: chat_reply([f"seed {body['seed']}"])
                         ) as (url, script):
        [result] = client(url).generate([ask(n=3, seed=4)])
    assert [c.text for c in result.completions] == ["seed 4", "seed 5", "seed 6"]
    assert script.received[0]["seed"] == 4
    assert sorted(body["seed"] for body in script.received[1:]) == [5, 6]


def test_without_a_seed_emulated_samples_send_none() -> None:
    with scripted_server(refuse_n) as (url, script):
        [result] = client(url).generate([ask(n=2, seed=None)])
    assert len(result.completions) == 2
    assert all("seed" not in body for body in script.received)


def test_a_batch_keeps_its_order_and_respects_the_concurrency_cap() -> None:
    with scripted_server(lambda body, call: chat_reply([body["messages"][0]["content"]]),
                         delay_s=0.05) as (url, script):
        results = client(url, max_concurrency=2).generate([ask(text=str(i)) for i in range(8)])
    assert [r.completions[0].text for r in results] == [str(i) for i in range(8)]
    assert script.max_in_flight == 2


def test_an_unreachable_endpoint_is_named() -> None:
    with scripted_server(lambda body, call: chat_reply(["x"])) as (url, _):
        pass  # the port is closed again once the server is shut down
    with pytest.raises(EndpointError, match=f"cannot reach {url}"):
        client(url).generate([ask()])
