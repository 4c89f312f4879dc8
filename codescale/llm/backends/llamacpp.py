"""`llamacpp` (the embedded default): a GGUF model in this process via llama-cpp-python."""

import functools
import hashlib
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field

from codescale.llm.protocol import Generator
from codescale.llm.registry import GeneratorConfig


@functools.lru_cache(maxsize=8)
def _file_sha256(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


class LlamaCppConfig(GeneratorConfig):
    """Loads `gguf_path`, or the embedded Qwen2.5-Coder-0.5B GGUF when unset."""

    backend: Literal["llamacpp"] = "llamacpp"
    gguf_path: Path | None = None
    n_ctx: int = Field(default=16384, ge=256, description="KV cells shared by all samples")
    n_parallel: int = Field(default=16, ge=1, description="samples decoded together")
    n_threads: int | None = Field(default=None, ge=1, description="CPU threads")
    DECISIVE: ClassVar[tuple[str, ...]] = ("backend", "model", "gguf_path")

    def open(self) -> Generator:
        """The GGUF loaded in-process (the embedded model is assembled on first use)."""
        from codescale.llm.llamacpp import LlamaCppGenerator
        from codescale.llm.model_file import EMBEDDED_NAME, embedded_model_path

        path = self.gguf_path or embedded_model_path()
        name = self.model or (EMBEDDED_NAME if self.gguf_path is None else None)
        return LlamaCppGenerator(path, model=name, n_ctx=self.n_ctx, n_threads=self.n_threads,
                                 parallel=self.n_parallel)

    def weights_sha256(self) -> str | None:
        """The GGUF's SHA-256 (the embedded model's is known; None for a missing file, which
        opening the generator reports)."""
        from codescale.llm.model_file import EMBEDDED

        if self.gguf_path is None:
            return EMBEDDED.sha256
        try:
            stat = self.gguf_path.stat()
        except OSError:
            return None
        return _file_sha256(self.gguf_path, stat.st_size, stat.st_mtime_ns)
