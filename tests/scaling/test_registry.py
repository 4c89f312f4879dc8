"""The strategy registry: built-ins are found, a new strategy is one registration whose
declared stages decide its cost, and unknown names are refused with the known ones."""

import pytest
from pydantic import ValidationError

from codescale.models import Answer, Cost, Stage, Step
from codescale.scaling import registry
from codescale.scaling.answer import choose
from codescale.scaling.config import ScalingConfig
from codescale.scaling.costs import problem_strategy_cost, strategy_cost
from codescale.scaling.errors import ScalingError
from codescale.scaling.pool import ProblemPool
from codescale.scaling.registry import SAMPLING, get_strategy, per_problem, strategy_names

BUILT_IN = ("sstar", "first", "random", "public_tests", "majority", "codet", "llm_judge",
            "oracle")


def last(pool: ProblemPool, seed: int) -> Answer:
    """The last sampled program (a strategy defined outside the package)."""
    entry = pool.sampled()[-1]
    return choose(pool, "last", entry, 1.0, "last sample")


@pytest.fixture(autouse=True)
def with_last(monkeypatch: pytest.MonkeyPatch) -> None:
    """`last` registered for one test only (the registry is restored afterwards)."""
    strategy_names()  # the built-ins are loaded into the registry being copied
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    per_problem("last", SAMPLING | {Stage.PUBLIC_TESTS}, order=50)(last)


def test_the_built_in_strategies_are_listed_in_their_order() -> None:
    names = strategy_names()
    assert names[:len(BUILT_IN)] == BUILT_IN
    assert "last" in names and ScalingConfig(selector="last").selector == "last"


def test_a_strategy_costs_the_stages_it_declared() -> None:
    summed = {("p", Step(stage=Stage.SAMPLE)): Cost(llm_calls=2),
              ("p", Step(stage=Stage.PUBLIC_TESTS)): Cost(executions=4),
              ("p", Step(stage=Stage.DEBUG, round=1)): Cost(llm_calls=1),
              ("", Step(stage=Stage.SAMPLE)): Cost(wall_time_s=2.0)}
    assert get_strategy("last").needs == {Stage.SAMPLE, Stage.PUBLIC_TESTS}
    assert strategy_cost("last", summed).cost == Cost(llm_calls=2, executions=4, wall_time_s=2.0)
    assert strategy_cost("public_tests", summed).cost.llm_calls == 3  # debugging included
    assert problem_strategy_cost("first", "p", 2, summed) == Cost(llm_calls=2, wall_time_s=1.0)


def test_unknown_strategies_are_refused_naming_the_known_ones() -> None:
    with pytest.raises(ValidationError, match="unknown strategy 'best'; known: sstar, first"):
        ScalingConfig(baselines=("first", "best"))
    with pytest.raises(ScalingError, match="unknown strategy 'best'"):
        get_strategy("best")
