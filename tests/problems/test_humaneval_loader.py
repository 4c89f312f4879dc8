"""HumanEval loader: all problems, docstring examples as public tests, check asserts as hidden."""

import json

from codescale.problems import humaneval


def test_all_164_problems_load() -> None:
    problems = humaneval.load()
    assert len(problems) == 164
    assert all(p.io == "call" and p.check_code for p in problems)
    assert sum(1 for p in problems if p.hidden_tests) >= 160
    assert sum(1 for p in problems if p.public_tests) >= 120


def test_docstring_examples_become_public_tests() -> None:
    problem = humaneval.load()[0]
    assert problem.entry_point == "has_close_elements"
    assert [(json.loads(t.input), json.loads(t.expected or "")) for t in problem.public_tests] == [
        ([[1.0, 2.0, 3.0], 0.5], False),
        ([[1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3], True),
    ]


def test_check_asserts_become_hidden_tests() -> None:
    tests = humaneval.check_asserts(
        "def check(candidate):\n"
        "    assert candidate(3 * 19) == [3, 19]\n"
        "    assert abs(candidate([1.0, 2.0]) - 2.0/3.0) < 1e-6\n"
        "    assert tuple(candidate([1])) == tuple([1])\n"
        "    assert not candidate('x')\n"
        "    for x in range(2, 4):\n"
        "        assert candidate(x, x + 1) == str(x)\n"
        "    assert candidate(helper(1)) == 1\n"
        "    assert True\n"
    )
    assert [(json.loads(t.input), json.loads(t.expected or "")) for t in tests] == [
        ([57], [3, 19]),
        ([[1.0, 2.0]], 2.0 / 3.0),
        ([[1]], [1]),
        (["x"], False),
        ([2, 3], "2"),
        ([3, 4], "3"),
    ]


def test_examples_contradicted_by_the_official_check_are_dropped() -> None:
    median = next(p for p in humaneval.load() if p.id == "HumanEval/47")
    inputs = [json.loads(t.input) for t in median.public_tests]
    assert [[-10, 4, 6, 1000, 10, 20]] not in inputs
    assert [[3, 1, 2, 4, 5]] in inputs
