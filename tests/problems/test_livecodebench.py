"""LiveCodeBench loader on a fixture in the release format (test.jsonl, test2.jsonl)."""

import base64
import json
import os
import pickle
import zlib
from datetime import date
from pathlib import Path

import pytest

from codescale.problems import ProblemLoadError
from codescale.problems.livecodebench import decode_test_cases, load

FIXTURE = Path(__file__).parent / "fixtures" / "livecodebench"


def test_all_releases_by_default() -> None:
    problems = load(FIXTURE)
    assert [p.id for p in problems] == ["atcoder/abc300_a", "leetcode/1", "codeforces/1900B"]


def test_release_versions_follow_the_official_files() -> None:
    assert [p.id for p in load(FIXTURE, release="v2")] == ["codeforces/1900B"]
    assert len(load(FIXTURE, release="release_v1")) == 2
    assert len(load(FIXTURE, release="release_v2")) == 3
    with pytest.raises(ProblemLoadError, match="needs test3.jsonl"):
        load(FIXTURE, release="release_v3")


def test_date_window_and_difficulty_filters() -> None:
    in_june = load(FIXTURE, start_date=date(2023, 6, 1), end_date=date(2023, 6, 30))
    assert [p.id for p in in_june] == ["leetcode/1"]
    hard = load(FIXTURE, difficulties=["hard"])
    assert [p.id for p in hard] == ["codeforces/1900B"]


def test_functional_problem_becomes_a_solution_method_call() -> None:
    problem = next(p for p in load(FIXTURE) if p.id == "leetcode/1")
    assert problem.io == "call"
    assert problem.entry_point == "Solution.twoSum"
    assert json.loads(problem.public_tests[0].input) == [[2, 7, 11, 15], 9]
    assert [json.loads(t.expected or "") for t in problem.hidden_tests] == [[1, 2], [0, 1]]


def test_compressed_private_tests_are_decoded() -> None:
    problem = next(p for p in load(FIXTURE) if p.id == "atcoder/abc300_a")
    assert problem.io == "stdin"
    assert problem.hidden_tests[0].input == "1000000000 1000000000\n"
    assert problem.hidden_tests[0].expected == "2000000000\n"


class _Exploit:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo pwned",))


def test_pickle_with_a_global_is_refused(tmp_path: Path) -> None:
    hostile = base64.b64encode(zlib.compress(pickle.dumps(_Exploit()))).decode()
    with pytest.raises(pickle.UnpicklingError, match="refusing to load posix.system"):
        decode_test_cases(hostile)
    line = json.loads((FIXTURE / "test.jsonl").read_text().splitlines()[0])
    line["private_test_cases"] = hostile
    (tmp_path / "test.jsonl").write_text(json.dumps(line) + "\n")
    with pytest.raises(ProblemLoadError) as raised:
        load(tmp_path)
    assert raised.value.lines == [f"{tmp_path / 'test.jsonl'}:1: refusing to load posix.system: "
                                  "test data must be plain str/list/dict values"]


def test_garbage_test_field_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="neither JSON nor base64"):
        decode_test_cases("not json, not base64!")


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ProblemLoadError, match="does not exist"):
        load(tmp_path / "nope")
    with pytest.raises(ProblemLoadError, match="no LiveCodeBench release files"):
        load(tmp_path)
