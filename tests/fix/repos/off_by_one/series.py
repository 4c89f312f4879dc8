"""Sums of integer series."""


def sum_to(n):
    """Return 1 + 2 + ... + n (0 when n is 0)."""
    return sum(range(1, n))


def sum_of_squares(n):
    """Return 1*1 + 2*2 + ... + n*n."""
    return sum(i * i for i in range(1, n + 1))
