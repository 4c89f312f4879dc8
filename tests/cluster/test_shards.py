"""Sharding a batch across actors: contiguous, in order, balanced."""

from hypothesis import given
from hypothesis import strategies as st

from codescale.cluster.shards import balanced_slices


@given(st.lists(st.integers(min_value=0, max_value=1000), max_size=60),
       st.integers(min_value=1, max_value=9))
def test_slices_cover_the_batch_in_order(weights: list[int], parts: int) -> None:
    slices = balanced_slices(weights, parts)
    assert len(slices) <= parts
    assert all(part.stop > part.start for part in slices)
    assert [i for part in slices for i in range(part.start, part.stop)] == list(
        range(len(weights)))


@given(st.lists(st.integers(min_value=1, max_value=10), min_size=8, max_size=60),
       st.integers(min_value=2, max_value=4))
def test_no_shard_is_far_above_an_even_share(weights: list[int], parts: int) -> None:
    slices = balanced_slices(weights, parts)
    even = sum(weights) / parts
    assert max(sum(weights[part]) for part in slices) <= even + max(weights)


def test_equal_requests_split_evenly() -> None:
    assert balanced_slices([5] * 8, 2) == [slice(0, 4), slice(4, 8)]
    assert balanced_slices([0] * 6, 3) == [slice(0, 2), slice(2, 4), slice(4, 6)]
    assert balanced_slices([100, 1, 1, 1], 2) == [slice(0, 1), slice(1, 4)]
    assert balanced_slices([1, 1], 4) == [slice(0, 1), slice(1, 2)]
    assert balanced_slices([], 3) == []
