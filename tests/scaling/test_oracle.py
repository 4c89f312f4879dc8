"""The oracle strategy: a candidate that passes its problem's hidden verdict, survivors first."""

from pathlib import Path

import pytest

from codescale.models import Candidate, Problem, Stage
from codescale.scaling.budget import Budget
from codescale.scaling.config import BudgetCaps, ScalingConfig
from codescale.scaling.pool import ProblemPool
from codescale.scaling.public import run_public
from codescale.scaling.runner import Runner
from codescale.scaling.strategies.oracle import oracle
from codescale.store import RunStore
from tests.scaling.doubles import ScriptedGenerator, ScriptedSandbox, program
from tests.scaling.scenario import BEHAVIOURS, absolute_problem

BEHAVIOURS_HERE = BEHAVIOURS | {  # right on the hidden tests, wrong on the public inputs
    "hidden_only": lambda text: "0\n" if text in ("3\n", "5\n") else f"{abs(int(text))}\n"}


@pytest.fixture()
def store(tmp_path: Path) -> RunStore:
    return RunStore.open(tmp_path / "run")


def _run(store: RunStore, *pools: ProblemPool) -> tuple[list[str], ScriptedSandbox]:
    """The oracle's answers (the program's name and the reason, or the abstention's reason)
    and the sandbox that ran them."""
    sandbox = ScriptedSandbox(BEHAVIOURS_HERE)
    runner = Runner(ScalingConfig(), ScriptedGenerator(), sandbox, store,
                    Budget(BudgetCaps(), ledger=store))
    run_public(runner, list(pools))
    answers = oracle(runner, list(pools))
    return [a.reason if a.code is None else f"{_name(a.code)}: {a.reason}"
            for a in answers], sandbox


def _name(code: str) -> str:
    return code.split('"')[1]


def _pool(problem: Problem, *names: str) -> ProblemPool:
    pool = ProblemPool(problem=problem)
    for name in names:
        pool.add(Candidate(id=f"{problem.id}-{name}", problem_id=problem.id, code=program(name)))
    return pool


def test_public_test_survivors_come_first(store: RunStore) -> None:
    pool = _pool(absolute_problem(), "identity", "hidden_only", "right")
    answers, _ = _run(store, pool)
    # hidden_only comes first in the pool, but fails the public tests
    assert answers == ["right: 2 of 3 programs pass the hidden tests"]


def test_abstentions_say_why(store: RunStore) -> None:
    wrong = _pool(absolute_problem("wrong"), "identity", "clamped")
    bare = _pool(absolute_problem("bare").model_copy(update={"hidden_tests": ()}), "right")
    answers, sandbox = _run(store, wrong, bare)
    assert answers == ["no candidate passes the hidden tests", "the problem has no hidden tests"]
    assert {job.candidate_id for job in sandbox.jobs if len(job.tests) == 3} == {
        "wrong-identity", "wrong-clamped"}  # no hidden runs where there is no verdict


def test_hidden_runs_are_recorded_and_reused(store: RunStore) -> None:
    pool = _pool(absolute_problem(), "identity", "right")
    _run(store, pool)
    assert Stage.HIDDEN_TESTS in {row.step.stage for row in store.spending()}
    answers, sandbox = _run(store, pool)
    assert answers == ["right: 1 of 2 programs pass the hidden tests"]
    assert sandbox.jobs == []  # the public and hidden runs are all recorded
