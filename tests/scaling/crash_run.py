"""A run that hangs at its first adjudication, after touching a marker file: the crash test
kills it there. Usage: python -m tests.scaling.crash_run RUN_DIR MARKER"""

import sys
import time
from pathlib import Path

from codescale.llm.protocol import GenerationRequest
from codescale.scaling.pipeline import solve
from codescale.store import RunStore
from tests.scaling.scenario import absolute_problem, fixed, scripted

PROBLEMS = [absolute_problem("abs1"), absolute_problem("abs2")]
CONFIG = fixed()


def main(run_dir: Path, marker: Path) -> None:
    def hang(request: GenerationRequest) -> list[str]:
        marker.touch()
        time.sleep(600)
        raise AssertionError("should have been killed")

    generator, sandbox = scripted(adjudicate=hang)
    solve(PROBLEMS, CONFIG, generator, sandbox, RunStore.open(run_dir))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
