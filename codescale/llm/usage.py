"""What generation cost, as `models.Cost`: tokens and calls; cached completions are free."""

from collections.abc import Iterable

from codescale.llm.protocol import GenerationResult
from codescale.models import Cost


def result_cost(result: GenerationResult) -> Cost:
    """Tokens and calls of one request: the prompt once, every completion the model wrote,
    one call; nothing when the cache served every completion."""
    fresh = [c for c in result.completions if not c.cached]
    if result.cached or (result.completions and not fresh):
        return Cost()
    return Cost(prompt_tokens=result.prompt_tokens,
                completion_tokens=sum(c.completion_tokens for c in fresh), llm_calls=1)


def batch_cost(results: Iterable[GenerationResult]) -> Cost:
    """The summed cost of several results."""
    return sum((result_cost(result) for result in results), Cost())
