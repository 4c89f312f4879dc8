"""What generation cost, as `models.Cost`: tokens and calls; cached results are free."""

from collections.abc import Iterable

from codescale.llm.protocol import GenerationResult
from codescale.models import Cost


def result_cost(result: GenerationResult) -> Cost:
    """Tokens and calls of one request: the prompt once, every completion, one call."""
    if result.cached:
        return Cost()
    return Cost(prompt_tokens=result.prompt_tokens,
                completion_tokens=sum(c.completion_tokens for c in result.completions),
                llm_calls=1)


def batch_cost(results: Iterable[GenerationResult]) -> Cost:
    """The summed cost of several results."""
    return sum((result_cost(result) for result in results), Cost())
