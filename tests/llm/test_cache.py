"""The completion cache: hits, misses, replay, interrupted runs and key sensitivity.

The inner generator here is a deterministic double: the cache's logic does not depend on
how text is produced (tests/llm/test_llamacpp.py replays real model output).
"""

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from codescale.llm.backend import Backend, ResultSink
from codescale.llm.cache import CachedGenerator, ChargedReplays, cache_key
from codescale.llm.protocol import (
    ChatMessage,
    Completion,
    GenerationRequest,
    GenerationResult,
    SamplingParams,
)
from codescale.llm.usage import result_cost
from codescale.models import Cost


class Echo(Backend):
    """Answers each request with text derived from it; can fail after `fail_after` results."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.batches: list[list[GenerationRequest]] = []
        self.fail_after = fail_after

    @property
    def name(self) -> str:
        return "echo:test"

    def generate_each(self, requests: Sequence[GenerationRequest], on_result: ResultSink) -> None:
        self.batches.append(list(requests))
        for index, request in enumerate(requests):
            if self.fail_after is not None and index == self.fail_after:
                raise KeyboardInterrupt
            text = f"{request.messages[-1].content} é\n\t{request.params.seed}"
            on_result(index, GenerationResult(
                completions=tuple(Completion(text=f"{text}#{k}", finish_reason="stop",
                                             completion_tokens=3)
                                  for k in range(request.params.n)),
                prompt_tokens=11))


def texts(result: GenerationResult) -> list[str]:
    return [c.text for c in result.completions]


def ask(text: str, **params: object) -> GenerationRequest:
    return GenerationRequest(messages=(ChatMessage(role="user", content=text),),
                             params=SamplingParams(**params))  # type: ignore[arg-type]


def test_only_misses_reach_the_backend_as_one_batch(tmp_path: Path) -> None:
    inner = Echo()
    cache = CachedGenerator(inner, tmp_path / "cache.sqlite")
    first = cache.generate([ask("a"), ask("b")])
    assert not any(result.cached for result in first)
    second = cache.generate([ask("a"), ask("c"), ask("b"), ask("d")])
    assert [result.cached for result in second] == [True, False, True, False]
    assert inner.batches[1] == [ask("c"), ask("d")]
    assert texts(second[0]) == texts(first[0])
    assert all(c.cached for c in second[0].completions)
    assert second[3].completions[0].text.startswith("d")


def test_a_batch_of_hits_calls_nothing(tmp_path: Path) -> None:
    inner = Echo()
    cache = CachedGenerator(inner, tmp_path / "cache.sqlite")
    cache.generate([ask("a", n=3)])
    assert cache.generate([ask("a", n=3)])[0].cached
    assert len(inner.batches) == 1


def test_replay_after_reopening_is_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    first = CachedGenerator(Echo(), path)
    fresh = first.generate([ask("x\u2028y \U0001f600\r\n", n=2, seed=5)])
    first.close()
    replayed = CachedGenerator(Echo(), path).generate([ask("x\u2028y \U0001f600\r\n", n=2, seed=5)])
    assert replayed[0].cached
    assert [c.text.encode() for c in replayed[0].completions] == \
        [c.text.encode() for c in fresh[0].completions]
    assert replayed[0].prompt_tokens == fresh[0].prompt_tokens
    assert [c.model_copy(update={"cached": False}) for c in replayed[0].completions] == \
        list(fresh[0].completions)


def test_an_interrupted_batch_keeps_what_was_generated(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    requests = [ask(text) for text in "abcde"]
    with pytest.raises(KeyboardInterrupt):
        CachedGenerator(Echo(fail_after=3), path).generate(requests)
    inner = Echo()
    results = CachedGenerator(inner, path).generate(requests)
    assert [result.cached for result in results] == [True, True, True, False, False]
    assert inner.batches == [requests[3:]]


def test_a_generator_without_incremental_results_is_cached_too(tmp_path: Path) -> None:
    class Plain:
        name = "plain:test"

        def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
            return Echo().generate(requests)

    cache = CachedGenerator(Plain(), tmp_path / "cache.sqlite")
    cache.generate([ask("a")])
    assert cache.generate([ask("a")])[0].cached


BASE = ask("hello", n=2, temperature=0.5, top_p=0.9, max_tokens=64, stop=("\n\n",), seed=1)


@pytest.mark.parametrize("changed", [
    GenerationRequest(messages=(ChatMessage(role="user", content="hello!"),), params=BASE.params),
    GenerationRequest(messages=(ChatMessage(role="system", content="hello"),), params=BASE.params),
    GenerationRequest(messages=(ChatMessage(role="system", content="be brief"),
                                *BASE.messages), params=BASE.params),
    *(BASE.model_copy(update={"params": BASE.params.model_copy(update={field: value})})
      for field, value in [("n", 3), ("temperature", 0.6), ("top_p", 0.8), ("max_tokens", 65),
                           ("stop", ("\n",)), ("seed", 2), ("seed", None)]),
], ids=["content", "role", "extra message", "n", "temperature", "top_p", "max_tokens", "stop",
        "seed", "no seed"])
def test_every_field_changes_the_key(changed: GenerationRequest) -> None:
    assert cache_key("m", changed) != cache_key("m", BASE)


def test_the_generator_name_changes_the_key_and_equal_requests_share_one() -> None:
    assert cache_key("llamacpp:a", BASE) != cache_key("llamacpp:b", BASE)
    assert cache_key("m", BASE) == cache_key("m", BASE.model_copy(deep=True))


def test_seed_none_has_a_fixed_key_so_a_rerun_replays(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    first = CachedGenerator(Echo(), path).generate([ask("a")])
    again = CachedGenerator(Echo(), path).generate([ask("a")])
    assert again[0].cached and texts(again[0]) == texts(first[0])


def test_a_larger_request_draws_only_the_samples_not_drawn_yet(tmp_path: Path) -> None:
    inner = Echo()
    cache = CachedGenerator(inner, tmp_path / "cache.sqlite")
    first = cache.generate([ask("a", n=2, seed=0)])[0]
    [more] = cache.generate([ask("a", n=4, seed=0)])
    assert inner.batches[1] == [ask("a", n=2, seed=2)]
    assert texts(more)[:2] == texts(first)
    assert [c.cached for c in more.completions] == [True, True, False, False]
    assert not more.cached
    assert result_cost(more) == Cost(prompt_tokens=11, completion_tokens=6, llm_calls=1)


def test_samples_drawn_in_waves_are_the_samples_of_one_request(tmp_path: Path) -> None:
    inner = Echo()
    cache = CachedGenerator(inner, tmp_path / "cache.sqlite")
    [whole] = cache.generate([ask("a", n=4, seed=7)])
    waves = cache.generate([ask("a", n=2, seed=7), ask("a", n=2, seed=9)])
    assert len(inner.batches) == 1 and all(wave.cached for wave in waves)
    assert texts(waves[0]) + texts(waves[1]) == texts(whole)
    assert result_cost(waves[0]) == Cost()


def test_missing_samples_go_out_as_runs_of_consecutive_seeds(tmp_path: Path) -> None:
    inner = Echo()
    cache = CachedGenerator(inner, tmp_path / "cache.sqlite")
    cache.generate([ask("a", n=1, seed=1), ask("a", n=1, seed=4)])
    [result] = cache.generate([ask("a", n=6, seed=0)])
    assert inner.batches[1] == [ask("a", n=1, seed=0), ask("a", n=2, seed=2),
                                ask("a", n=1, seed=5)]
    assert [c.text.split("\t")[1] for c in result.completions] == \
        ["0#0", "1#0", "2#0", "2#1", "4#0", "5#0"]  # Echo: request seed # k


def test_a_cache_written_with_whole_request_keys_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    request = ask("a", n=3, seed=0)
    old = Echo().generate([request])[0]
    database = sqlite3.connect(path)
    database.execute("CREATE TABLE completions (key TEXT PRIMARY KEY, generator TEXT NOT NULL, "
                     "result TEXT NOT NULL)")
    database.execute("INSERT INTO completions VALUES (?, ?, ?)",
                     (cache_key("echo:test", request), "echo:test", old.model_dump_json()))
    database.commit()
    inner = Echo()
    [replayed] = CachedGenerator(inner, path).generate([request])
    assert replayed.cached and texts(replayed) == texts(old) and inner.batches == []


def test_charged_replays_cost_what_generating_them_did(tmp_path: Path) -> None:
    cache = CachedGenerator(Echo(), tmp_path / "cache.sqlite")
    [fresh] = cache.generate([ask("a", n=2, seed=0)])
    [replayed] = ChargedReplays(cache).generate([ask("a", n=2, seed=0)])
    assert texts(replayed) == texts(fresh)
    assert result_cost(replayed) == result_cost(fresh) == Cost(prompt_tokens=11,
                                                               completion_tokens=6, llm_calls=1)
    assert result_cost(cache.generate([ask("a", n=2, seed=0)])[0]) == Cost()
