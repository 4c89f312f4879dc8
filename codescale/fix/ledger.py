"""What a fix run spends: every generation batch goes through here and is added up."""

import time
from collections.abc import Sequence

from codescale.llm.protocol import GenerationRequest, GenerationResult, Generator
from codescale.llm.usage import batch_cost
from codescale.models import Cost


class Ledger:
    """A generator that adds up tokens and calls, and the wall time since it was made."""

    def __init__(self, generator: Generator) -> None:
        self._generator = generator
        self._started = time.monotonic()
        self.spent = Cost()

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        """One batch to the generator (nothing sent for an empty batch); its cost recorded."""
        if not requests:
            return []
        results = self._generator.generate(requests)
        self.spent = self.spent + batch_cost(results)
        return results

    def total(self, executions: int) -> Cost:
        """The cost so far with `executions` sandbox runs and the elapsed wall time."""
        return self.spent.model_copy(update={"executions": executions,
                                             "wall_time_s": time.monotonic() - self._started})
