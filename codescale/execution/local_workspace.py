"""Workspace jobs under bubblewrap: a host temporary directory bound as the workspace.

The command gets the isolation a local worker gets (namespaces, read-only /usr, no network,
an empty environment, never the host's root) and, set inside the sandbox just before it starts,
limits on address space (memory), processes, file size and core dumps. The host watches the
time and the workspace's size, and stops the whole PID namespace past either. Files come back
only after every process in the sandbox is gone, each path opened one component at a time
without following links and read only if it is a regular file, within the job's byte cap.
"""

import errno
import json
import os
import select
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Mapping
from typing import BinaryIO

from codescale.errors import first_line
from codescale.execution.bwrap import UNPRIVILEGED_UID, bwrap_line
from codescale.execution.registry import SandboxSettings
from codescale.execution.workspace import (
    WORKSPACE,
    WORKSPACE_UID,
    OutputTail,
    WorkspaceJob,
    WorkspaceResult,
    collect_files,
    directories_of,
    over_cap,
)

# Runs inside the sandbox: set the limits, then become the command (127 when there is none).
LAUNCHER = """import os, resource, sys
for name, value in zip(("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_CORE"), sys.argv[1:5]):
    resource.setrlimit(getattr(resource, name), (int(value), int(value)))
try:
    os.execvp(sys.argv[5], sys.argv[5:])
except OSError as error:
    sys.stderr.write(f"{sys.argv[5]}: {error.strerror}\\n")
    sys.exit(127)
"""
WATCH_INTERVAL_S = 0.25  # how often the workspace's size is measured
KILLED = 137  # the exit status reported when the host stopped the command (128 + SIGKILL)
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def run_in_bwrap(config: SandboxSettings, job: WorkspaceJob,
                 files: Mapping[str, bytes]) -> WorkspaceResult:
    """Run `job` (its workspace `files` merged) in a fresh bubblewrap sandbox; never raises
    for what the program does: a failure to start is the result's `error`."""
    began = time.monotonic()
    root = tempfile.mkdtemp(prefix="codescale-workspace-")
    try:
        _fill(root, files)
        exit_code, output, error = _execute(config, job, root)
        collected, missing = _collect(root, job.collect, job.collect_limit_bytes)
    except OSError as problem:
        exit_code, output, error = None, "", f"sandbox error: {first_line(problem)}"
        collected, missing = {}, {}
    finally:
        _remove(root)
    return WorkspaceResult(exit_code=exit_code, output=output, files=collected, missing=missing,
                           duration_s=time.monotonic() - began, error=error)


def _fill(root: str, files: Mapping[str, bytes]) -> None:
    """Write the workspace's files, owned by whoever the sandbox maps to its uid."""
    os.chmod(root, 0o755)
    _own(root)
    for directory in directories_of(files):
        os.mkdir(os.path.join(root, directory), 0o755)
        _own(os.path.join(root, directory))
    for path, content in files.items():
        with open(os.path.join(root, path), "xb") as out:
            out.write(content)
        _own(os.path.join(root, path))


def _own(path: str) -> None:
    if os.geteuid() == 0:  # bubblewrap runs as UNPRIVILEGED_UID, which the sandbox maps
        os.chown(path, UNPRIVILEGED_UID, UNPRIVILEGED_UID, follow_symlinks=False)


def _execute(config: SandboxSettings, job: WorkspaceJob,
             root: str) -> tuple[int | None, str, str | None]:
    """Run the command in the sandbox; its exit status (None past the time limit), its output
    tail, and why the sandbox itself failed (None when it did not)."""
    disk_bytes = job.disk_mb << 20
    limits = [str(job.memory_mb << 20), str(config.max_processes), str(disk_bytes), "0"]
    status_read, status_write = os.pipe2(os.O_CLOEXEC)
    options = ["--bind", root, WORKSPACE, "--size", str(disk_bytes), "--tmpfs", "/tmp",
               "--size", "1048576", "--tmpfs", "/dev/shm", "--remount-ro", "/dev",
               "--json-status-fd", str(status_write)]
    line = bwrap_line(WORKSPACE_UID, options, WORKSPACE, job.environment(),
                      ["python3", "-I", "-S", "-c", LAUNCHER, *limits, *job.argv])
    with os.fdopen(status_read, "rb") as status:
        try:
            process = subprocess.Popen(line, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, pass_fds=(status_write,))
        finally:
            os.close(status_write)
        with process:
            sandbox = _sandbox_pidfd(status)
            tail = OutputTail(config.kept_output_chars)
            try:
                stopped = _watch(process, job, root, tail)
                if sandbox is not None:  # its whole PID namespace ends with it
                    _ready(sandbox, 30.0)
            finally:
                if sandbox is not None:
                    os.close(sandbox)
            exit_code = _exit_code(status.read())
    if stopped == "timeout":
        return None, tail.text(), None
    if stopped:
        tail.add(f"\n[stopped: {stopped}]\n".encode())
        return KILLED, tail.text(), None
    if exit_code is None:  # bubblewrap itself failed; its message is the output
        return None, tail.text(), f"sandbox error: bubblewrap failed: {_last_line(tail.text())}"
    return exit_code, tail.text(), None


def _sandbox_pidfd(status: BinaryIO) -> int | None:
    """A pidfd of the sandbox's PID 1, from bubblewrap's first status line (written as soon
    as it exists); None when bubblewrap failed before."""
    if not _ready(status.fileno(), 30.0):
        return None
    line = status.readline()
    try:
        return os.pidfd_open(int(json.loads(line)["child-pid"])) if line.strip() else None
    except (ValueError, KeyError, TypeError, ProcessLookupError):
        return None


def _exit_code(reports: bytes) -> int | None:
    """The command's exit status from bubblewrap's remaining status lines."""
    for line in reports.splitlines():
        try:
            return int(json.loads(line)["exit-code"])
        except (ValueError, KeyError, TypeError):
            continue
    return None


def _watch(process: subprocess.Popen[bytes], job: WorkspaceJob, root: str,
           tail: OutputTail) -> str:
    """Feed the output tail until the sandbox exits; kill it past the time limit or the
    workspace's size. Returns why it was stopped ("timeout", or the size), or ""."""
    assert process.stdout is not None
    output, stopped = process.stdout.fileno(), ""
    deadline = time.monotonic() + job.timeout_s
    next_check = 0.0
    while output >= 0 or process.poll() is None:
        now = time.monotonic()
        if now >= deadline:
            stopped = "timeout"
        elif now >= next_check:
            next_check = now + WATCH_INTERVAL_S
            if _usage_bytes(root) > job.disk_mb << 20:
                stopped = f"the workspace grew past its {job.disk_mb} MB"
        if stopped:
            process.kill()
            break
        wait_s = min(deadline, next_check) - now
        if output < 0:  # output closed: wait for the exit
            time.sleep(min(wait_s, 0.05))
        elif _ready(output, wait_s):
            chunk = os.read(output, 1 << 16)
            tail.add(chunk)
            output = output if chunk else -1
    process.wait()
    return stopped


def _ready(fd: int, timeout_s: float) -> bool:
    return bool(select.select([fd], [], [], max(timeout_s, 0.0))[0])


def _usage_bytes(root: str) -> int:
    """Bytes the workspace takes on disk (links not followed)."""
    total, pending = 0, [root]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    info = entry.stat(follow_symlinks=False)
                    total += info.st_blocks * 512
                    if stat.S_ISDIR(info.st_mode):
                        pending.append(entry.path)
        except OSError:
            continue  # removed or locked meanwhile: the next look counts it
    return total


def _collect(root: str, paths: tuple[str, ...],
             limit: int) -> tuple[dict[str, bytes], dict[str, str]]:
    """The regular files at `paths` below `root`, reached without following any link."""
    top = os.open(root, _DIRECTORY_FLAGS)
    try:
        return collect_files(paths, limit, lambda path, left: _read_regular(top, path, left))
    finally:
        os.close(top)


def _read_regular(top: int, path: str, limit: int) -> bytes | str:
    """The file's bytes, or why not: absent, a link on the way, not regular, over `limit`."""
    *folders, name = path.split("/")
    opened: list[int] = []
    try:
        here = top
        for depth, folder in enumerate(folders):
            try:
                here = os.open(folder, _DIRECTORY_FLAGS, dir_fd=here)
            except OSError as error:
                if error.errno in (errno.ENOTDIR, errno.ELOOP):
                    return f"{'/'.join(folders[:depth + 1])} is not a directory"
                raise
            opened.append(here)
        handle = os.open(name, _READ_FLAGS, dir_fd=here)
        opened.append(handle)
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        if info.st_size > limit:
            return over_cap(info.st_size, limit)
        return _read_all(handle, info.st_size)
    except FileNotFoundError:
        return "absent"
    except OSError as error:  # ELOOP: a link; ENXIO: a socket; EACCES: locked
        return "not a regular file" if error.errno in (errno.ELOOP, errno.ENXIO) else \
            f"unreadable ({os.strerror(error.errno or 0)})"
    finally:
        for fd in opened:
            os.close(fd)


def _read_all(handle: int, size: int) -> bytes:
    """Up to `size` bytes of an open regular file (less if it shrank)."""
    data = bytearray()
    while len(data) < size and (chunk := os.read(handle, min(size - len(data), 1 << 24))):
        data += chunk
    return bytes(data)


def _remove(root: str) -> None:
    """Delete the workspace, however the program left its permissions."""
    os.chmod(root, 0o700)
    for folder, names, _ in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o700)
    shutil.rmtree(root, ignore_errors=True)


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else "no message"
