"""Hidden verdicts of many candidates at once: every candidate's jobs run as one batch, each
judged by its problem's scorer."""

from collections.abc import Sequence
from typing import NamedTuple

from codescale.models import Answer, Execution, Frozen, Problem
from codescale.scoring.scorer import RunJobs
from codescale.scoring.sources import has_hidden_verdict, scorer_for


class Submission(NamedTuple):
    """A candidate program put to its problem's hidden verdict."""

    problem: Problem
    candidate_id: str
    code: str


def reference(problem: Problem) -> Submission | None:
    """The problem's reference solution put to its own hidden verdict (None without one):
    a reference that fails shows that the tests or their comparison cannot be trusted."""
    if problem.reference_solution is None:
        return None
    return Submission(problem, f"reference:{problem.id}", problem.reference_solution)


class Judgement(Frozen):
    """What a submission's hidden jobs gave, and the verdict."""

    runs: tuple[tuple[Execution, ...] | None, ...]
    passed: bool | None

    @property
    def executions(self) -> tuple[Execution, ...]:
        """Every recorded run of every job, in job order."""
        return tuple(run for found in self.runs for run in found or ())


def judge(run_jobs: RunJobs, submissions: Sequence[Submission]) -> list[Judgement]:
    """Run the hidden jobs of every submission with `run_jobs` (one batch) and judge each."""
    scorers = [scorer_for(submission.problem) for submission in submissions]
    per_submission = [scorer.jobs(*submission)
                      for scorer, submission in zip(scorers, submissions, strict=True)]
    results = run_jobs([job for jobs in per_submission for job in jobs])
    judgements = []
    start = 0
    for scorer, submission, jobs in zip(scorers, submissions, per_submission, strict=True):
        runs = results[start:start + len(jobs)]
        start += len(jobs)
        judgements.append(Judgement(runs=tuple(None if found is None else tuple(found)
                                               for found in runs),
                                    passed=scorer.verdict(submission.problem, runs)))
    return judgements


def answer_verdicts(run_jobs: RunJobs, problems: Sequence[Problem],
                    answers: Sequence[Answer]) -> dict[str, bool | None]:
    """Per problem (one answer each): whether its answer passes the hidden verdict; None when
    unknown (the problem has none, or a job did not run). An abstention does not pass."""
    by_id = {problem.id: problem for problem in problems}
    verdicts: dict[str, bool | None] = {}
    submissions: list[Submission] = []
    for answer in answers:
        problem = by_id[answer.problem_id]
        verdicts[problem.id] = False if has_hidden_verdict(problem) else None
        if answer.candidate_id is not None and answer.code is not None:
            submissions.append(Submission(problem, answer.candidate_id, answer.code))
    for submission, judgement in zip(submissions, judge(run_jobs, submissions), strict=True):
        verdicts[submission.problem.id] = judgement.passed
    return verdicts
