"""Running the repository's test command, or probing one function, in the sandbox.

Every run is a workspace job (codescale.execution.workspace): a fresh copy of the repository,
a patch's changes applied, in `repo/`, and pytest with its dependencies in `site/`. The test
command runs with sh in `repo/`, its whole output going to a file and pytest's JUnit XML report
to another; both come back as files, whatever their size, and the report is parsed here, as
a stream. A probe runs sandbox_harness.py, which writes its results to a file too. Nothing is
written back to the repository; what comes back is validated, never trusted.
"""

import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from xml.etree import ElementTree

from pydantic import BaseModel, ConfigDict, ValidationError

from codescale.execution.protocol import Sandbox
from codescale.execution.workspace import WORKSPACE, WorkspaceJob, WorkspaceResult
from codescale.fix.errors import FixError, TestCommandError
from codescale.fix.models import COMMAND_TEST, Outcome, TestOutcome, TestRun
from codescale.fix.snapshot import Snapshot, test_runner_bundle

HARNESS = Path(__file__).with_name("sandbox_harness.py").read_bytes()
REPO, SITE = "repo", "site"  # workspace folders: the repository copy, the test runner
OUTPUT, REPORT = "output.txt", "junit.xml"  # the test command's output and pytest's report
PROBE_HARNESS, PROBE_REQUEST, PROBE_RESULTS = "harness.py", "probe.json", "probe-results.json"
DISK_MB = 512  # the workspace: the copy, the test runner, the reports
CALL_TIMEOUT_S = 2.0  # per call of a probed function
PROBE_SLACK_S = 15.0  # starting the interpreter and importing the module, per probe
OUTPUT_KEEP = 12000  # characters of the test command's output kept in a TestRun (its tail)
TEXT_KEEP = 4000  # characters of one test's failure text kept
# The sandbox has no pytest executable (the test runner is on PYTHONPATH), so `pytest` and
# `python` are shell functions; everything the command prints goes to OUTPUT. One line, so
# that the shell's messages number the command's own lines.
TEST_PRELUDE = (f'exec >{OUTPUT} 2>&1 </dev/null; pytest() {{ python3 -m pytest "$@"; }}; '
                f'python() {{ python3 "$@"; }}; cd {REPO} || exit 126; ')
Changes = Mapping[str, str] | None
_PYTEST_TROUBLE = {3: "pytest stopped with an internal error", 4: "pytest rejected its arguments",
                   5: "pytest collected no tests"}
_OUTCOMES: dict[str, Outcome] = {"failure": "failed", "error": "error", "skipped": "skipped"}
_MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")


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
        env = {"PYTHONPATH": f"{WORKSPACE}/{SITE}", "PYTHONDONTWRITEBYTECODE": "1",
               "PYTEST_ADDOPTS": f"--junitxml={WORKSPACE}/{REPORT} -o junit_family=xunit1 "
                                 "-p no:cacheprovider --color=no"}
        jobs = [self._job(change, {}, TEST_PRELUDE + self.command, env, (OUTPUT, REPORT),
                          self.timeout_s, archives=(test_runner_bundle(SITE),))
                for change in changes]
        return [_test_run(result, self.timeout_s) for result in self._run(jobs)]

    def probe(self, changes: Sequence[Changes], module: str, function: str,
              inputs: Sequence[str]) -> list[list[str]]:
        """`module.function` called on each JSON argument list, per patched copy: the JSON
        return value, or `error: ...` when it raised, timed out or could not be imported."""
        request = json.dumps({"repo": REPO, "module": module, "function": function,
                              "inputs": list(inputs), "call_timeout_s": CALL_TIMEOUT_S})
        files = {PROBE_HARNESS: HARNESS, PROBE_REQUEST: request.encode()}
        budget = CALL_TIMEOUT_S * len(inputs) + PROBE_SLACK_S
        jobs = [self._job(change, files, ("python3", PROBE_HARNESS, PROBE_REQUEST, PROBE_RESULTS),
                          {}, (PROBE_RESULTS,), budget) for change in changes]
        return [_probe_outputs(result, len(inputs)) for result in self._run(jobs)]

    def _job(self, change: Changes, files: Mapping[str, bytes], command: str | tuple[str, ...],
             env: dict[str, str], collect: tuple[str, ...], timeout_s: float,
             archives: tuple[bytes, ...] = ()) -> WorkspaceJob:
        patched = self.snapshot.patched(change)
        copy = {f"{REPO}/{path}": content for path, content in patched.items()}
        return WorkspaceJob(files={**copy, **files}, archives=archives, command=command, env=env,
                            collect=collect, timeout_s=timeout_s, memory_mb=self.memory_mb,
                            disk_mb=DISK_MB)

    def _run(self, jobs: list[WorkspaceJob]) -> list[WorkspaceResult]:
        results = self.sandbox.run_workspaces(jobs)
        self.executions += len(jobs)
        return results


def _test_run(result: WorkspaceResult, timeout_s: float) -> TestRun:
    if result.error is not None:
        raise FixError(f"the sandbox could not run the test command: {result.error}")
    whole = result.files.get(OUTPUT, result.output.encode())
    output = whole.decode("utf-8", errors="replace")[-OUTPUT_KEEP:]
    if result.exit_code is None:
        output = f"{output}\n[the test command did not finish within {timeout_s:.0f} s]"
        return TestRun(exit_code=None, output=output,
                       tests=(TestOutcome(id=COMMAND_TEST, outcome="error", text=output),))
    tests = _report(result.files[REPORT]) if REPORT in result.files else None
    if tests is None:  # not pytest (or pytest wrote no report): the command is the test
        verdict: Outcome = "passed" if result.exit_code == 0 else "failed"
        tests = (TestOutcome(id=COMMAND_TEST, outcome=verdict, text=output),)
    return TestRun(exit_code=result.exit_code, output=output, tests=tests)


def _report(xml: bytes) -> tuple[TestOutcome, ...] | None:
    """Every test case of a JUnit XML report, read as a stream (any size); None when it is
    not one. Reports with a document type are refused: pytest writes none, and its entities
    could expand without bound."""
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        return None
    try:
        return tuple(_cases(xml))
    except ElementTree.ParseError:
        return None


def _cases(xml: bytes) -> Iterator[TestOutcome]:
    for _event, case in ElementTree.iterparse(io.BytesIO(xml), events=("end",)):
        if case.tag != "testcase":
            continue
        outcome: Outcome = "passed"
        text = ""
        for child in case:
            if child.tag in _OUTCOMES:
                outcome = _OUTCOMES[child.tag]
                text = f"{child.get('message') or ''}\n{child.text or ''}".strip()[-TEXT_KEEP:]
                break
        yield _outcome(case.get("classname") or "", case.get("name") or "", case.get("file"),
                       outcome, text)
        case.clear()


def _outcome(classname: str, name: str, file: str | None, outcome: Outcome,
             text: str) -> TestOutcome:
    """A JUnit test case as a pytest node id (`tests/test_x.py::TestY::test_z`)."""
    if file is None:  # a collection error: the name is the module that failed
        return TestOutcome(id=name or classname, outcome=outcome, text=text)
    module = file.removesuffix(".py").replace("/", ".")
    owner = classname[len(module) + 1:] if classname.startswith(module + ".") else ""
    parts = [file, *filter(None, owner.split(".")), name]
    return TestOutcome(id="::".join(parts), outcome=outcome, file=file, text=text)


def check_runnable(run: TestRun, command: str) -> None:
    """Raise TestCommandError when the first run shows that the command itself cannot work:
    it timed out, could not start, pytest refused it, or the tests import a module the
    sandbox lacks (it holds the standard library and pytest only)."""
    last = (run.output.strip().splitlines() or ["no output"])[-1]
    if run.exit_code is None:
        raise TestCommandError(f"the test command `{command}` did not finish in time")
    if run.exit_code in (126, 127):
        raise TestCommandError(f"the test command `{command}` cannot run in the sandbox: {last}")
    missing = {test.id: found.group(1) for test in run.failing
               if (test.outcome == "error" or test.id == COMMAND_TEST)  # not within a test
               and (found := _MISSING_MODULE.search(test.text))}
    if missing:
        modules = ", ".join(sorted({name.split(".")[0] for name in missing.values()}))
        where = next(iter(missing))
        raise TestCommandError(
            f"the tests import {modules}, which the sandbox does not have (it holds the "
            f"standard library and pytest only): {where}: ModuleNotFoundError: No module "
            f"named '{missing[where]}'")
    if run.exit_code in _PYTEST_TROUBLE and all(t.id == COMMAND_TEST for t in run.failing):
        raise TestCommandError(f"the test command `{command}` exited with {run.exit_code} "
                               f"({_PYTEST_TROUBLE[run.exit_code]}, if it is pytest): {last}")


def _probe_outputs(result: WorkspaceResult, count: int) -> list[str]:
    if result.error is not None:
        return [f"error: {result.error}"] * count
    if result.exit_code is None:
        return ["error: timeout"] * count
    try:
        reply = _ProbeReply.model_validate_json(result.files.get(PROBE_RESULTS, b""))
    except ValidationError:
        last = (result.output.strip().splitlines() or [f"exit status {result.exit_code}"])[-1]
        return [f"error: the probe wrote no results: {last}"] * count
    if reply.results is None or len(reply.results) != count:
        return [f"error: {reply.error or 'no results'}"] * count
    return [r.value if r.value is not None else f"error: {r.error}" for r in reply.results]
