"""A problem's own checker (`Problem.checker_code`), for problems where several outputs are
right: each hidden test runs the candidate and then the checker inside one sandbox job.

The checker is a stdin program: it reads one JSON object `{"input", "expected", "output"}`
(the test's input, the expected output, the candidate's output) and accepts by exiting
with 0 (any other exit, or an exception, rejects).
"""

import json
from collections.abc import Sequence

from codescale.models import Execution, Problem, Status, TestCase
from codescale.scoring.plain import HiddenTests
from codescale.scoring.scorer import Job

ACCEPTED = "accepted\n"
_HARNESS = '''\
import json, subprocess, sys
case = json.loads(sys.stdin.read())
run = subprocess.run([sys.executable, "-c", CANDIDATE], input=case["input"].encode(),
                     capture_output=True)
if run.returncode != 0:
    sys.stderr.write(run.stderr.decode(errors="replace")[-2000:])
    sys.exit(f"the program exited with {run.returncode}")
output = run.stdout.decode(errors="replace")
verdict = subprocess.run([sys.executable, "-c", CHECKER], capture_output=True, input=json.dumps(
    {"input": case["input"], "expected": case["expected"], "output": output}).encode())
print("accepted" if verdict.returncode == 0 else "rejected: " + output[-2000:])
'''


def checked_program(problem: Problem, code: str) -> str:
    """A stdin program that runs `code` on a test's input, then the problem's checker on
    the input, the expected and the actual output, printing `accepted` or why not."""
    return f"CANDIDATE = {code!r}\nCHECKER = {problem.checker_code!r}\n{_HARNESS}"


def checked_tests(tests: Sequence[TestCase]) -> tuple[TestCase, ...]:
    """Each test as the input of the checked program, expecting `accepted`."""
    return tuple(TestCase(input=json.dumps({"input": t.input, "expected": t.expected}),
                          expected=ACCEPTED) for t in tests)


class Checker(HiddenTests):
    """Judges each hidden test with the problem's checker (problems without one: the
    hidden test cases as they are)."""

    def jobs(self, problem: Problem, candidate_id: str, code: str) -> list[Job]:
        """One job running the checked program on every hidden test."""
        if problem.checker_code is None or not problem.hidden_tests:
            return super().jobs(problem, candidate_id, code)
        as_script = problem.model_copy(update={"io": "stdin", "entry_point": None})
        return [Job(as_script, candidate_id, checked_program(problem, code),
                    checked_tests(problem.hidden_tests))]

    def passes(self, problem: Problem, runs: Sequence[Sequence[Execution]]) -> bool:
        """True when the checker accepted every hidden test."""
        return all(run.status == Status.PASSED for run in runs[0])


CHECKER = Checker()
