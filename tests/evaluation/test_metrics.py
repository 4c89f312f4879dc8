"""pass@k against its combinatorial definition."""

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codescale.evaluation.metrics import mean_pass_at_k, pass_at_k
from codescale.evaluation.summary import pass_at_ks


@given(st.integers(1, 12).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n),
                                                       st.integers(1, n))))
def test_matches_the_definition_by_enumeration(case: tuple[int, int, int]) -> None:
    n, c, k = case
    samples = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(samples, k))
    expected = sum(any(subset) for subset in subsets) / len(subsets)
    assert math.isclose(pass_at_k(n, c, k), expected, abs_tol=1e-12)


def test_known_values() -> None:
    assert pass_at_k(16, 0, 1) == 0.0
    assert pass_at_k(16, 16, 1) == 1.0
    assert math.isclose(pass_at_k(16, 4, 1), 0.25)
    assert math.isclose(pass_at_k(10, 1, 5), 0.5)


def test_mean_skips_problems_with_too_few_samples() -> None:
    assert math.isclose(mean_pass_at_k([(4, 2), (1, 1)], k=2), pass_at_k(4, 2, 2))
    with pytest.raises(ValueError, match="no problem has at least k=5"):
        mean_pass_at_k([(4, 2)], k=5)


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError):
        pass_at_k(3, 4, 1)
    with pytest.raises(ValueError):
        pass_at_k(3, 1, 4)


def test_pass_at_k_is_reported_for_the_k_some_problem_reached() -> None:
    # adaptive sampling stopped one problem at 4 samples and another at 8, of 16 allowed
    assert [(p.k, round(p.value, 4)) for p in pass_at_ks([(4, 1), (8, 8)])] == \
        [(1, round((0.25 + 1) / 2, 4)), (5, 1.0)]
    assert pass_at_ks([]) == ()
