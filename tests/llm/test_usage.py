"""Cost accounting of generation results."""

from codescale.llm.protocol import Completion, GenerationResult
from codescale.llm.usage import batch_cost, result_cost
from codescale.models import Cost


def result(completion_tokens: list[int], prompt_tokens: int, cached: bool = False
           ) -> GenerationResult:
    return GenerationResult(completions=tuple(Completion(text="x", finish_reason="stop",
                                                         completion_tokens=count)
                                              for count in completion_tokens),
                            prompt_tokens=prompt_tokens, cached=cached)


def test_a_fresh_result_costs_its_prompt_once_and_every_completion() -> None:
    assert result_cost(result([5, 7, 9], 40)) == Cost(prompt_tokens=40, completion_tokens=21,
                                                      llm_calls=1)


def test_a_cached_result_costs_nothing() -> None:
    assert result_cost(result([5, 7], 40, cached=True)) == Cost()


def test_a_batch_sums_its_results() -> None:
    cost = batch_cost([result([1, 2], 10), result([3], 20, cached=True), result([4], 30)])
    assert cost == Cost(prompt_tokens=40, completion_tokens=7, llm_calls=2)
