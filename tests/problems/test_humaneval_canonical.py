"""Every HumanEval canonical solution passes its own tests in the loader's representation."""

import pytest

from codescale.problems import humaneval
from tests.problems.host_runner import failing_call_tests

pytestmark = pytest.mark.subprocess_exec

RECORDS = {record.task_id: record for record in humaneval.records()}


@pytest.mark.parametrize("problem", humaneval.load(), ids=lambda p: p.id)
def test_canonical_solution_passes(problem) -> None:
    record = RECORDS[problem.id]
    assert failing_call_tests(problem, record.prompt + record.canonical_solution) == []


def test_a_wrong_solution_is_caught() -> None:
    problem = humaneval.load()[0]
    wrong = RECORDS[problem.id].prompt + "    return False\n"
    assert failing_call_tests(problem, wrong) == "AssertionError"  # the official check fails
