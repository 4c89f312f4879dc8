"""The `[sandbox]` table: each backend's own settings, and `auto` choosing for real."""

import logging

import pytest
from pydantic import ValidationError

from codescale.config import Config
from codescale.execution.backends.auto import AutoSandboxConfig
from codescale.execution.backends.docker import DockerSandboxConfig
from codescale.execution.backends.local import LocalSandboxConfig
from codescale.execution.config import sandbox_config
from codescale.execution.registry import backends
from tests.execution.conftest import job


def test_every_builtin_backend_is_registered_and_auto_is_the_default() -> None:
    assert {"auto", "docker", "local"} <= set(backends())
    assert isinstance(sandbox_config(), AutoSandboxConfig)
    assert isinstance(Config.model_validate({"sandbox": {"backend": "local"}}).sandbox,
                      LocalSandboxConfig)


def test_container_settings_are_rejected_for_the_local_backend() -> None:
    with pytest.raises(ValidationError, match="local.image"):
        sandbox_config(backend="local", image="codescale-sandbox:latest")
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        sandbox_config(backend="firecracker")
    docker = DockerSandboxConfig(pool_size=3, container_memory_mb=512)
    assert LocalSandboxConfig(**docker.shared()).pool_size == 3


@pytest.mark.docker
def test_auto_falls_back_to_bubblewrap_when_docker_cannot_run_the_image(
        caplog: pytest.LogCaptureFixture) -> None:
    settings = AutoSandboxConfig(image="codescale-no-such-image:missing", pool_size=1)
    with caplog.at_level(logging.WARNING), settings.open() as sandbox:
        [run] = sandbox.run(job("print(input())", "7", expected="7"))
    assert sandbox.backend == "local" and run.status.value == "passed"
    assert "using the local bubblewrap sandbox instead" in caplog.text
