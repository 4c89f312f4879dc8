"""Oracle selection (analysis only): a candidate that passes the hidden tests, if any does."""

from codescale.models import Answer, Status
from codescale.scaling.answer import abstain, choose
from codescale.scaling.pool import PoolEntry, ProblemPool
from codescale.scaling.runner import Runner


def oracle(runner: Runner, pools: list[ProblemPool]) -> list[Answer]:
    """Run every candidate on its hidden tests (one batch) and pick one passing all of them,
    public-test survivors first. Shows the best any selector could do with this pool."""
    order = [(pool, entry) for pool in pools if pool.problem.hidden_tests
             for entry in [*pool.survivors(), *(e for e in pool.entries
                                                 if e not in pool.survivors())]]
    results = runner.execute("hidden tests", [(pool.problem, e.candidate.id, e.candidate.code,
                                               pool.problem.hidden_tests) for pool, e in order])
    correct: dict[str, list[PoolEntry]] = {}
    for (pool, entry), runs in zip(order, results, strict=True):
        if runs is not None and all(run.status == Status.PASSED for run in runs):
            correct.setdefault(pool.problem.id, []).append(entry)
    answers = []
    for pool in pools:
        found = correct.get(pool.problem.id, [])
        if not pool.problem.hidden_tests:
            answers.append(abstain(pool, "oracle", "the problem has no hidden tests"))
        elif not found:
            answers.append(abstain(pool, "oracle", "no candidate passes the hidden tests"))
        else:
            answers.append(choose(pool, "oracle", found[0], 1.0,
                                  f"{len(found)} of {len(pool.entries)} programs pass the "
                                  "hidden tests"))
    return answers
