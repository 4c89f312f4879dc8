"""`codescale doctor` on this machine, for real: the sandbox runs a program, the model file
is hashed, llama.cpp decodes in a subprocess."""

import json
import os
import subprocess

import pytest

from codescale.execution.docker_backend import SANDBOX_FILES

NAMES = ["python", "docker engine", "sandbox image", "bubblewrap", "sandbox",
         "embedded model parts", "embedded model file", "llama-cpp-python", "llama.cpp decode",
         "httpx", "vllm", "GPU", "qwen2.5-coder-1.5b parts", "qwen2.5-coder-1.5b file",
         "qwen2.5-coder-0.5b-iq4nl file",
         "free disk", "cores and memory"]


def doctor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["codescale", "doctor", *args], capture_output=True, text=True,
                          timeout=600, env=env, check=False)


@pytest.mark.docker
@pytest.mark.model
def test_a_set_up_machine_is_ready() -> None:
    result = doctor("--json")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["ready"] is True
    checks = {check["name"]: check for check in report["checks"]}
    assert list(checks) == NAMES
    for name in ("python", "docker engine", "sandbox image", "sandbox", "embedded model file",
                 "llama.cpp decode", "free disk"):
        assert checks[name]["ok"], checks[name]
    assert "sha256 1d9614638d18024d" in checks["embedded model file"]["detail"]
    assert "-DGGML_NATIVE=OFF" in checks["llama.cpp decode"]["detail"]
    assert checks["vllm"]["required"] is False and checks["GPU"]["required"] is False
    assert not any(checks[f"qwen2.5-coder-1.5b {what}"]["required"] for what in ("parts", "file"))


@pytest.mark.model
def test_without_docker_the_local_sandbox_carries_the_default_path() -> None:
    env = {**os.environ, "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    result = doctor(env=env)
    lines = result.stdout.splitlines()
    assert len(lines) == len(NAMES) + 1  # one line per check, then the verdict
    [engine] = [line for line in lines if line[5:].startswith("docker engine:")]
    assert engine.startswith("warn docker engine: Docker engine unreachable")
    assert engine.endswith(f"-> run: bash {SANDBOX_FILES / 'setup.sh'} (installs and starts "
                           "the engine, builds the image)")
    [sandbox] = [line for line in lines if line[5:].startswith("sandbox:")]
    assert sandbox.startswith("ok   sandbox: bubblewrap only")
    assert result.returncode == 0, result.stdout
    assert lines[-1] == "ready"
