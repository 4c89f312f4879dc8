"""LiveCodeBench's official output comparison (lcb_runner/evaluation/testing_util.py).

It is stricter than `codescale.execution.compare.outputs_match`, which the sandbox uses for
every problem: stdin outputs must have the same lines (after stripping the whole output and
each line), and a line that differs in text matches only when every token of both lines is
a decimal number and the numbers are exactly equal (no float tolerance). A call's return
value must equal the expected one under Python `==` (so `1 == 1.0` and `True == 1`), without
tolerance. The LiveCodeBench scorer (`codescale.scoring.livecodebench`) applies them.
"""

import json
from decimal import Decimal, InvalidOperation

from codescale.models import IOStyle


def _decimals(line: str) -> list[Decimal] | None:
    try:
        return [Decimal(token) for token in line.split()]
    except InvalidOperation:
        return None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().split("\n")]


def stdin_match(expected: str, actual: str) -> bool:
    """Whether a program's standard output is the expected one under the official rules."""
    wanted, got = _lines(expected), _lines(actual)
    if len(wanted) != len(got):
        return False
    for want, have in zip(wanted, got, strict=True):
        if want == have:
            continue
        want_numbers, have_numbers = _decimals(want), _decimals(have)
        if want_numbers is None or have_numbers is None or want_numbers != have_numbers:
            return False
    return True


def call_match(expected: str, actual: str) -> bool:
    """Whether a JSON-encoded return value equals the expected JSON value (Python `==`)."""
    try:
        return bool(json.loads(expected) == json.loads(actual))
    except ValueError:
        return False


def official_match(io: IOStyle, expected: str, actual: str) -> bool:
    """The official comparison for a problem's calling style."""
    return stdin_match(expected, actual) if io == "stdin" else call_match(expected, actual)
