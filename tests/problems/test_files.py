"""Problem files: the shipped examples load; each kind of defect gets its own one-line error."""

import json
from pathlib import Path

import pytest

from codescale.models import Problem
from codescale.problems import ProblemLoadError, load_problem_file, load_problems

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "problems"
BROKEN = Path(__file__).parent / "broken"


def test_examples_load_in_both_styles() -> None:
    problems = load_problems([EXAMPLES])
    assert len(problems) >= 12
    styles = {problem.io for problem in problems}
    assert styles == {"stdin", "call"}
    assert all(problem.public_tests and problem.hidden_tests for problem in problems)
    assert len({problem.id for problem in problems}) == len(problems)


def test_one_path_loads_as_itself_not_as_its_characters() -> None:
    ids = [problem.id for problem in load_problems([EXAMPLES])]
    assert [problem.id for problem in load_problems(EXAMPLES)] == ids
    assert [problem.id for problem in load_problems(str(EXAMPLES / "median.yaml"))] == ["median"]


def test_call_tests_are_stored_as_json() -> None:
    problem = load_problem_file(EXAMPLES / "two-sum.yaml")
    assert problem.entry_point == "Solution.twoSum"
    first = problem.public_tests[0]
    assert json.loads(first.input) == [[2, 7, 11, 15], 9]
    assert json.loads(first.expected or "") == [0, 1]


def test_stdin_tests_keep_text_verbatim() -> None:
    problem = load_problem_file(EXAMPLES / "word-frequency.yaml")
    assert problem.public_tests[0].input == "the cat the dog the end cat\n"
    assert problem.public_tests[0].expected == "the 3\ncat 2\ndog 1\n"


@pytest.mark.parametrize(("name", "message"), [
    ("malformed-yaml.yaml", "malformed YAML (line 5)"),
    ("missing-field.yaml", "statement: missing field"),
    ("wrong-test-shape.yaml",
     "public_tests[1]: a 'call' test has the fields args, returns, got input, output"),
    ("unknown-style.yaml", "io: unknown value 'interactive'"),
    ("call-without-entry-point.yaml", "entry_point: a 'call' problem needs an entry_point"),
    ("args-not-a-list.yaml", "public_tests[0].args: Input should be a valid list"),
    ("not-a-mapping.yaml", "(top level): a problem file must be a mapping of fields, got a list"),
])
def test_each_defect_gets_one_line_naming_file_and_field(name: str, message: str) -> None:
    path = BROKEN / name
    with pytest.raises(ProblemLoadError) as raised:
        load_problem_file(path)
    assert len(raised.value.lines) == 1
    assert raised.value.lines[0].startswith(f"{path}: {message}")


def test_folder_load_collects_every_defect() -> None:
    with pytest.raises(ProblemLoadError) as raised:
        load_problems([BROKEN])
    assert len(raised.value.lines) == len(list(BROKEN.glob("*.yaml")))


def test_duplicate_ids_are_reported(tmp_path: Path) -> None:
    text = (EXAMPLES / "median.yaml").read_text()
    (tmp_path / "a.yaml").write_text(text)
    (tmp_path / "b.yaml").write_text(text)
    with pytest.raises(ProblemLoadError) as raised:
        load_problems([tmp_path])
    assert raised.value.lines == [f"{tmp_path / 'b.yaml'}: id: duplicate id 'median' "
                                  f"(also in {tmp_path / 'a.yaml'})"]


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ProblemLoadError, match="no problem files"):
        load_problems([tmp_path])


def test_stdin_problem_rejects_an_entry_point() -> None:
    with pytest.raises(ValueError, match="takes no entry_point"):
        Problem(id="x", statement="s", io="stdin", entry_point="f")
