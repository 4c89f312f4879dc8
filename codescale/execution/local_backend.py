"""The local backend for machines without Docker: the worker under bubblewrap namespaces.

Each worker gets new user, PID, network, IPC and UTS namespaces, a read-only /usr, a
size-capped tmpfs scratch and an empty environment. Weaker than the Docker backend: no
memory or CPU cgroup (the worker's rlimits still apply to every program). Workspace jobs run
in a fresh bubblewrap sandbox each (local_workspace).
"""

import os
import shutil
import subprocess
from typing import IO

from codescale.execution.bwrap import bwrap_line
from codescale.execution.docker_backend import SANDBOX_UID, WORKER_SOURCE
from codescale.execution.errors import SandboxUnavailable
from codescale.execution.jobs import WorkerFailure
from codescale.execution.local_workspace import run_in_bwrap
from codescale.execution.pool import ReplyReader, WorkerPool, read_fd_chunk
from codescale.execution.registry import SandboxSettings

_HANDSHAKE = (b'{"code": "", "io": "stdin", "inputs": [], "time_limit_s": 1, '
              b'"memory_limit_mb": 1, "output_limit_bytes": 1, "max_processes": 1}\n')


def bwrap_command(config: SandboxSettings, slot: int, worker_fd: int) -> list[str]:
    """The command line that starts one sandboxed worker reading its code from `worker_fd`."""
    scratch_bytes = str(config.scratch_mb * 1024 * 1024)
    options = ["--as-pid-1", "--size", scratch_bytes, "--tmpfs", "/scratch",
               "--size", "1048576", "--tmpfs", "/dev/shm", "--remount-ro", "/dev",
               "--file", str(worker_fd), "/opt/codescale/worker.py"]
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/scratch", "TMPDIR": "/scratch",
           "CODESCALE_SCRATCH": "/scratch", "CODESCALE_WIPE": "/scratch:/dev/shm"}
    return bwrap_line(SANDBOX_UID + slot, options, "/scratch", env,
                      ["python3", "-I", "-S", "/opt/codescale/worker.py"])


class LocalWorker:
    """One worker process under bubblewrap, spoken to over pipes."""

    def __init__(self, config: SandboxSettings, slot: int):
        source = os.memfd_create("worker.py", 0)
        try:
            os.write(source, WORKER_SOURCE.read_bytes())
            os.lseek(source, 0, os.SEEK_SET)
            self._process = subprocess.Popen(
                bwrap_command(config, slot, source), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(source,))
        finally:
            os.close(source)
        self._stdin, self._stdout, self._stderr = _pipes(self._process)
        self._replies = ReplyReader(lambda left: read_fd_chunk(self._stdout.fileno(), left))
        try:
            self.exchange(_HANDSHAKE, 10.0, 4096)
        except WorkerFailure as error:
            why = self._why(error)
            self.close()
            raise SandboxUnavailable(f"the local sandbox does not start: {why}") from error

    def exchange(self, request: bytes, timeout_s: float, size_limit: int) -> bytes:
        """Send one request line to the worker; return its reply's payload."""
        try:
            self._stdin.write(request)
            self._stdin.flush()
        except OSError as error:
            raise WorkerFailure(f"worker pipe closed ({error})") from error
        return self._replies.reply(timeout_s, size_limit)

    def close(self) -> None:
        """Kill the worker; the namespace takes everything it started with it."""
        self._process.kill()
        self._process.wait()
        for stream in (self._stdin, self._stdout, self._stderr):
            stream.close()

    def _why(self, error: WorkerFailure) -> str:
        self._process.kill()
        lines = self._stderr.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else str(error)


def _pipes(process: subprocess.Popen[bytes]) -> tuple[IO[bytes], IO[bytes], IO[bytes]]:
    """The standard streams of a process started with all three as pipes."""
    stdin, stdout, stderr = process.stdin, process.stdout, process.stderr
    if stdin is None or stdout is None or stderr is None:
        raise SandboxUnavailable("the local sandbox started without its pipes")
    return stdin, stdout, stderr


def open_local_sandbox(config: SandboxSettings) -> WorkerPool:
    """A pool of bubblewrap-isolated workers (size: config.pool_size or the CPU count)."""
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable("bubblewrap is not installed (apt-get install bubblewrap)")
    if not WORKER_SOURCE.is_file():
        raise SandboxUnavailable(f"worker not found at {WORKER_SOURCE}; reinstall codescale")
    size = config.pool_size or os.cpu_count() or 1
    return WorkerPool("local", lambda slot: LocalWorker(config, slot), size, config,
                      run_workspace=lambda job, files: run_in_bwrap(config, job, files))
