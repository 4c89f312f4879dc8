"""Which problems an evaluation runs: HumanEval, LiveCodeBench release files, CodeContests
(parquet or JSONL), or problem files."""

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from codescale.models import Problem
from codescale.problems import (
    ProblemLoadError,
    codecontests,
    humaneval,
    livecodebench,
    load_problems,
)
from codescale.problems.livecodebench import Difficulty


class BenchmarkChoice(BaseModel):
    """A benchmark by name (`humaneval`, `livecodebench`, `codecontests`) or a path, with its
    filters."""

    model_config = ConfigDict(extra="forbid")

    target: str = Field(min_length=1)
    data: Path | None = Field(default=None,
                              description="LiveCodeBench: folder of release files (test*.jsonl); "
                                          "CodeContests: a parquet or JSONL file, or a folder")
    letters: tuple[str, ...] | None = Field(default=None,
                                            description="CodeContests: problem letters (A, B)")
    release: str | None = Field(default=None, description="LiveCodeBench: release_vN or vN")
    start_date: date | None = None
    end_date: date | None = None
    difficulties: tuple[Difficulty, ...] | None = None
    limit: int | None = Field(default=None, ge=1, description="first problems only")


def _livecodebench(choice: BenchmarkChoice, path: Path) -> list[Problem]:
    return livecodebench.load(path, choice.release, choice.start_date, choice.end_date,
                              choice.difficulties)


def load_benchmark(choice: BenchmarkChoice) -> list[Problem]:
    """The chosen problems, filtered and limited. A `.jsonl` path is LiveCodeBench data;
    another path is problem files or folders."""
    if choice.target == "humaneval":
        problems = humaneval.load()
    elif choice.target == "codecontests":
        if choice.data is None:
            raise ProblemLoadError(["codecontests needs --data: its parquet shards or JSONL "
                                    "rows (a file or a folder)"])
        problems = codecontests.load(choice.data, letters=choice.letters)
    elif choice.target == "livecodebench":
        if choice.data is None:
            raise ProblemLoadError(["livecodebench needs --data: the folder of its release "
                                    "files (test.jsonl ... test6.jsonl)"])
        problems = _livecodebench(choice, choice.data)
    else:
        path = Path(choice.target)
        if not path.exists():
            raise ProblemLoadError([f"{path}: no such file or folder (benchmarks: humaneval, "
                                    "livecodebench, codecontests)"])
        problems = (_livecodebench(choice, path) if path.suffix == ".jsonl"
                    else load_problems([path]))
    return problems[:choice.limit]
