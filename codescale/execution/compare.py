"""Deciding whether a program's output is the expected one."""

import json
import math
from typing import Any

from codescale.models import IOStyle

REL_TOL = 1e-6
ABS_TOL = 1e-6


def outputs_match(io: IOStyle, expected: str, actual: str) -> bool:
    """Whether `actual` counts as the `expected` output of a problem with calling style `io`.

    `stdin`: both are split into whitespace-separated tokens (so line breaks, trailing
    spaces and blank lines do not matter); tokens must be equal, except that two tokens
    that both parse as numbers are compared as numbers: integers exactly ("007" is 7),
    anything else as floats within rel/abs 1e-6 (as in LiveCodeBench). `call`: both are
    JSON texts, compared deeply: numbers by the same rule (booleans only equal booleans), lists element-wise (a tuple's encoding is a
    list), objects key by key. Text that is not JSON never matches.
    """
    if io == "stdin":
        expected_tokens, actual_tokens = expected.split(), actual.split()
        return len(expected_tokens) == len(actual_tokens) and all(
            map(_tokens_match, expected_tokens, actual_tokens))
    try:
        return _values_match(json.loads(expected), json.loads(actual))
    except ValueError:
        return False


def _tokens_match(expected: str, actual: str) -> bool:
    if expected == actual:
        return True
    try:
        return _numbers_match(_number(expected), _number(actual))
    except ValueError:
        return False


def _number(token: str) -> int | float:
    try:
        return int(token)
    except ValueError:
        return float(token)


def _numbers_match(expected: float, actual: float) -> bool:
    if isinstance(expected, int) and isinstance(actual, int):
        return expected == actual
    try:
        return _close(float(expected), float(actual))
    except OverflowError:  # an integer too large for a float against a float
        return False


def _close(expected: float, actual: float) -> bool:
    return math.isclose(expected, actual, rel_tol=REL_TOL, abs_tol=ABS_TOL) or (
        math.isnan(expected) and math.isnan(actual))


def _values_match(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return _numbers_match(expected, actual)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(_values_match, expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            _values_match(expected[key], actual[key]) for key in expected)
    return type(expected) is type(actual) and expected == actual
