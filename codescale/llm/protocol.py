"""The Generator contract: a batch of chat requests in, completions with token counts out."""

from collections.abc import Sequence
from typing import Literal, Protocol

from pydantic import Field

from codescale.models import Frozen


class ChatMessage(Frozen):
    """One message of a chat prompt."""

    role: Literal["system", "user", "assistant"]
    content: str


class SamplingParams(Frozen):
    """How to sample: `n` completions per request, each with these settings."""

    n: int = Field(default=1, ge=1)
    temperature: float = Field(default=0.7, ge=0.0)
    top_p: float = Field(default=0.95, gt=0.0, le=1.0)
    max_tokens: int = Field(default=1024, ge=1)
    stop: tuple[str, ...] = ()
    seed: int | None = None


class GenerationRequest(Frozen):
    """A chat prompt and how to sample from it."""

    messages: tuple[ChatMessage, ...] = Field(min_length=1)
    params: SamplingParams = SamplingParams()


class Completion(Frozen):
    """One sampled answer; `cached` when a completion cache served it instead of the model."""

    text: str
    finish_reason: str
    completion_tokens: int = Field(ge=0)
    cached: bool = False


class GenerationResult(Frozen):
    """The `n` completions of one request; the prompt is counted once for all of them."""

    completions: tuple[Completion, ...]
    prompt_tokens: int = Field(ge=0)
    cached: bool = False


class Generator(Protocol):
    """A backend that samples completions. Callers batch; backends keep batches whole."""

    @property
    def name(self) -> str:
        """`backend:model`, used in cache keys and reports."""
        ...

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        """Return one result per request, in order."""
        ...
