"""What a scorer is (the sandbox jobs that decide a candidate's hidden verdict, and how their
runs are read), and the registry of scorers by problem source."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import NamedTuple, TypeVar

from codescale.models import Execution, Problem, TestCase


class Job(NamedTuple):
    """One sandbox job: run `code` (candidate `candidate_id`) on `tests` as `problem` says.

    A tuple in the order `Runner.execute` and `SandboxJob.for_problem` take."""

    problem: Problem
    candidate_id: str
    code: str
    tests: tuple[TestCase, ...]


Results = Sequence[Sequence[Execution] | None]
"""The runs of some jobs, in job order; None for a job not (fully) run."""

RunJobs = Callable[[Sequence[Job]], Results]
"""Runs jobs, or looks up their recorded runs, as one batch; the caller supplies it."""


class Scorer(ABC):
    """A benchmark's hidden verdict: which jobs decide it and how their runs are read."""

    @abstractmethod
    def has_verdict(self, problem: Problem) -> bool:
        """True when the problem has what this scorer judges by."""

    @abstractmethod
    def jobs(self, problem: Problem, candidate_id: str, code: str) -> list[Job]:
        """The jobs that decide a candidate's verdict (none when the problem has no verdict)."""

    @abstractmethod
    def passes(self, problem: Problem, runs: Sequence[Sequence[Execution]]) -> bool:
        """Whether the complete runs of `jobs`, in job order, mean a pass."""

    def verdict(self, problem: Problem, results: Results) -> bool | None:
        """Whether the results of `jobs` mean a pass; None when some (or all) are missing."""
        found = [result for result in results if result is not None]
        if not found or len(found) < len(results):
            return None
        return self.passes(problem, found)


S = TypeVar("S", bound=Scorer)
_REGISTERED: dict[str, Scorer] = {}


def register(source: str, scorer: S) -> S:
    """Make `scorer` judge the problems whose `Problem.source` is `source`; returns it."""
    if source in _REGISTERED:
        raise ValueError(f"a scorer for problem source {source!r} is already registered")
    _REGISTERED[source] = scorer
    return scorer


def registered(source: str) -> Scorer | None:
    """The scorer registered for a problem source, if any."""
    return _REGISTERED.get(source)
