"""Completion tokens per second: 16 samples of one prompt as 16 requests vs one batched request.

For each backend available here: the embedded llama.cpp model; the OpenAI-compatible client
against a llama.cpp server this script starts on a free port; vLLM when it is installed and
CODESCALE_VLLM_MODEL names a model. One run, one table, ratio = batched / sequential.

    python bench/generation_throughput.py [--samples 16] [--max-tokens 32] [--repeats 2]
"""

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

from codescale.llm.backend import Backend
from codescale.llm.llamacpp import LlamaCppGenerator
from codescale.llm.model_file import embedded_model_path
from codescale.llm.openai_compat import OpenAIGenerator
from codescale.llm.protocol import ChatMessage, GenerationRequest, SamplingParams
from codescale.llm.vllm_backend import VLLMGenerator
from codescale.ports import free_port

PROMPT = ("Write a Python function `longest_palindrome(s: str) -> str` that returns the "
          "longest palindromic substring of s. Reply with code only.")


def request(samples: int, max_tokens: int, seed: int) -> GenerationRequest:
    """The benchmark prompt with `samples` samples per request."""
    return GenerationRequest(messages=(ChatMessage(role="user", content=PROMPT),),
                             params=SamplingParams(n=samples, temperature=0.7,
                                                   max_tokens=max_tokens, seed=seed))


def tokens_per_second(run: Callable[[], int]) -> float:
    """Completion tokens per wall-clock second of `run`, which returns its token count."""
    start = time.perf_counter()
    tokens = run()
    return tokens / (time.perf_counter() - start)


def measure(generator: Backend, samples: int, max_tokens: int, repeats: int
            ) -> tuple[float, float]:
    """Best (sequential, batched) completion tokens per second over `repeats` alternating runs.

    Alternating and keeping the best run of each way damps a busy neighbour on a shared host.
    """
    generator.generate([request(1, 4, seed=0)])  # warm-up: load weights, fill caches

    def sequential() -> int:
        results = [generator.generate([request(1, max_tokens, seed=100 + k)])[0]
                   for k in range(samples)]
        return sum(c.completion_tokens for r in results for c in r.completions)

    def batched() -> int:
        [result] = generator.generate([request(samples, max_tokens, seed=100)])
        return sum(c.completion_tokens for c in result.completions)

    runs = [(tokens_per_second(sequential), tokens_per_second(batched)) for _ in range(repeats)]
    return max(run[0] for run in runs), max(run[1] for run in runs)


@contextmanager
def llama_server(gguf: str, threads: int) -> Iterator[str]:
    """A llama-cpp-python OpenAI-compatible server on a free port; yields its /v1 URL."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", gguf,
                               "--host", "127.0.0.1", "--port", str(port),
                               "--n_threads", str(threads)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(400):
            try:
                httpx.get(f"{url}/models", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if server.poll() is not None:
                    raise SystemExit(f"llama.cpp server exited with {server.returncode}") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    """Measure every available backend and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    gguf = str(embedded_model_path())
    rows: list[tuple[str, float, float]] = []
    embedded = LlamaCppGenerator(embedded_model_path(), n_ctx=2048, n_threads=args.threads)
    rows.append(("llamacpp (embedded)", *measure(embedded, args.samples, args.max_tokens,
                                                       args.repeats)))
    del embedded
    with llama_server(gguf, args.threads) as url:
        client = OpenAIGenerator(url, "qwen", max_concurrency=args.samples)
        rows.append(("openai -> llama_cpp.server", *measure(client, args.samples,
                                                             args.max_tokens, args.repeats)))
        print(f"llama_cpp.server honours n: {client.native_n} (otherwise n is sent as "
              f"{args.samples} concurrent seeded requests)")
    if "CODESCALE_VLLM_MODEL" in os.environ:
        engine = VLLMGenerator(os.environ["CODESCALE_VLLM_MODEL"])
        rows.append(("vllm", *measure(engine, args.samples, args.max_tokens, args.repeats)))
    else:
        print("vllm: skipped (set CODESCALE_VLLM_MODEL on a machine with vllm and a GPU)")

    print(f"\n{args.samples} samples x {args.max_tokens} max tokens, completion tokens/s")
    print(f"{'backend':<28}{'sequential (a)':>16}{'batched (b)':>14}{'b/a':>8}")
    for name, sequential, batched in rows:
        print(f"{name:<28}{sequential:>16.1f}{batched:>14.1f}{batched / sequential:>8.2f}")


if __name__ == "__main__":
    main()
