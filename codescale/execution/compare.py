"""Deciding whether a program's output is the expected one."""

import json
import re
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from typing import Any

from codescale.models import IOStyle

REL_TOL = Decimal("1e-6")
ABS_TOL = Decimal("1e-6")
_NUMBER = re.compile(r"(?P<sign>[+-]?)(?:(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]*))?"
                     r"|\.(?P<bare_fraction>[0-9]+))(?:[eE](?P<exponent>[+-]?[0-9]{1,18}))?")
"""A number: ASCII digits only (no "1_000", no other scripts' digits), and no ambiguity for
the regex engine to backtrack over, whatever the token's length."""
_SPECIAL = re.compile(r"(?P<sign>[+-]?)(?P<word>inf|infinity|nan)", re.IGNORECASE | re.ASCII)
_WHITESPACE = re.compile(r"[ \t\n\r\x0b\x0c]+")
_ARITHMETIC = Context(prec=60, Emax=10**6, Emin=-10**6)
_FAR = 5000
"""Beyond 10**5000 only exact equality can match; below 10**-5000 a number is zero for any
tolerance. Between them the arithmetic context is exact enough for the tolerance."""


@dataclass(frozen=True)
class _Number:
    """A number exactly as written: `sign * digits * 10**exponent`, digits without leading or
    trailing zeros ("" for zero), `exact` when written as an integer; or a special value."""

    digits: str = ""
    exponent: int = 0
    negative: bool = False
    exact: bool = False
    special: str = ""  # "inf", "-inf" or "nan"

    @property
    def magnitude(self) -> int:
        """The power of ten of the leading digit (meaningless for zero)."""
        return self.exponent + len(self.digits) - 1

    def as_decimal(self) -> Decimal:
        """The value (only for numbers within 10**±_FAR)."""
        return Decimal((int(self.negative), tuple(map(int, self.digits or "0")), self.exponent))


def _parse(text: str, exact: bool | None = None) -> _Number | None:
    """The number `text` spells, or None; `exact` says whether it was written as an integer
    (guessed from the text when None)."""
    match = _NUMBER.fullmatch(text)
    if match is None:
        special = _SPECIAL.fullmatch(text)
        if special is None:
            return None
        word = "nan" if special["word"].lower() == "nan" else "inf"
        return _Number(special=("-" if special["sign"] == "-" and word == "inf" else "") + word)
    fraction = match["fraction"] or match["bare_fraction"] or ""
    significant = (match["whole"] or "") + fraction
    exponent = int(match["exponent"] or 0) - len(fraction)
    stripped = significant.lstrip("0")
    digits = stripped.rstrip("0")
    exponent += len(stripped) - len(digits)
    if exact is None:
        exact = match["whole"] is not None and match["fraction"] is None \
            and match["exponent"] is None
    return _Number(digits=digits, exponent=exponent if digits else 0,
                   negative=match["sign"] == "-" and bool(digits), exact=exact)


def outputs_match(io: IOStyle, expected: str, actual: str) -> bool:
    """Whether `actual` counts as the `expected` output of a problem with calling style `io`.

    `stdin`: both are split into tokens at ASCII whitespace (so line breaks, trailing
    spaces and blank lines do not matter); tokens must be equal, except that two tokens
    that both parse as numbers are compared as numbers. An expected integer must be matched
    exactly in value ("007" and "7.0" match 7; "37607912000.0" does not match 37607912018);
    an expected number with a fraction or exponent matches within rel/abs 1e-6 (as in
    LiveCodeBench). `call`: both are JSON texts, compared deeply: numbers by the same rule
    (booleans only equal booleans), lists element-wise (a tuple's encoding is a list),
    objects key by key. Text that is not JSON never matches. Numbers are read exactly, with
    no limit on their digits; only numbers within 10**±5000 are compared with tolerance.
    """
    if io == "stdin":
        expected_tokens, actual_tokens = _tokens(expected), _tokens(actual)
        return len(expected_tokens) == len(actual_tokens) and all(
            map(_tokens_match, expected_tokens, actual_tokens))
    try:
        return _values_match(_json(expected), _json(actual))
    except (ValueError, RecursionError):
        return False


def _tokens(text: str) -> list[str]:
    """The whitespace-separated tokens of `text`, ASCII whitespace only (as judges split)."""
    return [token for token in _WHITESPACE.split(text) if token]


def _json(text: str) -> Any:
    return json.loads(text, parse_int=lambda digits: _parse(digits, exact=True),
                      parse_float=lambda digits: _parse(digits, exact=False),
                      parse_constant=lambda word: _parse(word))


def _tokens_match(expected: str, actual: str) -> bool:
    if expected == actual:
        return True
    wanted, got = _parse(expected), _parse(actual)
    return wanted is not None and got is not None and _numbers_match(wanted, got)


def _numbers_match(expected: _Number, actual: _Number) -> bool:
    if expected.special or actual.special:
        return expected.special == actual.special
    same = (expected.digits, expected.exponent, expected.negative) == \
        (actual.digits, actual.exponent, actual.negative)
    if same or expected.exact:
        return same  # an integer is matched exactly, whatever the number of digits
    if max(n.magnitude for n in (expected, actual) if n.digits) > _FAR:
        return False  # too large for a tolerance to join two different numbers
    values = [n.as_decimal() if n.digits and n.magnitude >= -_FAR else Decimal(0)
              for n in (expected, actual)]
    with localcontext(_ARITHMETIC):
        tolerance = max(REL_TOL * max(abs(values[0]), abs(values[1])), ABS_TOL)
        return abs(values[0] - values[1]) <= tolerance


def _values_match(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, _Number) and isinstance(actual, _Number):
        return _numbers_match(expected, actual)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(_values_match, expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            _values_match(expected[key], actual[key]) for key in expected)
    return type(expected) is type(actual) and expected == actual
