"""The S* core on its own: grouping, disputed inputs, the knockout across brackets with one
judge batch per level, tie-breaks, and verdicts kept for a resumed run."""

from codescale.llm.protocol import Completion, GenerationRequest, GenerationResult, SamplingParams
from codescale.models import Comparison, Problem
from codescale.scaling.contest import (
    Bracket,
    Entrant,
    Match,
    Output,
    Referee,
    champion,
    disputed,
    group,
    knockout,
)

PROBLEM = Problem(id="p", statement="Print twice the input.", io="stdin")
INPUTS = ("1\n", "2\n", "3\n")


def _bracket(key: str) -> Bracket:
    return Bracket(key=key, inputs=INPUTS, problems=(PROBLEM,) * 3, io="stdin",
                   merit_decider="public_tests", merit_rule="more public tests passed")


def _entrant(name: str, outputs: list[str], size: int = 1, merit: int = 0) -> Entrant:
    return Entrant(id=name, size=size, merit=merit, outputs=tuple(
        Output(text=o) if o != "crash" else Output(text="(crashed)", clean=False,
                                                    failure="runtime_error") for o in outputs))


def _reply(text: str) -> GenerationResult:
    return GenerationResult(completions=(Completion(text=text, finish_reason="stop",
                                                    completion_tokens=1),), prompt_tokens=1)


class Verdicts:
    """An in-memory verdict store."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str, str], Comparison] = {}

    def comparison(self, problem_id: str, candidate_a: str, candidate_b: str
                   ) -> Comparison | None:
        return self.kept.get((problem_id, candidate_a, candidate_b))

    def put_comparison(self, comparison: Comparison) -> None:
        self.kept[(comparison.problem_id, comparison.candidate_a, comparison.candidate_b)] = \
            comparison


def test_grouping_compares_outputs_by_value_and_failures_by_kind() -> None:
    runs = {"a": ["2\n", "4\n", "crash"], "b": ["2", "4.0", "crash"], "c": ["2\n", "4\n", "6\n"]}
    found = group(list(runs), lambda name: [_entrant(name, runs[name]).outputs][0], "stdin")
    assert found == [["a", "b"], ["c"]]


def test_the_disputed_input_prefers_one_where_both_ran_cleanly() -> None:
    a = _entrant("a", ["2\n", "crash", "6\n"])
    b = _entrant("b", ["2\n", "4\n", "7\n"])
    assert disputed(Match(bracket=_bracket("p"), a=a, b=b)) == 2
    assert disputed(Match(bracket=_bracket("p"), a=a, b=a)) is None


def test_knockout_plays_levels_across_brackets_in_one_batch_each_and_resumes() -> None:
    right = _entrant("right", ["2\n", "4\n", "6\n"])
    wrong = [_entrant(f"w{i}", ["2\n", "4\n", f"{i}\n"], size=2) for i in range(3)]
    brackets = [(_bracket("p"), [*wrong, right]), (_bracket("q"), [wrong[0], right])]
    batches: list[list[tuple[str, GenerationRequest]]] = []

    def ask(asks: list[tuple[str, GenerationRequest]]) -> list[GenerationResult | None]:
        batches.append(asks)
        replies = ["Answer: A" if "Output A:\n6" in r.messages[-1].content else "Answer: B"
                   for _, r in asks]
        return [_reply(t) for t in replies]

    referee = Referee(params=SamplingParams(temperature=0.0), limit=500)
    verdicts = Verdicts()
    played = knockout(brackets, lambda matches: referee.play(matches, ask, verdicts))
    assert [len(batch) for batch in batches] == [3, 1]  # p: 2 matches + q: 1, then p's final
    assert champion([*wrong, right], played["p"]).id == "right"
    assert champion([wrong[0], right], played["q"]).id == "right"
    assert all(c.decided_by == "llm" for c in played["p"] + played["q"])

    def never(asks: list[tuple[str, GenerationRequest]]) -> list[GenerationResult | None]:
        raise AssertionError("a decided match was judged again")

    again = knockout(brackets, lambda matches: referee.play(matches, never, verdicts))
    assert again == played


def test_matches_the_judge_cannot_decide_fall_to_size_then_merit_then_order() -> None:
    referee = Referee(params=SamplingParams(temperature=0.0), limit=500)
    big = _entrant("big", ["2\n", "4\n", "5\n"], size=3)
    small = _entrant("small", ["2\n", "4\n", "6\n"], size=1, merit=2)
    same_size = _entrant("same", ["2\n", "4\n", "7\n"], size=1, merit=1)
    twin = _entrant("twin", ["2\n", "4\n", "6\n"], size=1, merit=2)

    def unreadable(asks: list[tuple[str, GenerationRequest]]) -> list[GenerationResult | None]:
        return [_reply("hmm") for _ in asks]

    def silent(asks: list[tuple[str, GenerationRequest]]) -> list[GenerationResult | None]:
        return [None for _ in asks]

    matches = [Match(bracket=_bracket("p"), a=small, b=big),
               Match(bracket=_bracket("p"), a=same_size, b=small)]
    by_size, by_merit = referee.play(matches, unreadable, Verdicts())
    assert (by_size.winner, by_size.decided_by) == ("b", "majority")
    assert by_size.rationale.startswith("judge answer unreadable")
    assert (by_merit.winner, by_merit.decided_by) == ("b", "public_tests")
    [no_input] = referee.play([Match(bracket=_bracket("p"), a=small, b=twin)], silent,
                              Verdicts())
    assert (no_input.winner, no_input.input) == ("a", "")
    assert no_input.rationale.startswith("no input separates them")


RIGHT = _entrant("right", ["2\n", "4\n", "6\n"])
WRONG = _entrant("wrong", ["2\n", "4\n", "7\n"])


def _knows_six(asks: list[tuple[str, GenerationRequest]]) -> list[GenerationResult | None]:
    """A judge that names the output "6" wherever it is shown."""
    return [_reply("Answer: A" if "Output A:\n6" in r.messages[1].content else "Answer: B")
            for _, r in asks]


def test_an_answer_naming_no_output_is_asked_once_more_for_the_verdict_line() -> None:
    batches: list[list[GenerationRequest]] = []

    def rambles_first(asks: list[tuple[str, GenerationRequest]]) -> list[GenerationResult | None]:
        batches.append([r for _, r in asks])
        if len(batches) == 1:
            return [_reply("Let me think about output six step by step...") for _ in asks]
        return _knows_six(asks)

    referee = Referee(params=SamplingParams(temperature=0.0, max_tokens=512), limit=500)
    right, wrong = RIGHT, WRONG
    [verdict] = referee.play([Match(bracket=_bracket("p"), a=wrong, b=right)], rambles_first,
                             Verdicts())
    assert (verdict.winner, verdict.decided_by) == ("b", "llm")
    [retry] = batches[1]
    assert retry.params.max_tokens == 16
    assert [m.role for m in retry.messages[-2:]] == ["assistant", "user"]
    assert "step by step" in retry.messages[-2].content
    assert "Answer: A" in retry.messages[-1].content


def test_both_orders_keep_a_consistent_verdict_and_void_a_positional_one() -> None:
    referee = Referee(params=SamplingParams(temperature=0.0), limit=500, both_orders=True)
    right, wrong = RIGHT, WRONG
    sent: list[int] = []

    def counting(asks: list[tuple[str, GenerationRequest]]) -> list[GenerationResult | None]:
        sent.append(len(asks))
        return _knows_six(asks)

    [consistent] = referee.play([Match(bracket=_bracket("p"), a=wrong, b=right)], counting,
                                Verdicts())
    assert (consistent.winner, consistent.decided_by) == ("b", "llm") and sent == [2]

    def always_a(asks: list[tuple[str, GenerationRequest]]) -> list[GenerationResult | None]:
        return [_reply("Answer: A") for _ in asks]

    [positional] = referee.play([Match(bracket=_bracket("p"), a=wrong, b=right)], always_a,
                                Verdicts())
    assert positional.decided_by != "llm"
    assert positional.rationale.startswith("the judge's verdict changed with the order")


def test_a_side_failing_where_the_other_runs_cleanly_loses_without_the_judge() -> None:
    asked: list[GenerationRequest] = []

    def sides_with_a(asks: list[tuple[str, GenerationRequest]]) -> list[GenerationResult | None]:
        asked.extend(r for _, r in asks)
        return [_reply("Answer: A") for _ in asks]

    def play(a: Entrant, b: Entrant, failures_lose: bool = True) -> Comparison:
        bracket = _bracket("p").model_copy(update={"failures_lose": failures_lose})
        [verdict] = Referee(params=SamplingParams(temperature=0.0), limit=500).play(
            [Match(bracket=bracket, a=a, b=b)], sides_with_a, Verdicts())
        return verdict

    slow = _entrant("slow", ["2\n", "4\n", "crash"], size=7)  # agrees wherever it runs
    fast = _entrant("fast", ["2\n", "4\n", "6\n"], size=1)
    verdict = play(slow, fast)
    assert (verdict.winner, verdict.decided_by, verdict.input) == ("b", "execution", "3\n")
    assert "a ended with runtime_error" in verdict.rationale and asked == []
    assert (play(fast, slow).winner, play(fast, slow).decided_by) == ("a", "execution")
    # outputs that differ where both ran cleanly still go to the judge, on that input
    judged = play(_entrant("other", ["2\n", "5\n", "crash"]), fast)
    assert (judged.decided_by, judged.input) == ("llm", "2\n") and len(asked) == 1
    # each failing where the other runs cleanly: no side dominates, the judge decides
    assert play(slow, _entrant("fragile", ["crash", "4\n", "6\n"])).decided_by == "llm"
    # a sandbox fault is no evidence against the program: the judge decides
    broken = Entrant(id="broken", size=1, merit=0, outputs=(
        Output(text="2\n"), Output(text="4\n"),
        Output(text="(no output)", clean=False, failure="sandbox_error")))
    assert play(broken, fast).decided_by == "llm" and len(asked) == 3
    # a bracket of probes (the fix bot), where raising is a behaviour: the judge decides
    assert play(slow, fast, failures_lose=False).decided_by == "llm" and len(asked) == 4
