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
from codescale.scaling.config import ScalingConfig
from codescale.scaling.waves import recorded_waves, samples_requested
from codescale.scoring.scorer import Job, RunJobs
from codescale.scoring.verdicts import Submission, judge, reference
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
    requested: int = Field(default=0, description="samples asked for (fewer than n where "
                                                  "adaptive sampling stopped early)")
    answers: dict[str, Answer]
    comparisons: tuple[Comparison, ...]
    trusted: bool = Field(default=True, description="False when the problem's reference "
                          "solution fails its hidden verdict (tests or comparison unsound)")

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


def recorded_runs(store: RunStore) -> RunJobs:
    """A job runner that runs nothing: the runs `store` recorded for each job (None for a job
    not recorded in full), for reading hidden verdicts back."""
    def lookup(jobs: Sequence[Job]) -> list[tuple[Execution, ...] | None]:
        return [_recorded(store, job.candidate_id, job.tests) for job in jobs]
    return lookup


def _candidate_records(store: RunStore, problem: Problem) -> tuple[CandidateRecord, ...]:
    pool = store.candidates(problem.id)
    judged = judge(recorded_runs(store), [Submission(problem, candidate.id, candidate.code)
                                          for candidate, _ in pool])
    return tuple(CandidateRecord(candidate=candidate, copies=copies,
                                 public=_recorded(store, candidate.id, problem.public_tests),
                                 hidden=judgement.executions, hidden_passed=judgement.passed)
                 for (candidate, copies), judgement in zip(pool, judged, strict=True))


def _trusted(store: RunStore, problem: Problem) -> bool:
    """False only when the reference solution's recorded runs fail the hidden verdict."""
    found = reference(problem)
    return found is None or judge(recorded_runs(store), [found])[0].passed is not False


def load_records(store: RunStore, problems: Sequence[Problem], scaling: ScalingConfig
                 ) -> list[ProblemRecord]:
    """The record of every problem, in the given order."""
    records = []
    for problem in problems:
        waves = recorded_waves(store, problem.id)
        records.append(ProblemRecord(
            problem=problem,
            candidates=_candidate_records(store, problem),
            samples=tuple(cid for wave in waves for cid in wave) if waves else None,
            requested=samples_requested(len(waves), scaling),
            answers={answer.strategy: answer for answer in store.answers(problem.id)},
            comparisons=tuple(store.comparisons(problem.id)),
            trusted=_trusted(store, problem)))
    return records
