"""A Ray cluster of several nodes on this machine, for the tests and the Ray bench: a head
node and more nodes, each started by `ray start` as the processes of a session of its own,
so that one node can be killed alone (as a lost machine would be)."""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from codescale.cluster.errors import ClusterError
from codescale.ports import free_port

FAST_FAILURE_DETECTION = {
    # a node whose raylet stops answering is declared dead after ~1.5 s instead of ~30 s
    "RAY_health_check_initial_delay_ms": "500",
    "RAY_health_check_period_ms": "500",
    "RAY_health_check_timeout_ms": "500",
    "RAY_health_check_failure_threshold": "3",
    "RAY_USAGE_STATS_ENABLED": "0",
}
OBJECT_STORE_BYTES = 100 * 1024 * 1024


class LocalNodes:
    """`ray start` nodes on this machine; `kill(i)` kills node i's every process."""

    def __init__(self, cpus_per_node: int) -> None:
        self.cpus = cpus_per_node
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.temp_dir = Path(tempfile.mkdtemp(prefix="csray"))  # short: socket paths
        self._groups: list[int] = []

    def _start(self, *args: str) -> None:
        if shutil.which("ray") is None:
            raise ClusterError("the `ray` command is missing: pip install 'codescale[cluster]'")
        command = ["ray", "start", f"--num-cpus={self.cpus}",
                   f"--object-store-memory={OBJECT_STORE_BYTES}", "--disable-usage-stats", *args]
        starter = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, start_new_session=True,
                                   env={**os.environ, **FAST_FAILURE_DETECTION})
        output, _ = starter.communicate(timeout=120)
        self._groups.append(starter.pid)  # the node's processes stay in its process group
        if starter.returncode != 0:
            self.stop()
            last = output.strip().splitlines()[-1] if output.strip() else "no output"
            raise ClusterError(f"ray start failed (exit {starter.returncode}): {last}")

    def start_head(self) -> None:
        """The head node (GCS) on a free port."""
        self._start("--head", f"--port={self.port}", "--include-dashboard=false",
                    f"--temp-dir={self.temp_dir}")

    def add_node(self) -> None:
        """One more node joined to the head."""
        self._start(f"--address={self.address}")

    def alive(self) -> int:
        """How many nodes the head counts as alive (from a short-lived driver)."""
        script = ("import ray; ray.init(address='%s', log_to_driver=False, "
                  "logging_level='ERROR'); print(sum(n['Alive'] for n in ray.nodes()))")
        result = subprocess.run(["python3", "-c", script % self.address], capture_output=True,
                                text=True, timeout=120, check=True)
        return int(result.stdout.split()[-1])

    def kill(self, index: int) -> None:
        """SIGKILL every process of node `index` (its raylet, object store and workers)."""
        try:
            os.killpg(self._groups[index], signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        """Kill every node, the head last, and remove the session files."""
        for index in reversed(range(len(self._groups))):
            self.kill(index)
        time.sleep(0.5)
        shutil.rmtree(self.temp_dir, ignore_errors=True)


@contextmanager
def local_cluster(nodes: int, cpus_per_node: int) -> Iterator[LocalNodes]:
    """A head node and `nodes - 1` more on this machine, all killed on exit."""
    cluster = LocalNodes(cpus_per_node)
    try:
        cluster.start_head()
        for _ in range(nodes - 1):
            cluster.add_node()
        yield cluster
    finally:
        cluster.stop()
