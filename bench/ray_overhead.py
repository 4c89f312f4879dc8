"""The Ray path against the in-process path: executions/s and completion tokens/s, in one run.

Three ways to run the same batches on this machine:
  in-process   the Docker pool and the embedded model in this process (what runs without Ray);
  ray, 1 node  one sandbox executor and one generation replica on a one-node Ray cluster,
               with the same pool size and threads: the overhead of the Ray path;
  ray, 2 nodes two `ray start` nodes on this machine, an executor on each and two replicas,
               the cores split between them (same total workers and threads).
Both clusters are started here (`codescale.cluster.local`) and killed at the end. Every path
is opened and warmed before it is timed; each figure is the best of `--repeats` batches.
On one machine two nodes share its cores, so the 2-node column shows sharding's cost, not
a speed-up; on separate machines each node brings its own cores.

Usage: python bench/ray_overhead.py [--jobs 96] [--requests 8] [--n 4] [--max-tokens 64]
           [--repeats 3]
"""

import argparse
import os
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack

from rich.console import Console
from rich.table import Table

from codescale.cluster.cluster import Cluster
from codescale.cluster.config import ClusterConfig
from codescale.cluster.local import local_cluster
from codescale.execution.config import sandbox_config
from codescale.execution.protocol import Sandbox, SandboxJob
from codescale.llm.backends.llamacpp import LlamaCppConfig
from codescale.llm.protocol import ChatMessage, GenerationRequest, Generator, SamplingParams
from codescale.models import Status, TestCase

PROGRAM = """
def primes_below(limit):
    sieve = bytearray([1]) * limit
    sieve[:2] = b"\\x00\\x00"
    for i in range(2, int(limit ** 0.5) + 1):
        if sieve[i]:
            sieve[i * i::i] = bytearray(len(sieve[i * i::i]))
    return sum(sieve)

print(primes_below(int(input())))
"""
PRIMES_BELOW = {10_000: 1229, 20_000: 2262, 50_000: 5133, 100_000: 9592}
PROMPT = "Write a Python function `{name}` that {task}. Reply with code only."
TASKS = [("rotate", "rotates a list left by k places"), ("dedupe", "removes duplicates in order"),
         ("is_prime", "tells whether n is prime"), ("median", "returns the median of a list"),
         ("run_length", "run-length encodes a string"), ("gcd", "returns the gcd of two ints"),
         ("flatten", "flattens nested lists"), ("transpose", "transposes a matrix")]


def jobs(count: int) -> list[SandboxJob]:
    """`count` candidates of one problem, each run on the four inputs."""
    tests = tuple(TestCase(input=str(limit), expected=str(primes))
                  for limit, primes in PRIMES_BELOW.items())
    return [SandboxJob(candidate_id=f"c{i}", code=PROGRAM + f"# {i}\n", io="stdin",
                       tests=tests) for i in range(count)]


def requests(count: int, n: int, max_tokens: int, seed: int) -> list[GenerationRequest]:
    """`count` prompts of `n` samples each."""
    return [GenerationRequest(
        messages=(ChatMessage(role="user", content=PROMPT.format(name=name, task=task)),),
        params=SamplingParams(n=n, max_tokens=max_tokens, seed=seed + i))
        for i, (name, task) in enumerate((TASKS * count)[:count])]


def best_rate(run: Callable[[int], float], repeats: int) -> float:
    """The best of `repeats` rates `run(repeat)` returns (a warm-up run first, not counted)."""
    run(-1)
    return max(run(repeat) for repeat in range(repeats))


def execution_rate(sandbox: Sandbox, batch: Sequence[SandboxJob]) -> Callable[[int], float]:
    """Executions (program x input) per second of one batch."""
    def run(_: int) -> float:
        start = time.perf_counter()
        results = sandbox.run_many(batch)
        elapsed = time.perf_counter() - start
        assert all(e.status == Status.PASSED for runs in results for e in runs), results[0]
        return sum(len(runs) for runs in results) / elapsed
    return run


def token_rate(generator: Generator, args: argparse.Namespace) -> Callable[[int], float]:
    """Completion tokens per second of one batch (a fresh seed each repeat)."""
    def run(repeat: int) -> float:
        batch = requests(args.requests, args.n, args.max_tokens, seed=1000 * (repeat + 2))
        start = time.perf_counter()
        results = generator.generate(batch)
        elapsed = time.perf_counter() - start
        return sum(c.completion_tokens for r in results for c in r.completions) / elapsed
    return run


def measure(args: argparse.Namespace, cores: int) -> dict[str, tuple[float, float]]:
    """(executions/s, tokens/s) of each path."""
    batch = jobs(args.jobs)
    rates: dict[str, tuple[float, float]] = {}
    with sandbox_config(backend="docker", pool_size=cores).open() as sandbox:
        rates["in-process"] = (best_rate(execution_rate(sandbox, batch), args.repeats),
                               best_rate(token_rate(LlamaCppConfig(n_threads=cores).open(),
                                                    args), args.repeats))
    for nodes in (1, 2):
        share = max(1, cores // nodes)
        with local_cluster(nodes, cpus_per_node=share + 1) as local, ExitStack() as stack:
            cluster = Cluster(ClusterConfig(ray_address=local.address, replicas=nodes,
                                            replica_cpus=share, executor_cpus=1))
            stack.callback(cluster.close)
            sandbox = cluster.sandbox(sandbox_config(backend="docker", pool_size=share))
            stack.callback(sandbox.close)
            generator = cluster.generator(LlamaCppConfig())
            rates[f"ray, {nodes} node{'s' * (nodes > 1)}"] = (
                best_rate(execution_rate(sandbox, batch), args.repeats),
                best_rate(token_rate(generator, args), args.repeats))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=96, help="candidates per execution batch")
    parser.add_argument("--requests", type=int, default=8, help="prompts per generation batch")
    parser.add_argument("--n", type=int, default=4, help="samples per prompt")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    rates = measure(args, cores)
    base_executions, base_tokens = rates["in-process"]
    table = Table(title=f"Ray path vs in-process on this machine ({cores} cores): "
                        f"{args.jobs} jobs x {len(PRIMES_BELOW)} inputs; {args.requests} "
                        f"prompts x n={args.n}, {args.max_tokens} tokens")
    for column in ("path", "executions/s", "vs in-process", "tokens/s", "vs in-process"):
        table.add_column(column)
    for path, (executions, tokens) in rates.items():
        table.add_row(path, f"{executions:.1f}", f"{executions / base_executions:.2f}",
                      f"{tokens:.1f}", f"{tokens / base_tokens:.2f}")
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
