"""Settings of the LLM backend that generates candidates."""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict


class LLMConfig(BaseModel):
    """Which generator backend to use and how to reach its model."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["llamacpp", "openai", "vllm"] = "llamacpp"
    model: str | None = None
    gguf_path: Path | None = None
    base_url: str | None = None
