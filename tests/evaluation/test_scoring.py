"""Scoring answers without the `oracle` strategy: the hidden jobs run in the session's sandbox,
are recorded in the run store and read back from it."""

from pathlib import Path

from codescale.api import Session
from codescale.evaluation.records import recorded_runs
from codescale.evaluation.scoring import score_answers
from codescale.execution.protocol import Sandbox
from codescale.models import Answer, Stage
from codescale.scoring.verdicts import answer_verdicts
from codescale.store import RunStore
from tests.evaluation import scenario


def hidden_results(run_dir: Path, answers: list[Answer]) -> dict[str, bool | None]:
    """The answers' verdicts from what the run store holds, running nothing."""
    store = RunStore.open(run_dir)
    try:
        return answer_verdicts(recorded_runs(store), scenario.PROBLEMS, answers)
    finally:
        store.close()


def test_answers_are_scored_without_the_oracle_strategy(tmp_path: Path, sandbox: Sandbox) -> None:
    config = scenario.config(tmp_path)
    with Session(config, generator=scenario.generator(), sandbox=sandbox) as session:
        answers = session.solve_all(scenario.PROBLEMS)
        assert hidden_results(tmp_path, answers) == {"abs": None, "add": None}
        assert score_answers(session, scenario.PROBLEMS, answers) == {"abs": True, "add": True}
    assert hidden_results(tmp_path, answers) == {"abs": True, "add": True}
    store = RunStore.open(tmp_path)
    try:
        assert {a.strategy for a in store.answers("abs")} == {"sstar"}
        assert Stage.HIDDEN_TESTS not in {row.step.stage for row in store.spending()}
    finally:
        store.close()


def test_an_abstention_fails(tmp_path: Path, sandbox: Sandbox) -> None:
    config = scenario.config(tmp_path)
    config = config.model_copy(update={"scaling": config.scaling.model_copy(update={"n": 1})})
    with Session(config, generator=scenario.generator(sample=lambda request: ["no code"]),
                 sandbox=sandbox) as session:
        answers = session.solve_all(scenario.PROBLEMS)
        assert all(answer.abstained for answer in answers)
        assert score_answers(session, scenario.PROBLEMS, answers) == {"abs": False, "add": False}
