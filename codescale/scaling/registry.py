"""The strategy registry: a selection strategy is one module that registers its name and the
stages its answers need.

Built-in strategies are the modules of `codescale.scaling.strategies`; other packages add
theirs through the `codescale.strategies` entry-point group (each entry point names a module
that registers on import). Modules are imported on the first lookup.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from codescale.models import Answer, Stage
from codescale.plugins import discover
from codescale.scaling.errors import ScalingError
from codescale.scaling.pool import ProblemPool
from codescale.scaling.runner import Runner

Strategy = Callable[[Runner, list[ProblemPool]], list[Answer]]
PerProblem = Callable[[ProblemPool, int], Answer]
ENTRY_POINTS = "codescale.strategies"

SAMPLING = frozenset({Stage.SAMPLE})
DEBUGGING = SAMPLING | {Stage.PUBLIC_TESTS, Stage.DEBUG}
SYNTHESIS = DEBUGGING | {Stage.SYNTHESIZE, Stage.SYNTHESIZED_RUNS}


@dataclass(frozen=True)
class StrategySpec:
    """A registered strategy: its name, the stages it needs, where it is listed, its code."""

    name: str
    needs: frozenset[Stage]
    order: int
    run: Strategy


_REGISTRY: dict[str, StrategySpec] = {}


def strategy(name: str, needs: Iterable[Stage], order: int = 100
             ) -> Callable[[Strategy], Strategy]:
    """Register a strategy that answers all problems at once (it may batch LLM calls).

    `order` places it in listings (lower first)."""
    def register(run: Strategy) -> Strategy:
        if name in _REGISTRY and _REGISTRY[name].run is not run:
            raise ScalingError(f"two strategies are registered as {name!r}")
        _REGISTRY[name] = StrategySpec(name=name, needs=frozenset(needs), order=order, run=run)
        return run
    return register


def per_problem(name: str, needs: Iterable[Stage], order: int = 100
                ) -> Callable[[PerProblem], PerProblem]:
    """Register a strategy that needs no LLM: it answers each pool with the run seed."""
    def register(choose: PerProblem) -> PerProblem:
        strategy(name, needs, order)(
            lambda runner, pools: [choose(pool, runner.config.seed) for pool in pools])
        return choose
    return register


def _load() -> None:
    discover("codescale.scaling.strategies", ENTRY_POINTS)


def strategy_names() -> tuple[str, ...]:
    """Every registered strategy, in listing order."""
    _load()
    return tuple(spec.name for spec in sorted(_REGISTRY.values(), key=lambda s: (s.order, s.name)))


def get_strategy(name: str) -> StrategySpec:
    """The registered strategy `name`; ScalingError naming the known ones otherwise."""
    _load()
    if name not in _REGISTRY:
        raise ScalingError(f"unknown strategy {name!r}; known: {', '.join(strategy_names())}")
    return _REGISTRY[name]
