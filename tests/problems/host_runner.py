"""Runs trusted reference programs in a plain host subprocess (no sandbox).

Only for checking the shipped benchmark data and example problems against their own
reference solutions; candidate programs always go through `codescale.execution`.
"""

import json
import math
import subprocess
import sys
from typing import Any

from codescale.models import Problem, TestCase

_CALL_HARNESS = """
import json, sys
namespace = {}
exec(compile(sys.argv[1], "<solution>", "exec"), namespace)
owner, _, method = sys.argv[2].rpartition(".")
function = getattr(namespace[owner](), method) if owner else namespace[method]
print(json.dumps(function(*json.loads(sys.stdin.read()))))
"""


def passes(problem: Problem, code: str, test: TestCase) -> bool:
    """Whether `code` gives the expected output on `test` within the time limit."""
    if problem.io == "stdin":
        command = [sys.executable, "-c", code]
    else:
        command = [sys.executable, "-c", _CALL_HARNESS, code, problem.entry_point or ""]
    try:
        result = subprocess.run(command, input=test.input, capture_output=True, text=True,
                                timeout=problem.time_limit_s)
    except subprocess.TimeoutExpired:
        return False
    if result.returncode != 0:
        return False
    if problem.io == "stdin":
        return result.stdout.split() == (test.expected or "").split()
    return _same_json(json.loads(result.stdout), json.loads(test.expected or "null"))


def _same_json(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    if isinstance(actual, int | float) and isinstance(expected, int | float):
        return math.isclose(actual, expected, rel_tol=1e-6, abs_tol=1e-6)
    if isinstance(actual, list) and isinstance(expected, list):
        return len(actual) == len(expected) and all(map(_same_json, actual, expected))
    if isinstance(actual, dict) and isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(
            _same_json(actual[k], expected[k]) for k in actual)
    return actual == expected


_BATCH_HARNESS = """
import json, sys
job = json.loads(sys.stdin.read())
namespace = {}
exec(compile(job["code"], "<solution>", "exec"), namespace)
function = namespace[job["entry_point"]]
outputs = [json.dumps(function(*json.loads(arguments))) for arguments in job["inputs"]]
if job["check_code"]:
    exec(compile(job["check_code"], "<check>", "exec"), namespace)
print(json.dumps(outputs))
"""


def failing_call_tests(problem: Problem, code: str) -> list[TestCase] | str:
    """Public and hidden tests a plain-function solution fails, in one process.

    Also runs the problem's `check_code`; returns the error text if it or the program fails.
    """
    tests = problem.public_tests + problem.hidden_tests
    job = {"code": code, "entry_point": problem.entry_point, "check_code": problem.check_code,
           "inputs": [test.input for test in tests]}
    result = subprocess.run([sys.executable, "-c", _BATCH_HARNESS], input=json.dumps(job),
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        return result.stderr.strip().splitlines()[-1]
    outputs = json.loads(result.stdout)
    return [test for test, output in zip(tests, outputs, strict=False)
            if not _same_json(json.loads(output), json.loads(test.expected or "null"))]
