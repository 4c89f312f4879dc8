"""Build the generator an `LLMConfig` asks for."""

import os

from codescale.llm.config import LLMConfig
from codescale.llm.errors import BackendUnavailable
from codescale.llm.llamacpp import LlamaCppGenerator
from codescale.llm.model_file import EMBEDDED_NAME, embedded_model_path
from codescale.llm.openai_compat import OpenAIGenerator
from codescale.llm.protocol import Generator
from codescale.llm.vllm_backend import VLLMGenerator


def open_generator(config: LLMConfig) -> Generator:
    """The backend named by `config.backend`, loaded and ready to generate.

    `llamacpp` loads `gguf_path`, or the embedded model (assembled on first use). The
    `openai` backend takes its key from `api_key`, else from `$OPENAI_API_KEY`.
    """
    if config.backend == "llamacpp":
        path = config.gguf_path or embedded_model_path()
        name = config.model or (EMBEDDED_NAME if config.gguf_path is None else None)
        return LlamaCppGenerator(path, model=name, n_ctx=config.n_ctx,
                                 n_threads=config.n_threads, parallel=config.n_parallel)
    if config.model is None:
        raise BackendUnavailable(f"the {config.backend} backend needs llm.model "
                                 f"(a model name or path)")
    if config.backend == "openai":
        if config.base_url is None:
            raise BackendUnavailable("the openai backend needs llm.base_url "
                                     "(for example http://localhost:8000/v1)")
        return OpenAIGenerator(config.base_url, config.model,
                               config.api_key or os.environ.get("OPENAI_API_KEY"),
                               max_concurrency=config.max_concurrency,
                               timeout_s=config.timeout_s, max_retries=config.max_retries)
    return VLLMGenerator(config.model, tensor_parallel_size=config.tensor_parallel_size,
                         gpu_memory_utilization=config.gpu_memory_utilization,
                         max_model_len=config.max_model_len)
