"""LiveCodeBench's scorer: every hidden test case must pass under LiveCodeBench's own,
stricter comparison rules (`codescale.scoring.lcb_rules`), applied to the recorded outputs."""

from codescale.execution.registry import SandboxSettings
from codescale.models import Execution, Problem, TestCase
from codescale.scoring.lcb_rules import official_match
from codescale.scoring.plain import HiddenTests
from codescale.scoring.scorer import register

_KEPT_CHARS = SandboxSettings.model_fields["kept_output_chars"].default


class OfficialComparison(HiddenTests):
    """The hidden test cases, each rejudged by the official rules."""

    def passed(self, problem: Problem, test: TestCase, run: Execution) -> bool:
        """The official rules on the recorded output; the sandbox's verdict when there is no
        expected output, the program did not run cleanly, or the record may have cut it."""
        if test.expected is None or not run.status.ran_cleanly or len(run.stdout) >= _KEPT_CHARS:
            return super().passed(problem, test, run)
        return official_match(problem.io, test.expected, run.stdout)


OFFICIAL = register("livecodebench", OfficialComparison())
