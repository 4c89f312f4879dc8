"""The services every stage uses: batched generation and execution, charged to the budget,
recorded in the store, reported as progress events."""

from collections.abc import Callable, Sequence

from codescale.execution.protocol import Sandbox, SandboxJob
from codescale.llm.protocol import GenerationRequest, GenerationResult, Generator
from codescale.llm.usage import result_cost
from codescale.models import Cost, Execution, Frozen, Problem, Stage, Step, TestCase
from codescale.scaling.budget import Budget
from codescale.scaling.config import ScalingConfig
from codescale.store import RunStore


class Event(Frozen):
    """A progress report: a stage started or finished a batch."""

    stage: str
    message: str
    done: int = 0
    total: int = 0


Progress = Callable[[Event], None]


class Runner:
    """Generation and execution for all problems at once, within budget, recorded as it goes."""

    def __init__(self, config: ScalingConfig, generator: Generator, sandbox: Sandbox,
                 store: RunStore, budget: Budget, progress: Progress | None = None) -> None:
        self.config = config
        self.store = store
        self.budget = budget
        self._generator = generator
        self._sandbox = sandbox
        self._progress = progress

    def emit(self, stage: str, message: str, done: int = 0, total: int = 0) -> None:
        """Report progress to the hook, if any."""
        if self._progress is not None:
            self._progress(Event(stage=stage, message=message, done=done, total=total))

    def generate(self, stage: Stage, requests: Sequence[tuple[str, GenerationRequest]],
                 round_: int = 0) -> list[GenerationResult | None]:
        """Send `(problem_id, request)` pairs as ONE batch; None for those the budget cut."""
        if not requests or self.budget.exhausted():
            return [None] * len(requests)
        step = Step(stage=stage, round=round_)
        left = self.budget.calls_left()
        sent = list(requests if left is None else requests[:left])
        self.emit(step.label, f"{len(sent)} generation requests", 0, len(sent))
        results = self._generator.generate([request for _, request in sent])
        for (problem_id, _), result in zip(sent, results, strict=True):
            self.budget.charge(problem_id, result_cost(result), step)
        self.emit(step.label, f"{len(sent)} generation requests", len(sent), len(sent))
        return [*results, *[None] * (len(requests) - len(sent))]

    def execute(self, stage: Stage, jobs: Sequence[tuple[Problem, str, str, Sequence[TestCase]]]
                ) -> list[list[Execution] | None]:
        """Run `(problem, candidate_id, code, tests)` jobs, reusing recorded executions.

        Jobs the execution budget cannot cover in full come back as None.
        """
        recorded = [self.store.executions(cid, tests) for _, cid, _, tests in jobs]
        missing = [i for i, found in enumerate(recorded) if None in found and jobs[i][3]]
        allowed = self._fit_executions(missing, jobs)
        if allowed:
            self.emit(stage, f"{len(allowed)} programs to run", 0, len(allowed))
            fresh = self._sandbox.run_many([SandboxJob.for_problem(*jobs[i]) for i in allowed])
            for i, executions in zip(allowed, fresh, strict=True):
                problem, _, _, tests = jobs[i]
                self.store.put_executions(tests, executions)
                self.budget.charge(problem.id, Cost(executions=len(executions)),
                                   Step(stage=stage))
                recorded[i] = list(executions)
            self.emit(stage, f"{len(allowed)} programs run", len(allowed), len(allowed))
        return [None if None in found else found for found in recorded]  # type: ignore[misc]

    def _fit_executions(self, missing: list[int],
                        jobs: Sequence[tuple[Problem, str, str, Sequence[TestCase]]]) -> list[int]:
        if self.budget.execution_blocked():
            return []
        left = self.budget.executions_left()
        allowed = []
        for i in missing:
            size = len(jobs[i][3])
            if left is not None and size > left:
                self.budget.shortfall(f"execution budget reached ({left} runs left, "
                                      f"{sum(len(jobs[j][3]) for j in missing)} wanted)")
                break
            allowed.append(i)
            left = None if left is None else left - size
        return allowed
