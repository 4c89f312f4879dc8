"""Selection strategies that need no LLM: first, random, public tests, majority, CodeT agreement."""

import random

from codescale.execution.compare import outputs_match
from codescale.models import Answer
from codescale.scaling.answer import NO_SURVIVOR, abstain, choose, share
from codescale.scaling.cluster import Cluster, clusters
from codescale.scaling.pool import ProblemPool


def first(pool: ProblemPool, seed: int) -> Answer:
    """The first sample, as plain sampling without tests would return it."""
    sampled = pool.sampled()
    if not sampled:
        return abstain(pool, "first", "no sample contained a program")
    total = sum(e.copies for e in sampled)
    return choose(pool, "first", sampled[0], share(sampled[0].copies, total), "first sample")


def random_sample(pool: ProblemPool, seed: int) -> Answer:
    """A random sample (weighted by copies), seeded by the run seed and the problem id."""
    sampled = pool.sampled()
    if not sampled:
        return abstain(pool, "random", "no sample contained a program")
    rng = random.Random(f"{seed}:{pool.problem.id}")
    entry = rng.choices(sampled, weights=[e.copies for e in sampled])[0]
    total = sum(e.copies for e in sampled)
    return choose(pool, "random", entry, share(entry.copies, total), f"random sample (seed {seed})")


def public_tests(pool: ProblemPool, seed: int) -> Answer:
    """The first candidate that passes every public test."""
    survivors = pool.survivors()
    if not survivors:
        return abstain(pool, "public_tests", NO_SURVIVOR)
    total = sum(e.copies for e in pool.entries)
    passing = sum(e.copies for e in survivors)
    return choose(pool, "public_tests", survivors[0], share(passing, total),
                  f"first of {len(survivors)} programs passing the public tests")


def majority(pool: ProblemPool, seed: int) -> Answer:
    """The representative of the largest behaviour cluster on the synthesized inputs."""
    found = clusters(pool)
    if not found:
        return abstain(pool, "majority", NO_SURVIVOR)
    best, total = found[0], sum(c.size for c in found)
    return choose(pool, "majority", best.representative, share(best.size, total),
                  f"largest of {len(found)} behaviour clusters ({best.size} of {total} samples)",
                  cluster_size=best.size)


def _agreement(pool: ProblemPool, cluster: Cluster) -> int:
    """Tests a cluster agrees with: public tests passed plus LLM-predicted outputs matched."""
    rep = cluster.representative.candidate.id
    matched = sum(1 for text, run in zip(pool.inputs, pool.behaviour.get(rep, []), strict=False)
                  if text in pool.predicted and run.status.ran_cleanly
                  and outputs_match(pool.problem.io, pool.predicted[text], run.stdout))
    return pool.public_passed(rep) + matched


def codet(pool: ProblemPool, seed: int) -> Answer:
    """CodeT dual agreement: the cluster maximising (samples in it) x (tests it agrees with),
    the tests being the public ones and the synthesized inputs with LLM-predicted outputs."""
    found = clusters(pool)
    if not found:
        return abstain(pool, "codet", NO_SURVIVOR)
    scores = [c.size * _agreement(pool, c) for c in found]
    best = max(range(len(found)), key=lambda i: scores[i])  # first of equals: larger cluster
    top = sum(scores)
    return choose(pool, "codet", found[best].representative, share(scores[best], top),
                  f"dual agreement score {scores[best]} of {top} over {len(found)} clusters",
                  cluster_size=found[best].size)
