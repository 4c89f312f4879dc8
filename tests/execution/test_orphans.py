"""A process killed with its Docker sandbox open (kill -9: no cleanup runs) leaves no
containers behind: each container's stdin closes with the connection, and it removes itself."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from codescale.execution.docker_backend import LABEL, docker_client

REPO = Path(__file__).resolve().parents[2]
HOLD_A_SANDBOX = """
import sys
from codescale.execution.config import sandbox_config
with sandbox_config(backend="docker", pool_size=2).open() as pool:
    print(pool.instance, flush=True)
    sys.stdin.read()
"""


@pytest.mark.docker
def test_a_killed_process_leaves_no_containers() -> None:
    client = docker_client()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_A_SANDBOX], cwd=REPO, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None
        instance = holder.stdout.readline().strip()
        mine = {"label": f"{LABEL}={instance}"}
        assert instance and len(client.containers.list(filters=mine)) == 2
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 30
    while client.containers.list(all=True, filters=mine) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert client.containers.list(all=True, filters=mine) == []
