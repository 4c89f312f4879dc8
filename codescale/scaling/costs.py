"""What each strategy cost: the recorded spending of the stages it needs, summed.

Every strategy shares the run's work, so a strategy's cost is what producing its answer
needs on its own: the stages it declared when it registered (`codescale.scaling.registry`),
e.g. `first` needs sampling only and `sstar` sampling, public tests, debugging, input
synthesis and adjudication. Wall time is recorded run-wide per stage and split evenly over
problems when one problem's cost is asked for.
"""

from collections.abc import Iterable

from pydantic import Field

from codescale.models import Cost, Frozen, Stage, Step
from codescale.scaling.registry import get_strategy
from codescale.store import Spending


class StageCost(Frozen):
    """The run's spending in one step (a stage, or one debug round)."""

    stage: str = Field(description="the step's label: `sample`, `debug round 2`")
    cost: Cost


class StrategyCost(Frozen):
    """A strategy's cost over the whole run."""

    strategy: str
    stages: tuple[Stage, ...] = Field(description="the stages it needs")
    cost: Cost


Totals = dict[tuple[str, Step], Cost]
"""Spending summed per (problem id, step), in the order first charged; problem "" is run-wide."""


def totals(spending: Iterable[Spending]) -> Totals:
    """Sum recorded spending per problem and step."""
    summed: Totals = {}
    for row in spending:
        key = (row.problem_id, row.step)
        summed[key] = summed.get(key, Cost()) + row.cost
    return summed


def _sum(costs: Iterable[Cost]) -> Cost:
    return sum(costs, Cost())


def stage_costs(summed: Totals) -> list[StageCost]:
    """Spending per recorded step, in the order steps first ran."""
    steps = dict.fromkeys(step for _, step in summed)
    return [StageCost(stage=step.label,
                      cost=_sum(cost for (_, s), cost in summed.items() if s == step))
            for step in steps]


def strategy_cost(strategy: str, summed: Totals) -> StrategyCost:
    """A strategy's cost over the run: all the spending of the stages it needs."""
    needs = get_strategy(strategy).needs
    return StrategyCost(strategy=strategy, stages=tuple(sorted(needs)),
                        cost=_sum(cost for (_, step), cost in summed.items()
                                  if step.stage in needs))


def problem_strategy_cost(strategy: str, problem_id: str, problems: int, summed: Totals) -> Cost:
    """One problem's share of a strategy's cost: its own spending, plus an even split of
    the run-wide wall time of the stages the strategy needs."""
    needs = get_strategy(strategy).needs
    own = _sum(cost for (pid, step), cost in summed.items()
               if pid == problem_id and step.stage in needs)
    wall = _sum(cost for (pid, step), cost in summed.items() if not pid and step.stage in needs)
    return own.model_copy(update={"wall_time_s": wall.wall_time_s / max(problems, 1)})
