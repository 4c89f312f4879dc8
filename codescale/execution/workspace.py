"""Whole-workspace jobs: files in, one command, files and an exit status out.

The shape of inspect_ai's sandbox `write_file` / `exec` / `read_file`, as one job. A backend
copies the job's files into an empty, size-capped, writable workspace, runs the command there
under the sandbox's isolation and limits, stops everything it left running, and reads back the
regular files the job names (never through a link, never a FIFO or device, at most a cap of
bytes). What a run reports therefore travels as files, not through a reply of bounded size.
Both backends run jobs as `WORKSPACE_UID`, which no pool worker uses.
"""

import io
import tarfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Annotated

from pydantic import Field, field_validator

from codescale.execution.errors import BadJob
from codescale.models import Frozen

WORKSPACE = "/workspace"  # the workspace inside the sandbox: the command's working directory
WORKSPACE_UID = 11001  # apart from the pool workers' uids (10001 + slot)
BASE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": WORKSPACE, "TMPDIR": "/tmp",
            "LANG": "C.UTF-8"}
"""The command's environment before the job's own `env` (nothing of the host's)."""


class WorkspaceJob(Frozen):
    """Files to put in a fresh workspace, the command to run there, and the files to read back.

    Paths are relative to the workspace, POSIX style. `archives` are tar files (gzip allowed)
    unpacked before `files` are written; they may hold only regular files and directories.
    A `str` command runs with `sh -c`; a tuple is the argv itself."""

    files: dict[str, bytes] = Field(default_factory=dict)
    archives: tuple[bytes, ...] = ()
    command: Annotated[str, Field(min_length=1)] | Annotated[tuple[str, ...], Field(min_length=1)]
    env: dict[str, str] = Field(default_factory=dict)
    collect: tuple[str, ...] = Field(default=(), description="files read back after the run")
    timeout_s: float = Field(default=60.0, gt=0, description="wall time of the command")
    memory_mb: int = Field(default=512, gt=0, description=(
        "memory of the command: Docker caps all its processes together, files it writes "
        "included; bubblewrap caps each process's address space"))
    disk_mb: int = Field(default=256, gt=0, description="size of the workspace")
    collect_limit_bytes: int = Field(default=256 << 20, gt=0,
                                     description="bytes read back at most, all files together")

    @field_validator("files")
    @classmethod
    def _file_paths(cls, files: dict[str, bytes]) -> dict[str, bytes]:
        return {workspace_path(path): content for path, content in files.items()}

    @field_validator("collect")
    @classmethod
    def _collect_paths(cls, paths: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(workspace_path(path) for path in paths)

    @property
    def argv(self) -> list[str]:
        """The command as an argv (a string runs with `sh -c`)."""
        return ["sh", "-c", self.command] if isinstance(self.command, str) else list(self.command)

    def environment(self) -> dict[str, str]:
        """The command's whole environment."""
        return {**BASE_ENV, **self.env}


class WorkspaceResult(Frozen):
    """What a workspace job did: its exit status (None when it ran out of time or the sandbox
    failed; `error` then says why the sandbox failed), the tail of its output (stdout and
    stderr together), the collected files that came back, and why the others did not."""

    exit_code: int | None
    output: str = ""
    files: dict[str, bytes] = Field(default_factory=dict, repr=False)
    missing: dict[str, str] = Field(default_factory=dict,
                                    description="collected path -> why it did not come back")
    duration_s: float = Field(default=0.0, ge=0)
    error: str | None = None

    @property
    def timed_out(self) -> bool:
        """True when the command was stopped at its time limit."""
        return self.exit_code is None and self.error is None


def collect_files(paths: Sequence[str], limit: int,
                  read: Callable[[str, int], bytes | str]) -> tuple[dict[str, bytes],
                                                                    dict[str, str]]:
    """The files at `paths`, at most `limit` bytes in all, and why the others did not come
    back; `read(path, bytes left)` gives a file's bytes or why not."""
    files: dict[str, bytes] = {}
    missing: dict[str, str] = {}
    left = limit
    for path in paths:
        content = read(path, left)
        if isinstance(content, bytes):
            files[path] = content
            left -= len(content)
        else:
            missing[path] = content
    return files, missing


def over_cap(size: int, left: int) -> str:
    """Why a collected file of `size` bytes did not come back when `left` bytes may still."""
    return f"{size} bytes, more than the {left} still allowed to come back"


def workspace_path(path: str) -> str:
    """`path` normalised; BadJob unless it is relative and stays inside the workspace."""
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or "\0" in path or any(p in (".", "..") for p in parts):
        raise BadJob(f"workspace path {path!r} is not a relative path inside the workspace")
    return "/".join(parts)


def workspace_files(job: WorkspaceJob) -> dict[str, bytes]:
    """Every file the job puts in the workspace: its archives unpacked, then its `files`."""
    merged: dict[str, bytes] = {}
    for archive in job.archives:
        merged.update(_unpacked(archive))
    merged.update(job.files)
    directories = set(directories_of(merged))
    clash = next((path for path in merged if path in directories), None)
    if clash is not None:
        raise BadJob(f"workspace path {clash!r} is both a file and a directory")
    return merged


def directories_of(paths: Mapping[str, bytes]) -> list[str]:
    """The directories that hold `paths`, parents before children."""
    found = {"/".join(path.split("/")[:i]) for path in paths for i in range(1, path.count("/") + 1)}
    return sorted(found, key=lambda d: (d.count("/"), d))


def _unpacked(archive: bytes) -> dict[str, bytes]:
    """The regular files of a tar archive; BadJob for links, devices or unreadable data."""
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:*") as tar:
            for member in tar:
                if member.isdir():
                    continue
                extracted = tar.extractfile(member) if member.isreg() else None
                if extracted is None:
                    raise BadJob(f"workspace archive member {member.name!r} is not a regular "
                                 "file")
                files[workspace_path(member.name)] = extracted.read()
    except tarfile.TarError as error:
        raise BadJob(f"unreadable workspace archive: {error}") from error
    return files


class OutputTail:
    """The last `keep` bytes of a stream fed in chunks, in memory bounded by `keep`."""

    def __init__(self, keep: int) -> None:
        self._keep, self._data = keep, bytearray()

    def add(self, chunk: bytes) -> None:
        """Append a chunk, dropping what falls out of the tail."""
        self._data += chunk[-self._keep:]
        del self._data[:-self._keep]

    def text(self) -> str:
        """The tail as text (invalid UTF-8 replaced)."""
        return self._data.decode("utf-8", errors="replace")
