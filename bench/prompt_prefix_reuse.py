"""Prompt evaluation of a debug round on the embedded model, with and without sharing the
problem statement's KV cells among the revision prompts of one batch, in one run.

For each example problem it builds the revision prompts a debug round sends (the sampling
prompt, a candidate program, a failing public test), `--candidates` per problem, and times
one batch of them at `max_tokens=1`, so prompt evaluation is all that is measured; once as
codescale runs it (a prompt that begins like one evaluated earlier in its group shares that
prefix) and once with sharing turned off. Prints prompt tokens evaluated and seconds, and the
ratios. Keep other work off the cores while it runs.

Usage: python bench/prompt_prefix_reuse.py [PROBLEMS...] [--candidates 8] [--repeat 2]
"""

import argparse
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from codescale.llm.llamacpp import LlamaCppGenerator
from codescale.llm.llamacpp_engine import prefix_sharing_off
from codescale.llm.model_file import embedded_model_path
from codescale.llm.protocol import GenerationRequest, SamplingParams
from codescale.models import Execution, Status
from codescale.problems import load_problems
from codescale.scaling.prompts import failure_report, revision_messages


def revision_batch(paths: list[str], candidates: int) -> list[GenerationRequest]:
    """`candidates` revision prompts per problem, each for a different (trivial) program."""
    requests = []
    for problem in load_problems(paths):
        test = problem.public_tests[0]
        for k in range(candidates):
            code = f"def solve():\n    return {k}  # candidate {k}\n"
            failed = Execution(candidate_id=str(k), input=test.input, status=Status.WRONG_ANSWER,
                               stdout=f"{k}\n")
            report = failure_report(problem, test, failed, 1500)
            requests.append(GenerationRequest(
                messages=revision_messages(problem, code, report),
                params=SamplingParams(n=1, temperature=0.0, max_tokens=1, seed=k)))
    return requests


def timed(generator: LlamaCppGenerator, requests: list[GenerationRequest], repeat: int
          ) -> tuple[int, int, float]:
    """(prompt tokens charged, prompt tokens evaluated, best seconds) per batch, over `repeat`
    runs."""
    best, evaluated, charged = float("inf"), 0, 0
    for _ in range(repeat):
        before, start = generator.evaluated_prompt_tokens, time.perf_counter()
        results = generator.generate(requests)
        best = min(best, time.perf_counter() - start)
        evaluated = generator.evaluated_prompt_tokens - before
        charged = sum(result.prompt_tokens for result in results)
    return charged, evaluated, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("problems", nargs="*", default=["problems/"])
    parser.add_argument("--candidates", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    requests = revision_batch(args.problems, args.candidates)
    generator = LlamaCppGenerator(Path(embedded_model_path()), n_threads=None)
    shared = timed(generator, requests, args.repeat)
    with prefix_sharing_off():
        unshared = timed(generator, requests, args.repeat)
    table = Table(title=f"one debug-round batch: {len(requests)} revision prompts, "
                        f"{shared[0]:,} prompt tokens")
    for column in ("prefix sharing", "tokens evaluated", "seconds", "vs off"):
        table.add_column(column)
    table.add_row("off", f"{unshared[1]:,}", f"{unshared[2]:.2f}", "1.00")
    table.add_row("on (codescale)", f"{shared[1]:,}", f"{shared[2]:.2f}",
                  f"{shared[2] / unshared[2]:.2f}")
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
