"""Test and probe runs of patched repository copies, recorded in the run store and charged to
the run's budget: a resumed fix run reuses every run an earlier one finished."""

import hashlib
import json
from collections.abc import Sequence

from codescale.fix.models import REPOSITORY, Patch, TestRun
from codescale.fix.probes import Probe
from codescale.fix.sandbox_runs import SandboxRuns
from codescale.models import Cost, Stage, Step
from codescale.scaling.runner import Runner


def _key(kind: str, patch: Patch | None, *more: str) -> str:
    """A step key for one patched copy (None: the repository as it is)."""
    diff = patch.diff if patch is not None else ""
    digest = hashlib.sha256(json.dumps([diff, *more]).encode()).hexdigest()[:24]
    return f"fix:{kind}:{digest}"


class RecordedRuns:
    """`SandboxRuns` behind the run store and the budget."""

    def __init__(self, runner: Runner, runs: SandboxRuns) -> None:
        self.runner, self.runs = runner, runs

    def _allowed(self, wanted: int, stage: Stage) -> int:
        """How many of `wanted` runs the execution budget still covers."""
        budget = self.runner.budget
        if budget.execution_blocked():
            return 0
        left = budget.executions_left()
        if left is not None and left < wanted:
            budget.shortfall(f"execution budget reached ({left} runs left, {wanted} wanted "
                             f"for {stage})")
            return left
        return wanted

    def _charge(self, runs: int, stage: Stage) -> None:
        if runs:
            self.runner.budget.charge(REPOSITORY, Cost(executions=runs), Step(stage=stage))

    def tests(self, patches: Sequence[Patch | None]) -> list[TestRun | None]:
        """The test command's run on each patched copy (None: the repository as it is);
        None for copies the execution budget left unrun."""
        store = self.runner.store
        found: list[TestRun | None] = []
        for patch in patches:
            recorded = store.step(_key("tests", patch))
            found.append(None if recorded is None else TestRun.model_validate(recorded))
        missing = [i for i, run in enumerate(found) if run is None]
        missing = missing[:self._allowed(len(missing), Stage.REPOSITORY_TESTS)]
        fresh = self.runs.tests([p.files if (p := patches[i]) is not None else None
                                 for i in missing]) if missing else []
        self._charge(len(fresh), Stage.REPOSITORY_TESTS)
        for i, run in zip(missing, fresh, strict=True):
            store.mark_step(_key("tests", patches[i]), run.model_dump(mode="json"))
            found[i] = run
        return found

    def probe(self, patches: Sequence[Patch], probe: Probe, inputs: Sequence[str]
              ) -> list[list[str]] | None:
        """`probe`'s function called on each input in each patched copy (see
        `SandboxRuns.probe`); None when the execution budget cannot cover them all."""
        store = self.runner.store
        keys = [_key("probe", patch, probe.label, *inputs) for patch in patches]
        found = [store.step(key) for key in keys]
        missing = [i for i, outputs in enumerate(found) if outputs is None]
        if missing and self._allowed(len(missing), Stage.PROBES) < len(missing):
            return None
        fresh = self.runs.probe([patches[i].files for i in missing], probe.function.module,
                                probe.function.name, inputs) if missing else []
        self._charge(len(fresh), Stage.PROBES)
        for i, outputs in zip(missing, fresh, strict=True):
            store.mark_step(keys[i], outputs)
            found[i] = outputs
        return [list(outputs or ()) for outputs in found]
