"""Workspace jobs in Docker: one fresh, locked-down container per job, always removed.

The container has what a worker container has (no network, read-only root, a non-root uid,
no capabilities, no-new-privileges, pids, memory and CPU caps) and a tmpfs workspace of the
job's size, as an anonymous volume so that the engine's archive calls reach it. Its PID 1 only
reaps orphans and waits for the host's attached stdin to close, so the container removes itself
(with the volume) even when the host process dies. Files go in with one archive upload; the
command runs as an exec whose output is streamed within the time limit; then the container is
frozen (paused), so nothing it left running can change a file while the collected paths are
checked (no link on the way, a regular file, under the cap) and downloaded. Freezing is best
effort (a fork bomb can outrun the freezer); the engine resolves every path inside the
container, so even then nothing outside it can be read.
"""

import io
import socket
import struct
import tarfile
import threading
import time
from collections.abc import Mapping

import docker
import requests
from docker.errors import DockerException
from docker.models.containers import Container
from docker.types import DriverConfig, Mount
from docker.utils import decode_json_header

from codescale.errors import first_line
from codescale.execution.backends.docker import ContainerSettings
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

IDLE = ("import signal, sys\nsignal.signal(signal.SIGCHLD, signal.SIG_IGN)\n"
        "sys.stdin.buffer.read()\n")
"""PID 1 of a workspace container: the kernel reaps orphans it inherits; it exits when the host's
connection (its stdin) closes."""
_GO_TYPE_BITS = 0x8F280000  # Go's os.ModeType (dir, symlink, pipe, socket, devices, irregular)
_GO_DIR, _GO_SYMLINK = 1 << 31, 1 << 27
DRAIN_S = 60.0  # the longest an unread exec output is drained, waiting for its end
_TAR_SLACK = 64 << 10  # bytes of tar headers and padding around one downloaded file


def run_in_docker(client: docker.DockerClient, config: ContainerSettings, labels: dict[str, str],
                  job: WorkspaceJob, files: Mapping[str, bytes]) -> WorkspaceResult:
    """Run `job` (its workspace `files` merged) in a fresh container; never raises for what the
    engine or the program does: a failure is the result's `error`."""
    began, container, stdin = time.monotonic(), None, None
    try:
        container, stdin = _start(client, config, labels, job)
        container.put_archive(WORKSPACE, _tar(files))
        exit_code, output = _execute(client, container, job, config.kept_output_chars)
        _freeze(container)
        collected, missing = collect_files(
            job.collect, job.collect_limit_bytes,
            lambda path, left: _read_regular(client, container.id, path, left))
    except (DockerException, OSError) as error:  # requests' errors are OSErrors too
        return WorkspaceResult(exit_code=None, duration_s=time.monotonic() - began,
                               error=f"sandbox error: {first_line(error)}")
    finally:
        _remove(container, stdin)
    return WorkspaceResult(exit_code=exit_code, output=output, files=collected, missing=missing,
                           duration_s=time.monotonic() - began)


def _start(client: docker.DockerClient, config: ContainerSettings, labels: dict[str, str],
           job: WorkspaceJob) -> tuple[Container, socket.socket]:
    ids = f"uid={WORKSPACE_UID},gid={WORKSPACE_UID},mode=0700"
    workspace = Mount(WORKSPACE, None, type="volume", driver_config=DriverConfig(
        "local", {"type": "tmpfs", "device": "tmpfs", "o": f"size={job.disk_mb}m,{ids}"}))
    container: Container = client.containers.create(
        config.image, entrypoint=["python3", "-I", "-S", "-c", IDLE], command=[],
        detach=False, stdin_open=True, auto_remove=True, labels=labels,
        user=f"{WORKSPACE_UID}:{WORKSPACE_UID}", network_mode="none", read_only=True,
        mounts=[workspace], tmpfs={"/tmp": f"size={job.disk_mb}m,{ids}"}, shm_size="1m",
        cap_drop=["ALL"], security_opt=["no-new-privileges"],
        pids_limit=config.max_processes + 8, mem_limit=f"{job.memory_mb}m",
        memswap_limit=f"{job.memory_mb}m", nano_cpus=int(config.container_cpus * 1e9))
    try:
        attached = client.api.attach_socket(container.id, params={"stdin": 1, "stream": 1})
        container.start()
    except DockerException:
        container.remove(force=True, v=True)
        raise
    return container, attached._sock


def _tar(files: Mapping[str, bytes]) -> bytes:
    """The workspace as a tar owned by the job's uid: directories first, then the files."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for directory in directories_of(files):
            tar.addfile(_member(directory, tarfile.DIRTYPE, 0o755, 0))
        for path, content in files.items():
            tar.addfile(_member(path, tarfile.REGTYPE, 0o644, len(content)), io.BytesIO(content))
    return buffer.getvalue()


def _member(name: str, kind: bytes, mode: int, size: int) -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.type, member.mode, member.size = kind, mode, size
    member.uid = member.gid = WORKSPACE_UID
    return member


def _execute(client: docker.DockerClient, container: Container, job: WorkspaceJob,
             keep: int) -> tuple[int | None, str]:
    """Run the command; its exit status (None past the time limit) and output tail."""
    exec_id = client.api.exec_create(container.id, job.argv, workdir=WORKSPACE,
                                     user=f"{WORKSPACE_UID}:{WORKSPACE_UID}",
                                     environment=job.environment())["Id"]
    stream = client.api.exec_start(exec_id, socket=True)._sock
    tail, deadline = OutputTail(keep), time.monotonic() + job.timeout_s
    ended = False
    try:
        while (left := deadline - time.monotonic()) > 0:
            try:
                payload = _next_payload(stream, left)
            except TimeoutError:
                break
            if payload is None:
                ended = True
                return _exit_code(client, exec_id, deadline), tail.text()
            tail.add(payload)
        return None, tail.text()
    finally:
        if ended:
            stream.close()
        else:  # the engine removes no container while an exec's output is left unread
            threading.Thread(target=_drain, args=(stream,), daemon=True).start()


def _drain(stream: socket.socket) -> None:
    """Read and drop an exec's output until it ends (the container is removed)."""
    stream.settimeout(DRAIN_S)
    try:
        while stream.recv(1 << 16):
            pass
    except OSError:
        pass
    finally:
        stream.close()


def _freeze(container: Container) -> None:
    """Pause every process of the container, so that files stay as they are while they are
    read back. Best effort: a fork bomb can outrun the freezer; then the files are read from
    the running container (still only regular files, still only inside it)."""
    try:
        container.pause()
    except DockerException:
        pass


def _next_payload(stream: socket.socket, timeout_s: float) -> bytes | None:
    """The next frame of an exec's multiplexed output (stdout or stderr); None at its end."""
    stream.settimeout(timeout_s)
    header = _exactly(stream, 8)
    if header is None:
        return None
    _kind, size = struct.unpack(">BxxxL", header)
    return _exactly(stream, size) or b""


def _exactly(stream: socket.socket, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = stream.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _exit_code(client: docker.DockerClient, exec_id: str, deadline: float) -> int | None:
    """The exec's exit status once the engine has it (its output can end a little before)."""
    while True:
        state = client.api.exec_inspect(exec_id)
        if not state["Running"] and state["ExitCode"] is not None:
            return int(state["ExitCode"])
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)


def _read_regular(client: docker.DockerClient, container_id: str, path: str,
                  limit: int) -> bytes | str:
    """The file's bytes, or why not: absent, a link on the way, not regular, over `limit`."""
    parts = path.split("/")
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth])
        stat = _stat(client, container_id, folder)
        if stat is None:
            return "absent"
        if stat["mode"] & _GO_SYMLINK or not stat["mode"] & _GO_DIR:
            return f"{folder} is not a directory"
    stat = _stat(client, container_id, path)
    if stat is None:
        return "absent"
    if stat["mode"] & _GO_TYPE_BITS:
        return "not a regular file"
    if stat["size"] > limit:
        return over_cap(stat["size"], limit)
    content = _download(client, container_id, path, limit)
    return "changed while it was read" if content is None else content


def _archive_url(client: docker.DockerClient, container_id: str) -> str:
    return client.api._url("/containers/{0}/archive", container_id)  # noqa: SLF001


def _stat(client: docker.DockerClient, container_id: str, path: str) -> dict | None:
    """The engine's stat of a workspace path, not following a final link; None when absent."""
    response = client.api.head(_archive_url(client, container_id),
                               params={"path": f"{WORKSPACE}/{path}"}, timeout=60)
    if response.status_code == 404:
        return None
    response.raise_for_status()
    encoded = response.headers.get("x-docker-container-path-stat")
    return decode_json_header(encoded) if encoded else None


def _download(client: docker.DockerClient, container_id: str, path: str,
              limit: int) -> bytes | None:
    """One regular file's bytes from its tar archive; None unless the archive holds exactly
    that, within `limit` bytes."""
    response = client.api.get(_archive_url(client, container_id),
                              params={"path": f"{WORKSPACE}/{path}"}, stream=True, timeout=60,
                              headers={"Accept-Encoding": "identity"})
    try:
        response.raise_for_status()
        archive = bytearray()
        for chunk in response.iter_content(1 << 20):
            archive += chunk
            if len(archive) > limit + _TAR_SLACK:
                return None
    finally:
        response.close()
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:") as tar:
            member = tar.next()
            if member is None or not member.isreg() or member.size > limit:
                return None
            extracted = tar.extractfile(member)
            return extracted.read() if extracted is not None else None
    except tarfile.TarError:
        return None


def _remove(container: Container | None, stdin: socket.socket | None) -> None:
    """Remove the container and its volume, killing whatever runs in it."""
    if stdin is not None:
        stdin.close()
    if container is not None:
        try:
            container.remove(force=True, v=True)
        except (DockerException, requests.RequestException):
            pass  # already gone: it removed itself when its stdin closed
