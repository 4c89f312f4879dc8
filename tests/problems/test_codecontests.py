"""The CodeContests loader: the dev split as shipped beside the repository, the official
parquet layout, filters, and one line per bad row naming the row and the field."""

import json
from pathlib import Path
from typing import Any

import pytest

from codescale.problems import ProblemLoadError, codecontests

DEV = Path(__file__).parents[2].parent / "shared" / "codecontests" / "dev.jsonl"


def row(name: str = "1_A. Sum", cf_index: str = "A", **changes: Any) -> dict[str, Any]:
    """A row in the dataset's schema (a made-up problem)."""
    return {"name": name, "description": "Print a + b.", "source": 2, "difficulty": 7,
            "public_tests": {"input": ["1 2\n"], "output": ["3\n"]},
            "private_tests": {"input": ["2 2\n", "5 -1\n"], "output": ["4\n", "4\n"]},
            "generated_tests": {"input": ["0 0\n"], "output": ["0\n"]},
            "solutions": {"language": [2, 3],
                          "solution": ["int main(){}", "print(sum(map(int, input().split())))"]},
            "cf_contest_id": 1, "cf_index": cf_index, "cf_tags": ["math"], **changes}


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


@pytest.mark.skipif(not DEV.is_file(), reason="../shared/codecontests/dev.jsonl is not here")
def test_all_146_rows_of_the_dev_split_load_with_their_tests_and_references() -> None:
    problems = codecontests.load(DEV)
    assert len(problems) == 146 and len({p.id for p in problems}) == 146
    assert all(p.io == "stdin" and p.public_tests and p.hidden_tests for p in problems)
    assert all(p.reference_solution for p in problems)
    assert all((p.time_limit_s, p.memory_limit_mb) == (2.0, 256) for p in problems)
    easy = codecontests.load(DEV, letters=["a", "B"])
    assert len(easy) == 32 and len(codecontests.load(DEV, letters=["A"], limit=5)) == 5


def test_fields_map_onto_the_problem(tmp_path: Path) -> None:
    [problem] = codecontests.load(write_jsonl(tmp_path / "rows.jsonl", [row(
        time_limit={"seconds": 1, "nanos": 500_000_000}, memory_limit_bytes=64 << 20)]))
    assert (problem.id, problem.title, problem.source) == ("1_A", "Sum", "codecontests")
    assert [t.input for t in problem.public_tests] == ["1 2\n"]
    assert [t.expected for t in problem.hidden_tests] == ["4\n", "4\n", "0\n"]
    assert problem.reference_solution == "print(sum(map(int, input().split())))"
    assert (problem.time_limit_s, problem.memory_limit_mb) == (1.5, 64)


def test_filters_by_letter_id_and_limit(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "rows.jsonl", [
        row("1_A. Sum"), row("1_B. Two", "B"), row("1_C1. Easy", "C1"), row("1_C2. Hard", "C2"),
        row("1_D. Last", "", difficulty=10)])
    ids = lambda problems: [p.id for p in problems]  # noqa: E731
    assert ids(codecontests.load(path, letters=["C"])) == ["1_C1", "1_C2"]
    assert ids(codecontests.load(path, letters=["D"])) == ["1_D"]  # from the difficulty enum
    assert ids(codecontests.load(path, ids=["1_B", "1_D"])) == ["1_B", "1_D"]
    assert ids(codecontests.load(path, limit=2)) == ["1_A", "1_B"]


def test_the_official_parquet_layout_loads_the_same(tmp_path: Path) -> None:
    pyarrow = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    rows = [row(time_limit={"seconds": 2, "nanos": 0}, memory_limit_bytes=256 << 20),
            row("1_B. Two", "B", time_limit={"seconds": 3, "nanos": 0},
                memory_limit_bytes=512 << 20)]
    folder = tmp_path / "data"
    folder.mkdir()
    parquet.write_table(pyarrow.Table.from_pylist(rows), folder / "test-00000-of-00001.parquet")
    from_parquet = codecontests.load(folder)
    from_jsonl = codecontests.load(write_jsonl(tmp_path / "rows.jsonl", rows))
    assert from_parquet == from_jsonl and from_parquet[1].memory_limit_mb == 512


def test_parquet_without_pyarrow_says_what_to_install(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pyarrow(name: str) -> Any:
        raise ImportError(name)

    monkeypatch.setattr(codecontests.importlib, "import_module", no_pyarrow)
    (tmp_path / "test.parquet").write_bytes(b"PAR1")
    with pytest.raises(ProblemLoadError, match=r"needs pyarrow: pip install 'codescale\["):
        codecontests.load(tmp_path / "test.parquet")


@pytest.mark.parametrize(("bad", "message"), [
    ("{not json", "row 2: not JSON"),
    (row("2_A. Broken", description=""), "row 2 (2_A. Broken): description: String should"),
    (row("2_A. Broken", public_tests={"input": ["1\n"]}),
     "row 2 (2_A. Broken): public_tests.output: Field required"),
    (row("2_A. Broken", private_tests={"input": ["1\n", "2\n"], "output": ["1\n"]}),
     "row 2 (2_A. Broken): private_tests: 2 inputs but 1 outputs"),
    (row("2_A. Broken", public_tests={"input": [], "output": []}),
     "row 2 (2_A. Broken): public_tests: no tests"),
    (row("2_A. Broken", difficulty="hard"), "row 2 (2_A. Broken): difficulty: Input should be"),
    (row("1_A. Again"), "row 2 (1_A. Again): name: problem id '1_A' repeats"),
])
def test_each_bad_row_is_one_line_naming_the_row_and_field(tmp_path: Path, bad: Any,
                                                           message: str) -> None:
    path = write_jsonl(tmp_path / "rows.jsonl", [row(), bad, row("3_A. Fine")])
    with pytest.raises(ProblemLoadError) as raised:
        codecontests.load(path)
    [line] = raised.value.lines
    assert line.startswith(str(path)) and message in line


def test_a_missing_path_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ProblemLoadError, match="no such file or folder"):
        codecontests.load(tmp_path / "nowhere.jsonl")
