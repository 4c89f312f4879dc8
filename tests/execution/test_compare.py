"""Properties of the one output comparison."""

import json

from hypothesis import given
from hypothesis import strategies as st

from codescale.execution.compare import outputs_match

tokens = st.text(alphabet=st.characters(blacklist_categories=("Zs", "Cc", "Zl", "Zp")),
                 min_size=1, max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3),
    max_leaves=12)


@given(st.lists(tokens, max_size=10), st.lists(st.sampled_from([" ", "\n", "\t", "  \n"]),
                                                min_size=11, max_size=11))
def test_stdin_ignores_whitespace_layout(words: list[str], gaps: list[str]) -> None:
    laid_out = "".join(gap + word for gap, word in zip(gaps, words)) + gaps[-1]
    assert outputs_match("stdin", " ".join(words), laid_out)


words_only = st.text(alphabet="abcdeghjk#<>", min_size=1, max_size=6)  # never a number


@given(st.lists(words_only, min_size=1, max_size=6), st.integers(0, 5), words_only)
def test_stdin_notices_a_changed_word(words: list[str], index: int, other: str) -> None:
    index %= len(words)
    changed = words[:index] + [other] + words[index + 1:]
    assert outputs_match("stdin", " ".join(words), " ".join(changed)) == (words[index] == other)


@given(st.floats(-1e12, 1e12, allow_nan=False), st.floats(-0.4, 0.4))
def test_stdin_floats_within_tolerance_match(value: float, ulps: float) -> None:
    nudged = value + ulps * 1e-6 * max(1.0, abs(value))
    assert outputs_match("stdin", repr(value), f"{nudged:.17g}")


@given(st.floats(-1e6, 1e6, allow_nan=False))
def test_stdin_floats_far_apart_do_not_match(value: float) -> None:
    assert not outputs_match("stdin", repr(value), repr(value + 1e-3 * max(1.0, abs(value))))


@given(st.integers(), st.integers())
def test_stdin_integers_compare_exactly(a: int, b: int) -> None:
    assert outputs_match("stdin", str(a), str(b)) == (a == b)


@given(json_values)
def test_call_value_matches_its_own_encoding(value: object) -> None:
    assert outputs_match("call", json.dumps(value), json.dumps(value, indent=1))


@given(st.lists(st.integers() | st.text(max_size=3), max_size=5))
def test_call_tuples_equal_lists(items: list) -> None:
    assert outputs_match("call", json.dumps(items), json.dumps(tuple(items)))


@given(json_values, json_values)
def test_call_match_is_symmetric(a: object, b: object) -> None:
    assert outputs_match("call", json.dumps(a), json.dumps(b)) == \
        outputs_match("call", json.dumps(b), json.dumps(a))


def test_call_examples() -> None:
    assert outputs_match("call", "[1, [2.0000000001, {\"a\": 3}]]", "[1, [2, {\"a\": 3}]]")
    assert not outputs_match("call", "true", "1")
    assert not outputs_match("call", "[1, 2]", "[1, 2, 3]")
    assert not outputs_match("call", "[1, 2]", "not json")
    assert not outputs_match("call", "{\"a\": 1}", "{\"b\": 1}")

