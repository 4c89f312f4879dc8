"""Constraints read from statements: the smallest integer allowed, and inputs below it
dropped from fuzzing and from the LLM's proposals."""

import pytest

from codescale.models import Problem, TestCase
from codescale.scaling.constraints import admissible, lower_bound
from codescale.scaling.fuzz import fuzz_inputs
from codescale.scaling.synthesize import parse_inputs

DIVISOR = Problem(
    id="kth-divisor", io="stdin",
    statement="You are given two integers n and k. Find the k-th smallest divisor of n, or "
              "report that it does not exist.\n\nInput\nThe first line contains two integers "
              "n and k (1 ≤ n ≤ 10^15, 1 ≤ k ≤ 10^9).",
    public_tests=(TestCase(input="4 2\n", expected="2\n"), TestCase(input="5 3\n", expected="-1\n"),
                  TestCase(input="12 5\n", expected="6\n")))


@pytest.mark.parametrize(("statement", "bound"), [
    (DIVISOR.statement, 1),
    ("Constraints: $1 \\le n \\le 10^5$, $2 \\le k \\le 10^{9}$.", 1),
    ("It is guaranteed that a_i ≥ 0 and n ≥ 2.", 0),
    ("2e5 is the largest n; 2 <= t", 2),
    ("Print the sum of the two numbers.", None),
    # negative bounds are not trusted: printed statements lose superscripts (- 109 for -10^9)
    ("1 <= nums.length <= 10^4\n-10^4 <= nums[i] <= 10^4", None),
    ("( - 109 ≤ xi, yi ≤ 109)", None),
    # nor a bound the examples break (the bound of another variable was an image)
    ("The first line holds n and m (1 ≤ n ≤ 10, <image>).", None),
])
def test_the_lowest_bound_of_the_statement(statement: str, bound: int | None) -> None:
    examples = (TestCase(input="4 2\n", expected="2\n"), TestCase(input="3 0\n", expected="1\n"))
    problem = DIVISOR.model_copy(update={"statement": statement,
                                         "public_tests": examples[:1 + ("<image>" in statement)]})
    assert lower_bound(problem) == bound


def test_inputs_below_every_bound_are_not_admissible() -> None:
    assert admissible(DIVISOR, "4 2\n") and admissible(DIVISOR, "1000000000000000 1\n")
    assert not admissible(DIVISOR, "4 0\n") and not admissible(DIVISOR, "-3 1\n")
    assert not admissible(DIVISOR, "-" + "9" * 5000 + " 1\n")
    assert admissible(DIVISOR, "9" * 5000 + " 1\n")
    assert admissible(DIVISOR.model_copy(update={"statement": "Add them."}), "0 0\n")
    listing = Problem(id="c", io="call", entry_point="f",
                      statement="1 <= nums.length, 1 <= nums[i] <= 100",
                      public_tests=(TestCase(input="[[1, 2]]", expected="3"),))
    assert admissible(listing, '[[1, 2], "0 words"]')
    assert not admissible(listing, "[[0, 2]]")


def test_neither_fuzzing_nor_the_llm_may_propose_k_zero() -> None:
    fuzzed = fuzz_inputs(DIVISOR, 40, 0)
    assert fuzzed and all(int(token) >= 1 for text in fuzzed for token in text.split())
    proposed = parse_inputs('```json\n[{"input": "4 0", "output": "-1"}, '
                            '{"input": "6 4", "output": "6"}]\n```', DIVISOR)
    assert [admissible(DIVISOR, t.input) for t in proposed] == [False, True]
