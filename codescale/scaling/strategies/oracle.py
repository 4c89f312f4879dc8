"""`oracle` (analysis only): a candidate that passes the hidden tests, if any does.

The strategy asks each problem's scorer (`codescale.scoring`), so the hidden verdict follows
the rules of the benchmark the problem comes from.
"""

from functools import partial

from codescale.models import Answer, Stage
from codescale.scaling.answer import abstain, choose
from codescale.scaling.pool import PoolEntry, ProblemPool
from codescale.scaling.registry import DEBUGGING, strategy
from codescale.scaling.runner import Runner
from codescale.scoring.sources import has_hidden_verdict
from codescale.scoring.verdicts import Submission, judge


def _survivors_first(pool: ProblemPool) -> list[PoolEntry]:
    survivors = pool.survivors()
    return [*survivors, *(entry for entry in pool.entries if entry not in survivors)]


@strategy("oracle", DEBUGGING | {Stage.HIDDEN_TESTS}, order=7)
def oracle(runner: Runner, pools: list[ProblemPool]) -> list[Answer]:
    """Run every candidate's hidden jobs (one batch) and pick one that passes,
    public-test survivors first. Shows the best any selector could do with this pool."""
    order = [(pool, entry) for pool in pools if has_hidden_verdict(pool.problem)
             for entry in _survivors_first(pool)]
    judged = judge(partial(runner.execute, Stage.HIDDEN_TESTS),
                   [Submission(pool.problem, entry.candidate.id, entry.candidate.code)
                    for pool, entry in order])
    correct: dict[str, list[PoolEntry]] = {}
    for (pool, entry), judgement in zip(order, judged, strict=True):
        if judgement.passed:
            correct.setdefault(pool.problem.id, []).append(entry)
    answers = []
    for pool in pools:
        found = correct.get(pool.problem.id, [])
        if not has_hidden_verdict(pool.problem):
            answers.append(abstain(pool, "oracle", "the problem has no hidden tests"))
        elif not found:
            answers.append(abstain(pool, "oracle", "no candidate passes the hidden tests"))
        else:
            answers.append(choose(pool, "oracle", found[0], 1.0,
                                  f"{len(found)} of {len(pool.entries)} programs pass the "
                                  "hidden tests"))
    return answers
