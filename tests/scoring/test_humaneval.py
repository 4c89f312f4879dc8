"""HumanEval's scorer: the official check program decides, run as the official harness runs it."""

import pytest

from codescale.models import Problem
from codescale.problems import humaneval
from codescale.scoring.humaneval import CHECK, CHECK_RUN, check_program
from codescale.scoring.plain import PLAIN
from codescale.scoring.scorer import RunJobs
from codescale.scoring.sources import has_hidden_verdict, scorer_for
from codescale.scoring.verdicts import Submission, judge
from tests.evaluation.scenario import ADD, ADD_PROGRAMS


def _passes(run_jobs: RunJobs, problem: Problem, code: str) -> bool | None:
    return judge(run_jobs, [Submission(problem, "c", code)])[0].passed


def test_humaneval_problems_are_judged_by_their_check_program() -> None:
    assert scorer_for(ADD) is CHECK
    hidden, check = CHECK.jobs(ADD, "c", ADD_PROGRAMS["right"])
    assert hidden.tests == ADD.hidden_tests and hidden.problem == ADD
    assert check.tests == (CHECK_RUN,) and check.problem.io == "stdin"
    assert check.code == check_program(ADD, ADD_PROGRAMS["right"])


@pytest.mark.parametrize(("name", "passes"), [("right", True), ("abs_first", False),
                                              ("minus", False)])
def test_the_check_decides_over_the_hidden_cases(run_jobs: RunJobs, name: str,
                                                  passes: bool) -> None:
    # `abs(a) + b` passes the hidden case add(2, 2) but not the check's add(-1, 5)
    judgement = judge(run_jobs, [Submission(ADD, "c", ADD_PROGRAMS[name])])[0]
    assert judgement.passed is passes
    assert len(judgement.executions) == len(ADD.hidden_tests) + 1


def test_a_main_block_stays_inert_as_in_the_official_harness(run_jobs: RunJobs) -> None:
    code = ADD_PROGRAMS["right"] + "\n\nif __name__ == '__main__':\n    raise SystemExit(1)\n"
    assert _passes(run_jobs, ADD, code) is True


def test_official_data_canonical_solution_passes(run_jobs: RunJobs) -> None:
    record = humaneval.records()[0]
    problem = humaneval.to_problem(record)
    assert _passes(run_jobs, problem, record.prompt + record.canonical_solution) is True
    wrong = record.prompt + "    return False\n"
    assert _passes(run_jobs, problem, wrong) is False


def test_without_a_check_program_the_hidden_cases_decide(run_jobs: RunJobs) -> None:
    no_check = ADD.model_copy(update={"check_code": None})
    assert scorer_for(no_check) is CHECK and len(CHECK.jobs(no_check, "c", "")) == 1
    assert _passes(run_jobs, no_check, ADD_PROGRAMS["abs_first"]) is True


def test_a_check_program_from_another_source_still_decides() -> None:
    assert scorer_for(ADD.model_copy(update={"source": ""})) is CHECK
    bare = Problem(id="bare", statement="s", io="stdin", source="humaneval")
    assert not has_hidden_verdict(bare) and scorer_for(bare.model_copy(update={"source": ""})) \
        is PLAIN
