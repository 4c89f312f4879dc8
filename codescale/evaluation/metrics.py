"""Accuracy metrics over candidate pools."""

import math
from collections.abc import Sequence


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k (Chen et al., 2021): chance that k of n samples, c correct, hold one.

    Computed as 1 - C(n-c, k) / C(n, k) in the numerically stable product form.
    """
    if not 0 <= c <= n:
        raise ValueError(f"need 0 <= c <= n, got n={n}, c={c}")
    if not 1 <= k <= n:
        raise ValueError(f"need 1 <= k <= n, got n={n}, k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def mean_pass_at_k(pools: Sequence[tuple[int, int]], k: int) -> float:
    """Mean pass@k over problems given as (samples, correct) pairs; problems with n < k skipped."""
    scores = [pass_at_k(n, c, k) for n, c in pools if n >= k]
    if not scores:
        raise ValueError(f"no problem has at least k={k} samples")
    return sum(scores) / len(scores)
