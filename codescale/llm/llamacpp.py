"""The embedded backend: llama.cpp through llama-cpp-python, on CPU, no server.

llama.cpp has no native `n`: each sample is its own completion with its own seed. The
samples of a request run back to back on one context, and llama-cpp-python keeps the KV
cache of the longest common token prefix between calls, so the prompt is evaluated once
per request (and a prefix shared with the previous request is not evaluated again).
"""

import importlib
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codescale.llm.backend import Backend, ResultSink, sample_seeds
from codescale.llm.errors import BackendUnavailable, LLMError, ModelFileError
from codescale.llm.protocol import Completion, GenerationRequest, GenerationResult


def load_llama_cpp() -> Any:
    """The `llama_cpp` module, or a clear error when it is not installed."""
    try:
        return importlib.import_module("llama_cpp")
    except ImportError as error:
        raise BackendUnavailable(f"the llamacpp backend needs llama-cpp-python ({error}); "
                                 f"run: pip install 'codescale[cpu]'") from None


class LlamaCppGenerator(Backend):
    """A GGUF model in this process; its chat template comes from the GGUF metadata."""

    def __init__(self, model_path: Path, *, model: str | None = None, n_ctx: int = 8192,
                 n_threads: int | None = None) -> None:
        llama_cpp = load_llama_cpp()
        if not model_path.is_file():
            raise ModelFileError(f"GGUF file not found: {model_path}")
        try:
            self._llm = llama_cpp.Llama(model_path=str(model_path), n_ctx=n_ctx,
                                        n_threads=n_threads, verbose=False)
        except ValueError as error:
            raise ModelFileError(f"cannot load {model_path} as a GGUF model: {error}") from None
        self.model = model or model_path.stem

    @property
    def name(self) -> str:
        """`llamacpp:<model>`."""
        return f"llamacpp:{self.model}"

    def generate_each(self, requests: Sequence[GenerationRequest], on_result: ResultSink) -> None:
        """Requests in order, each reported as soon as its `n` samples are done."""
        for index, request in enumerate(requests):
            on_result(index, self._generate(request))

    def _generate(self, request: GenerationRequest) -> GenerationResult:
        completions, prompt_tokens = [], 0
        for seed in sample_seeds(request.params):
            completion, prompt_tokens = self._sample(request, random.getrandbits(31)
                                                     if seed is None else seed)
            completions.append(completion)
        return GenerationResult(completions=tuple(completions), prompt_tokens=prompt_tokens)

    def _sample(self, request: GenerationRequest, seed: int) -> tuple[Completion, int]:
        params = request.params
        try:
            response = self._llm.create_chat_completion(
                messages=[message.model_dump() for message in request.messages],
                temperature=params.temperature, top_p=params.top_p,
                max_tokens=params.max_tokens, stop=list(params.stop) or None, seed=seed)
        except ValueError as error:
            raise LLMError(f"{self.name}: {error}") from None
        choice, usage = response["choices"][0], response["usage"]
        completion = Completion(text=choice["message"]["content"] or "",
                                finish_reason=choice["finish_reason"] or "unknown",
                                completion_tokens=usage["completion_tokens"])
        return completion, usage["prompt_tokens"]
