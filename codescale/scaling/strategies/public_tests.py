"""`public_tests`: the first candidate that passes every public test (after debugging)."""

from codescale.models import Answer
from codescale.scaling.answer import NO_SURVIVOR, abstain, choose, share
from codescale.scaling.pool import ProblemPool
from codescale.scaling.registry import DEBUGGING, per_problem


@per_problem("public_tests", DEBUGGING, order=3)
def public_tests(pool: ProblemPool, seed: int) -> Answer:
    """The first candidate that passes every public test."""
    survivors = pool.survivors()
    if not survivors:
        return abstain(pool, "public_tests", NO_SURVIVOR)
    total = sum(e.copies for e in pool.entries)
    passing = sum(e.copies for e in survivors)
    return choose(pool, "public_tests", survivors[0], share(passing, total),
                  f"first of {len(survivors)} programs passing the public tests")
