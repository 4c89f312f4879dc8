"""What each strategy cost: the recorded spending of the stages it needs, summed.

Every strategy shares the run's work, so a strategy's cost is what producing its answer
needs on its own: `first` and `random` need sampling only; `public_tests` adds the public
test runs and debugging; `majority` and `codet` add input synthesis; `sstar` adds
adjudication; `llm_judge` is sampling plus the judge; `oracle` adds the hidden runs to
sampling and debugging. Wall time is recorded run-wide per stage and split evenly over
problems when one problem's cost is asked for.
"""

from collections.abc import Iterable

from pydantic import Field

from codescale.models import Cost, Frozen
from codescale.store import Spending

_SAMPLING = frozenset({"sample"})
_DEBUGGING = _SAMPLING | {"public tests", "debug round"}
_SYNTHESIS = _DEBUGGING | {"synthesize inputs", "synthesized inputs"}
STAGES_NEEDED: dict[str, frozenset[str]] = {
    "first": _SAMPLING,
    "random": _SAMPLING,
    "public_tests": _DEBUGGING,
    "majority": _SYNTHESIS,
    "codet": _SYNTHESIS,
    "sstar": _SYNTHESIS | {"adjudicate"},
    "llm_judge": _SAMPLING | {"llm judge"},
    "oracle": _DEBUGGING | {"hidden tests"},
}


def stage_kind(stage: str) -> str:
    """A recorded stage name without its round number (`debug round 2` -> `debug round`)."""
    return stage.rstrip("0123456789 ") if stage.startswith("debug round") else stage


class StageCost(Frozen):
    """The run's spending in one stage."""

    stage: str
    cost: Cost


class StrategyCost(Frozen):
    """A strategy's cost over the whole run."""

    strategy: str
    stages: tuple[str, ...] = Field(description="the stage kinds it needs")
    cost: Cost


Totals = dict[tuple[str, str], Cost]
"""Spending summed per (problem id, stage), in the order first charged; problem "" is run-wide."""


def totals(spending: Iterable[Spending]) -> Totals:
    """Sum recorded spending per problem and stage."""
    summed: Totals = {}
    for row in spending:
        key = (row.problem_id, row.stage)
        summed[key] = summed.get(key, Cost()) + row.cost
    return summed


def _sum(costs: Iterable[Cost]) -> Cost:
    return sum(costs, Cost())


def stage_costs(summed: Totals) -> list[StageCost]:
    """Spending per recorded stage, in the order stages first ran."""
    stages = dict.fromkeys(stage for _, stage in summed)
    return [StageCost(stage=stage, cost=_sum(cost for (_, s), cost in summed.items() if s == stage))
            for stage in stages]


def _needs(strategy: str, stage: str) -> bool:
    return stage_kind(stage) in STAGES_NEEDED.get(strategy, frozenset())


def strategy_cost(strategy: str, summed: Totals) -> StrategyCost:
    """A strategy's cost over the run: all the spending of the stages it needs."""
    return StrategyCost(strategy=strategy, stages=tuple(sorted(STAGES_NEEDED.get(strategy, ()))),
                        cost=_sum(cost for (_, stage), cost in summed.items()
                                  if _needs(strategy, stage)))


def problem_strategy_cost(strategy: str, problem_id: str, problems: int, summed: Totals) -> Cost:
    """One problem's share of a strategy's cost: its own spending, plus an even split of
    the run-wide wall time of the stages the strategy needs."""
    own = _sum(cost for (pid, stage), cost in summed.items()
               if pid == problem_id and _needs(strategy, stage))
    wall = _sum(cost for (pid, stage), cost in summed.items()
                if not pid and _needs(strategy, stage))
    return own.model_copy(update={"wall_time_s": wall.wall_time_s / max(problems, 1)})
