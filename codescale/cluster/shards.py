"""Splitting a batch into contiguous shards of about equal weight."""

from collections.abc import Sequence
from itertools import accumulate


def balanced_slices(weights: Sequence[float], parts: int) -> list[slice]:
    """At most `parts` non-empty contiguous slices covering `weights` in order, with about
    equal sums (equal counts where every weight is zero).

    Contiguous, so neighbouring items (one problem's samples and revisions, which share a
    prompt prefix) stay together, and the shards' answers joined in order are the batch's."""
    if not any(weights):
        weights = [1.0] * len(weights)
    ends = list(accumulate(weights))
    slices: list[slice] = []
    start = 0
    for part in range(1, parts + 1):
        stop = start
        if part == parts:
            stop = len(ends)
        else:
            target = ends[-1] * part / parts if ends else 0.0
            while stop < len(ends) and (ends[stop] <= target or stop == start):
                stop += 1
        if stop > start:
            slices.append(slice(start, stop))
        start = stop
    return slices
