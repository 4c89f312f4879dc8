"""Scoring answers on hidden tests from the executions a run recorded."""

from collections.abc import Sequence
from pathlib import Path

from codescale.models import Answer, Problem, Status
from codescale.store import RunStore


def hidden_results(run_dir: Path, problems: Sequence[Problem],
                   answers: Sequence[Answer]) -> dict[str, bool | None]:
    """Per problem: whether the answer passes every hidden test; None when unknown.

    Reads the hidden-test executions that the `oracle` strategy recorded for every
    candidate; an abstention counts as not passing.
    """
    by_id = {problem.id: problem for problem in problems}
    store = RunStore.open(run_dir)
    try:
        results: dict[str, bool | None] = {}
        for answer in answers:
            tests = by_id[answer.problem_id].hidden_tests
            if answer.candidate_id is None:
                results[answer.problem_id] = False if tests else None
                continue
            runs = store.executions(answer.candidate_id, tests)
            known = bool(tests) and None not in runs
            results[answer.problem_id] = (
                all(run.status == Status.PASSED for run in runs if run) if known else None)
        return results
    finally:
        store.close()
