"""LiveCodeBench's official comparison, and its scorer for LiveCodeBench hidden verdicts."""

import pytest

from codescale.execution.compare import outputs_match
from codescale.execution.config import sandbox_config
from codescale.models import Execution, Problem, Status, TestCase
from codescale.scoring.lcb_rules import official_match
from codescale.scoring.livecodebench import OFFICIAL
from codescale.scoring.plain import PLAIN
from codescale.scoring.scorer import RunJobs
from codescale.scoring.sources import scorer_for
from codescale.scoring.verdicts import Submission, judge

THIRD = TestCase(input="3\n", expected="0.3333333\n")
LCB = Problem(id="lcb", statement="s", io="stdin", hidden_tests=(THIRD,), source="livecodebench")


@pytest.mark.parametrize(("io", "expected", "actual", "official"), [
    ("stdin", "1 2\n3\n", "  1 2  \n3", True),          # whole output and each line stripped
    ("stdin", "2.50\n", "2.5\n", True),                 # numbers compare as exact decimals
    ("stdin", "1000\n", "1e3\n", True),
    ("stdin", "1 2\n3\n", "1\n2 3\n", False),           # the line structure counts
    ("stdin", "0.3333333\n", "0.33333333\n", False),     # no float tolerance
    ("stdin", "YES 1\n", "YES 1.0\n", False),           # a line with text must match exactly
    ("stdin", "a\n\nb\n", "a\nb\n", False),             # inner blank lines count
    ("call", "[1, 2]", "[1.0, 2]", True),               # Python ==
    ("call", "1", "true", True),                        # True == 1 in Python
    ("call", "0.1", "0.10000001", False),
    ("call", "[1]", "not json", False),
])
def test_official_rules(io: str, expected: str, actual: str, official: bool) -> None:
    assert official_match(io, expected, actual) is official


def test_lenient_sandbox_passes_are_rejudged_for_livecodebench_only() -> None:
    run = Execution(candidate_id="c", input="3\n", status=Status.PASSED, stdout="0.33333333\n")
    assert THIRD.expected is not None and outputs_match("stdin", THIRD.expected, run.stdout)
    assert scorer_for(LCB) is OFFICIAL and OFFICIAL.verdict(LCB, [[run]]) is False
    other = LCB.model_copy(update={"source": "file"})
    assert scorer_for(other) is PLAIN and PLAIN.verdict(other, [[run]]) is True


def test_the_sandbox_verdict_stands_where_the_record_may_be_cut() -> None:
    cut = "0.33333333" + " " * sandbox_config().kept_output_chars
    run = Execution(candidate_id="c", input="3\n", status=Status.PASSED, stdout=cut)
    assert OFFICIAL.verdict(LCB, [[run]]) is True
    crashed = run.model_copy(update={"status": Status.RUNTIME_ERROR, "stdout": "0.3333333\n"})
    assert OFFICIAL.verdict(LCB, [[crashed]]) is False


def test_real_runs_are_judged_by_the_official_rules(run_jobs: RunJobs) -> None:
    problem = LCB.model_copy(update={"hidden_tests": (
        THIRD, TestCase(input="6\n", expected="0.1666667\n"))})
    exact = "print(f'{1 / int(input()):.7f}')"
    close = "print(f'{1 / int(input()):.8f}')"  # within the sandbox's 1e-6, not exact
    judged = judge(run_jobs, [Submission(problem, "exact", exact),
                              Submission(problem, "close", close)])
    assert [j.passed for j in judged] == [True, False]
    assert all(run.status == Status.PASSED for run in judged[1].executions)
