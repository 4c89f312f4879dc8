"""Translating a SandboxJob into a worker request, and a worker reply into Executions."""

import json

from pydantic import BaseModel, ConfigDict, ValidationError

from codescale.execution.compare import outputs_match
from codescale.execution.config import SandboxConfig
from codescale.execution.errors import BadJob
from codescale.execution.protocol import SandboxJob
from codescale.models import Execution, Status


class WorkerResult(BaseModel):
    """What the worker reports for one input (it never sees expected outputs)."""

    model_config = ConfigDict(extra="forbid")

    status: Status
    stdout: str
    stderr: str
    duration_s: float
    peak_memory_mb: float | None = None


class WorkerReply(BaseModel):
    """One reply line of the worker: results in input order, or why it refused the request."""

    model_config = ConfigDict(extra="forbid")

    results: list[WorkerResult] | None = None
    error: str | None = None


class WorkerFailure(Exception):
    """The worker broke its protocol (died, hung, or answered something unreadable)."""


def encode_request(job: SandboxJob, config: SandboxConfig) -> bytes:
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


def decode_reply(job: SandboxJob, line: bytes, config: SandboxConfig) -> list[Execution]:
    """The Executions of `job` from the worker's reply line, outputs compared to expectations."""
    try:
        reply = WorkerReply.model_validate_json(line)
    except ValidationError as error:
        raise WorkerFailure(f"unreadable worker reply: {error.errors()[0]['msg']}") from error
    if reply.error is not None:
        raise WorkerFailure(f"worker refused the job: {reply.error}")
    if reply.results is None or len(reply.results) != len(job.tests):
        raise WorkerFailure("worker replied with the wrong number of results")
    return [_execution(job, test.input, test.expected, result, config)
            for test, result in zip(job.tests, reply.results)]


def failed(job: SandboxJob, reason: str) -> list[Execution]:
    """`sandbox_error` Executions for every test of a job the sandbox could not run."""
    return [Execution(candidate_id=job.candidate_id, input=test.input,
                      status=Status.SANDBOX_ERROR, stderr=reason) for test in job.tests]


def _execution(job: SandboxJob, text: str, expected: str | None, result: WorkerResult,
               config: SandboxConfig) -> Execution:
    status = result.status
    if status == Status.COMPLETED and expected is not None:
        matched = outputs_match(job.io, expected, result.stdout)
        status = Status.PASSED if matched else Status.WRONG_ANSWER
    keep = config.kept_output_chars
    return Execution(candidate_id=job.candidate_id, input=text, status=status,
                     stdout=result.stdout[:keep], stderr=result.stderr[-keep:],
                     duration_s=max(result.duration_s, 0.0),
                     peak_memory_mb=result.peak_memory_mb)


def _check_arguments(text: str) -> None:
    try:
        arguments = json.loads(text)
    except ValueError as error:
        raise BadJob(f"call input is not JSON: {text[:60]!r}") from error
    if not isinstance(arguments, list):
        raise BadJob(f"call input must be a JSON array of arguments, got {text[:60]!r}")
