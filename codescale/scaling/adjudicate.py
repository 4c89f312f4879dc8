"""S* selection: a knockout tournament between behaviour clusters, each match decided by the LLM
judging which output is correct on an input where the two representatives differ."""

import re
from collections.abc import Sequence
from typing import Literal, TypeVar

from codescale.llm.protocol import GenerationRequest, GenerationResult, SamplingParams
from codescale.models import Answer, Comparison, Decider, Execution
from codescale.scaling.answer import NO_SURVIVOR, abstain, choose, share
from codescale.scaling.cluster import Cluster, agree, clusters
from codescale.scaling.pool import ProblemPool
from codescale.scaling.prompts import adjudication_messages
from codescale.scaling.runner import Runner

_VERDICT = re.compile(r"answer\W{0,5}(?:is\W{0,3})?(?:output\s+|program\s+)?\(?([AB])\b",
                      re.IGNORECASE)
Match = tuple[ProblemPool, Cluster, Cluster]
Side = Literal["a", "b"]
T = TypeVar("T")
_SIDES: dict[str, Side] = {"A": "a", "B": "b"}


def knockout_level(alive: Sequence[T]) -> tuple[list[T], list[tuple[T, T]]]:
    """One level of a knockout over entrants ordered largest first: the odd one out (the
    first) has a bye, the others meet in consecutive pairs. Returns (byes, pairs)."""
    odd = len(alive) % 2
    rest = alive[odd:]
    return list(alive[:odd]), [(rest[i], rest[i + 1]) for i in range(0, len(rest), 2)]


def parse_verdict(text: str) -> Side | None:
    """The judge's choice from its last `Answer: A|B` line (or a bare last line), else None."""
    found = _VERDICT.findall(text)
    if found:
        return _SIDES[found[-1].upper()]
    lines = [line.strip(" *.`'\"") for line in text.strip().splitlines()]
    return _SIDES.get(lines[-1].upper() if lines else "")


def _shown(execution: Execution) -> str:
    """What a program produced, as shown to the judge."""
    if execution.status.ran_cleanly:
        return execution.stdout
    return f"(no output: the program ended with {execution.status.value})"


def _disputed(pool: ProblemPool, a: str, b: str) -> int | None:
    """The first input where two candidates differ, preferring one where both ran cleanly."""
    runs_a, runs_b = pool.behaviour.get(a, []), pool.behaviour.get(b, [])
    differing = [i for i, (x, y) in enumerate(zip(runs_a, runs_b, strict=False))
                 if not agree(pool.problem.io, x, y)]
    clean = [i for i in differing if runs_a[i].status.ran_cleanly and runs_b[i].status.ran_cleanly]
    return next(iter(clean or differing), None)


def tie_break(pool: ProblemPool, a: Cluster, b: Cluster, why: str, index: int | None
               ) -> Comparison:
    """Decide a match without the judge: larger cluster, then public-test record, then order."""
    rep_a, rep_b = a.representative.candidate.id, b.representative.candidate.id
    passed_a, passed_b = pool.public_passed(rep_a), pool.public_passed(rep_b)
    winner: Side
    decided_by: Decider
    if a.size != b.size:
        winner, decided_by = ("a" if a.size > b.size else "b"), "majority"
        rule = f"larger cluster ({max(a.size, b.size)} vs {min(a.size, b.size)})"
    elif passed_a != passed_b:
        winner, decided_by = ("a" if passed_a > passed_b else "b"), "public_tests"
        rule = "more public tests passed"
    else:
        winner, decided_by, rule = "a", "majority", "equal size and record; earlier cluster kept"
    text = pool.inputs[index] if index is not None else ""
    runs_a, runs_b = pool.behaviour.get(rep_a), pool.behaviour.get(rep_b)
    return Comparison(problem_id=pool.problem.id, candidate_a=rep_a, candidate_b=rep_b,
                      input=text,
                      output_a=_shown(runs_a[index]) if runs_a and index is not None else "",
                      output_b=_shown(runs_b[index]) if runs_b and index is not None else "",
                      winner=winner, decided_by=decided_by, rationale=f"{why}; {rule}")


def _request(runner: Runner, pool: ProblemPool, a: str, b: str, index: int) -> GenerationRequest:
    config = runner.config
    messages = adjudication_messages(pool.problem, pool.inputs[index],
                                     _shown(pool.behaviour[a][index]),
                                     _shown(pool.behaviour[b][index]), config.feedback_chars)
    return GenerationRequest(messages=messages, params=SamplingParams(
        temperature=config.judge_temperature, max_tokens=config.max_tokens, seed=config.seed))


def _play(runner: Runner, matches: list[Match]) -> list[Comparison]:
    """Decide one tournament level of every problem; all judge prompts go out as ONE batch."""
    decided: dict[int, Comparison] = {}
    asking: list[tuple[int, int]] = []  # (match number, disputed input)
    for number, (pool, a, b) in enumerate(matches):
        rep_a, rep_b = a.representative.candidate.id, b.representative.candidate.id
        recorded = runner.store.comparison(pool.problem.id, rep_a, rep_b)
        index = _disputed(pool, rep_a, rep_b)
        if recorded is not None:
            decided[number] = recorded
        elif index is None:
            decided[number] = tie_break(pool, a, b, "no input separates them", None)
            runner.store.put_comparison(decided[number])
        else:
            asking.append((number, index))
    results = runner.generate("adjudicate", [
        (matches[n][0].problem.id, _request(runner, matches[n][0],
                                            matches[n][1].representative.candidate.id,
                                            matches[n][2].representative.candidate.id, i))
        for n, i in asking])
    for (number, index), result in zip(asking, results, strict=True):
        pool, a, b = matches[number]
        decided[number] = _judged(pool, a, b, index, result)
        runner.store.put_comparison(decided[number])
    return [decided[number] for number in range(len(matches))]


def _judged(pool: ProblemPool, a: Cluster, b: Cluster, index: int,
            result: GenerationResult | None) -> Comparison:
    """The judge's verdict as a Comparison; tie-broken when there is none or it is unreadable."""
    if result is None or not result.completions:
        return tie_break(pool, a, b, "budget reached before judging", index)
    text = result.completions[0].text
    verdict = parse_verdict(text)
    if verdict is None:
        return tie_break(pool, a, b, "judge answer unreadable", index)
    return tie_break(pool, a, b, "", index).model_copy(
        update={"winner": verdict, "decided_by": "llm", "rationale": text[-500:]})


def tournament(runner: Runner, pools: list[ProblemPool]) -> dict[str, list[Comparison]]:
    """Run every problem's knockout (k clusters: k-1 matches), level by level across problems.

    The odd cluster out of a level (the largest) gets a bye. Returns comparisons per problem."""
    brackets = {pool.problem.id: (pool, clusters(pool)) for pool in pools}
    played: dict[str, list[Comparison]] = {pool.problem.id: [] for pool in pools}
    while True:
        matches: list[Match] = []
        byes: dict[str, list[Cluster]] = {}
        for pid, (pool, alive) in brackets.items():
            byes[pid], pairs = knockout_level(alive)
            matches += [(pool, a, b) for a, b in pairs]
        if not matches:
            break
        next_round = {pid: list(byes.get(pid, [])) for pid in brackets}
        for (pool, a, b), comparison in zip(matches, _play(runner, matches), strict=True):
            played[pool.problem.id].append(comparison)
            next_round[pool.problem.id].append(a if comparison.winner == "a" else b)
        brackets = {pid: (pool, next_round[pid]) for pid, (pool, alive) in brackets.items()
                    if len(alive) > 1}
    return played


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
        champion = _champion(found, comparisons)
        total = sum(c.size for c in found)
        rep = champion.representative.candidate.id
        judged_wins = sum(c.decided_by == "llm" and
                          (c.candidate_a, c.candidate_b)[c.winner == "b"] == rep
                          for c in comparisons)
        mine = sum(rep in (c.candidate_a, c.candidate_b) for c in comparisons)
        confidence = share(champion.size, total) if not mine else \
            0.5 * share(champion.size, total) + 0.5 * share(judged_wins, mine)
        answers.append(choose(pool, "sstar", champion.representative, confidence,
                              f"won the knockout of {len(found)} behaviour clusters "
                              f"({len(comparisons)} adjudications)",
                              cluster_size=champion.size, comparisons=comparisons))
    return answers


def _champion(found: list[Cluster], comparisons: list[Comparison]) -> Cluster:
    """The cluster that lost no match."""
    losers = {(c.candidate_b if c.winner == "a" else c.candidate_a) for c in comparisons}
    return next(c for c in found if c.representative.candidate.id not in losers)
