"""The Docker backend: a warm pool of locked-down containers, each running the worker, and a
fresh container for each workspace job."""

import hashlib
import os
import socket
import struct
import uuid
from pathlib import Path

import docker
from docker.errors import DockerException, ImageNotFound
from docker.models.containers import Container

import codescale.sandbox
from codescale.errors import first_line
from codescale.execution.backends.docker import ContainerSettings
from codescale.execution.docker_workspace import run_in_docker
from codescale.execution.errors import SandboxUnavailable
from codescale.execution.jobs import WorkerFailure
from codescale.execution.pool import ReplyReader, WorkerPool

# The worker and the image build files: package data of codescale.sandbox, which is the
# top-level sandbox/ folder in a checkout (editable install) and codescale/sandbox/ in a wheel.
SANDBOX_FILES = Path(codescale.sandbox.__file__).resolve().parent
WORKER_SOURCE = SANDBOX_FILES / "worker.py"
SANDBOX_UID = 10001  # worker `slot` runs as SANDBOX_UID + slot, so process caps stay apart
LABEL = "codescale.sandbox"


def docker_client() -> docker.DockerClient:
    """A client of a Docker engine that answers; SandboxUnavailable otherwise."""
    try:
        client = docker.from_env(timeout=60)
        client.ping()
    except DockerException as error:
        raise SandboxUnavailable(f"Docker engine unreachable ({first_line(error)})") from error
    return client


def check_image(client: docker.DockerClient, image: str) -> None:
    """Raise SandboxUnavailable unless `image` exists and holds this installation's worker."""
    try:
        labels = client.images.get(image).labels or {}
    except ImageNotFound as error:
        raise SandboxUnavailable(
            f"sandbox image {image} not found; run `codescale sandbox build`") from error
    if WORKER_SOURCE.is_file() and labels.get("codescale.worker") != worker_digest():
        raise SandboxUnavailable(
            f"sandbox image {image} holds an older worker; run `codescale sandbox build`")


def worker_digest() -> str:
    """The short digest the image build stores as its `codescale.worker` label."""
    return hashlib.sha256(WORKER_SOURCE.read_bytes()).hexdigest()[:16]


class DockerWorker:
    """One sandbox container, spoken to over its attached stdin/stdout."""

    def __init__(self, client: docker.DockerClient, config: ContainerSettings, slot: int,
                 instance: str):
        uid = SANDBOX_UID + slot
        # Created attached (detach=False sets StdinOnce): when this process's connection
        # closes, even by kill -9, the worker reads end of input and exits, and the container
        # removes itself.
        self._container: Container = client.containers.create(
            config.image, detach=False, stdin_open=True, auto_remove=True,
            labels={LABEL: instance},
            user=f"{uid}:{uid}", network_mode="none", read_only=True,
            tmpfs={"/scratch": f"size={config.scratch_mb}m,uid={uid},gid={uid},mode=0700"},
            shm_size="1m", cap_drop=["ALL"], security_opt=["no-new-privileges"],
            pids_limit=config.max_processes + 8, mem_limit=f"{config.container_memory_mb}m",
            memswap_limit=f"{config.container_memory_mb}m",
            nano_cpus=int(config.container_cpus * 1e9))
        attached = client.api.attach_socket(
            self._container.id, params={"stdin": 1, "stdout": 1, "stream": 1})
        self._container.start()
        self._socket: socket.socket = attached._sock  # the raw, bidirectional stream
        self._frames = _FrameReader(self._socket)
        self._replies = ReplyReader(self._frames.stdout_chunk)

    def exchange(self, request: bytes, timeout_s: float, size_limit: int) -> bytes:
        """Send one request line to the container; return its reply's payload."""
        try:
            self._socket.settimeout(timeout_s)
            self._socket.sendall(request)
            return self._replies.reply(timeout_s, size_limit)
        except OSError as error:  # a broken connection: the container died
            raise WorkerFailure(f"container connection lost ({error})") from error

    def close(self) -> None:
        """Remove the container (killing whatever runs in it)."""
        try:
            self._socket.close()
            self._container.remove(force=True)
        except DockerException:
            pass  # already gone


class _FrameReader:
    """Reads Docker's multiplexed attach stream: 8-byte headers, then a payload."""

    def __init__(self, sock: socket.socket):
        self._socket = sock

    def stdout_chunk(self, timeout_s: float) -> bytes:
        """The next stdout payload (other streams skipped); b"" when the stream ends."""
        self._socket.settimeout(timeout_s)
        try:
            while True:
                header = self._exactly(8)
                if not header:
                    return b""
                stream, size = struct.unpack(">BxxxL", header)
                payload = self._exactly(size)
                if stream == 1:
                    return payload
        except TimeoutError as error:
            raise WorkerFailure(f"container gave no reply within {timeout_s:.0f} s") from error

    def _exactly(self, size: int) -> bytes:
        data = bytearray(size)
        view, got = memoryview(data), 0
        while got < size:
            received = self._socket.recv_into(view[got:], size - got)
            if not received:
                return b""
            got += received
        return bytes(data)


def open_docker_sandbox(config: ContainerSettings) -> WorkerPool:
    """A warm pool of sandbox containers (size: config.pool_size or the CPU count)."""
    client = docker_client()
    check_image(client, config.image)
    size = config.pool_size or os.cpu_count() or 1
    instance = uuid.uuid4().hex[:12]
    return WorkerPool("docker", lambda slot: DockerWorker(client, config, slot, instance), size,
                      config, instance, lambda job, files: run_in_docker(
                          client, config, {LABEL: instance}, job, files))
