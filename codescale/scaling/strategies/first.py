"""`first`: the first sample, as plain sampling without tests would return it."""

from codescale.models import Answer
from codescale.scaling.answer import abstain, choose, share
from codescale.scaling.pool import ProblemPool
from codescale.scaling.registry import SAMPLING, per_problem


@per_problem("first", SAMPLING, order=1)
def first(pool: ProblemPool, seed: int) -> Answer:
    """The first sample."""
    sampled = pool.sampled()
    if not sampled:
        return abstain(pool, "first", "no sample contained a program")
    total = sum(e.copies for e in sampled)
    return choose(pool, "first", sampled[0], share(sampled[0].copies, total), "first sample")
