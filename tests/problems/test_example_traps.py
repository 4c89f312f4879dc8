"""The example problems are right, and their traps are real.

Each example has a reference program under solutions/ that must pass every test; a trap
problem also has a naive program that passes all public tests but fails a hidden one.
"""

from pathlib import Path

import pytest

from codescale.problems import load_problems
from tests.problems.host_runner import passes

pytestmark = pytest.mark.subprocess_exec

SOLUTIONS = Path(__file__).parent / "solutions"
PROBLEMS = load_problems([Path(__file__).resolve().parents[2] / "problems"])


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.id)
def test_reference_passes_every_test(problem) -> None:
    code = (SOLUTIONS / f"{problem.id}.py").read_text()
    failing = [t for t in problem.public_tests + problem.hidden_tests
               if not passes(problem, code, t)]
    assert failing == []


TRAPS = [p for p in PROBLEMS if (SOLUTIONS / f"{p.id}.naive.py").exists()]


def test_most_examples_are_traps() -> None:
    assert len(TRAPS) >= 10


@pytest.mark.parametrize("problem", TRAPS, ids=lambda p: p.id)
def test_naive_program_passes_public_but_fails_hidden(problem) -> None:
    code = (SOLUTIONS / f"{problem.id}.naive.py").read_text()
    assert all(passes(problem, code, t) for t in problem.public_tests)
    assert not all(passes(problem, code, t) for t in problem.hidden_tests)
