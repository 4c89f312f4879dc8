"""A pool of warm workers that runs jobs concurrently; the part both backends share."""

import os
import queue
import select
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from codescale.errors import first_line
from codescale.execution.errors import BadJob, SandboxUnavailable
from codescale.execution.jobs import (
    WorkerFailure,
    decode_reply,
    encode_request,
    failed,
    reply_deadline_s,
    reply_size_limit,
)
from codescale.execution.protocol import SandboxJob
from codescale.execution.registry import SandboxSettings
from codescale.execution.workspace import WorkspaceJob, WorkspaceResult, workspace_files
from codescale.models import Execution


class WorkerChannel(Protocol):
    """A running worker: send one request line, get its reply frame."""

    def exchange(self, request: bytes, timeout_s: float, size_limit: int) -> bytes:
        """Send `request`; return the reply's payload, or raise WorkerFailure (died, hung,
        or a reply over `size_limit` bytes)."""
        ...

    def close(self) -> None:
        """Stop the worker and free what it holds."""
        ...


HEADER_LIMIT = 20
"""Bytes of a reply's length line: a decimal number and a newline."""


class ReplyReader:
    """Reads reply frames (the payload's length on one line, then the payload) from a byte
    stream read in chunks, within a deadline, in time linear in the bytes read."""

    def __init__(self, read_chunk: Callable[[float], bytes]):
        self._read_chunk = read_chunk  # (seconds left) -> bytes; b"" at end of stream
        self._pending = bytearray()

    def reply(self, timeout_s: float, size_limit: int) -> bytes:
        """The next frame's payload; WorkerFailure when the stream ends, time runs out, or
        the frame is malformed or larger than `size_limit` bytes."""
        deadline = time.monotonic() + timeout_s
        while (end := self._pending.find(b"\n", 0, HEADER_LIMIT)) < 0:
            if len(self._pending) >= HEADER_LIMIT:
                raise WorkerFailure("worker reply does not start with its length")
            self._fill(deadline, timeout_s)
        header = bytes(self._pending[:end])
        if not header.isdigit():
            raise WorkerFailure(f"worker reply starts with {header[:HEADER_LIMIT]!r}, "
                                "not its length")
        size = int(header)
        if size > size_limit:
            raise WorkerFailure(f"worker reply of {size} bytes is over the {size_limit} "
                                "this job can produce")
        del self._pending[:end + 1]
        while len(self._pending) < size:
            self._fill(deadline, timeout_s)
        payload = bytes(self._pending[:size])
        del self._pending[:size]
        return payload

    def _fill(self, deadline: float, timeout_s: float) -> None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise WorkerFailure(f"worker gave no reply within {timeout_s:.0f} s")
        chunk = self._read_chunk(left)
        if not chunk:
            raise WorkerFailure("worker exited")
        self._pending += chunk


def read_fd_chunk(fd: int, timeout_s: float) -> bytes:
    """Up to 1 MiB from `fd` once it is readable; raises WorkerFailure on timeout."""
    ready, _, _ = select.select([fd], [], [], timeout_s)
    if not ready:
        raise WorkerFailure(f"worker gave no reply within {timeout_s:.0f} s")
    return os.read(fd, 1 << 20)


RunWorkspace = Callable[[WorkspaceJob, Mapping[str, bytes]], WorkspaceResult]
"""A backend's way to run one workspace job, given the job and its merged workspace files."""


class WorkerPool:
    """A Sandbox made of `size` warm workers; a worker that dies or hangs is replaced and
    its job retried once, then reported as `sandbox_error`. Workspace jobs run on the same
    threads, each in a fresh sandbox of its own (`run_workspace`), at most `size` at once."""

    def __init__(self, backend: str, start_worker: Callable[[int], WorkerChannel], size: int,
                 config: SandboxSettings, instance: str = "",
                 run_workspace: RunWorkspace | None = None):
        self.backend = backend  # which isolation runs the programs: "docker" or "local"
        self.instance = instance  # what marks this pool's workers (a container label value)
        self._start_worker, self._config = start_worker, config
        self._run_workspace = run_workspace
        self._idle: queue.Queue[int] = queue.Queue()
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="sandbox")
        try:
            self._workers: list[WorkerChannel | None] = list(
                self._executor.map(start_worker, range(size)))
        except Exception as error:
            self._executor.shutdown()
            raise SandboxUnavailable(f"cannot start sandbox workers: {first_line(error)}") \
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

    def run_workspaces(self, jobs: Sequence[WorkspaceJob]) -> list[WorkspaceResult]:
        """Run workspace jobs concurrently, each in a fresh sandbox; results in job order."""
        run = self._run_workspace
        if run is None:
            raise BadJob(f"the {self.backend} sandbox cannot run workspace jobs")
        files = [workspace_files(job) for job in jobs]  # BadJob before any run
        return list(self._executor.map(run, jobs, files))

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
                payload = worker.exchange(request, reply_deadline_s(job),
                                          reply_size_limit(job, self._config))
                executions, intact = decode_reply(job, payload, self._config)
            except Exception as error:  # noqa: BLE001 - engine, OS or protocol: this job fails
                problem = first_line(error)
                self._discard(slot)
                continue
            if not intact:  # the worker exits after this reply: start a fresh one next time
                self._discard(slot)
            return executions
        return failed(job, f"sandbox error: {problem}")

    def _replace(self, slot: int) -> WorkerChannel:
        try:
            worker = self._start_worker(slot)
        except Exception as error:  # an engine error while restarting: this job fails, not all
            raise SandboxUnavailable(f"cannot restart a worker: {first_line(error)}") from error
        self._workers[slot] = worker
        return worker

    def _discard(self, slot: int) -> None:
        worker, self._workers[slot] = self._workers[slot], None
        if worker is not None:
            try:
                worker.close()
            except Exception:  # noqa: BLE001 - a worker that cannot even be closed is gone
                pass
