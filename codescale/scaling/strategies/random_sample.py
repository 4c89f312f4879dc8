"""`random`: a random sample, weighted by copies."""

import random

from codescale.models import Answer
from codescale.scaling.answer import abstain, choose, share
from codescale.scaling.pool import ProblemPool
from codescale.scaling.registry import SAMPLING, per_problem


@per_problem("random", SAMPLING, order=2)
def random_sample(pool: ProblemPool, seed: int) -> Answer:
    """A random sample (weighted by copies), seeded by the run seed and the problem id."""
    sampled = pool.sampled()
    if not sampled:
        return abstain(pool, "random", "no sample contained a program")
    rng = random.Random(f"{seed}:{pool.problem.id}")
    entry = rng.choices(sampled, weights=[e.copies for e in sampled])[0]
    total = sum(e.copies for e in sampled)
    return choose(pool, "random", entry, share(entry.copies, total), f"random sample (seed {seed})")
