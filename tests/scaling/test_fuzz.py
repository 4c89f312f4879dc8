"""Hypothesis inputs shaped like the public tests, deterministic under a seed."""

import json

from codescale.models import Problem, TestCase
from codescale.scaling.fuzz import fuzz_inputs

CALL = Problem(id="c", statement="s", io="call", entry_point="f", public_tests=(
    TestCase(input='[[1, 5, 3], 2, "ab", true]', expected="1"),
    TestCase(input='[[7, -2], 9, "abc", false]', expected="1")))
STDIN = Problem(id="s", statement="s", io="stdin", public_tests=(
    TestCase(input="3\n1 2 3\n", expected="6\n"), TestCase(input="2\n10 -4\n", expected="6\n")))


def test_call_inputs_keep_arity_types_lengths_and_ranges() -> None:
    inputs = fuzz_inputs(CALL, 12, seed_value=1)
    assert len(inputs) >= 6
    for text in inputs:
        values, n, word, flag = json.loads(text)
        assert len(values) <= 3 and all(-2 <= v <= 7 for v in values)
        assert 0 <= n <= 9 and isinstance(flag, bool)
        assert len(word) <= 3 and set(word) <= set("abcABC .,!?'")


def test_call_inputs_reach_the_edges_traps_hide_at() -> None:
    calls = [json.loads(text) for text in fuzz_inputs(CALL, 40, seed_value=1)]
    assert any(values == [] for values, *_ in calls)
    assert any(word == "" for _, _, word, _ in calls)
    assert any(set(word) & set("ABC") for _, _, word, _ in calls)
    assert any(set(word) & set(" .,!?'") for _, _, word, _ in calls)


def test_stdin_inputs_keep_sizes_and_line_structure() -> None:
    inputs = fuzz_inputs(STDIN, 12, seed_value=1)
    assert len(inputs) >= 6
    for text in inputs:
        size, *rest = text.splitlines()
        assert size in ("2", "3") and len(rest) == 1 and len(rest[0].split()) == int(size)
        assert all(-4 <= int(v) <= 10 for v in rest[0].split())
    assert not {t.input for t in STDIN.public_tests} & set(inputs)


def test_same_seed_same_inputs_other_seed_other_inputs() -> None:
    assert fuzz_inputs(STDIN, 8, seed_value=3) == fuzz_inputs(STDIN, 8, seed_value=3)
    assert fuzz_inputs(STDIN, 8, seed_value=3) != fuzz_inputs(STDIN, 8, seed_value=4)


def test_no_public_tests_no_inputs() -> None:
    assert fuzz_inputs(Problem(id="x", statement="s", io="stdin"), 5, seed_value=0) == []
