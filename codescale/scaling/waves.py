"""Adaptive sampling: waves of samples per problem until its answer is settled, a token
budget spent where more samples can still change an answer.

Each wave doubles a problem's samples (`wave`, then 2 x, 4 x ... up to `n`), so a problem
pays a prompt per doubling rather than per few samples, and its pool after each wave is the
pool a fixed run of that size draws. A problem is settled when its public-test passers
(grouped into behaviour clusters on the distinguishing inputs selection uses: proposed once,
when a problem first has two passers, so asking early costs nothing extra) all behave alike,
or their largest cluster holds `margin` more samples than any other: the sequential test of
which of two answers is likelier stops when one leads by a fixed count (Wald's SPRT), and
Adaptive-Consistency stops sampling on the same kind of agreement. Each wave goes out as one
batch over every open problem. With a token budget (`budget.tokens`), waves stop at
`1 - reserve` of it (every problem gets its first wave), and when not every open problem
fits, the ones whose answer is most likely to change get theirs first (`priority`). A rerun,
or a run with problems added, continues every open problem from its recorded waves.
"""

from codescale.scaling.allocation import affordable, drawn
from codescale.scaling.cluster import clusters
from codescale.scaling.config import ScalingConfig
from codescale.scaling.pool import ProblemPool
from codescale.scaling.public import run_public
from codescale.scaling.runner import Runner
from codescale.scaling.sample import sample_batch, sample_requests
from codescale.scaling.synthesize import synthesize
from codescale.store import RunStore


def wave_step(problem_id: str, wave: int) -> str:
    """The store key of a problem's wave (wave 0 is the key fixed sampling uses)."""
    return f"sample:{problem_id}" if wave == 0 else f"sample:{problem_id}:{wave}"


def recorded_waves(store: RunStore, problem_id: str) -> list[list[str]]:
    """The landed candidate ids of each recorded wave of a problem (a fixed-`n` run: one)."""
    waves: list[list[str]] = []
    while (landed := store.step(wave_step(problem_id, len(waves)))) is not None:
        waves.append(landed)
    return waves


def wave_start(wave: int, config: ScalingConfig) -> int:
    """The index of a wave's first sample: 0, then `wave`, 2 x `wave`, 4 x `wave` ..., since
    each wave doubles the samples drawn before it."""
    return 0 if not wave else config.adaptive.wave << (wave - 1)


def samples_requested(waves: int, config: ScalingConfig) -> int:
    """How many samples a run asked for on a problem it drew `waves` waves for."""
    if not waves:
        return 0
    return min(config.n, wave_start(waves, config)) if config.adaptive.enabled else config.n


def settled(pool: ProblemPool, margin: int) -> bool:
    """True when more samples would not change the answer on the evidence selection has:
    the public-test passers form a single behaviour cluster, or the leading cluster holds
    `margin` more samples than the runner-up. Passers no input could be proposed for (no
    public test to fuzz from, no usable LLM proposal) form one cluster: selection cannot tell
    them apart either, so further samples change nothing. Passers that all crashed on every
    proposed input settle nothing: a later sample may run on those inputs."""
    found = clusters(pool)
    if not found or (pool.behaviour and not pool.inputs):
        return False
    return len(found) == 1 or found[0].size - found[1].size >= margin


def priority(pool: ProblemPool, margin: int) -> tuple[int, int]:
    """The order in which the token budget serves problems, lowest first: problems with no
    public-test passer yet whose best program passes some public test, then those passing
    none, then problems whose passers disagree, and settled problems last (they draw no more
    waves, so this orders only their revisions); fewest samples first within each. Samples
    pay most where no program passes yet: of the 13 HumanEval problems fixed-n S* solved
    with 8 or 16 samples but not with 4, 9 had no public-test passer among the first 4."""
    if pool.survivors():
        rank = 3 if settled(pool, margin) else 2
    else:
        rank = 0 if any(pool.public_passed(e.candidate.id) for e in pool.entries) else 1
    return rank, drawn(pool)


def _granted(runner: Runner, wishes: list[tuple[ProblemPool, int]], waves: dict[str, int]
             ) -> list[tuple[ProblemPool, int]]:
    """The `(pool, samples)` wishes to send: every first wave, then what the token allowance
    covers, in `priority` order."""
    first = [(pool, count) for pool, count in wishes if not waves[pool.problem.id]]
    if first:
        return first
    adaptive = runner.config.adaptive
    ranked = sorted(wishes, key=lambda wish: priority(wish[0], adaptive.margin))
    return affordable(runner, [
        ((pool, count), pool,
         sample_requests(runner, pool, wave_start(waves[pool.problem.id], runner.config), count))
        for pool, count in ranked])


def _wishes(runner: Runner, pools: list[ProblemPool], waves: dict[str, int]
            ) -> list[tuple[ProblemPool, int]]:
    """`(pool, samples)` for each open problem: not settled and under `n` samples."""
    config = runner.config
    wishes = []
    for pool in pools:
        first = wave_start(waves[pool.problem.id], config)
        if first < config.n and not settled(pool, config.adaptive.margin):
            wishes.append((pool, samples_requested(waves[pool.problem.id] + 1, config) - first))
    return wishes


def sample_in_waves(runner: Runner, pools: list[ProblemPool]) -> None:
    """Sample every problem in waves until each is settled or has `n` samples (or the budget
    ends); a rerun replays the recorded waves and continues from there."""
    waves = {pool.problem.id: len(recorded_waves(runner.store, pool.problem.id))
             for pool in pools}
    open_pools = changed = pools
    while open_pools:
        run_public(runner, changed)
        synthesize(runner, changed)
        wishes = [] if runner.budget.exhausted() else _wishes(runner, open_pools, waves)
        granted = _granted(runner, wishes, waves) if wishes else []
        sample_batch(runner, [(pool, wave_start(waves[pool.problem.id], runner.config), count,
                               wave_step(pool.problem.id, waves[pool.problem.id]))
                              for pool, count in granted])
        landed = [pool for pool, _ in granted
                  if runner.store.step(wave_step(pool.problem.id, waves[pool.problem.id]))
                  is not None]
        for pool in landed:
            waves[pool.problem.id] += 1
        open_pools, changed = ([pool for pool, _ in wishes] if landed else []), landed
