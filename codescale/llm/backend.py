"""What every backend shares: results delivered one by one as they finish, seeds per sample."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from codescale.llm.protocol import GenerationRequest, GenerationResult, SamplingParams

ResultSink = Callable[[int, GenerationResult], None]
"""Receives `(index in the batch, result)` as soon as a request is done."""


@runtime_checkable
class IncrementalGenerator(Protocol):
    """A Generator that can report each request's result as soon as it is done."""

    @property
    def name(self) -> str:
        """`backend:model`."""
        ...

    def generate_each(self, requests: Sequence[GenerationRequest], on_result: ResultSink) -> None:
        """Generate the whole batch, calling `on_result` once per request, in any order."""
        ...


class Backend(ABC):
    """Base of the real backends: `generate` collects what `generate_each` reports."""

    @property
    @abstractmethod
    def name(self) -> str:
        """`backend:model`, used in cache keys and reports."""

    @abstractmethod
    def generate_each(self, requests: Sequence[GenerationRequest], on_result: ResultSink) -> None:
        """Generate the whole batch, calling `on_result` once per request, in any order."""

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        """Return one result per request, in order."""
        results: list[GenerationResult | None] = [None] * len(requests)

        def keep(index: int, result: GenerationResult) -> None:
            results[index] = result

        self.generate_each(requests, keep)
        missing = [i for i, result in enumerate(results) if result is None]
        if missing:
            raise RuntimeError(f"{self.name} returned no result for requests {missing}")
        return results  # type: ignore[return-value]


def sample_seeds(params: SamplingParams) -> list[int | None]:
    """One seed per sample: `seed, seed+1, ...`, or all None when no seed is set."""
    if params.seed is None:
        return [None] * params.n
    return [params.seed + k for k in range(params.n)]
