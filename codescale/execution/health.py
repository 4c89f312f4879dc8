"""Is each sandbox backend usable here? Checks for `codescale doctor`, each running a
real program through the backend, not only looking for its parts."""

import shutil
from contextlib import closing

from docker.errors import DockerException

from codescale.execution.backends.docker import ContainerSettings, DockerSandboxConfig
from codescale.execution.backends.local import LocalSandboxConfig
from codescale.execution.docker_backend import SANDBOX_FILES, check_image, docker_client
from codescale.execution.errors import SandboxError
from codescale.execution.protocol import SandboxJob
from codescale.execution.registry import SandboxSettings
from codescale.models import Check, Status, TestCase

# A smoke test: each program must get its verdict.
SMOKE = (
    ("sum of two numbers", "print(sum(map(int, input().split())))", "2 3", "5", Status.PASSED),
    ("wrong answer", "print(42)", "2 3", "5", Status.WRONG_ANSWER),
    ("crash", "raise SystemExit(3)", "", "", Status.RUNTIME_ERROR),
    ("infinite loop", "while True: pass", "", "", Status.TIMEOUT),
    ("no network", "import socket; socket.create_connection(('192.0.2.1', 80), timeout=1)",
     "", "", Status.RUNTIME_ERROR),
)


def smoke_job(name: str, code: str, text: str, expected: str) -> SandboxJob:
    """The job that runs one smoke program (a time limit of 1 s)."""
    return SandboxJob(candidate_id=name, code=code, io="stdin", time_limit_s=1.0,
                      tests=(TestCase(input=text, expected=expected or None),))


def _runs_a_program(config: SandboxSettings) -> str | None:
    """None when the backend runs the first smoke program to `passed`, else why not."""
    try:
        with closing(config.open()) as sandbox:
            [execution] = sandbox.run(smoke_job(*SMOKE[0][:4]))
    except SandboxError as error:
        return str(error)
    if execution.status != Status.PASSED:
        return f"a correct program got {execution.status.value}: {execution.stderr[-200:]}"
    return None


def docker_checks(config: SandboxSettings) -> list[Check]:
    """The Docker engine, and the sandbox image (the configured one, else the default):
    present, built from the installed worker, and running a program to the right verdict."""
    docker = DockerSandboxConfig(**{**config.shared(), "pool_size": 1, **(
        {"image": config.image} if isinstance(config, ContainerSettings) else {})})
    fix = (f"run: bash {SANDBOX_FILES / 'setup.sh'} (installs and starts the engine, "
           "builds the image)")
    try:
        client = docker_client()
        version = client.version().get("Version", "?")
    except (SandboxError, DockerException) as error:
        return [Check(name="docker engine", ok=False, detail=str(error), fix=fix, required=False),
                Check(name="sandbox image", ok=False, detail="not checked: no engine",
                      fix=fix, required=False)]
    engine = Check(name="docker engine", ok=True, required=False,
                   detail=f"version {version}")
    try:
        check_image(client, docker.image)
    except SandboxError as error:
        return [engine, Check(name="sandbox image", ok=False, detail=str(error),
                              fix="run: codescale sandbox build", required=False)]
    failure = _runs_a_program(docker)
    return [engine, Check(name="sandbox image", ok=failure is None, required=False,
                          detail=failure or f"{docker.image} holds the installed worker and "
                                            "runs a program",
                          fix="run: codescale sandbox build")]


def bubblewrap_check(config: SandboxSettings) -> Check:
    """The local sandbox: bubblewrap installed and running a program to the right verdict."""
    if shutil.which("bwrap") is None:
        return Check(name="bubblewrap", ok=False, detail="bwrap not installed", required=False,
                     fix="run: apt-get install bubblewrap")
    failure = _runs_a_program(LocalSandboxConfig(**{**config.shared(), "pool_size": 1}))
    return Check(name="bubblewrap", ok=failure is None, required=False,
                 detail=failure or "the local sandbox runs a program",
                 fix="allow unprivileged user namespaces "
                     "(sysctl kernel.unprivileged_userns_clone=1)")


def sandbox_checks(config: SandboxSettings) -> list[Check]:
    """Every backend's check, then the one the default path needs: some backend works."""
    found = [*docker_checks(config), bubblewrap_check(config)]
    usable = {check.name for check in found if check.ok}
    if "sandbox image" in usable:
        chosen = "Docker (auto picks it)"
    elif "bubblewrap" in usable:
        chosen = ("bubblewrap only: no container memory cap or CPU share (auto falls back to "
                  "it, with a warning)")
    else:
        chosen = "none: candidate programs cannot run"
    return [*found, Check(name="sandbox", ok=bool(usable & {"sandbox image", "bubblewrap"}),
                          detail=chosen, fix=f"run: bash {SANDBOX_FILES / 'setup.sh'}")]
