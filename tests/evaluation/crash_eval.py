"""An evaluation that hangs at one point after touching a marker file: the crash test kills it
there. KIND is a prompt kind (hang at its first request) or `hidden` (hang at the first batch
of hidden-test runs). Usage: python -m tests.evaluation.crash_eval RUN_DIR MARKER KIND"""

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from codescale.evaluation.run import evaluate
from codescale.execution.protocol import Sandbox, SandboxJob
from codescale.llm.protocol import GenerationRequest
from codescale.models import Execution
from codescale.scoring.humaneval import CHECK_RUN
from tests.evaluation import scenario


def _hang(marker: Path) -> None:
    marker.touch()
    time.sleep(600)
    raise AssertionError("should have been killed")


class HangingAtHiddenRuns:
    """A sandbox that hangs when asked to run a check program (only hidden runs have one)."""

    def __init__(self, inner: Sandbox, marker: Path) -> None:
        self._inner, self._marker = inner, marker

    def run(self, job: SandboxJob) -> list[Execution]:
        return self.run_many([job])[0]

    def run_many(self, jobs: Sequence[SandboxJob]) -> list[list[Execution]]:
        if any(CHECK_RUN in job.tests for job in jobs):
            _hang(self._marker)
        return self._inner.run_many(jobs)

    def close(self) -> None:
        self._inner.close()


def main(run_dir: Path, marker: Path, kind: str) -> None:
    config = scenario.config(run_dir)
    with config.sandbox.open() as sandbox:
        if kind == "hidden":
            evaluate("scenario", scenario.PROBLEMS, config, scenario.generator(),
                     HangingAtHiddenRuns(sandbox, marker))
        else:
            def hang(request: GenerationRequest) -> list[str]:
                _hang(marker)
                return []

            evaluate("scenario", scenario.PROBLEMS, config, scenario.generator(**{kind: hang}),
                     sandbox)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
