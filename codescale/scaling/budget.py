"""Spending of a run, and whether a cap has been reached.

With a ledger (the run store), every charge is recorded with its stage, and the spending
of earlier, interrupted sessions on the same run counts: costs and caps cover the whole run.
"""

import time
from collections.abc import Callable, Sequence
from typing import Protocol

from codescale.models import Cost, Step
from codescale.scaling.config import BudgetCaps
from codescale.store import Spending


class Ledger(Protocol):
    """Where charges are kept across sessions (`RunStore` is one)."""

    def put_spending(self, spending: Sequence[Spending]) -> None: ...

    def spending(self) -> list[Spending]: ...


class Budget:
    """Adds up the run's cost and checks the run-wide caps before each batch.

    Wall time is charged to the stage whose charge ends it: the time since the previous
    charge is recorded run-wide (problem id "") under the stage of the current one.
    """

    def __init__(self, caps: BudgetCaps, clock: Callable[[], float] = time.monotonic,
                 ledger: Ledger | None = None) -> None:
        self.caps = caps
        self._clock = clock
        self._start = self._last_charge = clock()
        self._ledger = ledger
        self._spent = Cost()
        self._earlier_wall_s = 0.0
        for earlier in ledger.spending() if ledger is not None else []:
            if earlier.problem_id:
                self._spent += earlier.cost
            else:
                self._earlier_wall_s += earlier.cost.wall_time_s
        self.stopped: str | None = None

    def charge(self, problem_id: str, cost: Cost, step: Step) -> None:
        """Add a problem's `cost` to the run's, and record it in the ledger under `step`."""
        self._spent += cost
        if self._ledger is None:
            return
        now = self._clock()
        elapsed, self._last_charge = now - self._last_charge, now
        self._ledger.put_spending([
            Spending(problem_id=problem_id, step=step, cost=cost),
            Spending(problem_id="", step=step, cost=Cost(wall_time_s=elapsed))])

    def _wall_time_s(self) -> float:
        return self._earlier_wall_s + self._clock() - self._start

    def total(self) -> Cost:
        """Everything spent so far, wall time included."""
        return self._spent.model_copy(update={"wall_time_s": self._wall_time_s()})

    def exhausted(self) -> str | None:
        """Which cap is reached, as a sentence, or None: no more generation once it is not None.

        The first cap hit is remembered and reported in every answer."""
        self._stop(self._generation_cap() or self._execution_cap())
        return self.stopped

    def execution_blocked(self) -> str | None:
        """The execution or wall-time cap reached, or None. Other caps stop generation only,
        so that programs already generated can still be tested and selected from."""
        reached = self._execution_cap()
        self._stop(reached)
        return reached

    def shortfall(self, reason: str) -> None:
        """Record that work was skipped because it would not fit in the budget."""
        self._stop(reason)

    def _stop(self, reason: str | None) -> None:
        if self.stopped is None:
            self.stopped = reason

    def _generation_cap(self) -> str | None:
        total, caps = self.total(), self.caps
        tokens = total.prompt_tokens + total.completion_tokens
        if caps.tokens is not None and tokens >= caps.tokens:
            return f"token budget reached ({tokens} of {caps.tokens})"
        if caps.llm_calls is not None and total.llm_calls >= caps.llm_calls:
            return f"LLM call budget reached ({total.llm_calls} of {caps.llm_calls})"
        return None

    def _execution_cap(self) -> str | None:
        total, caps = self.total(), self.caps
        if caps.executions is not None and total.executions >= caps.executions:
            return f"execution budget reached ({total.executions} of {caps.executions})"
        if caps.wall_time_s is not None and total.wall_time_s >= caps.wall_time_s:
            return f"wall-time budget reached ({total.wall_time_s:.1f}s of {caps.wall_time_s}s)"
        return None

    def calls_left(self) -> int | None:
        """How many more generation requests the call cap allows (None: unlimited)."""
        if self.caps.llm_calls is None:
            return None
        return max(self.caps.llm_calls - self.total().llm_calls, 0)

    def executions_left(self) -> int | None:
        """How many more program runs the execution cap allows (None: unlimited)."""
        if self.caps.executions is None:
            return None
        return max(self.caps.executions - self.total().executions, 0)
