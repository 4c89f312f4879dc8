"""LiveCodeBench's official comparison, and its use for LiveCodeBench hidden verdicts."""

import pytest

from codescale.evaluation.lcb_rules import official_match
from codescale.execution.compare import outputs_match
from codescale.models import Execution, Problem, Status, TestCase
from codescale.scaling.oracle import passed


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
    test = TestCase(input="3\n", expected="0.3333333\n")
    run = Execution(candidate_id="c", input="3\n", status=Status.PASSED, stdout="0.33333333\n")
    assert outputs_match("stdin", test.expected, run.stdout)  # within the sandbox's tolerance
    lcb = Problem(id="lcb", statement="s", io="stdin", hidden_tests=(test,),
                  source="livecodebench")
    assert not passed(lcb, test, run)
    assert passed(lcb.model_copy(update={"source": "file"}), test, run)
