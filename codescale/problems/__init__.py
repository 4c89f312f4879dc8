"""Problem sources: problem files, HumanEval, LiveCodeBench and CodeContests, all producing
`Problem`s."""

from codescale.problems.errors import ProblemLoadError
from codescale.problems.files import load_problem_file, load_problems

__all__ = ["ProblemLoadError", "load_problem_file", "load_problems"]
