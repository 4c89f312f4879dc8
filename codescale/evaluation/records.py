"""What a run recorded about each problem, read back from its store for scoring and reports."""

from collections.abc import Sequence

from pydantic import Field

from codescale.models import (
    Answer,
    Candidate,
    Comparison,
    Execution,
    Frozen,
    Problem,
    Status,
    TestCase,
)
from codescale.scaling.oracle import hidden_jobs, hidden_verdict
from codescale.store import RunStore


class CandidateRecord(Frozen):
    """One unique program with everything its runs showed."""

    candidate: Candidate
    copies: int = Field(ge=1)
    public: tuple[Execution, ...] | None = Field(description="None: not run on public tests")
    hidden: tuple[Execution, ...] = Field(description="runs of the hidden jobs, in job order")
    hidden_passed: bool | None = Field(description="None: hidden verdict not recorded")

    @property
    def passes_public(self) -> bool:
        """True when it ran and passed every public test."""
        return self.public is not None and all(run.status == Status.PASSED for run in self.public)


class ProblemRecord(Frozen):
    """A problem, its candidate pool in pool order, the sampled ids, answers and comparisons."""

    problem: Problem
    candidates: tuple[CandidateRecord, ...]
    samples: tuple[str, ...] | None = Field(
        description="the candidate id each sample with code landed in; None: never sampled")
    answers: dict[str, Answer]
    comparisons: tuple[Comparison, ...]

    def candidate(self, candidate_id: str | None) -> CandidateRecord | None:
        """The record of a candidate id, if it is in the pool."""
        return next((c for c in self.candidates if c.candidate.id == candidate_id), None)

    def passed(self, candidate_id: str | None) -> bool:
        """True when the candidate is known to pass the hidden verdict (False for None)."""
        found = self.candidate(candidate_id)
        return found is not None and found.hidden_passed is True


def _recorded(store: RunStore, candidate_id: str,
              tests: Sequence[TestCase]) -> tuple[Execution, ...] | None:
    found = store.executions(candidate_id, tests)
    return None if None in found else tuple(run for run in found if run is not None)


def hidden_runs(store: RunStore, problem: Problem, candidate_id: str,
                code: str) -> list[tuple[Execution, ...] | None]:
    """The recorded results of a candidate's hidden jobs (None for a job not run)."""
    return [_recorded(store, candidate_id, tests)
            for _, _, _, tests in hidden_jobs(problem, candidate_id, code)]


def _candidate_record(store: RunStore, problem: Problem, candidate: Candidate,
                      copies: int) -> CandidateRecord:
    runs = hidden_runs(store, problem, candidate.id, candidate.code)
    return CandidateRecord(
        candidate=candidate, copies=copies,
        public=_recorded(store, candidate.id, problem.public_tests),
        hidden=tuple(run for found in runs for run in found or ()),
        hidden_passed=hidden_verdict(problem, runs))


def load_records(store: RunStore, problems: Sequence[Problem]) -> list[ProblemRecord]:
    """The record of every problem, in the given order."""
    records = []
    for problem in problems:
        samples = store.step(f"sample:{problem.id}")
        records.append(ProblemRecord(
            problem=problem,
            candidates=tuple(_candidate_record(store, problem, candidate, copies)
                             for candidate, copies in store.candidates(problem.id)),
            samples=None if samples is None else tuple(samples),
            answers={answer.strategy: answer for answer in store.answers(problem.id)},
            comparisons=tuple(store.comparisons(problem.id))))
    return records
