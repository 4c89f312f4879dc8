"""Sandbox throughput: codescale's warm pools against starting a process per program.

Prints one table from one run on this machine: executions per second (an execution is
one program on one input) and p50/p99 latency of a single execution, end to end, for
  (a) `docker run --rm` per program, (b) `docker exec` per program into one container,
  (c) a host subprocess per program (no isolation), (d) the codescale Docker pool,
  (e) the codescale local (bubblewrap) backend,
on trivial programs and on a HumanEval-sized check (a function and 8 asserted calls).
The pools run many inputs per job, one process start per job; that is the point.

Usage: python bench/sandbox_throughput.py [--executions N] [--lanes K]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from rich.console import Console
from rich.table import Table

from codescale.execution import SandboxJob
from codescale.execution.config import sandbox_config
from codescale.models import Status, TestCase

IMAGE = sandbox_config().image
TRIVIAL = "print(int(input()) + 1)"
HUMANEVAL = '''
def below_threshold(values: list, threshold: int) -> bool:
    """True if every number in `values` is below `threshold`."""
    for value in values:
        if value >= threshold:
            return False
    return True

def check(candidate):
    assert candidate([1, 2, 4, 10], 100)
    assert not candidate([1, 20, 4, 10], 5)
    assert candidate([1, 20, 4, 10], 21)
    assert candidate([1, 20, 4, 10], 22)
    assert candidate([1, 8, 4, 10], 11)
    assert not candidate([1, 8, 4, 10], 10)
    assert candidate([], 0)
    assert not candidate([5], 5)

check(below_threshold)
print(int(input()) + 1)
'''
WORKLOADS = {"trivial": TRIVIAL, "humaneval-sized": HUMANEVAL}
ISOLATION = ["--network", "none", "--read-only", "--cap-drop", "ALL",
             "--security-opt", "no-new-privileges", "--user", "10001:10001",
             "--entrypoint", "python3"]


class Measurement:
    """Executions per second and single-execution latencies of one method on one workload."""

    def __init__(self, executions: int, seconds: float, latencies: Sequence[float]):
        self.rate = executions / seconds
        ordered = sorted(latencies)
        self.p50 = statistics.median(ordered)
        self.p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def per_process(command: Callable[[str], list[str]], code: str, runs: int,
                lanes: int) -> Measurement:
    """Start one process per execution, `lanes` at a time."""
    def once(number: int) -> float:
        started = time.monotonic()
        done = subprocess.run(command(code), input=f"{number}\n", capture_output=True, text=True,
                              check=False)
        if done.stdout.strip() != str(number + 1):
            sys.exit(f"benchmark program failed: {done.stderr.strip()[-200:]}")
        return time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(lanes) as executor:
        latencies = list(executor.map(once, range(runs)))
    return Measurement(runs, time.monotonic() - started, latencies)


def pooled(backend: str, code: str, executions: int, lanes: int) -> Measurement:
    """Jobs of many inputs across a warm pool; latency from single-input jobs."""
    config = sandbox_config(backend=backend, pool_size=lanes)
    per_job = 50
    jobs = [SandboxJob(candidate_id=f"c{j}", code=code, io="stdin",
                       tests=tuple(TestCase(input=str(n), expected=str(n + 1))
                                   for n in range(j * per_job, (j + 1) * per_job)))
            for j in range(executions // per_job)]
    with config.open() as sandbox:
        sandbox.run_many(jobs[:lanes])  # warm-up
        started = time.monotonic()
        results = sandbox.run_many(jobs)
        seconds = time.monotonic() - started
        latencies = []
        for n in range(100):
            single = SandboxJob(candidate_id="single", code=code, io="stdin",
                                tests=(TestCase(input=str(n), expected=str(n + 1)),))
            one_started = time.monotonic()
            sandbox.run(single)
            latencies.append(time.monotonic() - one_started)
    if any(e.status != Status.PASSED for job in results for e in job):
        sys.exit(f"the {backend} pool failed a benchmark program")
    return Measurement(len(jobs) * per_job, seconds, latencies)


def main() -> None:
    """Measure every method on every workload and print the table with ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executions", type=int, default=2000, help="per pool and workload")
    parser.add_argument("--lanes", type=int, default=os.cpu_count() or 1,
                        help="concurrent programs (pool size)")
    args = parser.parse_args()
    server = subprocess.run(["docker", "run", "-d", "--rm", *ISOLATION, IMAGE, "-c",
                             "import time; time.sleep(10 ** 6)"],
                            capture_output=True, text=True, check=True).stdout.strip()
    methods: dict[str, Callable[[str], Measurement]] = {
        "(a) docker run --rm": lambda code: per_process(
            lambda c: ["docker", "run", "--rm", "-i", *ISOLATION, IMAGE, "-c", c], code,
            12, args.lanes),
        "(b) docker exec": lambda code: per_process(
            lambda c: ["docker", "exec", "-i", server, "python3", "-c", c], code, 40, args.lanes),
        "(c) host subprocess": lambda code: per_process(
            lambda c: [sys.executable, "-I", "-S", "-c", c], code, 300, args.lanes),
        "(d) codescale docker pool": lambda code: pooled("docker", code, args.executions,
                                                         args.lanes),
        "(e) codescale local backend": lambda code: pooled("local", code, args.executions,
                                                           args.lanes),
    }
    try:
        results = {(workload, name): measure(code) for workload, code in WORKLOADS.items()
                   for name, measure in methods.items()}
    finally:
        subprocess.run(["docker", "rm", "-f", server], capture_output=True, check=False)
    table = Table(title=f"sandbox throughput ({args.lanes} lanes, {os.cpu_count()} cores)")
    for column in ("workload", "method", "exec/s", "p50 ms", "p99 ms"):
        table.add_column(column, justify="left" if column in ("workload", "method") else "right")
    for (workload, name), m in results.items():
        table.add_row(workload, name, f"{m.rate:,.1f}", f"{m.p50 * 1000:.1f}",
                      f"{m.p99 * 1000:.1f}")
    console = Console()
    console.print(table)
    for workload in WORKLOADS:
        rate = {name[:3]: results[(workload, name)].rate for name in methods}
        console.print(f"{workload}: (d)/(a) = {rate['(d)'] / rate['(a)']:.0f}x  "
                      f"(d)/(c) = {rate['(d)'] / rate['(c)']:.1f}x")

if __name__ == "__main__":
    main()
