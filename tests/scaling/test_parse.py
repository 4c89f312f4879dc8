"""Reading the LLM's answers: synthesized inputs, adjudication verdicts, judge choices."""

from codescale.models import Problem, TestCase
from codescale.scaling.contest import parse_verdict
from codescale.scaling.strategies.llm_judge import parse_choice
from codescale.scaling.synthesize import parse_inputs

STDIN = Problem(id="s", statement="s", io="stdin")
CALL = Problem(id="c", statement="s", io="call", entry_point="f",
               public_tests=(TestCase(input="[[1, 2], 3]", expected="1"),))
UNARY = Problem(id="u", statement="s", io="call", entry_point="f",
                public_tests=(TestCase(input="[[1, 2]]", expected="1"),))


def test_json_objects_with_predicted_outputs() -> None:
    text = 'Cases:\n```json\n[{"input": "1 2", "output": 3}, {"input": "5 5\\n"}]\n```'
    assert parse_inputs(text, STDIN) == [TestCase(input="1 2\n", expected="3\n"),
                                         TestCase(input="5 5\n")]


def test_python_literal_list_without_fence_and_duplicates() -> None:
    text = "Try these: ['1\\n', '2\\n', '1\\n'] -- they cover the edges."
    assert [t.input for t in parse_inputs(text, STDIN)] == ["1\n", "2\n"]


def test_call_inputs_must_match_the_arity() -> None:
    text = '```json\n[[[4, 5], 1], [[1], 2, 3], "junk", {"input": [[], 0], "output": [1]}]\n```'
    assert parse_inputs(text, CALL) == [TestCase(input="[[4, 5], 1]"),
                                        TestCase(input="[[], 0]", expected="[1]")]


def test_single_argument_inputs_are_wrapped() -> None:
    assert [t.input for t in parse_inputs("[[3, 4], [[5]]]", UNARY)] == ["[[3, 4]]", "[[5]]"]


def test_stdin_blocks_when_no_list_parses() -> None:
    text = "Input 1:\n```\n3\n1 2 3\n```\nInput 2:\n```\n1\n9\n```"
    assert [t.input for t in parse_inputs(text, STDIN)] == ["3\n1 2 3\n", "1\n9\n"]


def test_garbage_gives_nothing() -> None:
    assert parse_inputs("no idea [", CALL) == []


def test_verdicts() -> None:
    assert parse_verdict("A looks odd... Answer: B") == "b"
    assert parse_verdict("**Answer:** Output A") == "a"
    assert parse_verdict("The answer is A.\nActually, answer: B") == "b"
    assert parse_verdict("Reasoning...\nA") == "a"
    assert parse_verdict("both seem fine") is None


def test_judge_choices() -> None:
    assert parse_choice("Program 2 is wrong.\nAnswer: 3", 3) == 2
    assert parse_choice("Answer: Program #1", 3) == 0
    assert parse_choice("Answer: 9", 3) is None
    assert parse_choice("no idea", 3) is None
