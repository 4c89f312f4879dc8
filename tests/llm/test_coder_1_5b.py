"""The optional embedded Qwen2.5-Coder-1.5B-Instruct, for real: its 22 installed parts assemble
to the pinned file (size, SHA-256, GGUF name), and the backend, told `embedded =
"qwen2.5-coder-1.5b"`, assembles it into the cache and decodes with it under its own name."""

from pathlib import Path

import pytest

from codescale.llm.backends.llamacpp import LlamaCppConfig
from codescale.llm.model_file import (
    CODER_1_5B,
    assemble,
    embedded_parts,
    installed_parts,
    is_verified,
)
from codescale.llm.protocol import ChatMessage, GenerationRequest, SamplingParams

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def parts_installed() -> None:
    """Skip unless every part package of the 1.5B is installed (setup downloads 1.1 GB)."""
    missing = [package for package, path in installed_parts(CODER_1_5B).items() if path is None]
    if missing:
        pytest.skip(f"{len(missing)} of {len(CODER_1_5B.packages)} qwen2.5-coder-1.5b parts "
                    f"not installed; run: {CODER_1_5B.install}")


def test_the_parts_assemble_to_the_qwen_1_5b_gguf(parts_installed: None, tmp_path: Path) -> None:
    from llama_cpp import Llama

    path = assemble(embedded_parts(CODER_1_5B), tmp_path / CODER_1_5B.filename, CODER_1_5B)
    try:
        assert path.stat().st_size == CODER_1_5B.size and is_verified(path, CODER_1_5B)
        metadata = Llama(str(path), vocab_only=True, verbose=False).metadata
        assert metadata["general.name"] == "Qwen2.5 Coder 1.5B Instruct GGUF"
    finally:
        path.unlink()  # 1.1 GB: not kept among pytest's temporary directories


def test_the_backend_decodes_with_the_chosen_model(parts_installed: None) -> None:
    generator = LlamaCppConfig(embedded="qwen2.5-coder-1.5b", n_ctx=512, n_parallel=2,
                               n_threads=2).open()
    assert generator.name == "llamacpp:qwen2.5-coder-1.5b-instruct-q4"
    request = GenerationRequest(
        messages=(ChatMessage(role="user", content="Write a Python function add(a, b)."),),
        params=SamplingParams(n=2, temperature=0.0, max_tokens=8))
    [result] = generator.generate([request])
    first, second = result.completions
    assert first.text == second.text and first.text.strip()
    assert 0 < first.completion_tokens <= 8
