"""Stage 2: iterative debugging; failing candidates are revised from a failing public test.

Under `revise = "unsolved"` a problem is revised only while it has no public-test passer and
each round raised the most public tests any of its programs passes; under a token budget
with adaptive sampling, only the revisions that the allowance left after sampling covers,
in the order waves are served (`waves.priority`).
"""

from codescale.llm.protocol import GenerationRequest
from codescale.models import Stage, Status
from codescale.scaling.allocation import affordable
from codescale.scaling.pool import PoolEntry, ProblemPool
from codescale.scaling.prompts import failure_report, revision_messages
from codescale.scaling.public import run_public
from codescale.scaling.runner import Runner
from codescale.scaling.sample import admit, sampling_params
from codescale.scaling.waves import priority


def _revision_request(runner: Runner, pool: ProblemPool, entry: PoolEntry) -> GenerationRequest:
    """One revision prompt quoting the first failing public test; `copies` samples from it."""
    executions = pool.public[entry.candidate.id]
    test, execution = next((t, e) for t, e in zip(pool.public_tests, executions, strict=True)
                           if e.status != Status.PASSED)
    report = failure_report(pool.problem, test, execution, runner.config.feedback_chars)
    return GenerationRequest(messages=revision_messages(pool.problem, entry.candidate.code, report),
                             params=sampling_params(runner, entry.copies))


def _best(pool: ProblemPool, last_round: int) -> int:
    """The most public tests passed by a program of rounds 0 .. `last_round`."""
    return max((pool.public_passed(e.candidate.id) for e in pool.entries
                if e.candidate.round <= last_round), default=0)


def revisable(runner: Runner, pool: ProblemPool, round_: int) -> bool:
    """Whether this round revises the problem's failing candidates (see the module)."""
    if runner.config.revise == "failing":
        return True
    if pool.survivors():
        return False
    return round_ == 1 or _best(pool, round_ - 1) > _best(pool, round_ - 2)


def _failing(runner: Runner, pool: ProblemPool, round_: int) -> list[PoolEntry]:
    """Entries of the previous round that ran, failed a public test, and are not revised yet."""
    return [e for e in pool.entries
            if e.candidate.round == round_ - 1 and e.candidate.id in pool.public
            and not pool.passes_public(e.candidate.id)
            and runner.store.step(f"revise:{e.candidate.id}") is None]


Revision = tuple[ProblemPool, PoolEntry, GenerationRequest]


def _planned(runner: Runner, pools: list[ProblemPool], round_: int) -> list[Revision]:
    """The revisions of this round; under adaptive sampling, those the token allowance covers,
    in `priority` order (each costed at its whole prompt, which quotes the program and its
    failure, plus its samples)."""
    todo = [(pool, entry, _revision_request(runner, pool, entry))
            for pool in pools if revisable(runner, pool, round_)
            for entry in _failing(runner, pool, round_)]
    adaptive = runner.config.adaptive
    if not adaptive.enabled:
        return todo
    todo.sort(key=lambda item: priority(item[0], adaptive.margin))
    return affordable(runner, [(item, item[0], [item[2]]) for item in todo])


def debug_round(runner: Runner, pools: list[ProblemPool], round_: int) -> None:
    """Revise the failing candidates of every problem as ONE batch, then test the revisions."""
    todo = _planned(runner, pools, round_)
    requests = [(pool.problem.id, request) for pool, _, request in todo]
    results = runner.generate(Stage.DEBUG, requests, round_)
    for (pool, entry, _), result in zip(todo, results, strict=True):
        if result is not None:
            admit(runner, pool, result, round_, entry.candidate.id,
                  f"revise:{entry.candidate.id}")
    run_public(runner, pools)


def debug(runner: Runner, pools: list[ProblemPool]) -> None:
    """Up to `rounds` rounds of revision; a candidate leaves once it passes every public test."""
    for round_ in range(1, runner.config.rounds + 1):
        if runner.budget.exhausted():
            return
        debug_round(runner, pools, round_)
