"""Constraints read from statements: the smallest integer allowed, and inputs below it
dropped from fuzzing and from the LLM's proposals."""

import pytest

from codescale.models import Problem, TestCase
from codescale.scaling.constraints import admissible, lower_bound, single_integer_bound
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


PRIMES = Problem(
    id="count-primes", io="stdin",
    statement="Print how many primes p satisfy 2 <= p <= n.\n\nInput: one integer n "
              "(0 <= n <= 2000000).",
    public_tests=(TestCase(input="10\n", expected="4\n"), TestCase(input="1\n", expected="0\n")))


@pytest.mark.parametrize(("statement", "inputs", "bound"), [
    (PRIMES.statement, ("10\n", "1\n"), 2000000),
    ("Given n (1 ≤ n ≤ 10^5), count the ways.", ("3\n",), 100000),
    ("n is an integer, n <= 2e5.", ("3\n",), 200000),
    # an expression is not a bound: 2^31 - 1 is not 2^31
    ("-2^31 <= x <= 2^31 - 1", ("1\n",), None),
    ("$-2^{31} \\le x \\le 2^{31}-1$", ("1\n",), None),
    ("x <= 10^{5} and nothing else", ("1\n",), 100000),
    ("0 < n < 100", ("5\n",), 99),  # strict
    # not a bound, or not all of it: a word, a product, thousands
    ("The answer <= 10^18.", ("5\n",), None),
    ("$1 \\le n \\le 2 \\cdot 10^5$", ("5\n",), None),
    ("n ≤ 10 000", ("5\n",), None),
    ("n <= 10,000", ("5\n",), None),
    # two bounds, two variables: which one the input holds is unknown
    ("1 <= n <= 100, 1 <= k <= 10^9", ("5\n",), None),
    # the input is not one integer
    (PRIMES.statement, ("3 4\n",), None),
    # an example above the bound means the bound is not the input's
    ("n <= 100", ("500\n",), None),
    ("No constraints.", ("5\n",), None),
])
def test_the_upper_bound_of_a_one_integer_input(statement: str, inputs: tuple[str, ...],
                                                bound: int | None) -> None:
    problem = PRIMES.model_copy(update={"statement": statement, "public_tests": tuple(
        TestCase(input=text, expected="0\n") for text in inputs)})
    assert single_integer_bound(problem) == bound


def test_fuzzing_a_one_integer_input_starts_at_its_upper_bound() -> None:
    assert fuzz_inputs(PRIMES, 8, 0, at_bound=True)[0] == "2000000\n"
    assert "2000000\n" not in fuzz_inputs(PRIMES, 8, 0)  # probes of a function: no bound
    call = Problem(id="fib", io="call", entry_point="fib",
                   statement="Return the n-th Fibonacci number, 0 <= n <= 90.",
                   public_tests=(TestCase(input="[10]", expected="55"),))
    assert fuzz_inputs(call, 8, 0, at_bound=True)[0] == "[90]"
    assert fuzz_inputs(call, 1, 0, at_bound=True) == ["[90]"]  # within the count
