"""A pool of warm workers that runs jobs concurrently; the part both backends share."""

import os
import queue
import select
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from codescale.execution.config import SandboxConfig
from codescale.execution.errors import SandboxUnavailable
from codescale.execution.jobs import (
    WorkerFailure,
    decode_reply,
    encode_request,
    failed,
    reply_deadline_s,
)
from codescale.execution.protocol import SandboxJob
from codescale.models import Execution


class WorkerChannel(Protocol):
    """A running worker: send one request line, get its reply line."""

    def exchange(self, request: bytes, timeout_s: float) -> bytes:
        """Send `request`; return the reply line, or raise WorkerFailure (died, hung)."""
        ...

    def close(self) -> None:
        """Stop the worker and free what it holds."""
        ...


class LineReader:
    """Assembles reply lines from a byte stream read in chunks, within a deadline."""

    def __init__(self, read_chunk: Callable[[float], bytes]):
        self._read_chunk = read_chunk  # (seconds left) -> bytes; b"" at end of stream
        self._buffer = b""

    def line(self, timeout_s: float) -> bytes:
        """The next full line, or WorkerFailure when the stream ends or time runs out."""
        deadline = time.monotonic() + timeout_s
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise WorkerFailure(f"worker gave no reply within {timeout_s:.0f} s")
            chunk = self._read_chunk(left)
            if not chunk:
                raise WorkerFailure("worker exited")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line


def read_fd_chunk(fd: int, timeout_s: float) -> bytes:
    """Up to 1 MiB from `fd` once it is readable; raises WorkerFailure on timeout."""
    ready, _, _ = select.select([fd], [], [], timeout_s)
    if not ready:
        raise WorkerFailure(f"worker gave no reply within {timeout_s:.0f} s")
    return os.read(fd, 1 << 20)


class WorkerPool:
    """A Sandbox made of `size` warm workers; a worker that dies or hangs is replaced and
    its job retried once, then reported as `sandbox_error`."""

    def __init__(self, backend: str, start_worker: Callable[[int], WorkerChannel], size: int,
                 config: SandboxConfig, instance: str = ""):
        self.backend = backend  # which isolation runs the programs: "docker" or "local"
        self.instance = instance  # what marks this pool's workers (a container label value)
        self._start_worker, self._config = start_worker, config
        self._idle: queue.Queue[int] = queue.Queue()
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="sandbox")
        try:
            self._workers: list[WorkerChannel | None] = list(
                self._executor.map(start_worker, range(size)))
        except Exception as error:
            self._executor.shutdown()
            raise SandboxUnavailable(f"cannot start sandbox workers: {_first_line(error)}") \
                from error
        for slot in range(size):
            self._idle.put(slot)

    def run(self, job: SandboxJob) -> list[Execution]:
        """Run one job; one Execution per test, in order."""
        return self.run_many([job])[0]

    def run_many(self, jobs: Sequence[SandboxJob]) -> list[list[Execution]]:
        """Run jobs concurrently across the pool; results in job order."""
        requests = [encode_request(job, self._config) for job in jobs]  # BadJob before any run
        return list(self._executor.map(self._run_on_idle_worker, jobs, requests))

    def close(self) -> None:
        """Stop every worker."""
        self._executor.shutdown(wait=True)
        for slot, worker in enumerate(self._workers):
            if worker is not None:
                worker.close()
                self._workers[slot] = None

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _run_on_idle_worker(self, job: SandboxJob, request: bytes) -> list[Execution]:
        slot = self._idle.get()
        try:
            return self._run_on(slot, job, request)
        finally:
            self._idle.put(slot)

    def _run_on(self, slot: int, job: SandboxJob, request: bytes) -> list[Execution]:
        problem = "no attempt"
        for _attempt in range(2):
            try:
                worker = self._workers[slot] or self._replace(slot)
                reply = worker.exchange(request, reply_deadline_s(job))
                return decode_reply(job, reply, self._config)
            except (WorkerFailure, SandboxUnavailable) as error:
                problem = str(error)
                self._discard(slot)
        return failed(job, f"sandbox error: {problem}")

    def _replace(self, slot: int) -> WorkerChannel:
        try:
            worker = self._start_worker(slot)
        except Exception as error:  # an engine error while restarting: this job fails, not all
            raise SandboxUnavailable(f"cannot restart a worker: {_first_line(error)}") from error
        self._workers[slot] = worker
        return worker

    def _discard(self, slot: int) -> None:
        worker, self._workers[slot] = self._workers[slot], None
        if worker is not None:
            worker.close()


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
