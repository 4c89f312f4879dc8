"""Scoring answers on hidden tests from the executions a run recorded."""

from collections.abc import Sequence
from pathlib import Path

from codescale.evaluation.records import hidden_runs
from codescale.models import Answer, Problem
from codescale.scaling.oracle import has_hidden_verdict, hidden_verdict
from codescale.store import RunStore


def hidden_results(run_dir: Path, problems: Sequence[Problem],
                   answers: Sequence[Answer]) -> dict[str, bool | None]:
    """Per problem: whether the answer passes its hidden verdict; None when unknown.

    Reads the hidden runs that the `oracle` strategy recorded for every candidate
    (hidden tests, and the check program where the problem has one); an abstention
    counts as not passing.
    """
    by_id = {problem.id: problem for problem in problems}
    store = RunStore.open(run_dir)
    try:
        results: dict[str, bool | None] = {}
        for answer in answers:
            problem = by_id[answer.problem_id]
            if answer.candidate_id is None or answer.code is None:
                results[answer.problem_id] = False if has_hidden_verdict(problem) else None
                continue
            runs = hidden_runs(store, problem, answer.candidate_id, answer.code)
            results[answer.problem_id] = hidden_verdict(problem, runs)
        return results
    finally:
        store.close()
