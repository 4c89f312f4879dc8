"""Scores of a run: every strategy's hidden-test accuracy, the oracle, pass@k and costs.

Problems without a hidden verdict (no hidden tests, no check program) are left out of
every score. An abstention counts as a failure. Each strategy is also scored on the trusted
problems alone: those whose reference solution (when they have one) passes their tests.
"""

from collections.abc import Sequence

from pydantic import Field

from codescale.evaluation.curves import Curve, rounds_curve, samples_curve
from codescale.evaluation.metrics import mean_pass_at_k
from codescale.evaluation.records import ProblemRecord
from codescale.models import Cost, Frozen
from codescale.scaling.costs import (
    StageCost,
    StrategyCost,
    Totals,
    problem_strategy_cost,
    stage_costs,
    strategy_cost,
)
from codescale.scoring.sources import has_hidden_verdict

PASS_AT = (1, 5, 10)


class StrategyResult(Frozen):
    """One line of the results file: a strategy's answer to a problem and its verdict."""

    problem_id: str
    strategy: str
    candidate_id: str | None
    abstained: bool
    passed: bool | None = Field(description="hidden verdict; None: the problem has none")
    confidence: float
    reason: str
    cost: Cost = Field(description="this problem's share of the strategy's cost")


class StrategyScore(Frozen):
    """A strategy over the run: accuracy on hidden tests, selection efficiency, cost."""

    strategy: str
    solved: int
    scored: int
    accuracy: float = Field(description="pass@1 of the selected program on hidden tests")
    solved_trusted: int = Field(description="solved among the trusted problems")
    public_passing: int = Field(
        default=0, description="answers whose program passes the public tests")
    false_positives: int = Field(
        default=0, description="of those, answers that fail the hidden tests: how often the "
                               "public tests vouched for a wrong program")
    efficiency: float | None = Field(description="accuracy / oracle; None when oracle is 0")
    cost: StrategyCost


class PassAtK(Frozen):
    """Unbiased pass@k of the raw samples, averaged over problems."""

    k: int
    value: float


class EvalSummary(Frozen):
    """Everything the tables, plots and report show."""

    problems: int
    scored: int
    untrusted: tuple[str, ...] = Field(
        default=(), description="scored problems whose reference solution fails their tests")
    n: int
    rounds: int
    oracle: float = Field(description="share of problems where some candidate passes (pass@n)")
    strategies: tuple[StrategyScore, ...]
    pass_at_k: tuple[PassAtK, ...]
    curves: tuple[Curve, ...]
    stages: tuple[StageCost, ...]


def sample_counts(record: ProblemRecord) -> tuple[int, int]:
    """(samples requested, samples whose program passes the hidden verdict) of a problem."""
    landed = record.samples or ()
    return record.requested, sum(record.passed(candidate_id) for candidate_id in landed)


def pass_at_ks(counts: Sequence[tuple[int, int]]) -> tuple[PassAtK, ...]:
    """Mean pass@k for each k of PASS_AT that some problem has enough samples for, from
    (samples requested, samples correct) per problem (adaptive sampling stops some early)."""
    most = max((requested for requested, _ in counts), default=0)
    return tuple(PassAtK(k=k, value=mean_pass_at_k(counts, k)) for k in PASS_AT if k <= most)


def results(records: Sequence[ProblemRecord], strategies: Sequence[str],
            summed: Totals) -> list[StrategyResult]:
    """One result per problem per strategy, problems in order."""
    out = []
    for record in records:
        scored = has_hidden_verdict(record.problem)
        for strategy in strategies:
            answer = record.answers.get(strategy)
            if answer is None:
                continue
            out.append(StrategyResult(
                problem_id=record.problem.id, strategy=strategy,
                candidate_id=answer.candidate_id, abstained=answer.abstained,
                passed=record.passed(answer.candidate_id) if scored else None,
                confidence=answer.confidence, reason=answer.reason,
                cost=problem_strategy_cost(strategy, record.problem.id, len(records), summed)))
    return out


def summarize(records: Sequence[ProblemRecord], strategies: Sequence[str], lines:
              Sequence[StrategyResult], summed: Totals, n: int, rounds: int) -> EvalSummary:
    """The scores of a run from its records and result lines."""
    scored = [r for r in records if has_hidden_verdict(r.problem)]
    untrusted = tuple(r.problem.id for r in scored if not r.trusted)
    oracle = sum(any(c.hidden_passed is True for c in r.candidates) for r in scored)
    oracle_rate = oracle / len(scored) if scored else 0.0
    scores = []
    by_id = {r.problem.id: r for r in scored}
    for strategy in strategies:
        mine = [line for line in lines if line.strategy == strategy and line.passed is not None]
        solved = sum(bool(line.passed) for line in mine)
        vouched = [line for line in mine
                   if (found := by_id[line.problem_id].candidate(line.candidate_id)) is not None
                   and found.passes_public]
        accuracy = solved / len(scored) if scored else 0.0
        scores.append(StrategyScore(
            strategy=strategy, solved=solved, scored=len(scored), accuracy=accuracy,
            solved_trusted=sum(bool(line.passed) for line in mine
                               if line.problem_id not in untrusted),
            public_passing=len(vouched),
            false_positives=sum(not line.passed for line in vouched),
            efficiency=accuracy / oracle_rate if oracle_rate else None,
            cost=strategy_cost(strategy, summed)))
    counts = [sample_counts(r) for r in scored]
    return EvalSummary(
        problems=len(records), scored=len(scored), untrusted=untrusted, n=n, rounds=rounds,
        oracle=oracle_rate,
        strategies=tuple(scores),
        pass_at_k=pass_at_ks(counts),
        curves=(samples_curve(scored, n), rounds_curve(scored, rounds)),
        stages=tuple(stage_costs(summed)))
