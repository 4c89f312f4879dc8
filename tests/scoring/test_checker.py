"""A problem's checker decides where several outputs are right: run for real in the sandbox,
candidate and checker in one job per test."""

from codescale.models import Problem, TestCase
from codescale.scoring.scorer import RunJobs
from codescale.scoring.sources import scorer_for
from codescale.scoring.verdicts import Submission, judge

CHECKER = """
import json, sys
case = json.loads(sys.stdin.read())
n, d = int(case["input"]), int(case["output"].split()[0])
sys.exit(0 if 1 < d < n and n % d == 0 else 1)
"""
DIVISOR = Problem(
    id="divisor", statement="Print any divisor d of n with 1 < d < n.", io="stdin",
    public_tests=(TestCase(input="6\n", expected="2\n"),),
    hidden_tests=(TestCase(input="15\n", expected="3\n"), TestCase(input="49\n", expected="7\n")),
    checker_code=CHECKER)
LARGEST = "n = int(open(0).read())\nprint(max(d for d in range(2, n) if n % d == 0))\n"
SMALLEST = ("import sys\nn = int(sys.stdin.buffer.read())\n"
            "print(next(d for d in range(2, n) if n % d == 0))\n")
WRONG = "print(1)\n"
CRASH = "raise SystemExit(4)\n"


def test_the_checker_accepts_any_right_output_and_rejects_the_rest(run_jobs: RunJobs) -> None:
    judged = judge(run_jobs, [Submission(DIVISOR, name, code) for name, code in
                              [("largest", LARGEST), ("smallest", SMALLEST), ("wrong", WRONG),
                               ("crash", CRASH)]])
    assert [j.passed for j in judged] == [True, True, False, False]
    rejected = judged[2].executions[0]
    assert rejected.stdout.startswith("rejected: 1")  # the output the checker saw
    assert "exited with 4" in judged[3].executions[0].stderr
    without = DIVISOR.model_copy(update={"checker_code": None})
    assert [j.passed for j in judge(run_jobs, [Submission(without, "largest", LARGEST),
                                               Submission(without, "smallest", SMALLEST)])
            ] == [False, True]  # exact comparison fails a right answer


def test_the_checker_is_the_scorer_of_problems_that_carry_one() -> None:
    assert scorer_for(DIVISOR) is not scorer_for(DIVISOR.model_copy(update={"checker_code": None}))
