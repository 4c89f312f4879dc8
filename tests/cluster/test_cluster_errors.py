"""The Ray path's errors: one line naming the cause, and nothing started."""

import subprocess
import sys
from pathlib import Path

import pytest

from codescale.cluster.cluster import Cluster
from codescale.cluster.config import ClusterConfig
from codescale.cluster.errors import ClusterError
from codescale.ports import free_port

REPO = Path(__file__).resolve().parents[2]


def test_ray_missing_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    with pytest.raises(ClusterError, match=r"Ray is not installed: pip install "
                                           r"'codescale\[cluster\]'"):
        Cluster(ClusterConfig(ray_address="auto"))


@pytest.mark.ray
def test_unreachable_cluster_is_one_line_and_quick(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    address = f"127.0.0.1:{free_port()}"
    result = subprocess.run(
        ["codescale", "solve", "problems/median.yaml", "--ray-address", address,
         "--run-dir", str(tmp_path)], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: cannot reach the Ray cluster at {address}: [Errno 111] Connection refused"]
