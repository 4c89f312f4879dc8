"""The built wheel carries the sandbox: installed into a fresh venv outside the checkout, its
`codescale sandbox build` and `check` work with no checkout in sight.

The venv sees the machine's packages (--system-site-packages) for the dependencies, so the
checkout's editable install is visible too; the assertions check that the venv's own copy,
not the checkout, is what runs.
"""

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from docker.errors import ImageNotFound

from codescale.execution.docker_backend import docker_client
from codescale.execution.errors import SandboxUnavailable

pytestmark = [pytest.mark.wheel, pytest.mark.docker]

REPO = Path(__file__).resolve().parents[2]
IMAGE = "codescale-sandbox:wheel-test"
# What a fresh clone would not have: build outputs, caches, run directories.
NOT_SOURCE = shutil.ignore_patterns(".git", "build", "dist", "runs", ".venv", "*.egg-info",
                                    "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache")
WHERE = """
import json, codescale, codescale.sandbox
from codescale.execution.cli import BUILD_SCRIPT
from codescale.execution.docker_backend import WORKER_SOURCE, worker_digest
print(json.dumps({"package": codescale.__file__, "sandbox": codescale.sandbox.__file__,
                  "worker": str(WORKER_SOURCE), "build_script": str(BUILD_SCRIPT),
                  "digest": worker_digest()}))
"""


class Installed(NamedTuple):
    venv: Path
    elsewhere: Path  # the working directory: outside the checkout
    env: dict[str, str]

    def run(self, *command: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=self.elsewhere, env=self.env, capture_output=True,
                              text=True, timeout=timeout, check=False)

    def codescale(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.venv / "bin" / "codescale"), *arguments)


def _can_build_without_isolation() -> bool:
    """Can this interpreter's setuptools make a wheel by itself (bdist_wheel is built into
    setuptools 70.1 and later; older ones need the `wheel` package)?"""
    try:
        major, minor = (int(part) for part in
                        importlib.metadata.version("setuptools").split(".")[:2])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return False
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel built from a copy of the checkout, installed alone into a fresh venv."""
    root = tmp_path_factory.mktemp("wheel")
    assert not root.resolve().is_relative_to(REPO), "--basetemp must lie outside the checkout"
    source, dist, venv, elsewhere = (root / name for name in ("src", "dist", "venv", "cwd"))
    # A copy, so that the build leaves no build/ or egg-info behind in the checkout.
    shutil.copytree(REPO, source, ignore=NOT_SOURCE, symlinks=True)
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH")}
    # Without isolation when setuptools here can build a wheel (offline); else pip fetches
    # the build backend from its index, as `pip install .` does for a user.
    isolation = ["--no-build-isolation"] if _can_build_without_isolation() else []
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                            *isolation, "-w", str(dist), str(source)],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=180,
                           check=False)
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = dist.glob("codescale-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(venv)], check=True, timeout=60)
    # pip comes from the system site-packages and installs into the venv; --ignore-installed
    # because the checkout's editable install is visible there under the same version.
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps",
                          "--no-index", "--ignore-installed", "--quiet", str(wheel)],
                         cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120,
                         check=False)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    return Installed(venv, elsewhere, env)


def test_the_installed_package_carries_every_package_and_the_sandbox_files(
        installed: Installed) -> None:
    where = installed.run(str(installed.venv / "bin" / "python"), "-c", WHERE)
    assert where.returncode == 0, where.stderr
    found = {key: (Path(value) if key != "digest" else value)
             for key, value in json.loads(where.stdout).items()}
    venv = installed.venv.resolve()
    for key in ("package", "sandbox", "worker", "build_script"):
        assert found[key].resolve().is_relative_to(venv), f"{key} from {found[key]}, not the venv"
    installed_root = found["package"].parent
    assert found["worker"].resolve() == (installed_root / "sandbox" / "worker.py").resolve()
    assert found["worker"].read_bytes() == (REPO / "sandbox" / "worker.py").read_bytes()
    assert found["digest"] == hashlib.sha256(found["worker"].read_bytes()).hexdigest()[:16]
    # Every package of the checkout, and every file of sandbox/, made it into the wheel.
    packages = {init.parent.relative_to(REPO / "codescale")
                for init in (REPO / "codescale").rglob("__init__.py")}
    missing = [str(package) for package in packages
               if not (installed_root / package / "__init__.py").is_file()]
    assert not missing, f"packages left out of the wheel (list them in pyproject.toml): {missing}"
    sandbox_files = {path.name for path in (REPO / "sandbox").iterdir() if path.is_file()}
    shipped = {path.name for path in (installed_root / "sandbox").iterdir() if path.is_file()}
    assert sandbox_files <= shipped, f"sandbox files left out: {sorted(sandbox_files - shipped)}"


@pytest.fixture
def test_image() -> Iterator[str]:
    """IMAGE's tag, removed afterwards; skips when no Docker engine answers."""
    try:
        client = docker_client()
    except SandboxUnavailable as error:
        pytest.skip(str(error))
    yield IMAGE
    try:
        client.images.remove(IMAGE)  # untags only, if another tag shares the image
    except ImageNotFound:
        pass


def test_the_installed_cli_builds_and_checks_the_docker_sandbox(
        installed: Installed, test_image: str) -> None:
    build = installed.codescale("sandbox", "build", "--image", test_image)
    assert build.returncode == 0, build.stdout + build.stderr
    labels = docker_client().images.get(test_image).labels
    worker = installed.venv.glob("lib/python*/site-packages/codescale/sandbox/worker.py")
    digest = hashlib.sha256(next(worker).read_bytes()).hexdigest()[:16]
    assert labels["codescale.worker"] == digest
    check = installed.codescale("sandbox", "check", "--backend", "docker", "--image", test_image)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "docker backend" in check.stdout


def test_the_installed_cli_checks_the_local_sandbox(installed: Installed) -> None:
    check = installed.codescale("sandbox", "check", "--backend", "local")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "local backend" in check.stdout
