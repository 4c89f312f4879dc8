"""The embedded backend: llama.cpp in this process through llama-cpp-python, on CPU.

llama.cpp has no native `n`: each sample is its own sequence with its own seed (`seed`,
`seed+1`, ...; random seeds when the request has none). All samples of a batch are decoded
together by `LlamaCppEngine`, which evaluates each prompt once and shares its KV cache
among that prompt's samples.
"""

import random
from collections.abc import Sequence
from pathlib import Path

from codescale.llm.backend import Backend, ResultSink, sample_seeds
from codescale.llm.errors import ModelFileError
from codescale.llm.llamacpp_check import ensure_library_runs
from codescale.llm.llamacpp_engine import LlamaCppEngine, SampleJob
from codescale.llm.protocol import GenerationRequest, GenerationResult


class LlamaCppGenerator(Backend):
    """A GGUF model in this process; its chat template comes from the GGUF metadata.

    llama.cpp is loaded only after it passed a smoke decode in a subprocess on this CPU
    (`llamacpp_check`), so a build this CPU cannot run is an error, not a crash."""

    def __init__(self, model_path: Path, *, model: str | None = None, n_ctx: int = 16384,
                 n_threads: int | None = None, parallel: int = 16) -> None:
        if not model_path.is_file():
            raise ModelFileError(f"GGUF file not found: {model_path}")
        ensure_library_runs(model_path)
        self._engine = LlamaCppEngine(str(model_path), n_ctx=n_ctx, n_threads=n_threads,
                                      n_seq_max=parallel)
        self.model = model or model_path.stem

    @property
    def name(self) -> str:
        """`llamacpp:<model>`."""
        return f"llamacpp:{self.model}"

    @property
    def evaluated_prompt_tokens(self) -> int:
        """Prompt tokens llama.cpp has decoded so far: prompt tokens charged minus what sharing
        a prompt among its samples and a common prefix among prompts saved."""
        return self._engine.evaluated_prompt_tokens

    def generate_each(self, requests: Sequence[GenerationRequest], on_result: ResultSink) -> None:
        """Decode the whole batch together; report each request as its samples finish."""
        jobs = [SampleJob(prompt=self._engine.prompt_tokens(request.messages),
                          params=request.params,
                          seeds=[random.getrandbits(31) if seed is None else seed
                                 for seed in sample_seeds(request.params)])
                for request in requests]
        for index, completions in self._engine.run(jobs):
            on_result(index, GenerationResult(completions=tuple(completions),
                                              prompt_tokens=len(jobs[index].prompt)))
