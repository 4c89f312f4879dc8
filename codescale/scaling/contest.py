"""The S* core, generic over what competes (sampled programs, patches of a repository):
behaviour groups, the input that separates two entrants, tie-breaks, the LLM judge's
verdicts, and the knockout tournament played level by level across many brackets.

Callers describe each contestant by its outputs on the bracket's inputs (`Output`), group
contestants with `group`, turn each group into an `Entrant`, and play `knockout`, passing
how to ask the LLM (one batch per level) and, optionally, where verdicts are kept.
"""

import re
from collections.abc import Callable, Sequence
from typing import Literal, Protocol, TypeVar

from codescale.execution.compare import outputs_match
from codescale.llm.protocol import GenerationRequest, GenerationResult, SamplingParams
from codescale.models import Comparison, Decider, Frozen, IOStyle, Problem, Stage, Status
from codescale.scaling.prompts import adjudication_messages, verdict_retry_messages
from codescale.scaling.runner import Runner

Side = Literal["a", "b"]
T = TypeVar("T")
_SIDES: dict[str, Side] = {"A": "a", "B": "b"}
_OTHER: dict[Side, Side] = {"a": "b", "b": "a"}
_RETRY_TOKENS = 16
"""Room for the verdict line when a judge is asked again for it."""
_VERDICT = re.compile(r"answer\W{0,5}(?:is\W{0,3})?(?:output\s+|program\s+)?\(?([AB])\b",
                      re.IGNORECASE)


class Output(Frozen):
    """What one contestant did on one input: the text shown to the judge, whether it ran
    cleanly, and how it failed when it did not (two failures agree when this matches)."""

    text: str
    clean: bool = True
    failure: str = ""


def agree(io: IOStyle, a: Output, b: Output) -> bool:
    """Two outputs agree: both clean and matching (`outputs_match`), or both failed alike."""
    if a.clean and b.clean:
        return outputs_match(io, a.text, b.text)
    return not a.clean and not b.clean and a.failure == b.failure


def group(items: Sequence[T], outputs: Callable[[T], Sequence[Output]], io: IOStyle
          ) -> list[list[T]]:
    """Items that agree on every input, in first-seen order (each compared with a group's
    first member)."""
    groups: list[list[T]] = []
    for item in items:
        mine = outputs(item)
        home = next((g for g in groups if all(
            agree(io, x, y) for x, y in zip(outputs(g[0]), mine, strict=True))), None)
        if home is None:
            groups.append([item])
        else:
            home.append(item)
    return groups


class Entrant(Frozen):
    """A behaviour group in a bracket, played by its representative.

    `size` counts the samples behind the group; `merit` is the bracket's second tie-break
    (more wins: public tests passed, or a patch's negated size)."""

    id: str
    size: int
    merit: int
    outputs: tuple[Output, ...]


class Bracket(Frozen):
    """One knockout: the inputs entrants ran on, the problem each input belongs to (shown
    to the judge), how outputs compare, and how the second tie-break reads."""

    key: str
    inputs: tuple[str, ...]
    problems: tuple[Problem, ...]
    io: IOStyle
    merit_decider: Decider
    merit_rule: str
    failures_lose: bool = False
    """Decide by execution where one side only ever fails (`decided_by_execution`): right
    for whole programs on valid inputs; not for probes, where raising is a behaviour."""


class Match(Frozen):
    """Two entrants of one bracket."""

    bracket: Bracket
    a: Entrant
    b: Entrant


def parse_verdict(text: str) -> Side | None:
    """The judge's choice from its last `Answer: A|B` line (or a bare last line), else None."""
    found = _VERDICT.findall(text)
    if found:
        return _SIDES[found[-1].upper()]
    lines = [line.strip(" *.`'\"") for line in text.strip().splitlines()]
    return _SIDES.get(lines[-1].upper() if lines else "")


def disputed(match: Match) -> int | None:
    """The first input where the two entrants differ, preferring one where both ran cleanly."""
    pairs = list(zip(match.a.outputs, match.b.outputs, strict=True))
    differing = [i for i, (x, y) in enumerate(pairs) if not agree(match.bracket.io, x, y)]
    clean = [i for i in differing if pairs[i][0].clean and pairs[i][1].clean]
    return next(iter(clean or differing), None)


def tie_break(match: Match, why: str, index: int | None) -> Comparison:
    """Decide a match without the judge: the larger group, then more merit, then entrant a."""
    a, b, bracket = match.a, match.b, match.bracket
    winner: Side
    decided_by: Decider
    if a.size != b.size:
        winner, decided_by = ("a" if a.size > b.size else "b"), "majority"
        rule = f"larger cluster ({max(a.size, b.size)} vs {min(a.size, b.size)})"
    elif a.merit != b.merit:
        winner, decided_by = ("a" if a.merit > b.merit else "b"), bracket.merit_decider
        rule = bracket.merit_rule
    else:
        winner, decided_by, rule = "a", "majority", "equal size and record; earlier cluster kept"
    return decision(match, index, winner, decided_by, f"{why}; {rule}" if why else rule)


def decision(match: Match, index: int | None, winner: Side, decided_by: Decider,
             rationale: str) -> Comparison:
    """A decided match as a Comparison, recorded on input `index` (None: on no input)."""
    a, b, bracket = match.a, match.b, match.bracket
    return Comparison(
        problem_id=bracket.problems[index].id if index is not None else bracket.key,
        candidate_a=a.id, candidate_b=b.id,
        input=bracket.inputs[index] if index is not None else "",
        output_a=a.outputs[index].text if index is not None else "",
        output_b=b.outputs[index].text if index is not None else "",
        winner=winner, decided_by=decided_by, rationale=rationale)


def decided_by_execution(match: Match, index: int) -> Comparison | None:
    """The match decided without the judge when the two agree wherever both ran cleanly (so
    `disputed` chose `index`, a difference where one or both failed) and only one of them
    ever fails where the other runs cleanly (times out, crashes, runs out of memory): that
    one loses, recorded on the first such input. No judge is asked to weigh an output against
    a crash (a weak one sided with a timeout). When each fails somewhere the other does not,
    or a failure is the sandbox's, the judge decides."""
    pairs = list(zip(match.a.outputs, match.b.outputs, strict=True))
    if pairs[index][0].clean and pairs[index][1].clean or \
            any(Status.SANDBOX_ERROR.value in (x.failure, y.failure) for x, y in pairs):
        return None
    a_fails = [i for i, (x, y) in enumerate(pairs) if y.clean and not x.clean]
    b_fails = [i for i, (x, y) in enumerate(pairs) if x.clean and not y.clean]
    if bool(a_fails) == bool(b_fails):
        return None
    winner: Side = "b" if a_fails else "a"
    lost: Side = "a" if a_fails else "b"
    index = (a_fails or b_fails)[0]
    failure = pairs[index][0 if a_fails else 1].failure or "a failure"
    return decision(match, index, winner, "execution",
                    f"{lost} ended with {failure} on this input, where {winner} ran cleanly; "
                    f"{winner} never failed where {lost} ran cleanly, and they agree wherever "
                    f"both did")


def judge_request(match: Match, index: int, params: SamplingParams, limit: int
                  ) -> GenerationRequest:
    """The S* comparison prompt for a match on its disputed input."""
    return GenerationRequest(messages=adjudication_messages(
        match.bracket.problems[index], match.bracket.inputs[index],
        match.a.outputs[index].text, match.b.outputs[index].text, limit), params=params)


def swapped(match: Match) -> Match:
    """The match with its entrants in the other order (the judge sees B's output as A)."""
    return match.model_copy(update={"a": match.b, "b": match.a})


def judged(match: Match, index: int, answers: Sequence[str | None]) -> Comparison:
    """The judge's verdict as a Comparison, from its answer on the match and, when it was asked
    in both orders, on the swapped match. Tie-broken when an answer is missing (budget) or
    unreadable, or when the verdict changed with the order of the outputs."""
    if any(answer is None for answer in answers):
        return tie_break(match, "budget reached before judging", index)
    verdicts = [parse_verdict(answer or "") for answer in answers]
    if None in verdicts:
        return tie_break(match, "judge answer unreadable", index)
    winners = {verdict if order == 0 else _OTHER[verdict]
               for order, verdict in enumerate(verdicts) if verdict is not None}
    if len(winners) > 1:
        return tie_break(match, "the judge's verdict changed with the order of the outputs",
                         index)
    return decision(match, index, winners.pop(), "llm", (answers[0] or "")[-500:])


Ask = Callable[[list[tuple[str, GenerationRequest]]], list[GenerationResult | None]]
"""Send `(bracket key, request)` pairs to the LLM as one batch; None where nothing came back."""


class Verdicts(Protocol):
    """Where decided matches are kept, so a resumed run does not judge them again
    (`RunStore` is one)."""

    def comparison(self, problem_id: str, candidate_a: str,
                   candidate_b: str) -> Comparison | None: ...

    def put_comparison(self, comparison: Comparison) -> None: ...


class Referee(Frozen):
    """How matches are judged: sampling settings, the longest text quoted to the judge, and
    whether each match is judged twice, the outputs swapped the second time (a verdict that
    follows the position rather than the output is no verdict)."""

    params: SamplingParams
    limit: int
    both_orders: bool = False

    def play(self, matches: list[Match], ask: Ask, verdicts: Verdicts) -> list[Comparison]:
        """Decide one level of matches (each kept in `verdicts`, and taken from there when
        an earlier run decided it); every judge prompt goes out in ONE batch, and answers that
        name no output are asked once more for the verdict line alone, in a second batch."""
        decided: dict[int, Comparison] = {}
        asking: list[tuple[int, int]] = []  # (match number, disputed input)
        for number, match in enumerate(matches):
            index = disputed(match)
            where = match.bracket.key if index is None else match.bracket.problems[index].id
            earlier = verdicts.comparison(where, match.a.id, match.b.id)
            if earlier is not None:
                decided[number] = earlier
            elif index is None:
                decided[number] = tie_break(match, "no input separates them", None)
                verdicts.put_comparison(decided[number])
            elif match.bracket.failures_lose and \
                    (by_execution := decided_by_execution(match, index)) is not None:
                decided[number] = by_execution
                verdicts.put_comparison(by_execution)
            else:
                asking.append((number, index))
        orders = [matches[n] for n, _ in asking]
        if self.both_orders:
            orders = [m for match in orders for m in (match, swapped(match))]
        indexes = [i for _, i in asking for _ in range(1 + self.both_orders)]
        answers = self._answers([(match.bracket.key, judge_request(match, i, self.params,
                                                                   self.limit))
                                 for match, i in zip(orders, indexes, strict=True)], ask)
        per_match = 1 + self.both_orders
        for k, (number, index) in enumerate(asking):
            mine = answers[k * per_match:(k + 1) * per_match]
            decided[number] = judged(matches[number], index, mine)
            verdicts.put_comparison(decided[number])
        return [decided[number] for number in range(len(matches))]

    def _answers(self, asks: list[tuple[str, GenerationRequest]], ask: Ask) -> list[str | None]:
        """The judge's answer to each prompt (None where nothing came back); an answer naming
        no output is followed by its answer to the retry prompt."""
        results = ask(asks) if asks else []
        answers = [result.completions[0].text if result is not None and result.completions
                   else None for result in results]
        vague = [k for k, answer in enumerate(answers)
                 if answer is not None and parse_verdict(answer) is None]
        retry = self.params.model_copy(update={"max_tokens": _RETRY_TOKENS})
        again = ask([(asks[k][0], GenerationRequest(
            messages=verdict_retry_messages(asks[k][1].messages, answers[k] or ""),
            params=retry)) for k in vague]) if vague else []
        for k, result in zip(vague, again, strict=True):
            if result is not None and result.completions:
                answers[k] = f"{answers[k]}\n{result.completions[0].text}"
        return answers


def knockout_level(alive: Sequence[T]) -> tuple[list[T], list[tuple[T, T]]]:
    """One level of a knockout over entrants ordered largest first: the odd one out (the
    first) has a bye, the others meet in consecutive pairs. Returns (byes, pairs)."""
    odd = len(alive) % 2
    rest = alive[odd:]
    return list(alive[:odd]), [(rest[i], rest[i + 1]) for i in range(0, len(rest), 2)]


Play = Callable[[list[Match]], list[Comparison]]


def knockout(brackets: Sequence[tuple[Bracket, list[Entrant]]], play: Play
             ) -> dict[str, list[Comparison]]:
    """Every bracket's knockout (k entrants: k-1 matches), level by level across brackets,
    each level decided by one `play` call. Returns the comparisons per bracket key."""
    alive = {bracket.key: (bracket, list(entrants)) for bracket, entrants in brackets}
    played: dict[str, list[Comparison]] = {bracket.key: [] for bracket, _ in brackets}
    while True:
        matches: list[Match] = []
        survivors: dict[str, list[Entrant]] = {}
        for key, (bracket, entrants) in alive.items():
            survivors[key], pairs = knockout_level(entrants)
            matches += [Match(bracket=bracket, a=a, b=b) for a, b in pairs]
        if not matches:
            return played
        for match, comparison in zip(matches, play(matches), strict=True):
            played[match.bracket.key].append(comparison)
            survivors[match.bracket.key].append(match.a if comparison.winner == "a" else match.b)
        alive = {key: (bracket, survivors[key]) for key, (bracket, entrants) in alive.items()
                 if len(entrants) > 1}


def champion(entrants: Sequence[Entrant], comparisons: Sequence[Comparison]) -> Entrant:
    """The entrant that lost no match."""
    losers = {(c.candidate_b if c.winner == "a" else c.candidate_a) for c in comparisons}
    return next(e for e in entrants if e.id not in losers)


def judged_in(runner: Runner) -> Play:
    """How a run plays knockout levels: its judge settings, the prompts sent through its
    runner (one batch per level, charged to the budget) and the verdicts kept in its store."""
    config = runner.config
    referee = Referee(params=SamplingParams(temperature=config.judge_temperature,
                                            max_tokens=config.max_tokens, seed=config.seed),
                      limit=config.feedback_chars, both_orders=config.judge_both_orders)

    def play(matches: list[Match]) -> list[Comparison]:
        return referee.play(matches, lambda asks: runner.generate(Stage.ADJUDICATE, asks),
                            runner.store)
    return play
