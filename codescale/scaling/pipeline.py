"""The S* pipeline: sample, debug, synthesize inputs, select; all problems batched together."""

from collections.abc import Sequence

from codescale.execution.protocol import Sandbox
from codescale.llm.protocol import Generator
from codescale.models import Answer, Problem
from codescale.scaling.budget import Budget
from codescale.scaling.config import ScalingConfig
from codescale.scaling.costs import Totals, problem_strategy_cost, totals
from codescale.scaling.debug import debug
from codescale.scaling.errors import ScalingError
from codescale.scaling.pool import PoolEntry, ProblemPool
from codescale.scaling.public import run_public
from codescale.scaling.registry import get_strategy
from codescale.scaling.runner import Progress, Runner
from codescale.scaling.sample import sample
from codescale.scaling.synthesize import synthesize
from codescale.scaling.waves import sample_in_waves
from codescale.store import RunStore


def load_pools(problems: Sequence[Problem], store: RunStore) -> list[ProblemPool]:
    """A pool per problem, holding the candidates an earlier run already recorded."""
    ids = [problem.id for problem in problems]
    repeated = sorted({pid for pid in ids if ids.count(pid) > 1})
    if repeated:
        raise ScalingError(f"problem ids must be unique; repeated: {', '.join(repeated)}")
    return [ProblemPool(problem=problem,
                        entries=[PoolEntry(candidate=candidate, copies=copies)
                                 for candidate, copies in store.candidates(problem.id)])
            for problem in problems]


def _settle(runner: Runner, answer: Answer, summed: Totals, problems: int) -> Answer:
    """Attach the cost of the stages the answer's strategy needs, and any budget stop, to an
    answer, and record it."""
    stop = runner.budget.stopped
    reason = f"{answer.reason}; stopped early: {stop}" if stop else answer.reason
    cost = problem_strategy_cost(answer.strategy, answer.problem_id, problems, summed)
    settled = answer.model_copy(update={"cost": cost, "reason": reason})
    runner.store.put_answer(settled)
    return settled


def solve(problems: Sequence[Problem], config: ScalingConfig, generator: Generator,
          sandbox: Sandbox, store: RunStore, progress: Progress | None = None) -> list[Answer]:
    """Solve every problem; returns the `config.selector` answer per problem, in order.

    The `config.baselines` strategies answer from the same pool and are recorded in the
    store. Work recorded in `store` by an earlier run is reused, so a rerun resumes.
    """
    budget = Budget(config.budget, ledger=store)
    runner = Runner(config, generator, sandbox, store, budget, progress)
    pools = load_pools(problems, store)
    if config.adaptive.enabled:
        sample_in_waves(runner, pools)
    else:
        sample(runner, pools)
    run_public(runner, pools)
    debug(runner, pools)
    synthesize(runner, pools)
    chosen: list[Answer] = []
    for name in dict.fromkeys((config.selector, *config.baselines)):
        runner.emit("select", name)
        answers = get_strategy(name).run(runner, pools)
        summed = totals(runner.store.spending())
        answers = [_settle(runner, answer, summed, len(pools)) for answer in answers]
        chosen = chosen or answers
    runner.emit("done", f"{len(pools)} problems", len(pools), len(pools))
    return chosen
