"""Ordinary programs in both backends: verdicts, call conventions, many inputs, concurrency."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import docker
import pytest

from codescale.execution import BadJob
from codescale.execution.docker_backend import LABEL
from codescale.execution.pool import WorkerPool
from codescale.models import Status
from tests.execution.conftest import job

ADD = "a, b = map(int, input().split())\nprint(a + b)"


def test_stdin_problem_passes_and_fails(sandbox: WorkerPool) -> None:
    results = sandbox.run(job(ADD, "1 2", "40 2", expected="3"))
    assert [r.status for r in results] == [Status.PASSED, Status.WRONG_ANSWER]
    assert results[1].stdout == "42\n"
    assert all(0 < r.duration_s < 1 and r.peak_memory_mb for r in results)


def test_exit_and_quit_end_a_program_as_with_site(sandbox: WorkerPool) -> None:
    early = "n = int(input())\nif n < 0:\n    print(0)\n    exit(0)\nprint(n)\n"
    results = sandbox.run(job(early, "-5", expected="0"))
    failing = sandbox.run(job("print(1)\nquit(3)\n", "", expected="1"))
    assert results[0].status == Status.PASSED
    assert failing[0].status == Status.RUNTIME_ERROR


def test_inputs_without_expected_output_complete(sandbox: WorkerPool) -> None:
    [result] = sandbox.run(job(ADD, "5 6"))
    assert (result.status, result.stdout) == (Status.COMPLETED, "11\n")


def test_many_inputs_per_job_keep_their_order(sandbox: WorkerPool) -> None:
    code = "n = int(input())\nprint(n * n)"
    tests = [str(n) for n in range(40)]
    results = sandbox.run(job(code, *tests))
    assert [r.stdout for r in results] == [f"{n * n}\n" for n in range(40)]
    assert [r.input for r in results] == tests


def test_float_output_within_tolerance_passes(sandbox: WorkerPool) -> None:
    results = sandbox.run(job("print(1 / 3)", "", expected="0.333333333"))
    assert results[0].status == Status.PASSED
    results = sandbox.run(job("print(1 / 3)", "", expected="0.3334"))
    assert results[0].status == Status.WRONG_ANSWER


def test_call_plain_function_returns_json(sandbox: WorkerPool) -> None:
    code = "def pair(a, b):\n    print('debug output')\n    return (b, a, {'k': [a]})"
    [result] = sandbox.run(job(code, "[1, \"x\"]", io="call", entry_point="pair",
                               expected='["x", 1, {"k": [1]}]'))
    assert result.status == Status.PASSED
    assert json.loads(result.stdout) == ["x", 1, {"k": [1]}]
    assert "debug output" in result.stderr


def test_call_starter_code_may_use_typing_names_unimported(sandbox: WorkerPool) -> None:
    code = ("class Solution:\n"
            "    def total(self, nums: List[int], extra: Optional[int]) -> int:\n"
            "        return sum(nums) + (extra or 0)")
    [result] = sandbox.run(job(code, "[[1, 2], null]", io="call", entry_point="Solution.total",
                               expected="3"))
    assert result.status == Status.PASSED


def test_call_solution_class_is_fresh_per_input(sandbox: WorkerPool) -> None:
    code = ("class Solution:\n    calls = 0\n"
            "    def twoSum(self, nums, target):\n"
            "        Solution.calls += 1\n"
            "        seen = {}\n"
            "        for i, n in enumerate(nums):\n"
            "            if target - n in seen:\n"
            "                return [seen[target - n], i + Solution.calls - 1]\n"
            "            seen[n] = i\n")
    results = sandbox.run(job(code, "[[2, 7, 11], 9]", "[[3, 3], 6]", io="call",
                              entry_point="Solution.twoSum"))
    assert [r.stdout for r in results] == ["[0, 1]", "[0, 1]"]


def test_call_float_tolerance_and_unserialisable_result(sandbox: WorkerPool) -> None:
    [close] = sandbox.run(job("def f():\n    return 0.1 + 0.2", "[]", io="call",
                              entry_point="f", expected="0.3"))
    [bad] = sandbox.run(job("def f():\n    return {1, 2}", "[]", io="call", entry_point="f",
                            expected="[1, 2]"))
    assert close.status == Status.PASSED
    assert bad.status == Status.RUNTIME_ERROR and "not JSON serializable" in bad.stderr


def test_missing_entry_point_and_syntax_error_are_runtime_errors(sandbox: WorkerPool) -> None:
    [missing] = sandbox.run(job("def g(): pass", "[]", io="call", entry_point="f"))
    [broken] = sandbox.run(job("def (:", "", "x"))[:1]
    assert missing.status == Status.RUNTIME_ERROR and "'f'" in missing.stderr
    assert broken.status == Status.RUNTIME_ERROR and "SyntaxError" in broken.stderr


def test_call_input_that_is_not_an_array_is_refused(sandbox: WorkerPool) -> None:
    with pytest.raises(BadJob, match="JSON array"):
        sandbox.run(job("def f(x): return x", '{"x": 1}', io="call", entry_point="f"))


def test_jobs_run_concurrently_across_the_pool(sandbox: WorkerPool) -> None:
    sleeper = "import time\ntime.sleep(0.5)\nprint(input())"
    jobs = [job(sleeper, str(n), expected=str(n)) for n in range(4)]
    started = time.monotonic()
    results = sandbox.run_many(jobs)
    elapsed = time.monotonic() - started
    assert [r[0].status for r in results] == [Status.PASSED] * 4
    assert elapsed < 1.9  # 4 x 0.5 s of sleeping on 2 workers


@pytest.mark.docker
def test_a_container_killed_mid_job_is_replaced_and_the_job_retried(sandbox: WorkerPool) -> None:
    if sandbox.backend != "docker":
        pytest.skip("containers only")
    client = docker.from_env()
    mine = {"label": f"{LABEL}={sandbox.instance}"}
    before = {container.id for container in client.containers.list(filters=mine)}
    slow = job("import time\ntime.sleep(0.5)\nprint(input())", "7", expected="7")
    with ThreadPoolExecutor(1) as runner:
        outcome = runner.submit(sandbox.run, slow)
        time.sleep(0.25)
        for container in client.containers.list(filters=mine):
            container.kill()
        [result] = outcome.result()
    after = {container.id for container in client.containers.list(filters=mine)}
    assert result.status == Status.PASSED
    assert after and not after & before
