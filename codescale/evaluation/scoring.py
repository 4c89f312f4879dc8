"""Scoring on hidden tests through the problems' scorers (`codescale.scoring`): run the
hidden jobs of a run's candidates or answers, recorded in its store, and read verdicts back.

Scoring is not the method's spending: no budget caps the hidden runs and no ledger records
them, but the store keeps their executions, so a rerun or `codescale report` reads them.
"""

from collections.abc import Sequence
from functools import partial

from codescale.api import Session
from codescale.execution.protocol import Sandbox
from codescale.llm.protocol import Generator
from codescale.models import Answer, Problem, Stage
from codescale.scaling.budget import Budget
from codescale.scaling.config import BudgetCaps, ScalingConfig
from codescale.scaling.runner import Progress, Runner
from codescale.scoring.scorer import RunJobs
from codescale.scoring.verdicts import Submission, answer_verdicts, judge, reference
from codescale.store import RunStore


def hidden_jobs_runner(scaling: ScalingConfig, generator: Generator, sandbox: Sandbox,
                       store: RunStore, progress: Progress | None = None) -> RunJobs:
    """Runs hidden jobs in `sandbox` as the `hidden tests` stage, reusing and recording their
    executions in `store`, outside the run's budget (the generator is never called)."""
    runner = Runner(scaling, generator, sandbox, store, Budget(BudgetCaps()), progress)
    return partial(runner.execute, Stage.HIDDEN_TESTS)


def score_candidates(run_jobs: RunJobs, store: RunStore, problems: Sequence[Problem]
                     ) -> set[str]:
    """Run the hidden jobs of every candidate that `store` holds for `problems`, and of each
    problem's reference solution (one batch), so that the run's records hold every verdict;
    jobs recorded before (by the `oracle` strategy or an interrupted run) are not run again.
    Returns the ids of the problems where some candidate passes (the oracle)."""
    references = [found for problem in problems if (found := reference(problem)) is not None]
    candidates = [Submission(problem, candidate.id, candidate.code) for problem in problems
                  for candidate, _ in store.candidates(problem.id)]
    judged = judge(run_jobs, [*references, *candidates])[len(references):]
    return {submission.problem.id
            for submission, judgement in zip(candidates, judged, strict=True) if judgement.passed}


def score_answers(session: Session, problems: Sequence[Problem], answers: Sequence[Answer],
                  progress: Progress | None = None) -> dict[str, bool | None]:
    """Per problem (one answer each): whether its answer passes the hidden verdict, running
    the answers' hidden jobs in the session's sandbox, recorded in its run directory; None
    when unknown. An abstention counts as not passing."""
    store = RunStore.open(session.config.run_dir)
    try:
        run_jobs = hidden_jobs_runner(session.config.scaling, session.generator,
                                      session.sandbox, store, progress)
        return answer_verdicts(run_jobs, problems, answers)
    finally:
        store.close()
