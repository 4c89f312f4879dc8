"""A token budget spent by estimate: what one more request for a problem would cost, and which
of the wanted requests the generation allowance still covers.

Costs come from the problem's own sampling so far: its prompt tokens per character (the
chat template included) and its completion tokens per sample. A request is costed as its
whole prompt plus its samples, so a revision pays for the program and failure report it
quotes and a short last wave still pays a full prompt.
"""

from collections.abc import Sequence
from typing import TypeVar

from codescale.llm.protocol import GenerationRequest
from codescale.models import Frozen, Stage, Step
from codescale.scaling.costs import Totals, totals
from codescale.scaling.pool import ProblemPool
from codescale.scaling.prompts import sample_messages
from codescale.scaling.runner import Runner

T = TypeVar("T")

CHARS_PER_TOKEN = 3.0
"""The prompt estimate before a problem has paid for a prompt (a little above what code and
English text usually take, so that a first estimate errs on the expensive side)."""


class TokenRates(Frozen):
    """What a problem's requests cost, as measured on its sampling so far."""

    prompt_per_char: float
    completion_per_sample: float

    def cost(self, request: GenerationRequest) -> float:
        """Estimated tokens of a request: its prompt once, then each sample it asks for."""
        chars = sum(len(message.content) for message in request.messages)
        return chars * self.prompt_per_char + request.params.n * self.completion_per_sample


def drawn(pool: ProblemPool) -> int:
    """Samples with code drawn for the problem so far."""
    return sum(e.copies for e in pool.sampled())


def token_rates(pool: ProblemPool, summed: Totals, max_tokens: int) -> TokenRates:
    """The problem's rates: completion tokens per sample over its samples with code (served
    from a cache or not: each candidate keeps its count), prompt tokens per character from
    its paid sampling calls. Before any sample, a full `max_tokens`; before any paid call,
    `CHARS_PER_TOKEN`."""
    sampled = pool.sampled()
    samples = drawn(pool)
    completion = (sum(e.candidate.completion_tokens * e.copies for e in sampled) / samples
                  if samples else float(max_tokens))
    cost = summed.get((pool.problem.id, Step(stage=Stage.SAMPLE)))
    if cost is None or not cost.llm_calls:
        return TokenRates(prompt_per_char=1 / CHARS_PER_TOKEN, completion_per_sample=completion)
    prompt_chars = sum(len(message.content) for message in sample_messages(pool.problem))
    return TokenRates(prompt_per_char=cost.prompt_tokens / cost.llm_calls / max(prompt_chars, 1),
                      completion_per_sample=completion)


GENERATION = frozenset({Stage.SAMPLE, Stage.DEBUG})
"""The stages the allowance pays for; input synthesis and adjudication spend the reserve."""


def generation_allowance(runner: Runner, cap: int, summed: Totals) -> int:
    """Tokens sampling and debugging may still spend of a token budget `cap` under the
    adaptive policy: up to `1 - reserve` of it in all, what selection spends coming out of
    the reserve (inputs are proposed while waves go on), and never past the cap."""
    spent = runner.budget.total()
    generated = sum(cost.prompt_tokens + cost.completion_tokens
                    for (_, step), cost in summed.items() if step.stage in GENERATION)
    limit = int(cap * (1 - runner.config.adaptive.reserve)) - generated
    return max(min(limit, cap - spent.prompt_tokens - spent.completion_tokens), 0)


def affordable(runner: Runner, wanted: Sequence[tuple[T, ProblemPool, Sequence[GenerationRequest]]]
               ) -> list[T]:
    """The items, in the order given, whose requests (costed by their problem's rates) still
    fit the allowance (all of them without a token budget). Leaving some out stops nothing
    else: input synthesis and adjudication still spend the reserve."""
    cap = runner.config.budget.tokens
    if cap is None:
        return [item for item, _, _ in wanted]
    summed, rates = totals(runner.store.spending()), dict[str, TokenRates]()
    allowance, kept = float(generation_allowance(runner, cap, summed)), []
    for item, pool, requests in wanted:
        if pool.problem.id not in rates:
            rates[pool.problem.id] = token_rates(pool, summed, runner.config.max_tokens)
        cost = sum(rates[pool.problem.id].cost(request) for request in requests)
        if cost <= allowance:
            kept.append(item)
            allowance -= cost
    return kept
