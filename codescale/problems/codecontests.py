"""CodeContests (DeepMind, CC BY 4.0) as users download it: the official parquet shards
(`test-00000-of-00001.parquet`, ...; needs pyarrow: `pip install 'codescale[codecontests]'`)
or JSONL rows with the same fields, a file or a folder of them.

Public tests are `public_tests`; hidden tests are `private_tests` + `generated_tests`; time
and memory limits come from `time_limit` and `memory_limit_bytes` when present, else
Codeforces' 2 s and 256 MB. The first Python 3 solution becomes the problem's reference
solution (an evaluation marks problems whose reference fails their tests as untrusted).
"""

import importlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codescale.models import Problem, TestCase
from codescale.problems.errors import ProblemLoadError

SOURCE = "codecontests"
PYTHON3 = 3  # the dataset's language enum: 1 Python 2, 2 C++, 3 Python 3, 4 Java
DIFFICULTY_LETTERS = {7: "A", 8: "B", 9: "C", 10: "D", 11: "E", 12: "F", 13: "G", 14: "H",
                      15: "I", 16: "J", 17: "K", 18: "L", 19: "M", 20: "N", 21: "O", 22: "P"}
_NAME = re.compile(r"^(?P<id>[^.\s]+)\.\s*(?P<title>.*)$", re.DOTALL)


class Tests(BaseModel):
    """A test-set field: inputs and outputs in two parallel lists."""

    model_config = ConfigDict(extra="forbid")

    input: list[str]
    output: list[str]

    def cases(self, field: str) -> list[TestCase]:
        """The test cases; ValueError when the lists differ in length."""
        if len(self.input) != len(self.output):
            raise ValueError(f"{field}: {len(self.input)} inputs but {len(self.output)} "
                             "outputs")
        return [TestCase(input=i, expected=o) for i, o in zip(self.input, self.output,
                                                              strict=True)]


class Solutions(BaseModel):
    """Reference solutions: each one's language and source."""

    model_config = ConfigDict(extra="ignore")

    language: list[int]
    solution: list[str]


class Duration(BaseModel):
    """The official `time_limit` field."""

    seconds: int = 0
    nanos: int = 0


class CodeContestsRow(BaseModel):
    """One problem as the dataset stores it (fields this loader does not use are ignored)."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    public_tests: Tests
    private_tests: Tests
    generated_tests: Tests = Tests(input=[], output=[])
    difficulty: int = 0
    solutions: Solutions = Solutions(language=[], solution=[])
    cf_index: str = ""
    time_limit: Duration | None = None
    memory_limit_bytes: int | None = None

    def problem(self) -> Problem:
        """The row as a stdin `Problem`; ValueError naming the field that is unusable."""
        found = _NAME.match(self.name)
        problem_id, title = (found["id"], found["title"].strip()) if found else (self.name, "")
        seconds = (self.time_limit.seconds + self.time_limit.nanos / 1e9
                   if self.time_limit else 0.0)
        memory_mb = (self.memory_limit_bytes or 0) >> 20
        references = [code for language, code in zip(self.solutions.language,
                                                     self.solutions.solution, strict=False)
                      if language == PYTHON3]
        public = self.public_tests.cases("public_tests")
        if not public:
            raise ValueError("public_tests: no tests")
        hidden = (self.private_tests.cases("private_tests")
                  + self.generated_tests.cases("generated_tests"))
        return Problem(id=problem_id, title=title, statement=self.description, io="stdin",
                       public_tests=tuple(public), hidden_tests=tuple(hidden),
                       reference_solution=references[0] if references else None,
                       time_limit_s=seconds or 2.0, memory_limit_mb=memory_mb or 256,
                       source=SOURCE)

    @property
    def letter(self) -> str:
        """The problem letter: `cf_index`, else the letter of `difficulty`."""
        return self.cf_index or DIFFICULTY_LETTERS.get(self.difficulty, "")


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.suffix in (".parquet", ".jsonl"))
        if not found:
            raise ProblemLoadError([f"{path}: no .parquet or .jsonl files"])
        return found
    if not path.is_file():
        raise ProblemLoadError([f"{path}: no such file or folder"])
    return [path]


def _parquet_rows(path: Path) -> Iterator[Any]:
    try:
        parquet = importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise ProblemLoadError([f"{path}: reading parquet needs pyarrow: "
                                "pip install 'codescale[codecontests]'"]) from None
    try:
        table = parquet.read_table(path)
    except Exception as error:  # noqa: BLE001 - pyarrow raises many kinds for a bad file
        raise ProblemLoadError([f"{path}: unreadable parquet file: {error}"]) from None
    yield from table.to_pylist()


def _jsonl_rows(path: Path, errors: list[str]) -> Iterator[Any]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as error:
                errors.append(f"{path}: row {number}: not JSON: {error}")
                yield None


def _rows(path: Path, errors: list[str]) -> Iterator[tuple[str, Any]]:
    """(where, raw row) for every row of every file under `path`."""
    for file in _files(path):
        rows = _parquet_rows(file) if file.suffix == ".parquet" else _jsonl_rows(file, errors)
        for number, raw in enumerate(rows, 1):
            if raw is not None:
                name = raw.get("name") if isinstance(raw, dict) else None
                yield f"{file}: row {number}" + (f" ({name})" if name else ""), raw


def _parse(where: str, raw: Any, errors: list[str]) -> tuple[CodeContestsRow, Problem] | None:
    try:
        row = CodeContestsRow.model_validate(raw)
        return row, row.problem()
    except ValidationError as error:
        first = error.errors()[0]
        errors.append(f"{where}: {'.'.join(map(str, first['loc'])) or 'row'}: {first['msg']}")
    except ValueError as error:
        errors.append(f"{where}: {error}")
    return None


def load(path: Path | str, *, letters: Iterable[str] | None = None,
         ids: Iterable[str] | None = None, limit: int | None = None) -> list[Problem]:
    """The problems under `path` (a parquet or JSONL file, or a folder of them), in file
    order, keeping only problem letters in `letters` (`C` takes `C1` and `C2` too) and ids in
    `ids` when given, at most `limit`. Every bad row is one line of the ProblemLoadError."""
    wanted = {letter.strip().upper() for letter in letters} if letters else None
    chosen_ids = set(ids) if ids else None
    errors: list[str] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for where, raw in _rows(Path(path), errors):
        parsed = _parse(where, raw, errors)
        if parsed is None:
            continue
        row, problem = parsed
        if problem.id in seen:
            errors.append(f"{where}: name: problem id {problem.id!r} repeats {seen[problem.id]}")
            continue
        seen[problem.id] = where
        if wanted is not None and row.letter.rstrip("0123456789").upper() not in wanted:
            continue
        if chosen_ids is not None and problem.id not in chosen_ids:
            continue
        problems.append(problem)
    if errors:
        raise ProblemLoadError(errors)
    return problems[:limit]
