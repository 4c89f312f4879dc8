"""The vLLM backend: importable without vllm; the real engine runs only where vllm is installed."""

import importlib.util
import os
import subprocess
import sys

import pytest

from codescale.llm.errors import BackendUnavailable
from codescale.llm.protocol import ChatMessage, GenerationRequest, SamplingParams
from codescale.llm.vllm_backend import VLLMGenerator

HAVE_VLLM = importlib.util.find_spec("vllm") is not None


def test_the_backends_import_without_importing_vllm() -> None:
    code = ("import sys, codescale.llm.factory, codescale.llm.vllm_backend; "
            "assert 'vllm' not in sys.modules, 'vllm was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.skipif(HAVE_VLLM, reason="vllm is installed here")
def test_without_vllm_the_backend_says_how_to_get_it() -> None:
    with pytest.raises(BackendUnavailable, match="needs vllm .*pip install 'codescale\\[gpu\\]'"):
        VLLMGenerator("any-model")


@pytest.mark.skipif(not HAVE_VLLM, reason="vllm is not installed (it needs a GPU machine)")
@pytest.mark.skipif("CODESCALE_VLLM_MODEL" not in os.environ,
                    reason="set CODESCALE_VLLM_MODEL to a local Hugging Face model directory")
def test_the_real_engine_samples_n_per_prompt_in_one_batch() -> None:
    generator = VLLMGenerator(os.environ["CODESCALE_VLLM_MODEL"], gpu_memory_utilization=0.5)
    requests = [GenerationRequest(messages=(ChatMessage(role="user", content=text),),
                                  params=SamplingParams(n=4, max_tokens=16, seed=1))
                for text in ("Write a Python function that adds two numbers.",
                             "Write a Python function that reverses a string.")]
    results = generator.generate(requests)
    assert [len(result.completions) for result in results] == [4, 4]
    for result in results:
        assert result.prompt_tokens > 0
        for completion in result.completions:
            assert 0 < completion.completion_tokens <= 16
            assert completion.finish_reason in ("stop", "length")
    again = generator.generate(requests)
    assert [c.text for c in again[0].completions] == [c.text for c in results[0].completions]
