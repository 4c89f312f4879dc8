"""Batched temperature/top-p sampling: the nucleus equals the textbook one, draws follow the
seed alone, and the draws' frequencies match the nucleus distribution."""

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from codescale.llm.token_sampling import TokenSampler, _nucleus_candidates, next_tokens

logit_rows = st.lists(st.floats(-30, 30, allow_nan=False), min_size=2, max_size=300).map(
    lambda values: np.array(values, dtype=np.float32))


@settings(max_examples=200, deadline=None)
@given(logits=logit_rows, temperature=st.floats(0.05, 2.0), top_p=st.floats(0.05, 0.99),
       seed=st.integers(-2**40, 2**40))
@example(logits=np.array([0.0, 4.7e-10], dtype=np.float32), temperature=1.0, top_p=0.25, seed=0)
def test_the_candidates_hold_the_nucleus_and_every_draw_is_in_it(
        logits: np.ndarray, temperature: float, top_p: float, seed: int) -> None:
    weights = np.exp((logits - logits.max()) * np.float32(1 / temperature))
    mass = top_p * float(weights.sum(dtype=np.float64))
    candidates = set(_nucleus_candidates(weights, mass).tolist())
    order = np.argsort(-weights, kind="stable")  # the textbook way: sort the whole vocabulary
    kept = int(np.searchsorted(np.cumsum(weights[order], dtype=np.float64), mass)) + 1
    nucleus = set(order[:kept].tolist())
    assert nucleus <= candidates
    [token] = next_tokens(logits[None, :], [TokenSampler.seeded(temperature, top_p, seed)])
    assert token in nucleus


def test_a_flat_tail_lowers_the_threshold_until_the_nucleus_is_held() -> None:
    logits = np.full(2001, -8.0, dtype=np.float32)
    logits[0] = 0.0  # token 0 holds 60% of the mass; each other token 0.02%, under 1e-3 of it
    weights = np.exp(logits)
    candidates = _nucleus_candidates(weights, 0.95 * float(weights.sum(dtype=np.float64)))
    assert len(candidates) == 2001
    sampler = TokenSampler.seeded(1.0, 0.95, seed=4)
    draws = [next_tokens(logits[None, :], [sampler])[0] for _ in range(2000)]
    assert 0.55 < draws.count(0) / len(draws) < 0.65


def test_draws_depend_on_the_seed_only() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(6, 5000)).astype(np.float32) * 3

    def draw(rows: np.ndarray, seeds: list[int]) -> list[int]:
        samplers = [TokenSampler.seeded(0.8, 0.9, seed) for seed in seeds]
        return [next_tokens(rows, samplers) for _ in range(3)][-1]

    together = draw(logits, [11, 12, 13, 14, 15, 16])
    alone = [draw(logits[row:row + 1], [11 + row])[0] for row in range(6)]
    assert together == alone


def test_greedy_rows_take_the_most_likely_token_beside_sampled_rows() -> None:
    logits = np.zeros((2, 10), dtype=np.float32)
    logits[0, 7] = 5.0
    logits[1, 3] = 50.0  # so likely that sampling at temperature 1 must pick it
    tokens = next_tokens(logits, [TokenSampler.seeded(0.0, 0.95, 1),
                                  TokenSampler.seeded(1.0, 0.95, 2)])
    assert tokens == [7, 3]


def test_frequencies_follow_the_nucleus_distribution() -> None:
    logits = np.log(np.array([0.5, 0.3, 0.15, 0.05], dtype=np.float32))
    sampler = TokenSampler.seeded(1.0, 0.9, seed=5)  # nucleus: the first three tokens
    counts = np.bincount([next_tokens(logits[None, :], [sampler])[0] for _ in range(6000)],
                         minlength=4)
    assert counts[3] == 0
    expected = np.array([0.5, 0.3, 0.15]) / 0.95 * 6000
    assert np.all(np.abs(counts[:3] - expected) < 4 * np.sqrt(expected))


def test_temperature_sharpens_the_distribution() -> None:
    logits = np.log(np.array([0.6, 0.3, 0.1], dtype=np.float32))
    sampler = TokenSampler.seeded(0.5, 1.0, seed=8)  # probabilities squared, renormalized
    counts = np.bincount([next_tokens(logits[None, :], [sampler])[0] for _ in range(6000)],
                         minlength=3)
    expected = np.array([0.36, 0.09, 0.01]) / 0.46 * 6000
    assert np.all(np.abs(counts - expected) < 4 * np.sqrt(expected))


def test_top_p_of_one_samples_the_whole_vocabulary() -> None:
    logits = np.zeros(4, dtype=np.float32)
    sampler = TokenSampler.seeded(1.0, 1.0, seed=9)
    seen = {next_tokens(logits[None, :], [sampler])[0] for _ in range(400)}
    assert seen == {0, 1, 2, 3}
