"""Workspace jobs (files in, a command, files and an exit status out) on both real backends:
reports of any size come back intact, time limits hold, hostile commands get a result, and
nothing the command plants (links, FIFOs, huge files) reaches past the workspace."""

import io
import socket
import tarfile
import textwrap
import time
import uuid
from pathlib import Path

import docker
import pytest

from codescale.execution import BadJob
from codescale.execution.config import sandbox_config
from codescale.execution.docker_backend import LABEL
from codescale.execution.pool import WorkerPool
from codescale.execution.workspace import WorkspaceJob, workspace_files
from tests.execution.conftest import HOST_SECRET

HOST_FILE = Path(f"/tmp/codescale-workspace-escape-{uuid.uuid4().hex}")
REPORT = bytes(range(256)) * 12288  # 3 MiB, every byte value
LISTENER = socket.create_server(("127.0.0.1", 0))


def python_job(code: str, **fields: object) -> WorkspaceJob:
    """A job that runs `code` as prog.py in the workspace."""
    settings: dict[str, object] = {"timeout_s": 10.0, "memory_mb": 256, "disk_mb": 64, **fields}
    return WorkspaceJob.model_validate({"files": {"prog.py": textwrap.dedent(code).encode()},
                                       "command": ("python3", "prog.py"), **settings})


def _tar(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(content)
            archive.addfile(member, io.BytesIO(content))
    return buffer.getvalue()


def test_files_go_in_and_reports_of_megabytes_come_back_intact(sandbox: WorkerPool) -> None:
    job = WorkspaceJob(
        files={"data/in.txt": b"hello", "prog.py": b"print('overridden')"},
        archives=(_tar({"prog.py": b"archived", "lib/helper.py": b"VALUE = 41\n"}),),
        command=textwrap.dedent("""
            set -e
            mkdir out
            cat data/in.txt > out/echo.txt
            PYTHONPATH=lib python3 -c 'import helper; print(helper.VALUE + 1)' > answer.txt
            python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 12288)' > report.bin
            printf 'env=%s home=%s pwd=%s\\n' "$GREETING" "$HOME" "$(pwd)"
            exit 3
            """),
        env={"GREETING": "hi"}, collect=("out/echo.txt", "answer.txt", "report.bin", "prog.py"))
    [result] = sandbox.run_workspaces([job])
    assert result.error is None and result.exit_code == 3, result.output
    assert result.files == {"out/echo.txt": b"hello", "answer.txt": b"42\n",
                            "report.bin": REPORT, "prog.py": b"print('overridden')"}
    assert result.output == "env=hi home=/workspace pwd=/workspace\n"
    assert result.missing == {}


def test_jobs_run_concurrently_and_keep_their_order(sandbox: WorkerPool) -> None:
    jobs = [WorkspaceJob(command=f"sleep 1.5; echo {i}", timeout_s=10) for i in range(2)]
    began = time.monotonic()
    results = sandbox.run_workspaces(jobs)
    assert [r.output for r in results] == ["0\n", "1\n"]
    assert time.monotonic() - began < 2.9  # two at once, not one after the other


def test_a_command_past_its_time_gets_a_result_with_its_output(sandbox: WorkerPool) -> None:
    job = python_job("""
        import time
        print("started", flush=True)
        open("partial.txt", "w").write("so far")
        time.sleep(10 ** 6)
        """, timeout_s=1.5, collect=("partial.txt",))
    began = time.monotonic()
    [result] = sandbox.run_workspaces([job])
    assert result.timed_out and result.exit_code is None and result.error is None
    assert result.output == "started\n"
    assert result.files == {"partial.txt": b"so far"}
    assert 1.5 <= result.duration_s < 5 and time.monotonic() - began < 6


def test_planted_links_and_fifos_are_never_followed(sandbox: WorkerPool) -> None:
    HOST_FILE.write_text(HOST_SECRET)
    job = python_job(f"""
        import os
        os.symlink("/etc/shadow", "shadow.txt")
        os.symlink("{HOST_FILE}", "secret.txt")
        os.symlink("/etc", "reports")
        os.mkfifo("pipe.xml")
        os.mkdir("deep")
        os.symlink("../../../../../../etc/passwd", "deep/passwd")
        """, collect=("shadow.txt", "secret.txt", "reports/shadow", "pipe.xml", "deep/passwd",
                      "nothing.txt"))
    try:
        [result] = sandbox.run_workspaces([job])
        assert result.exit_code == 0, result.output
        assert result.files == {}
        assert result.missing == {"shadow.txt": "not a regular file",
                                  "secret.txt": "not a regular file",
                                  "reports/shadow": "reports is not a directory",
                                  "pipe.xml": "not a regular file",
                                  "deep/passwd": "not a regular file", "nothing.txt": "absent"}
        assert HOST_FILE.read_text() == HOST_SECRET
    finally:
        HOST_FILE.unlink()


def test_the_command_sees_no_network_host_files_or_secrets(sandbox: WorkerPool) -> None:
    job = python_job(f"""
        import os, socket
        seen = []
        try:
            socket.create_connection(("127.0.0.1", {LISTENER.getsockname()[1]}), timeout=1)
            seen.append("network")
        except OSError:
            pass
        if "{HOST_SECRET}" in str(os.environ):
            seen.append("environment")
        for path in ["{__file__}", "/var/run/docker.sock", "/etc/shadow", "/root"]:
            if os.path.exists(path) and os.access(path, os.R_OK):
                seen.append(path)
        for path in ["/etc/x", "/usr/x", "/x"]:
            try:
                open(path, "w").write("pwned")
                seen.append(path)
            except OSError:
                pass
        open("{HOST_FILE}", "w").write("pwned")  # /tmp is the sandbox's own
        print(os.getuid(), seen)
        """)
    [result] = sandbox.run_workspaces([job])
    assert result.exit_code == 0 and result.output == "11001 []\n", result.output
    assert not HOST_FILE.exists()


HOSTILE = {
    "fork bomb": """
        import os
        while True:
            try:
                os.fork()
            except OSError:
                pass
        """,
    "memory bomb": "block = bytearray(10 * 1024 ** 3)\n",
    "memory growing": "hoard = []\nwhile True:\n    hoard.append(bytearray(10 ** 7))\n",
    "a file past the workspace size": """
        with open("huge.bin", "wb") as out:
            while True:
                out.write(b"x" * (1 << 20))
        """,
    "endless output": "while True:\n    print('spam' * 1000)\n",
    "a daemon that outlives it": """
        import os, time
        if os.fork() == 0:
            os.setsid()
            time.sleep(3600)
        print("parent done")
        """,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_commands_get_a_result_and_the_sandbox_serves_on(sandbox: WorkerPool,
                                                                 name: str) -> None:
    job = python_job(HOSTILE[name], timeout_s=3.0, collect=("huge.bin",),
                     collect_limit_bytes=1 << 20)
    began = time.monotonic()
    [result] = sandbox.run_workspaces([job])
    assert time.monotonic() - began < 12
    assert result.error is None
    if name == "a daemon that outlives it":
        assert result.exit_code == 0 and "parent done" in result.output
    else:
        assert result.exit_code != 0  # stopped at a limit: a status or None (time)
    assert len(result.output) <= 65536
    assert "huge.bin" in result.missing  # absent, or past the cap on what comes back
    [after] = sandbox.run_workspaces([WorkspaceJob(command="echo fine")])
    assert after.exit_code == 0 and after.output == "fine\n"


@pytest.mark.docker
def test_docker_workspace_containers_and_volumes_are_removed() -> None:
    client = docker.from_env()
    volumes = {v.name for v in client.volumes.list()}
    with sandbox_config(backend="docker", pool_size=1).open() as pool:
        mine = {"label": f"{LABEL}={pool.instance}"}
        results = pool.run_workspaces([python_job("print(1)"),
                                       python_job("import time; time.sleep(60)", timeout_s=1)])
        assert [r.exit_code for r in results] == [0, None]
        assert len(client.containers.list(all=True, filters=mine)) == 1  # the worker only
    assert {v.name for v in client.volumes.list()} <= volumes


def test_paths_outside_the_workspace_are_refused() -> None:
    for path in ("../escape", "/etc/passwd", "a/../../b", ""):
        with pytest.raises(BadJob, match="not a relative path inside the workspace"):
            WorkspaceJob(files={path: b""}, command="true")
    with pytest.raises(BadJob, match="not a regular file"):
        link = tarfile.TarInfo("link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/shadow"
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as archive:
            archive.addfile(link)
        workspace_files(WorkspaceJob(archives=(buffer.getvalue(),), command="true"))


def test_the_cap_on_what_comes_back_holds_across_files(sandbox: WorkerPool) -> None:
    job = python_job("""
        for name in ("a.bin", "b.bin"):
            open(name, "wb").write(b"x" * 600_000)
        """, collect=("a.bin", "b.bin"), collect_limit_bytes=1_000_000)
    [result] = sandbox.run_workspaces([job])
    assert result.files == {"a.bin": b"x" * 600_000}
    assert result.missing == {
        "b.bin": "600000 bytes, more than the 400000 still allowed to come back"}
