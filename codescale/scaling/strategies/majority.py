"""`majority`: the largest behaviour cluster on the synthesized inputs."""

from codescale.models import Answer
from codescale.scaling.answer import NO_SURVIVOR, abstain, choose, share
from codescale.scaling.cluster import clusters
from codescale.scaling.pool import ProblemPool
from codescale.scaling.registry import SYNTHESIS, per_problem


@per_problem("majority", SYNTHESIS, order=4)
def majority(pool: ProblemPool, seed: int) -> Answer:
    """The representative of the largest behaviour cluster on the synthesized inputs."""
    found = clusters(pool)
    if not found:
        return abstain(pool, "majority", NO_SURVIVOR)
    best, total = found[0], sum(c.size for c in found)
    return choose(pool, "majority", best.representative, share(best.size, total),
                  f"largest of {len(found)} behaviour clusters ({best.size} of {total} samples)",
                  cluster_size=best.size)
