"""Adaptive sampling: waves of samples per problem until its answer is settled, a token
budget spent where more samples can still change an answer.

A problem is settled when the largest behaviour cluster of its public-test passers (grouped
on fuzzed inputs, no LLM needed) holds `margin` more samples than any other: the sequential
test of which of two answers is likelier stops when one leads by a fixed count (Wald's SPRT),
and Adaptive-Consistency stops sampling on the same kind of agreement. Each wave goes out as
one batch over every open problem. With a token budget (`budget.tokens`), waves stop at
`1 - reserve` of it (every problem gets its first wave), and when not every open problem
fits, the ones whose answer is most likely to change get theirs first: problems with passers
that disagree, then problems whose best program passes some public tests, then the rest
(fewest samples first within each).
"""

from collections.abc import Sequence
from typing import TypeVar

from codescale.models import Stage, Step
from codescale.scaling.cluster import clusters
from codescale.scaling.config import ScalingConfig
from codescale.scaling.costs import Totals, totals
from codescale.scaling.pool import ProblemPool
from codescale.scaling.public import run_public
from codescale.scaling.runner import Runner
from codescale.scaling.sample import sample_batch
from codescale.scaling.synthesize import fuzz_survivors
from codescale.store import RunStore

T = TypeVar("T")


def wave_step(problem_id: str, wave: int) -> str:
    """The store key of a problem's wave (wave 0 is the key fixed sampling uses)."""
    return f"sample:{problem_id}" if wave == 0 else f"sample:{problem_id}:{wave}"


def recorded_waves(store: RunStore, problem_id: str) -> list[list[str]]:
    """The landed candidate ids of each recorded wave of a problem (a fixed-`n` run: one)."""
    waves: list[list[str]] = []
    while (landed := store.step(wave_step(problem_id, len(waves)))) is not None:
        waves.append(landed)
    return waves


def samples_requested(waves: int, config: ScalingConfig) -> int:
    """How many samples a run asked for on a problem it drew `waves` waves for."""
    if not waves:
        return 0
    return min(config.n, waves * config.adaptive.wave) if config.adaptive.enabled else config.n


def settled(pool: ProblemPool, margin: int) -> bool:
    """True when the leading behaviour cluster of public-test passers holds `margin` more
    samples than the runner-up (a lone cluster leads by its size)."""
    found = clusters(pool)
    if not found:
        return False
    runner_up = found[1].size if len(found) > 1 else 0
    return found[0].size - runner_up >= margin


def progress_rank(pool: ProblemPool) -> int:
    """How close a problem is to an answer: 0 with public-test passers, 1 when some program
    passes a public test, 2 otherwise. Lower ranks are served first."""
    if pool.survivors():
        return 0
    return 1 if any(pool.public_passed(e.candidate.id) for e in pool.entries) else 2


def generation_allowance(runner: Runner) -> int | None:
    """Tokens sampling and debugging may still spend under the adaptive policy (None:
    no token budget), leaving `reserve` of the budget to selection."""
    cap = runner.config.budget.tokens
    if cap is None:
        return None
    spent = runner.budget.total()
    limit = int(cap * (1 - runner.config.adaptive.reserve))
    return max(limit - spent.prompt_tokens - spent.completion_tokens, 0)


def _drawn(pool: ProblemPool) -> int:
    """Samples with code drawn for the problem so far."""
    return sum(e.copies for e in pool.sampled())


def tokens_per_sample(pool: ProblemPool, summed: Totals, default: int) -> float:
    """The problem's sampling tokens (prompt included) per sample drawn so far (`default`
    before any)."""
    drawn = _drawn(pool)
    cost = summed.get((pool.problem.id, Step(stage=Stage.SAMPLE)))
    if not drawn or cost is None:
        return float(default)
    return (cost.prompt_tokens + cost.completion_tokens) / drawn


def affordable(runner: Runner, costed: Sequence[tuple[T, float]]) -> list[T]:
    """The items, in the order given, whose estimated token cost still fits the allowance
    (all of them without a token budget). Leaving some out stops nothing else: input
    synthesis and adjudication still spend the reserve."""
    allowance = generation_allowance(runner)
    if allowance is None:
        return [item for item, _ in costed]
    kept = []
    for item, cost in costed:
        if cost <= allowance:
            kept.append(item)
            allowance -= int(cost)
    return kept


def _granted(runner: Runner, wishes: list[tuple[ProblemPool, int]], waves: dict[str, int]
             ) -> list[tuple[ProblemPool, int]]:
    """The `(pool, samples)` wishes to send: every first wave, then what the token allowance
    covers, most promising first."""
    first = [(pool, count) for pool, count in wishes if not waves[pool.problem.id]]
    if first:
        return first
    summed = totals(runner.store.spending())
    ranked = sorted(wishes, key=lambda wish: (progress_rank(wish[0]), _drawn(wish[0])))
    return affordable(runner, [((pool, count), count * tokens_per_sample(
        pool, summed, runner.config.max_tokens)) for pool, count in ranked])


def _wishes(runner: Runner, pools: list[ProblemPool], waves: dict[str, int]
            ) -> list[tuple[ProblemPool, int]]:
    """`(pool, samples)` for each open problem: not settled and under `n` samples."""
    config = runner.config
    wishes = []
    for pool in pools:
        first = waves[pool.problem.id] * config.adaptive.wave
        if first < config.n and not settled(pool, config.adaptive.margin):
            wishes.append((pool, min(config.adaptive.wave, config.n - first)))
    return wishes


def sample_in_waves(runner: Runner, pools: list[ProblemPool]) -> None:
    """Sample every problem in waves until each is settled or has `n` samples (or the budget
    ends); a rerun replays the recorded waves and continues from there."""
    size = runner.config.adaptive.wave
    waves = {pool.problem.id: len(recorded_waves(runner.store, pool.problem.id))
             for pool in pools}
    active = pools
    while active:
        run_public(runner, active)
        fuzz_survivors(runner, [pool for pool in active if len(pool.survivors()) > 1])
        wishes = _wishes(runner, active, waves)
        stop = not wishes or runner.budget.exhausted()
        granted = [] if stop else _granted(runner, wishes, waves)
        sample_batch(runner, [(pool, waves[pool.problem.id] * size, count,
                               wave_step(pool.problem.id, waves[pool.problem.id]))
                              for pool, count in granted])
        active = [pool for pool, _ in granted
                  if runner.store.step(wave_step(pool.problem.id, waves[pool.problem.id]))
                  is not None]
        for pool in active:
            waves[pool.problem.id] += 1
