"""`openai`: any OpenAI-compatible chat server (`vllm serve`, llama.cpp's server, hosted APIs)."""

import os
from typing import Literal

from pydantic import Field

from codescale.llm.errors import BackendUnavailable
from codescale.llm.protocol import Generator
from codescale.llm.registry import GeneratorConfig


class OpenAIConfig(GeneratorConfig):
    """A server at `base_url` serving `model`; the key from `api_key`, else `$OPENAI_API_KEY`."""

    backend: Literal["openai"] = "openai"
    base_url: str | None = None
    api_key: str | None = Field(default=None, description="bearer token")
    max_concurrency: int = Field(default=16, ge=1, description="requests in flight")
    timeout_s: float = Field(default=600.0, gt=0, description="per HTTP request")
    max_retries: int = Field(default=4, ge=0, description="retries on 429/5xx/timeouts")

    def open(self) -> Generator:
        """A client of the server (nothing is sent until the first batch)."""
        from codescale.llm.openai_compat import OpenAIGenerator

        if self.model is None:
            raise BackendUnavailable("the openai backend needs llm.model (a model name)")
        if self.base_url is None:
            raise BackendUnavailable("the openai backend needs llm.base_url "
                                     "(for example http://localhost:8000/v1)")
        return OpenAIGenerator(self.base_url, self.model,
                               self.api_key or os.environ.get("OPENAI_API_KEY"),
                               max_concurrency=self.max_concurrency, timeout_s=self.timeout_s,
                               max_retries=self.max_retries)
