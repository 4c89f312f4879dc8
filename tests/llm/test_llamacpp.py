"""The embedded llama.cpp backend with the shipped Qwen2.5-Coder-0.5B model, for real."""

from pathlib import Path

import pytest

from codescale.llm.backends.llamacpp import LlamaCppConfig
from codescale.llm.cache import CachedGenerator
from codescale.llm.errors import ModelFileError
from codescale.llm.llamacpp import LlamaCppGenerator
from codescale.llm.llamacpp_engine import prefix_sharing_off
from codescale.llm.protocol import ChatMessage, GenerationRequest, SamplingParams

pytestmark = pytest.mark.model

ADD = "Write a Python function add(a, b) that returns the sum."
REVERSE = "Write a Python function that reverses a string."


def ask(text: str, **params: object) -> GenerationRequest:
    return GenerationRequest(messages=(ChatMessage(role="system", content="You write Python."),
                                       ChatMessage(role="user", content=text)),
                             params=SamplingParams(**{"max_tokens": 16, **params}))  # type: ignore[arg-type]


def texts(generator: LlamaCppGenerator, request: GenerationRequest) -> list[str]:
    [result] = generator.generate([request])
    return [completion.text for completion in result.completions]


def test_greedy_completions_are_real_text_with_counts(llamacpp: LlamaCppGenerator) -> None:
    [result] = llamacpp.generate([ask(ADD, temperature=0.0, n=2)])
    first, second = result.completions
    assert first.text == second.text and first.text.strip()
    assert 0 < first.completion_tokens <= 16
    assert first.finish_reason in ("stop", "length")
    assert result.prompt_tokens > 10 and not result.cached


def test_samples_use_consecutive_seeds(llamacpp: LlamaCppGenerator) -> None:
    three = texts(llamacpp, ask(ADD, temperature=1.0, n=3, seed=40))
    assert texts(llamacpp, ask(ADD, temperature=1.0, n=1, seed=41)) == three[1:2]
    assert texts(llamacpp, ask(ADD, temperature=1.0, n=3, seed=40)) == three
    assert len(set(three)) > 1


def test_unseeded_samples_differ(llamacpp: LlamaCppGenerator) -> None:
    assert len(set(texts(llamacpp, ask(ADD, temperature=1.0, n=4, max_tokens=24)))) > 1


def test_max_tokens_cuts_with_length(llamacpp: LlamaCppGenerator) -> None:
    [result] = llamacpp.generate([ask(REVERSE, temperature=0.0, max_tokens=4)])
    assert result.completions[0].completion_tokens == 4
    assert result.completions[0].finish_reason == "length"


def test_stop_sequences_end_the_text(llamacpp: LlamaCppGenerator) -> None:
    [result] = llamacpp.generate([ask(ADD, temperature=0.0, max_tokens=32, stop=("\n",))])
    assert "\n" not in result.completions[0].text
    assert result.completions[0].finish_reason == "stop"


def test_a_batch_keeps_its_order(llamacpp: LlamaCppGenerator) -> None:
    alone = [texts(llamacpp, ask(text, temperature=0.0)) for text in (ADD, REVERSE)]
    batch = llamacpp.generate([ask(ADD, temperature=0.0), ask(REVERSE, temperature=0.0)])
    assert [[c.text for c in result.completions] for result in batch] == alone
    assert batch[0].prompt_tokens < batch[1].prompt_tokens + 5


STATEMENT = ("You are given an array of n integers a_1, ..., a_n and q queries. Each query "
             "gives two indices l and r; print the sum of a_l, ..., a_r. The first line holds "
             "n and q (1 <= n, q <= 200000), the second line the array (|a_i| <= 10^9), then "
             "q lines with l and r (1 <= l <= r <= n). Print one line per query.")


def test_prompts_that_share_a_statement_evaluate_it_once(llamacpp: LlamaCppGenerator) -> None:
    first = ask(f"{STATEMENT}\n\nIn one line: what does the first line hold?", temperature=0.0)
    second = ask(f"{STATEMENT}\n\nIn one line: what does each query print?", temperature=0.0)
    alone = [texts(llamacpp, request) for request in (first, second)]
    before = llamacpp.evaluated_prompt_tokens
    batch = llamacpp.generate([first, second])
    evaluated = llamacpp.evaluated_prompt_tokens - before
    assert [[c.text for c in result.completions] for result in batch] == alone
    assert evaluated < batch[1].prompt_tokens + 20  # the second prompt's statement was shared
    with prefix_sharing_off():
        before = llamacpp.evaluated_prompt_tokens
        unshared = llamacpp.generate([first, second])
    assert llamacpp.evaluated_prompt_tokens - before == sum(r.prompt_tokens for r in unshared)
    assert [[c.text for c in result.completions] for result in unshared] == alone


def test_a_shared_prefix_counts_once_when_prompts_are_packed(embedded_gguf: Path) -> None:
    # two ~300-token prompts, 16 tokens each to decode, in 512 KV cells: they fit one group
    # (and share the statement) only because the common prefix is counted once
    small = LlamaCppGenerator(embedded_gguf, n_ctx=512, n_threads=2, parallel=4)
    long = f"{STATEMENT}\n\n{STATEMENT}\n\n{STATEMENT}"
    requests = [ask(f"{long}\n\nWhat is n?", temperature=0.0),
                ask(f"{long}\n\nWhat is q?", temperature=0.0)]
    results = small.generate(requests)
    assert results[0].prompt_tokens + results[1].prompt_tokens > 512
    assert small.evaluated_prompt_tokens < results[0].prompt_tokens + 20


def test_cache_replays_real_text_byte_for_byte(llamacpp: LlamaCppGenerator,
                                               tmp_path: Path) -> None:
    request = ask(REVERSE, temperature=1.0, n=2, seed=3)
    fresh = CachedGenerator(llamacpp, tmp_path / "c.sqlite").generate([request])
    replayed = CachedGenerator(llamacpp, tmp_path / "c.sqlite").generate([request])
    assert replayed[0].cached
    assert [c.text.encode() for c in replayed[0].completions] == \
        [c.text.encode() for c in fresh[0].completions]


def test_a_missing_gguf_is_named(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="GGUF file not found: .*nothing.gguf"):
        LlamaCppGenerator(tmp_path / "nothing.gguf")


def test_a_file_that_is_not_gguf_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.gguf"
    path.write_text("not a model\n" * 100)
    with pytest.raises(ModelFileError, match="cannot load .*notes.gguf as a GGUF model"):
        LlamaCppGenerator(path)


def test_the_factory_loads_a_gguf_path_under_its_file_name(embedded_gguf: Path) -> None:
    generator = LlamaCppConfig(gguf_path=embedded_gguf, n_ctx=512).open()
    assert generator.name == f"llamacpp:{embedded_gguf.stem}"
    assert generator.generate([ask(ADD, max_tokens=2)])[0].completions[0].completion_tokens > 0
