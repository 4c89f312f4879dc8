"""Building Answers: a chosen entry with its evidence, or an abstention with its reason."""

from codescale.models import Answer, Comparison, Evidence
from codescale.scaling.pool import PoolEntry, ProblemPool

NO_SURVIVOR = "no candidate passes the public tests"


def choose(pool: ProblemPool, strategy: str, entry: PoolEntry, confidence: float, reason: str,
           cluster_size: int = 0, comparisons: list[Comparison] | None = None) -> Answer:
    """An answer naming `entry`, with its public-test record and the comparisons it took part in."""
    cid = entry.candidate.id
    fought = [c for c in comparisons or [] if cid in (c.candidate_a, c.candidate_b)]
    won = sum((c.candidate_a, c.candidate_b)[c.winner == "b"] == cid and c.winner != "tie"
              for c in fought)
    evidence = Evidence(public_passed=pool.public_passed(cid), public_total=len(pool.public_tests),
                        comparisons_won=won, comparisons_total=len(fought),
                        cluster_size=cluster_size or entry.copies)
    return Answer(problem_id=pool.problem.id, strategy=strategy, candidate_id=cid,
                  code=entry.candidate.code, confidence=min(max(confidence, 0.0), 1.0),
                  evidence=evidence, reason=reason)


def abstain(pool: ProblemPool, strategy: str, reason: str) -> Answer:
    """An answer that picks nothing, saying why."""
    return Answer(problem_id=pool.problem.id, strategy=strategy, abstained=True, reason=reason)


def share(part: int, whole: int) -> float:
    """`part / whole`, 0 when `whole` is 0."""
    return part / whole if whole else 0.0
