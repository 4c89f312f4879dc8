"""The pool heals itself and nothing escapes `run`; replies are framed and size-capped.

Scripted worker channels stand in for containers here, to raise exactly the failures a
real engine raises (docker-py, requests, the OS); the real backends are in the other tests.
"""

import base64
import json
from collections.abc import Callable, Iterator

import pytest
import requests

from codescale.execution.config import sandbox_config
from codescale.execution.jobs import WorkerFailure
from codescale.execution.pool import HEADER_LIMIT, ReplyReader, WorkerPool
from codescale.models import Status
from tests.execution.conftest import job


def reply(stdout: str = "5\n", intact: bool = True) -> bytes:
    result = {"status": "completed", "stdout_b64": base64.b64encode(stdout.encode()).decode(),
              "stderr_b64": "", "duration_s": 0.01}
    return json.dumps({"results": [result], "intact": intact}).encode()


class ScriptedWorker:
    """A channel that answers from a script: bytes are replies, exceptions are raised."""

    def __init__(self, script: Iterator[bytes | Exception], closed: list["ScriptedWorker"]):
        self._script, self._closed = script, closed

    def exchange(self, request: bytes, timeout_s: float, size_limit: int) -> bytes:
        step = next(self._script)
        if isinstance(step, Exception):
            raise step
        return step

    def close(self) -> None:
        self._closed.append(self)


def pool_of(steps: list[bytes | Exception]) -> tuple[WorkerPool, list[ScriptedWorker],
                                                     list[int]]:
    """A one-worker pool whose workers, old and new, share one script."""
    script, closed, started = iter(steps), [], []

    def start(slot: int) -> ScriptedWorker:
        started.append(slot)
        return ScriptedWorker(script, closed)

    return WorkerPool("scripted", start, 1, sandbox_config()), closed, started


ENGINE_FAILURES = [requests.exceptions.ReadTimeout("read timed out"),
                   requests.exceptions.ConnectionError("connection aborted"),
                   OSError(32, "Broken pipe"), RuntimeError("anything at all"),
                   WorkerFailure("worker exited")]


@pytest.mark.parametrize("failure", ENGINE_FAILURES, ids=lambda e: type(e).__name__)
def test_a_failing_worker_is_replaced_and_the_job_retried(failure: Exception) -> None:
    pool, closed, started = pool_of([failure, reply()])
    [result] = pool.run(job("print(5)", "", expected="5"))
    assert result.status == Status.PASSED
    assert len(closed) == 1 and len(started) == 2


def test_two_failures_are_one_sandbox_error_and_the_pool_goes_on() -> None:
    pool, _, started = pool_of([requests.exceptions.ReadTimeout("slow"), OSError("gone"),
                                reply()])
    [failed] = pool.run(job("print(5)", "", expected="5"))
    assert failed.status == Status.SANDBOX_ERROR and "gone" in failed.stderr
    [result] = pool.run(job("print(5)", "", expected="5"))
    assert result.status == Status.PASSED and len(started) == 3


def test_a_worker_that_is_not_intact_serves_no_other_job() -> None:
    pool, closed, started = pool_of([reply(intact=False), reply()])
    first = pool.run(job("print(5)", "", expected="5"))
    assert [r.status for r in first] == [Status.PASSED] and len(closed) == 1
    assert pool.run(job("print(5)", "", expected="5"))[0].status == Status.PASSED
    assert len(started) == 2


def test_an_unreadable_reply_is_a_worker_failure() -> None:
    pool, closed, _ = pool_of([b'{"results": [{"status": "passed"}]}', b"not json", reply()])
    [result] = pool.run(job("print(5)", "", expected="5"))
    assert result.status == Status.SANDBOX_ERROR and len(closed) == 2
    assert pool.run(job("print(5)", "", expected="5"))[0].status == Status.PASSED


def chunks(data: bytes, size: int) -> Callable[[float], bytes]:
    pieces = iter([data[i:i + size] for i in range(0, len(data), size)] + [b""])
    return lambda _left: next(pieces)


def test_frames_are_read_whole_across_chunks_and_back_to_back() -> None:
    first, second = b'{"a": 1}', b"x" * 100_000
    stream = b"%d\n%s%d\n%s" % (len(first), first, len(second), second)
    reader = ReplyReader(chunks(stream, 7))
    assert reader.reply(5, 1 << 20) == first
    assert reader.reply(5, 1 << 20) == second
    with pytest.raises(WorkerFailure, match="exited"):
        reader.reply(5, 1 << 20)


@pytest.mark.parametrize(("stream", "why"), [
    (b"12345678901234567890123", "does not start with its length"),
    (b"abc\n{}", "not its length"),
    (b"2000\n" + b"x" * 2000, "over the 1000"),
    (b"10\n{}", "exited"),
])
def test_malformed_or_oversized_frames_fail(stream: bytes, why: str) -> None:
    assert HEADER_LIMIT < 23
    with pytest.raises(WorkerFailure, match=why):
        ReplyReader(chunks(stream, 3)).reply(5, 1000)
