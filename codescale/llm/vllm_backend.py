"""The offline vLLM engine: the whole batch in one `generate` call, prefix caching on.

vllm is imported when the generator is built, never at module import, so CPU-only
installs can import this module.
"""

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

from codescale.llm.backend import Backend, ResultSink
from codescale.llm.errors import BackendUnavailable
from codescale.llm.protocol import Completion, GenerationRequest, GenerationResult


def load_vllm() -> Any:
    """The `vllm` module, or a clear error when it is not installed."""
    try:
        return importlib.import_module("vllm")
    except ImportError as error:
        raise BackendUnavailable(f"the vllm backend needs vllm ({error}); "
                                 f"run: pip install 'codescale[gpu]' on a machine with a GPU"
                                 ) from None


class VLLMGenerator(Backend):
    """`vllm.LLM` with `n` samples per prompt in `SamplingParams` and shared prompt prefixes."""

    def __init__(self, model: str, *, tensor_parallel_size: int = 1,
                 gpu_memory_utilization: float = 0.9, max_model_len: int | None = None,
                 engine_args: Mapping[str, Any] | None = None) -> None:
        self._vllm = load_vllm()
        self.model = model
        self._llm = self._vllm.LLM(**{
            "model": model, "tensor_parallel_size": tensor_parallel_size,
            "gpu_memory_utilization": gpu_memory_utilization, "max_model_len": max_model_len,
            "enable_prefix_caching": True, **(engine_args or {})})
        self._tokenizer = self._llm.get_tokenizer()

    @property
    def name(self) -> str:
        """`vllm:<model>`."""
        return f"vllm:{self.model}"

    def prompt(self, request: GenerationRequest) -> dict[str, list[int]]:
        """The request's messages rendered by the model's own chat template, as token ids.

        The rendered template already holds any special tokens it needs (such as a BOS), so
        the ids go to the engine as they are, not as text it would tokenize again."""
        messages = [message.model_dump() for message in request.messages]
        text = str(self._tokenizer.apply_chat_template(messages, tokenize=False,
                                                       add_generation_prompt=True))
        return {"prompt_token_ids": list(self._tokenizer.encode(text, add_special_tokens=False))}

    def sampling_params(self, request: GenerationRequest) -> Any:
        """The request's sampling settings as a `vllm.SamplingParams`."""
        params = request.params
        return self._vllm.SamplingParams(n=params.n, temperature=params.temperature,
                                         top_p=params.top_p, max_tokens=params.max_tokens,
                                         stop=list(params.stop) or None, seed=params.seed)

    def generate_each(self, requests: Sequence[GenerationRequest], on_result: ResultSink) -> None:
        """One engine call for the whole batch; results are reported when it returns."""
        outputs = self._llm.generate([self.prompt(r) for r in requests],
                                     [self.sampling_params(r) for r in requests], use_tqdm=False)
        for index, output in enumerate(outputs):
            completions = tuple(
                Completion(text=sample.text, finish_reason=str(sample.finish_reason or "unknown"),
                           completion_tokens=len(sample.token_ids))
                for sample in sorted(output.outputs, key=lambda sample: sample.index))
            on_result(index, GenerationResult(completions=completions,
                                              prompt_tokens=len(output.prompt_token_ids or ())))
