"""LiveCodeBench (`code_generation_lite` release JSONL files) from a local path.

Each line has question_title, question_content, platform, question_id, contest_id,
contest_date, starter_code, difficulty, public_test_cases (a JSON list), private_test_cases
(a JSON list, or base64 of zlib of a pickle of that JSON) and metadata (JSON with
`func_name` for LeetCode problems). Test data is parsed as data only: the unpickler
refuses every global, so nothing but plain str/list/dict/number values can come out.

Release files follow the dataset: `test.jsonl` is v1, `test2.jsonl` v2, ... `test6.jsonl`
v6; `release_vN` means v1..vN together, as in the official runner.
"""

import base64
import io
import json
import pickle
import re
import zlib
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from codescale.models import Problem, TestCase
from codescale.problems.errors import ProblemLoadError

Difficulty = Literal["easy", "medium", "hard"]
_RELEASE = re.compile(r"^(release_)?v(\d+)$")
_RELEASE_FILE = re.compile(r"^test(\d*)\.jsonl$")


class LiveCodeBenchTest(BaseModel):
    """One test case as stored in the release files."""

    input: str
    output: str
    testtype: Literal["stdin", "functional"]


class LiveCodeBenchRecord(BaseModel):
    """One line of a release file (test cases and metadata already decoded)."""

    model_config = ConfigDict(extra="ignore")

    question_title: str
    question_content: str
    platform: str
    question_id: str
    contest_id: str = ""
    contest_date: datetime
    starter_code: str = ""
    difficulty: Difficulty
    public_test_cases: list[LiveCodeBenchTest]
    private_test_cases: list[LiveCodeBenchTest]
    metadata: dict[str, Any] = {}


class _DataOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: test data must be "
                                     "plain str/list/dict values")


def decode_test_cases(field: str | list[Any]) -> list[Any]:
    """Decode a test-case field: plain JSON, or base64(zlib(pickle(JSON))) as in the lite set."""
    if isinstance(field, list):
        return field
    try:
        return _json_list(json.loads(field))
    except json.JSONDecodeError:
        pass
    try:
        raw = zlib.decompress(base64.b64decode(field.encode("ascii"), validate=True))
    except (ValueError, zlib.error) as error:
        raise ValueError(f"test cases are neither JSON nor base64+zlib data: {error}") from None
    payload = _DataOnlyUnpickler(io.BytesIO(raw)).load()
    return _json_list(json.loads(payload) if isinstance(payload, str) else payload)


def release_files(path: Path, release: str | None) -> list[Path]:
    """The JSONL files of `path` that make up `release` (None: every file)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ProblemLoadError([f"{path}: LiveCodeBench path does not exist"])
    names = sorted(p.name for p in path.iterdir())
    files = {_version_of(match): path / match.string for name in names
             if (match := _RELEASE_FILE.match(name))}
    if not files:
        raise ProblemLoadError([f"{path}: no LiveCodeBench release files (test*.jsonl) here"])
    if release is None or release == "release_latest":
        return [files[v] for v in sorted(files)]
    match = _RELEASE.match(release)
    if match is None:
        raise ProblemLoadError([f"{path}: unknown release {release!r} "
                                "(use release_vN, vN or release_latest)"])
    version = int(match.group(2))
    wanted = range(1, version + 1) if match.group(1) else [version]
    missing = [v for v in wanted if v not in files]
    if missing:
        raise ProblemLoadError([f"{path}: release {release} needs "
                                f"{', '.join(_file_name(v) for v in missing)}, not found"])
    return [files[v] for v in wanted]


def load(path: Path, release: str | None = None, start_date: date | None = None,
         end_date: date | None = None,
         difficulties: Iterable[Difficulty] | None = None) -> list[Problem]:
    """Problems from release files, filtered by contest date window and difficulty."""
    keep = set(difficulties) if difficulties is not None else None
    problems = []
    for record in _records(release_files(path, release)):
        day = record.contest_date.date()
        if start_date is not None and day < start_date:
            continue
        if end_date is not None and day > end_date:
            continue
        if keep is not None and record.difficulty not in keep:
            continue
        problems.append(to_problem(record))
    return problems


def to_problem(record: LiveCodeBenchRecord) -> Problem:
    """Convert one record: functional tests become `call` tests, the rest `stdin` tests."""
    func_name = record.metadata.get("func_name")
    functional = bool(func_name)
    entry_point: str | None
    if functional and "class Solution" in record.starter_code:
        entry_point = f"Solution.{func_name}"
    else:
        entry_point = func_name if functional else None
    return Problem(
        id=f"{record.platform}/{record.question_id}",
        title=record.question_title,
        statement=record.question_content,
        io="call" if functional else "stdin",
        entry_point=entry_point,
        starter_code=record.starter_code,
        public_tests=tuple(_test_case(t, functional) for t in record.public_test_cases),
        hidden_tests=tuple(_test_case(t, functional) for t in record.private_test_cases),
        time_limit_s=6.0,
        source="livecodebench",
    )


def _records(files: list[Path]) -> list[LiveCodeBenchRecord]:
    records = []
    errors = []
    for file in files:
        with file.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    records.append(_parse_line(line))
                except (ValueError, ValidationError, pickle.UnpicklingError) as error:
                    first = str(error).strip().splitlines()[0]
                    errors.append(f"{file}:{number}: {first}")
    if errors:
        raise ProblemLoadError(errors)
    return records


def _parse_line(line: str) -> LiveCodeBenchRecord:
    raw = json.loads(line)
    if not isinstance(raw, dict):
        raise ValueError("a line must be a JSON object")
    for field in ("public_test_cases", "private_test_cases"):
        raw[field] = decode_test_cases(raw.get(field, "[]"))
    if isinstance(raw.get("metadata"), str):
        raw["metadata"] = json.loads(raw["metadata"] or "{}")
    return LiveCodeBenchRecord.model_validate(raw)


def _test_case(test: LiveCodeBenchTest, functional: bool) -> TestCase:
    if not functional:
        return TestCase(input=test.input, expected=test.output)
    args = [json.loads(line) for line in test.input.split("\n") if line.strip()]
    return TestCase(input=json.dumps(args), expected=json.dumps(json.loads(test.output)))


def _json_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"test cases must be a list, got {type(value).__name__}")
    return value


def _version_of(match: re.Match[str]) -> int:
    return int(match.group(1) or 1)


def _file_name(version: int) -> str:
    return "test.jsonl" if version == 1 else f"test{version}.jsonl"
