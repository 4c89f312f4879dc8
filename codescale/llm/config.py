"""Settings of the LLM backend that generates candidates."""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class LLMConfig(BaseModel):
    """Which generator backend to use and how to reach its model.

    `model` is a model name for `openai` and a model path or hub id for `vllm`; the
    `llamacpp` backend loads `gguf_path`, or the embedded Qwen2.5-Coder-0.5B GGUF when unset.
    """

    model_config = ConfigDict(extra="forbid")

    backend: Literal["llamacpp", "openai", "vllm"] = "llamacpp"
    model: str | None = None
    gguf_path: Path | None = None
    base_url: str | None = None
    api_key: str | None = Field(default=None, description="bearer token for `openai`")
    max_concurrency: int = Field(default=16, ge=1, description="`openai`: requests in flight")
    timeout_s: float = Field(default=600.0, gt=0, description="`openai`: per HTTP request")
    max_retries: int = Field(default=4, ge=0, description="`openai`: retries on 429/5xx/timeouts")
    n_ctx: int = Field(default=16384, ge=256,
                       description="`llamacpp`: KV cells shared by all parallel samples")
    n_parallel: int = Field(default=16, ge=1, description="`llamacpp`: samples decoded together")
    n_threads: int | None = Field(default=None, ge=1, description="`llamacpp`: CPU threads")
    tensor_parallel_size: int = Field(default=1, ge=1, description="`vllm`: GPUs per model")
    gpu_memory_utilization: float = Field(default=0.9, gt=0, le=1,
                                          description="`vllm`: fraction of GPU memory")
    max_model_len: int | None = Field(default=None, ge=256, description="`vllm`: context cap")
