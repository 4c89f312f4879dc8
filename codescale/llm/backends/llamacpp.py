"""`llamacpp` (the embedded default): a GGUF model in this process via llama-cpp-python."""

import functools
import hashlib
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field

from codescale.llm.model_file import (
    EMBEDDED,
    EMBEDDED_MODELS,
    EmbeddedName,
    EmbeddedSpec,
    embedded_model_path,
    weights_identity,
)
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
    """Loads `gguf_path`, or the embedded model `embedded` names when unset."""

    backend: Literal["llamacpp"] = "llamacpp"
    gguf_path: Path | None = None
    embedded: EmbeddedName = Field(default=EMBEDDED.name,
                                   description="the embedded model, when gguf_path is unset")
    n_ctx: int = Field(default=16384, ge=256, description="KV cells shared by all samples")
    n_parallel: int = Field(default=16, ge=1, description="samples decoded together")
    n_threads: int | None = Field(default=None, ge=1, description="CPU threads")
    DECISIVE: ClassVar[tuple[str, ...]] = ("backend", "model", "gguf_path", "embedded")
    ADDED_LATER: ClassVar[tuple[str, ...]] = ("embedded",)

    @property
    def embedded_spec(self) -> EmbeddedSpec:
        """The registry entry of the chosen embedded model."""
        return EMBEDDED_MODELS[self.embedded]

    def open(self) -> Generator:
        """The GGUF loaded in-process (the embedded model is assembled on first use)."""
        from codescale.llm.llamacpp import LlamaCppGenerator

        path = self.gguf_path or embedded_model_path(self.embedded_spec)
        name = self.model or (self.embedded_spec.model_name if self.gguf_path is None else None)
        return LlamaCppGenerator(path, model=name, n_ctx=self.n_ctx, n_threads=self.n_threads,
                                 parallel=self.n_parallel)

    def weights_sha256(self) -> str | None:
        """The GGUF's SHA-256: pinned for a shipped embedded model; for a requantized one its
        recipe (`IQ4_NL of <source SHA-256>`: the file is made here, and exists only after the
        first run); None for a missing `gguf_path`, which opening the generator reports."""
        if self.gguf_path is None:
            return weights_identity(self.embedded_spec)
        try:
            stat = self.gguf_path.stat()
        except OSError:
            return None
        return _file_sha256(self.gguf_path, stat.st_size, stat.st_mtime_ns)
