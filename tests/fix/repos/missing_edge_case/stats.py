"""Summary statistics of lists of numbers."""


def average(values):
    """Return the mean of values, or 0.0 for an empty list."""
    return sum(values) / len(values)


def spread(values):
    """Return the largest value minus the smallest."""
    return max(values) - min(values)
