"""Running the repository's test command, or probing one function, in the sandbox.

Every run unpacks a fresh copy of the repository (with a patch's changes applied) inside the
sandbox's scratch space; the network is off and nothing is written back. The harness's one
JSON reply is validated here; a reply that does not validate is a sandbox error.
"""

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from codescale.execution.protocol import Sandbox, SandboxJob
from codescale.fix.errors import FixError, TestCommandError
from codescale.fix.models import COMMAND_TEST, Outcome, TestOutcome, TestRun
from codescale.fix.snapshot import Snapshot, test_runner_bundle
from codescale.models import Execution, Status, TestCase

HARNESS = Path(__file__).with_name("sandbox_harness.py").read_text(encoding="utf-8")
SLACK_S = 10.0  # the harness stops the command first, so that its output still comes back
CALL_TIMEOUT_S = 2.0  # per call of a probed function
Changes = Mapping[str, str] | None
Reply = TypeVar("Reply", bound=BaseModel)
_PYTEST_TROUBLE = {3: "pytest stopped with an internal error", 4: "pytest rejected its arguments",
                   5: "pytest collected no tests"}


class _Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    classname: str
    name: str
    file: str | None
    outcome: Outcome
    text: str


class _TestReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exit_code: int | None
    output: str
    tests: list[_Case] | None


class _CallResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: str | None = None
    error: str | None = None


class _ProbeReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    results: list[_CallResult] | None = None
    error: str | None = None


class SandboxRuns:
    """Runs one repository's tests (or one of its functions) on patched copies, concurrently."""

    def __init__(self, sandbox: Sandbox, snapshot: Snapshot, command: str,
                 timeout_s: float = 120.0, memory_mb: int = 512) -> None:
        self.sandbox, self.snapshot, self.command = sandbox, snapshot, command
        self.timeout_s, self.memory_mb = timeout_s, memory_mb
        self.executions = 0  # sandbox runs so far, for the cost

    def tests(self, changes: Sequence[Changes]) -> list[TestRun]:
        """The test command's result on each patched copy (None: the repository as it is)."""
        requests = [{"mode": "test", "command": self.command, "timeout_s": self.timeout_s}
                    for _ in changes]
        return [_test_run(execution, self.timeout_s)
                for execution in self._run(changes, requests, self.timeout_s)]

    def probe(self, changes: Sequence[Changes], module: str, function: str,
              inputs: Sequence[str]) -> list[list[str]]:
        """`module.function` called on each JSON argument list, per patched copy: the JSON
        return value, or `error: ...` when it raised, timed out or could not be imported."""
        request = {"mode": "probe", "module": module, "function": function,
                   "inputs": list(inputs), "call_timeout_s": CALL_TIMEOUT_S}
        budget = CALL_TIMEOUT_S * len(inputs) + 5.0
        return [_probe_outputs(execution, len(inputs))
                for execution in self._run(changes, [request] * len(changes), budget)]

    def _run(self, changes: Sequence[Changes], requests: Sequence[dict[str, Any]],
             time_s: float) -> list[Execution]:
        jobs = [SandboxJob(candidate_id=f"fix-{i}", code=HARNESS, io="stdin",
                           tests=(TestCase(input=json.dumps(
                               {**request, "repo": self.snapshot.bundle(change),
                                "site": test_runner_bundle()})),),
                           time_limit_s=time_s + SLACK_S, memory_limit_mb=self.memory_mb)
                for i, (change, request) in enumerate(zip(changes, requests, strict=True))]
        results = self.sandbox.run_many(jobs)
        self.executions += len(jobs)
        return [executions[0] for executions in results]


def _reply(execution: Execution, model: type[Reply]) -> Reply:
    """The harness's validated reply; FixError when the harness itself did not finish."""
    if execution.status != Status.COMPLETED:
        detail = (execution.stderr.strip().splitlines() or [execution.status.value])[-1]
        raise FixError(f"the sandbox harness failed ({execution.status.value}): {detail}")
    lines = execution.stdout.strip().splitlines()
    try:
        return model.model_validate_json(lines[-1] if lines else "")
    except ValidationError as error:
        raise FixError(f"unreadable sandbox harness reply: {error.errors()[0]['msg']}") from None


def _test_run(execution: Execution, timeout_s: float) -> TestRun:
    reply = _reply(execution, _TestReply)
    if reply.exit_code is None:
        output = f"{reply.output}\n[the test command did not finish within {timeout_s:.0f} s]"
        return TestRun(exit_code=None, output=output,
                       tests=(TestOutcome(id=COMMAND_TEST, outcome="error", text=output),))
    if reply.tests is None:  # not pytest (or pytest wrote no report): the command is the test
        whole = TestOutcome(id=COMMAND_TEST, outcome="passed" if reply.exit_code == 0
                            else "failed", text=reply.output)
        return TestRun(exit_code=reply.exit_code, output=reply.output, tests=(whole,))
    return TestRun(exit_code=reply.exit_code, output=reply.output,
                   tests=tuple(_outcome(case) for case in reply.tests))


def _outcome(case: _Case) -> TestOutcome:
    """A JUnit test case as a pytest node id (`tests/test_x.py::TestY::test_z`)."""
    if case.file is None:  # a collection error: the name is the module that failed
        return TestOutcome(id=case.name or case.classname, outcome=case.outcome, text=case.text)
    module = case.file.removesuffix(".py").replace("/", ".")
    owner = case.classname[len(module) + 1:] if case.classname.startswith(module + ".") else ""
    parts = [case.file, *filter(None, owner.split(".")), case.name]
    return TestOutcome(id="::".join(parts), outcome=case.outcome, file=case.file, text=case.text)


def check_runnable(run: TestRun, command: str) -> None:
    """Raise TestCommandError when the first run shows that the command itself cannot work."""
    last = (run.output.strip().splitlines() or ["no output"])[-1]
    if run.exit_code is None:
        raise TestCommandError(f"the test command `{command}` did not finish in time")
    if run.exit_code in (126, 127):
        raise TestCommandError(f"the test command `{command}` cannot run in the sandbox: {last}")
    if run.exit_code in _PYTEST_TROUBLE and all(t.id == COMMAND_TEST for t in run.failing):
        raise TestCommandError(f"the test command `{command}` exited with {run.exit_code} "
                               f"({_PYTEST_TROUBLE[run.exit_code]}, if it is pytest): {last}")


def _probe_outputs(execution: Execution, count: int) -> list[str]:
    if execution.status != Status.COMPLETED:
        return [f"error: {execution.status.value}"] * count
    reply = _reply(execution, _ProbeReply)
    if reply.results is None or len(reply.results) != count:
        return [f"error: {reply.error or 'no results'}"] * count
    return [r.value if r.value is not None else f"error: {r.error}" for r in reply.results]
