"""`sstar`: S* selection, a knockout tournament between behaviour clusters, each match decided
by the LLM judging which output is correct on an input where the two representatives differ
(the S* core in `codescale.scaling.contest`)."""

from codescale.models import Answer, Comparison, Stage
from codescale.scaling.answer import NO_SURVIVOR, abstain, choose, share
from codescale.scaling.cluster import bracket, clusters, entrant
from codescale.scaling.contest import champion, judged_in, knockout
from codescale.scaling.pool import ProblemPool
from codescale.scaling.registry import SYNTHESIS, strategy
from codescale.scaling.runner import Runner


def tournament(runner: Runner, pools: list[ProblemPool]) -> dict[str, list[Comparison]]:
    """Every problem's knockout, level by level across problems (one judge batch per level);
    verdicts are recorded in the store and reused by a resumed run."""
    return knockout([(bracket(pool), [entrant(pool, c) for c in clusters(pool)])
                     for pool in pools], judged_in(runner))


@strategy("sstar", SYNTHESIS | {Stage.ADJUDICATE}, order=0)
def sstar(runner: Runner, pools: list[ProblemPool]) -> list[Answer]:
    """S* answers: the tournament champion's representative, or an abstention."""
    played = tournament(runner, pools)
    answers = []
    for pool in pools:
        found = clusters(pool)
        if not found:
            answers.append(abstain(pool, "sstar", NO_SURVIVOR))
            continue
        comparisons = played[pool.problem.id]
        best = champion([entrant(pool, c) for c in found], comparisons)
        cluster = next(c for c in found if c.representative.candidate.id == best.id)
        total = sum(c.size for c in found)
        judged_wins = sum(c.decided_by in ("llm", "execution") and
                          (c.candidate_a, c.candidate_b)[c.winner == "b"] == best.id
                          for c in comparisons)
        mine = sum(best.id in (c.candidate_a, c.candidate_b) for c in comparisons)
        confidence = share(cluster.size, total) if not mine else \
            0.5 * share(cluster.size, total) + 0.5 * share(judged_wins, mine)
        answers.append(choose(pool, "sstar", cluster.representative, confidence,
                              f"won the knockout of {len(found)} behaviour clusters "
                              f"({len(comparisons)} adjudications)",
                              cluster_size=cluster.size, comparisons=comparisons))
    return answers
