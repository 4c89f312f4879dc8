"""Scaling curves: hidden-test accuracy against the number of samples and against debug rounds.

Against samples (round-0 programs only), each point is the expectation over random
subsets of k of the n samples, in closed form: the oracle is pass@k; selecting a program
that passes the public tests succeeds with probability pass@k(public passers) times the
share of public passers that are correct; a random sample is pass@1 at every k.
Against rounds, the pool is cut to the programs of rounds 0..r: the oracle asks whether any
passes, the public-test selector takes the first in pool order that passes the public tests.
"""

from collections.abc import Callable, Sequence

from codescale.evaluation.metrics import pass_at_k
from codescale.evaluation.records import CandidateRecord, ProblemRecord
from codescale.models import Frozen


class Point(Frozen):
    """Accuracy at one x value."""

    x: int
    accuracy: float


class Series(Frozen):
    """One line of a curve."""

    name: str
    points: tuple[Point, ...]


class Curve(Frozen):
    """Accuracy lines over a common x axis."""

    name: str
    x_label: str
    series: tuple[Series, ...]


def sample_sizes(n: int) -> list[int]:
    """1, 2, 4, ... up to n, and n itself."""
    sizes = [1 << i for i in range(n.bit_length()) if 1 << i <= n]
    return sizes if sizes[-1] == n else [*sizes, n]


def _sample_flags(record: ProblemRecord) -> list[tuple[bool, bool]]:
    """(passes public tests, passes hidden verdict) of each sample's program."""
    flags = []
    for candidate_id in record.samples or ():
        found = record.candidate(candidate_id)
        flags.append((found is not None and found.passes_public, record.passed(candidate_id)))
    return flags


def _public_selection(n: int, flags: list[tuple[bool, bool]], k: int) -> float:
    public = sum(p for p, _ in flags)
    both = sum(p and h for p, h in flags)
    return pass_at_k(n, public, min(k, n)) * both / public if public else 0.0


def _pass_at(record: ProblemRecord, correct: int, k: int) -> float:
    """pass@k of a problem's samples; a problem whose sampling stopped at r < k samples (or
    never ran: 0) is at its r-sample value."""
    n = record.requested
    return pass_at_k(n, correct, min(k, n)) if n else 0.0


Line = Callable[[ProblemRecord, int], float]
"""One problem's expected accuracy at one x value."""


def _series(records: Sequence[ProblemRecord], xs: Sequence[int],
            lines: dict[str, Line]) -> tuple[Series, ...]:
    """Each line averaged over the problems at each x value."""
    return tuple(Series(name=name, points=tuple(
        Point(x=x, accuracy=sum(line(r, x) for r in records) / len(records) if records else 0.0)
        for x in xs)) for name, line in lines.items())


def samples_curve(records: Sequence[ProblemRecord], n: int) -> Curve:
    """Accuracy against the number of samples k (1, 2, 4, ..., n), expected over subsets of
    each problem's samples (all of them, for a problem whose adaptive sampling stopped
    before k)."""
    flags = {r.problem.id: _sample_flags(r) for r in records}

    def correct(r: ProblemRecord) -> int:
        return sum(h for _, h in flags[r.problem.id])

    lines: dict[str, Line] = {
        "oracle (pass@k)": lambda r, k: _pass_at(r, correct(r), k),
        "public tests": lambda r, k: _public_selection(r.requested, flags[r.problem.id], k)
        if r.requested else 0.0,
        "random sample (pass@1)": lambda r, k: _pass_at(r, correct(r), 1),
    }
    return Curve(name="samples", x_label="samples per problem",
                 series=_series(records, sample_sizes(n), lines))


def _within(record: ProblemRecord, round_: int) -> list[CandidateRecord]:
    return [c for c in record.candidates if c.candidate.round <= round_]


def rounds_curve(records: Sequence[ProblemRecord], rounds: int) -> Curve:
    """Accuracy against debug rounds 0..rounds, the pool cut to the programs made so far."""
    def oracle(r: ProblemRecord, round_: int) -> float:
        return float(any(c.hidden_passed is True for c in _within(r, round_)))

    def public(r: ProblemRecord, round_: int) -> float:
        chosen = next((c for c in _within(r, round_) if c.passes_public), None)
        return float(chosen is not None and chosen.hidden_passed is True)

    return Curve(name="rounds", x_label="debug rounds",
                 series=_series(records, range(rounds + 1), {"oracle": oracle,
                                                             "public tests": public}))
