"""Problem files: one YAML document per problem, validated field by field.

A `stdin` problem's tests are `{input: str, output: str}`; a `call` problem's tests are
`{args: [...], returns: value}` written as YAML data and stored as JSON. See README.md
("Problem files") for the full format.
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codescale.models import IOStyle, Problem, TestCase
from codescale.problems.errors import ProblemLoadError

PROBLEM_SUFFIXES = (".yaml", ".yml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class StdinTestEntry(_Strict):
    """A test of a `stdin` problem as written in a file."""

    input: str
    output: str

    def to_test_case(self) -> TestCase:
        """The model form: the text in, the expected text out."""
        return TestCase(input=self.input, expected=self.output)


class CallTestEntry(_Strict):
    """A test of a `call` problem as written in a file."""

    args: list[Any]
    returns: Any = Field(...)

    def to_test_case(self) -> TestCase:
        """The model form: arguments and return value as JSON."""
        return TestCase(input=json.dumps(self.args), expected=json.dumps(self.returns))


class ProblemFile(_Strict):
    """The top-level mapping of a problem file."""

    id: str = Field(min_length=1)
    title: str = ""
    io: Literal["stdin", "call"]
    statement: str = Field(min_length=1)
    entry_point: str | None = None
    starter_code: str = ""
    public_tests: list[dict[str, Any]] = Field(min_length=1)
    hidden_tests: list[dict[str, Any]] = Field(default_factory=list)
    checker: str | None = None
    reference_solution: str | None = None
    time_limit_s: float = Field(default=2.0, gt=0, strict=False)
    memory_limit_mb: int = Field(default=256, gt=0)


_TEST_ENTRY: dict[IOStyle, type[StdinTestEntry] | type[CallTestEntry]] = {
    "stdin": StdinTestEntry,
    "call": CallTestEntry,
}


def load_problem_file(path: Path) -> Problem:
    """Load and validate one problem file; raise `ProblemLoadError` listing every defect."""
    raw = _read_yaml(path)
    try:
        header = ProblemFile.model_validate(raw)
    except ValidationError as error:
        raise ProblemLoadError(_error_lines(path, error)) from None
    errors: list[str] = []
    public = _parse_tests(path, "public_tests", header.io, header.public_tests, errors)
    hidden = _parse_tests(path, "hidden_tests", header.io, header.hidden_tests, errors)
    if errors:
        raise ProblemLoadError(errors)
    try:
        return Problem(
            id=header.id, title=header.title, statement=header.statement, io=header.io,
            entry_point=header.entry_point, starter_code=header.starter_code,
            public_tests=tuple(public), hidden_tests=tuple(hidden),
            checker_code=header.checker, reference_solution=header.reference_solution,
            time_limit_s=header.time_limit_s, memory_limit_mb=header.memory_limit_mb,
            source=str(path),
        )
    except ValidationError as error:
        raise ProblemLoadError(_error_lines(path, error)) from None


def problem_paths(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Expand folders into the problem files they hold (sorted); pass files through."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in PROBLEM_SUFFIXES)
        else:
            yield path


def check_problem_files(paths: Iterable[Path | str]) -> tuple[list[Problem], list[str]]:
    """Load every problem under `paths`; return the valid ones and one line per defect."""
    problems: list[Problem] = []
    errors: list[str] = []
    for path in problem_paths(paths):
        try:
            problems.append(load_problem_file(path))
        except ProblemLoadError as error:
            errors.extend(error.lines)
    errors.extend(_duplicate_id_errors(problems))
    return problems, errors


def load_problems(paths: Path | str | Sequence[Path | str]) -> list[Problem]:
    """Load every problem file under `paths` (a file or folder, or several); raise one
    `ProblemLoadError` with all defects."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    problems, errors = check_problem_files(paths)
    if errors:
        raise ProblemLoadError(errors)
    if not problems:
        raise ProblemLoadError([f"{', '.join(map(str, paths))}: no problem files "
                                f"({', '.join('*' + s for s in PROBLEM_SUFFIXES)})"])
    return problems


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProblemLoadError([f"{path}: cannot read file: {error}"]) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        cause = getattr(error, "problem", None) or type(error).__name__
        raise ProblemLoadError([f"{path}: malformed YAML{line}: {cause}"]) from None


def _parse_tests(path: Path, field: str, io: IOStyle, entries: list[dict[str, Any]],
                 errors: list[str]) -> list[TestCase]:
    entry_model = _TEST_ENTRY[io]
    expected_keys = set(entry_model.model_fields)
    tests: list[TestCase] = []
    for index, entry in enumerate(entries):
        where = f"{path}: {field}[{index}]"
        if set(entry) != expected_keys:
            errors.append(f"{where}: a '{io}' test has the fields {_names(expected_keys)}, "
                          f"got {_names(set(entry)) or 'none'}")
            continue
        try:
            tests.append(entry_model.model_validate(entry).to_test_case())
        except ValidationError as error:
            errors.extend(_error_lines(path, error, prefix=f"{field}[{index}]"))
        except (TypeError, ValueError) as error:
            errors.append(f"{where}: value is not JSON data: {error}")
    return tests


def _names(keys: set[str]) -> str:
    return ", ".join(sorted(keys))


def _error_lines(path: Path, error: ValidationError, prefix: str = "") -> list[str]:
    lines = []
    for detail in error.errors():
        location = ".".join(str(part) for part in (prefix, *detail["loc"]) if part != "")
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "unknown field"
        elif detail["type"] == "missing":
            message = "missing field"
        elif detail["type"] == "literal_error":
            message = f"unknown value {detail['input']!r}: {message}"
        elif not detail["loc"] and detail["type"] in ("model_type", "dict_type"):
            message = ("a problem file must be a mapping of fields, got "
                       f"{_yaml_kind(detail['input'])}")
        lines.append(f"{path}: {location or '(top level)'}: {message}")
    return lines


def _yaml_kind(value: Any) -> str:
    return {list: "a list", str: "a string", type(None): "an empty document"}.get(
        type(value), type(value).__name__)


def _duplicate_id_errors(problems: list[Problem]) -> list[str]:
    seen: dict[str, str] = {}
    errors = []
    for problem in problems:
        if problem.id in seen:
            errors.append(f"{problem.source}: id: duplicate id {problem.id!r} "
                          f"(also in {seen[problem.id]})")
        seen.setdefault(problem.id, problem.source)
    return errors
