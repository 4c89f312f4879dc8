"""Deciding whether a program's output is the expected one."""

import json
import re
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, localcontext
from typing import Any

from codescale.models import IOStyle

REL_TOL = Decimal("1e-6")
ABS_TOL = Decimal("1e-6")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(inf|infinity|nan)",
                      re.IGNORECASE)
"""What counts as a number: ASCII digits only (no "1_000", no other scripts' digits)."""
_ARITHMETIC = Context(prec=60, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[])
"""Room for any exponent a token can carry; differences are only compared to a tolerance."""


class _Integer(Decimal):
    """A number written without fraction or exponent: it must be matched exactly."""


def outputs_match(io: IOStyle, expected: str, actual: str) -> bool:
    """Whether `actual` counts as the `expected` output of a problem with calling style `io`.

    `stdin`: both are split into whitespace-separated tokens (so line breaks, trailing
    spaces and blank lines do not matter); tokens must be equal, except that two tokens
    that both parse as numbers are compared as numbers. An expected integer must be matched
    exactly in value ("007" and "7.0" match 7; "37607912000.0" does not match 37607912018);
    an expected number with a fraction or exponent matches within rel/abs 1e-6 (as in
    LiveCodeBench). `call`: both are JSON texts, compared deeply: numbers by the same rule
    (booleans only equal booleans), lists element-wise (a tuple's encoding is a list),
    objects key by key. Text that is not JSON never matches. Numbers are compared as
    decimals, with no limit on their digits.
    """
    if io == "stdin":
        expected_tokens, actual_tokens = expected.split(), actual.split()
        return len(expected_tokens) == len(actual_tokens) and all(
            map(_tokens_match, expected_tokens, actual_tokens))
    try:
        return _values_match(_json(expected), _json(actual))
    except ValueError:
        return False


def _json(text: str) -> Any:
    return json.loads(text, parse_int=_Integer, parse_float=Decimal,
                      parse_constant=Decimal)


def _tokens_match(expected: str, actual: str) -> bool:
    if expected == actual:
        return True
    wanted, got = _number(expected), _number(actual)
    return wanted is not None and got is not None and _numbers_match(wanted, got)


def _number(token: str) -> Decimal | None:
    if _INTEGER.fullmatch(token):
        return _Integer(token)
    return Decimal(token) if _DECIMAL.fullmatch(token) else None


def _numbers_match(expected: Decimal, actual: Decimal) -> bool:
    if expected.is_nan() or actual.is_nan():
        return expected.is_nan() and actual.is_nan()
    if expected.is_infinite() or actual.is_infinite():
        return expected == actual
    if isinstance(expected, _Integer):
        return expected == actual  # exact, whatever the number of digits
    with localcontext(_ARITHMETIC):
        tolerance = max(REL_TOL * max(abs(expected), abs(actual)), ABS_TOL)
        return abs(expected - actual) <= tolerance


def _values_match(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, Decimal) and isinstance(actual, Decimal):
        return _numbers_match(expected, actual)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(_values_match, expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            _values_match(expected[key], actual[key]) for key in expected)
    return type(expected) is type(actual) and expected == actual
