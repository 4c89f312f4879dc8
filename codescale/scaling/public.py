"""Run candidates on their problem's public tests."""

from codescale.models import Stage
from codescale.scaling.pool import ProblemPool
from codescale.scaling.runner import Runner


def run_public(runner: Runner, pools: list[ProblemPool]) -> None:
    """Run every candidate not yet run on the public tests, all problems in one batch."""
    jobs = [(pool, entry.candidate) for pool in pools for entry in pool.entries
            if entry.candidate.id not in pool.public]
    results = runner.execute(Stage.PUBLIC_TESTS, [(pool.problem, candidate.id, candidate.code,
                                               pool.public_tests) for pool, candidate in jobs])
    for (pool, candidate), executions in zip(jobs, results, strict=True):
        if executions is not None:
            pool.public[candidate.id] = executions
