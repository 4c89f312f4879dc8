"""Summary statistics on top of numpy, which the sandbox does not have."""

import numpy


def spread(values):
    """The difference between the largest and the smallest value."""
    return float(numpy.max(values) - numpy.min(values))
