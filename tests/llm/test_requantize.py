"""The requantized embedded model, made for real from the shipped GGUF by llama.cpp's quantizer:
every weight matrix IQ4_NL, a passing test decode, a stamp; failures leave nothing behind."""

from pathlib import Path

import gguf
import pytest

from codescale.llm.backends.llamacpp import LlamaCppConfig
from codescale.llm.errors import ModelFileError
from codescale.llm.llamacpp import LlamaCppGenerator
from codescale.llm.model_file import CODER_0_5B_IQ4NL, EMBEDDED, is_verified
from codescale.llm.protocol import ChatMessage, GenerationRequest, SamplingParams
from codescale.llm.requantize import requantize


@pytest.mark.model
def test_every_weight_matrix_is_iq4_nl_and_the_model_writes_code(embedded_gguf: Path,
                                                                  tmp_path: Path) -> None:
    target = tmp_path / CODER_0_5B_IQ4NL.filename
    assert requantize(embedded_gguf, target, CODER_0_5B_IQ4NL) == target
    assert is_verified(target, CODER_0_5B_IQ4NL)
    assert not (tmp_path / "partial" / target.name).exists()
    matrices = {tensor.name: tensor.tensor_type.name
                for tensor in gguf.GGUFReader(str(target)).tensors if len(tensor.shape) == 2}
    assert len(matrices) == 2 + 24 * 7  # token embedding, output, 7 per layer
    assert set(matrices.values()) == {"IQ4_NL"}
    assert target.stat().st_size < 0.9 * embedded_gguf.stat().st_size
    request = GenerationRequest(
        messages=(ChatMessage(role="user", content="Write a Python function is_even(n)."),),
        params=SamplingParams(n=2, temperature=0.7, max_tokens=64, seed=3))
    [result] = LlamaCppGenerator(target, n_ctx=1024).generate([request])
    assert all("def is_even" in completion.text for completion in result.completions)


@pytest.mark.model
def test_a_source_that_is_not_a_gguf_fails_in_one_line_leaving_nothing(
        embedded_gguf: Path, tmp_path: Path) -> None:
    source = tmp_path / "broken.gguf"
    source.write_bytes(b"GGUF" + b"\0" * 64)
    target = tmp_path / "out" / CODER_0_5B_IQ4NL.filename
    target.parent.mkdir()
    with pytest.raises(ModelFileError, match=r"could not requantize .*broken\.gguf to IQ4_NL"):
        requantize(source, target, CODER_0_5B_IQ4NL)
    assert not target.exists() and not list((target.parent / "partial").iterdir())


def test_a_run_names_the_recipe_not_bytes_made_on_this_machine() -> None:
    config = LlamaCppConfig(embedded="qwen2.5-coder-0.5b-iq4nl")
    assert config.weights_sha256() == f"IQ4_NL of {EMBEDDED.sha256}"
    assert config.embedded_spec.requirements == EMBEDDED.requirements
