"""Hypothesis-driven inputs shaped like a problem's public tests, deterministic under a seed."""

import json
import re
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from codescale.models import Problem
from codescale.scaling.constraints import (
    admissible,
    lower_bound,
    single_integer_bound,
    single_integer_input,
)

_INT = re.compile(r"-?\d+")
_EDGE_CHARACTERS = " .,!?'"
"""Characters mixed into fuzzed strings: where case, spacing and punctuation traps hide."""
_FLOAT = re.compile(r"-?\d+\.\d+")


def draw(strategy: st.SearchStrategy[Any], count: int, seed_value: int) -> list[Any]:
    """Up to `count` values drawn from `strategy`; the same seed gives the same values."""
    found: list[Any] = []

    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @seed(seed_value)
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found


def _int_range(values: list[int], floor: int = 0) -> tuple[int, int]:
    """The observed range, widened down to `floor` and upwards when only one value was seen."""
    low, high = min(values), max(values)
    return min(floor, low), (high if high > low else max(2 * high, high + 10))


def _alphabet(values: list[str]) -> str:
    """The characters seen, the other case of the letters seen, and `_EDGE_CHARACTERS`."""
    seen = set("".join(values))
    return "".join(sorted(seen | {c.swapcase() for c in seen} | set(_EDGE_CHARACTERS)))


def infer(values: list[Any]) -> st.SearchStrategy[Any]:
    """A strategy for JSON values like `values`: the same types and value ranges, lengths up
    to the longest seen, and the edges traps hide at: empty strings and lists, the other
    letter case, spaces and punctuation. Inputs that crash every program are dropped later."""
    kinds = {type(v) for v in values}
    if len(kinds) > 1 and kinds != {int, float}:
        return st.one_of([infer([v for v in values if type(v) is kind]) for kind in kinds])
    if kinds == {bool}:
        return st.booleans()
    if kinds == {int}:
        low, high = _int_range(values)
        return st.integers(low, high)
    if kinds <= {int, float}:
        return st.floats(min(values), max(values), allow_nan=False, allow_infinity=False)
    if kinds == {str}:
        return st.text(_alphabet(values), max_size=max(map(len, values)))
    if kinds == {list}:
        items = [item for v in values for item in v]
        sizes = [len(v) for v in values]
        return st.lists(infer(items), max_size=max(sizes)) if items else st.just([])
    if kinds == {dict}:
        keys = [k for v in values for k in v]
        sizes = [len(v) for v in values]
        return st.dictionaries(infer(keys), infer([x for v in values for x in v.values()]),
                               min_size=min(sizes), max_size=max(sizes)) if keys else st.just({})
    return st.sampled_from(values)


def _call_strategy(problem: Problem) -> st.SearchStrategy[str] | None:
    try:
        calls = [json.loads(test.input) for test in problem.public_tests]
    except json.JSONDecodeError:
        return None
    arities = {len(args) if isinstance(args, list) else -1 for args in calls}
    if len(arities) != 1 or -1 in arities:
        return None
    positions = [infer([args[i] for args in calls]) for i in range(arities.pop())]
    return st.tuples(*positions).map(lambda args: json.dumps(list(args)))


def _structural(lines: list[list[str]], row: int) -> bool:
    """Sizes usually sit on the first line, or alone on a line before that many tokens."""
    if row == 0 and len(lines) > 1:
        return True
    tokens = lines[row]
    return (len(tokens) == 1 and row + 1 < len(lines) and _INT.fullmatch(tokens[0]) is not None
            and int(tokens[0]) in (len(lines[row + 1]), len(lines) - row - 1))


def _token_strategy(token: str, ints: tuple[int, int],
                    floats: tuple[float, float]) -> st.SearchStrategy[str]:
    if _INT.fullmatch(token):
        return st.integers(*ints).map(str)
    if _FLOAT.fullmatch(token):
        places = len(token.split(".")[1])
        return st.floats(*floats, allow_nan=False, allow_infinity=False).map(
            lambda x: f"{x:.{places}f}")
    return st.just(token)


def _mutations(text: str, ints: tuple[int, int],
               floats: tuple[float, float]) -> st.SearchStrategy[str]:
    """Same lines and token kinds as `text`; numbers redrawn, sizes and words kept."""
    lines = [line.split() for line in text.splitlines()]
    rows = [st.tuples(*[st.just(t) if _structural(lines, r) else _token_strategy(t, ints, floats)
                        for t in tokens]).map(" ".join)
            for r, tokens in enumerate(lines)]
    return st.tuples(*rows).map(lambda row: "\n".join(row) + "\n")


def _stdin_strategy(problem: Problem) -> st.SearchStrategy[str] | None:
    texts = [test.input for test in problem.public_tests if test.input.strip()]
    tokens = [t for text in texts for line in text.splitlines()[1:] or text.splitlines()
              for t in line.split()]
    ints = [int(t) for t in tokens if _INT.fullmatch(t)]
    floats = [float(t) for t in tokens if _FLOAT.fullmatch(t)] or [0.0, 1.0]
    if not texts:
        return None
    floor = lower_bound(problem)
    int_range = _int_range(ints, 0 if floor is None else floor) if ints else (0, 10)
    return st.one_of([_mutations(t, int_range, (min(floats), max(floats))) for t in texts])


_SHAPES: dict[str, Callable[[Problem], st.SearchStrategy[str] | None]] = {
    "call": _call_strategy, "stdin": _stdin_strategy}


def fuzz_inputs(problem: Problem, count: int, seed_value: int, *,
                at_bound: bool = False) -> list[str]:
    """Up to `count` new inputs shaped like the public tests (none without public tests),
    none below the smallest integer the statement allows; with `at_bound`, for a one-integer
    input, the first is the largest value the statement allows (where a too-slow program
    shows: for whole programs, not for probes of a function whose source is the statement)."""
    strategy = _SHAPES[problem.io](problem) if count and problem.public_tests else None
    if strategy is None:
        return []
    bound = single_integer_bound(problem) if at_bound else None
    edges = [] if bound is None else [single_integer_input(problem, bound)]
    public = {test.input for test in problem.public_tests}
    return [text for text in dict.fromkeys([*edges, *draw(strategy, count, seed_value)])
            if text not in public and admissible(problem, text)][:count]
