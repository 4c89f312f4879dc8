"""`codet`: CodeT dual agreement between behaviour clusters and tests."""

from codescale.execution.compare import outputs_match
from codescale.models import Answer
from codescale.scaling.answer import NO_SURVIVOR, abstain, choose, share
from codescale.scaling.cluster import Cluster, clusters
from codescale.scaling.pool import ProblemPool
from codescale.scaling.registry import SYNTHESIS, per_problem


def _agreement(pool: ProblemPool, cluster: Cluster) -> int:
    """Tests a cluster agrees with: public tests passed plus LLM-predicted outputs matched."""
    rep = cluster.representative.candidate.id
    matched = sum(1 for text, run in zip(pool.inputs, pool.behaviour.get(rep, []), strict=False)
                  if text in pool.predicted and run.status.ran_cleanly
                  and outputs_match(pool.problem.io, pool.predicted[text], run.stdout))
    return pool.public_passed(rep) + matched


@per_problem("codet", SYNTHESIS, order=5)
def codet(pool: ProblemPool, seed: int) -> Answer:
    """The cluster maximising (samples in it) x (tests it agrees with), the tests being the
    public ones and the synthesized inputs with LLM-predicted outputs."""
    found = clusters(pool)
    if not found:
        return abstain(pool, "codet", NO_SURVIVOR)
    scores = [c.size * _agreement(pool, c) for c in found]
    best = max(range(len(found)), key=lambda i: scores[i])  # first of equals: larger cluster
    top = sum(scores)
    return choose(pool, "codet", found[best].representative, share(scores[best], top),
                  f"dual agreement score {scores[best]} of {top} over {len(found)} clusters",
                  cluster_size=found[best].size)
