"""Translating a SandboxJob into a worker request, and a worker reply into Executions."""

import base64
import binascii
import json

from pydantic import BaseModel, ConfigDict, ValidationError

from codescale.execution.compare import outputs_match
from codescale.execution.errors import BadJob
from codescale.execution.protocol import SandboxJob
from codescale.execution.registry import SandboxSettings
from codescale.models import Execution, Status


class WorkerResult(BaseModel):
    """What the worker reports for one input (it never sees expected outputs); the streams
    travel base64-encoded, so escaping never makes a reply longer than 4/3 of them."""

    model_config = ConfigDict(extra="forbid")

    status: Status
    stdout_b64: str
    stderr_b64: str
    duration_s: float
    peak_memory_mb: float | None = None

    @property
    def stdout(self) -> str:
        """The program's standard output (for `call` problems, its return value as JSON)."""
        return _text(self.stdout_b64)

    @property
    def stderr(self) -> str:
        """The tail of the program's standard error."""
        return _text(self.stderr_b64)


def _text(encoded: str) -> str:
    """A base64 stream as text (invalid UTF-8 replaced); WorkerFailure if not base64."""
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-8", errors="replace")
    except binascii.Error as error:
        raise WorkerFailure(f"unreadable worker reply: {error}") from error


class WorkerReply(BaseModel):
    """One reply of the worker: results in input order and whether the worker is still as it
    started (if not, it exits and must be replaced), or why it refused the request."""

    model_config = ConfigDict(extra="forbid")

    results: list[WorkerResult] | None = None
    intact: bool = True
    error: str | None = None


class WorkerFailure(Exception):
    """The worker broke its protocol (died, hung, or answered something unreadable)."""


def encode_request(job: SandboxJob, config: SandboxSettings) -> bytes:
    """The JSON line that asks a worker to run `job`."""
    if job.io == "call":
        for test in job.tests:
            _check_arguments(test.input)
    request = {"code": job.code, "io": job.io, "entry_point": job.entry_point,
               "inputs": [test.input for test in job.tests], "time_limit_s": job.time_limit_s,
               "memory_limit_mb": job.memory_limit_mb,
               "output_limit_bytes": config.output_limit_bytes,
               "max_processes": config.max_processes}
    return (json.dumps(request) + "\n").encode()


def reply_deadline_s(job: SandboxJob) -> float:
    """How long a healthy worker can take to answer `job` (the time limits plus slack)."""
    return len(job.tests) * (job.time_limit_s + 0.5) + 10.0


def reply_size_limit(job: SandboxJob, config: SandboxSettings) -> int:
    """The most bytes a healthy worker's reply to `job` can hold: per input, two streams of
    at most the output limit, base64-encoded, and a little JSON around them."""
    per_stream = 4 * (config.output_limit_bytes // 3 + 1)
    return len(job.tests) * (2 * per_stream + 1024) + 1024


def decode_reply(job: SandboxJob, payload: bytes,
                 config: SandboxSettings) -> tuple[list[Execution], bool]:
    """The Executions of `job` from the worker's reply, outputs compared to expectations,
    and whether the worker may serve another job."""
    try:
        reply = WorkerReply.model_validate_json(payload)
    except ValidationError as error:
        raise WorkerFailure(f"unreadable worker reply: {error.errors()[0]['msg']}") from error
    if reply.error is not None:
        raise WorkerFailure(f"worker refused the job: {reply.error}")
    if reply.results is None or len(reply.results) != len(job.tests):
        raise WorkerFailure("worker replied with the wrong number of results")
    executions = [_execution(job, test.input, test.expected, result, config)
                  for test, result in zip(job.tests, reply.results, strict=True)]
    return executions, reply.intact


def failed(job: SandboxJob, reason: str) -> list[Execution]:
    """`sandbox_error` Executions for every test of a job the sandbox could not run."""
    return [Execution(candidate_id=job.candidate_id, input=test.input,
                      status=Status.SANDBOX_ERROR, stderr=reason) for test in job.tests]


def _execution(job: SandboxJob, text: str, expected: str | None, result: WorkerResult,
               config: SandboxSettings) -> Execution:
    status = result.status
    stdout, stderr = result.stdout, result.stderr
    if status == Status.COMPLETED and expected is not None:
        matched = outputs_match(job.io, expected, stdout)
        status = Status.PASSED if matched else Status.WRONG_ANSWER
    keep = config.kept_output_chars
    return Execution(candidate_id=job.candidate_id, input=text, status=status,
                     stdout=stdout[:keep], stderr=stderr[-keep:],
                     duration_s=max(result.duration_s, 0.0),
                     peak_memory_mb=result.peak_memory_mb)


def _check_arguments(text: str) -> None:
    try:
        arguments = json.loads(text)
    except ValueError as error:
        raise BadJob(f"call input is not JSON: {text[:60]!r}") from error
    if not isinstance(arguments, list):
        raise BadJob(f"call input must be a JSON array of arguments, got {text[:60]!r}")
