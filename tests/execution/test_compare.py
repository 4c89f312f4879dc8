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
    laid_out = "".join(gap + word for gap, word in zip(gaps, words, strict=False)) + gaps[-1]
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


exact_values = st.recursive(  # no floats: an expected integer must match exactly, one way
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3),
    max_leaves=12)


@given(exact_values, exact_values)
def test_call_match_without_floats_is_symmetric(a: object, b: object) -> None:
    assert outputs_match("call", json.dumps(a), json.dumps(b)) == \
        outputs_match("call", json.dumps(b), json.dumps(a))


def test_an_expected_integer_is_matched_exactly() -> None:
    assert outputs_match("stdin", "7", "007") and outputs_match("stdin", "7", "7.0")
    assert not outputs_match("stdin", "37607912018", "37607912000.0")  # within 1e-6 relative
    assert not outputs_match("stdin", "5", "5.0000001")
    assert outputs_match("stdin", "5.0", "5.0000001")  # a fraction part: tolerance
    assert not outputs_match("call", "2", "2.0000001")
    assert outputs_match("call", "2.0", "2.0000001")


@given(st.integers(10 ** 4300, 10 ** 4400), st.sampled_from(["inf", "-inf", "nan", "1e9999"]))
def test_integers_have_no_digit_limit(value: int, other: str) -> None:
    digits = "9" * (value % 700 + 4301)  # past Python's int-to-text limit
    assert outputs_match("stdin", digits, digits)
    assert outputs_match("call", f"[{digits}]", f"[{digits}]")
    assert not outputs_match("stdin", digits, other)
    assert not outputs_match("stdin", digits, digits + "0")
    assert not outputs_match("call", digits, digits[:-1] + "8")
    assert not outputs_match("stdin", digits, f"{digits}.5")


def test_special_numbers() -> None:
    assert outputs_match("stdin", "inf", "inf") and outputs_match("stdin", "nan", "nan")
    assert not outputs_match("stdin", "inf", "-inf") and not outputs_match("stdin", "1", "nan")
    assert outputs_match("stdin", "1e999999999", "1.0e999999999")
    assert not outputs_match("stdin", "1.5e999999999", "2e999999999")
    assert outputs_match("call", "NaN", "NaN") and not outputs_match("call", "1", "Infinity")


def test_call_examples() -> None:
    assert outputs_match("call", "[1, [2.0000000001, {\"a\": 3}]]", "[1, [2, {\"a\": 3}]]")
    assert not outputs_match("call", "true", "1")
    assert not outputs_match("call", "[1, 2]", "[1, 2, 3]")
    assert not outputs_match("call", "[1, 2]", "not json")
    assert not outputs_match("call", "{\"a\": 1}", "{\"b\": 1}")



def test_only_plain_ascii_numbers_are_numbers() -> None:
    assert not outputs_match("stdin", "1000", "1_000")
    assert not outputs_match("stdin", "123", "\u0661\u0662\u0663")  # Arabic-Indic digits
    assert not outputs_match("stdin", "5", "sNaN") and not outputs_match("stdin", "0", "0x0")
    assert outputs_match("stdin", "0.5", ".5") and outputs_match("stdin", "2.50", "2.5e0")
    assert outputs_match("stdin", "-inf", "-Infinity")


def test_numbers_beyond_any_arithmetic_compare_exactly_or_not_at_all() -> None:
    huge = "9" * 61 + "E+999999999999999939"  # overflows any decimal context
    assert not outputs_match("stdin", "0.333333 2.718281", f"{huge} {huge}")
    assert not outputs_match("call", "[0.5, 3.25]", f"[{huge}, {huge}]")
    assert not outputs_match("stdin", "5", "1e999999999999999999999")  # 21-digit exponent
    assert not outputs_match("stdin", "0.5", "1e999999999999999999")
    assert outputs_match("stdin", "0.0", "1e-999999999999999999")  # below any tolerance
    assert outputs_match("stdin", "1.5e6000", "1.5e6000")
    assert not outputs_match("stdin", "1.5e6000", "1.50000001e6000")
    assert not outputs_match("stdin", "inf", "\u0131nf")  # only ASCII letters fold


def test_long_tokens_and_deep_json_are_refused_quickly() -> None:
    assert not outputs_match("stdin", "5", "1" * 1_000_000 + "x")  # no regex backtracking
    assert not outputs_match("call", "5", "[" * 100_000 + "]" * 100_000)  # too deep: no match


def test_only_ascii_whitespace_separates_tokens() -> None:
    for separator in ("\u3000", "\x1c", "\x85", "\u2028"):
        assert not outputs_match("stdin", "2 3", f"2{separator}3")
    assert outputs_match("stdin", "2 3", "2\t\r\n3\x0b\x0c")
