"""The llama.cpp smoke check: a build that crashes or decodes wrong text is an error, never a
crash of the caller, and the verdict is kept per build and CPU.

A build with instructions the CPU lacks is played by a stand-in `libllama.so` whose load
executes an illegal instruction (SIGILL, as such a build does), reached through
llama-cpp-python's own `LLAMA_CPP_LIB_PATH`; the real build is checked as it is.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codescale.llm import llamacpp_check
from codescale.llm.errors import BackendUnavailable
from codescale.llm.llamacpp import LlamaCppGenerator
from codescale.llm.llamacpp_check import (
    check_library,
    library_dir,
    recorded,
    smoke_decode,
)
from codescale.llm.model_file import EMBEDDED

CRASHING_LIBRARY = "__attribute__((constructor)) static void load(void) { __builtin_trap(); }\n"


@pytest.fixture
def crashing_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A llama.cpp stand-in that dies with SIGILL when loaded, and a private cache dir."""
    if shutil.which("cc") is None:
        pytest.skip("no C compiler to build the stand-in library")
    source, directory = tmp_path / "crash.c", tmp_path / "lib"
    directory.mkdir()
    source.write_text(CRASHING_LIBRARY)
    for name in ("libllama.so", "libggml.so"):
        subprocess.run(["cc", "-shared", "-fPIC", "-o", str(directory / name), str(source)],
                       check=True)
    monkeypatch.setenv("LLAMA_CPP_LIB_PATH", str(directory))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return directory


def shared_model(source: Path, cache: Path) -> Path:
    """The verified embedded model `source`, linked into a private cache directory."""
    target = cache / "codescale" / EMBEDDED.filename
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(source)
    stamp = source.with_name(source.name + ".verified")
    shutil.copy(stamp, target.with_name(target.name + ".verified"))
    return target


def test_a_crashing_build_is_a_one_line_verdict(crashing_build: Path, tmp_path: Path) -> None:
    assert library_dir() == crashing_build
    verdict = smoke_decode(tmp_path / "any.gguf", crashing_build)
    assert not verdict.ok
    assert "crashed with SIGILL" in verdict.detail and str(crashing_build) in verdict.detail
    assert "codescale models setup --rebuild" in verdict.detail
    assert "\n" not in verdict.detail


def test_the_backend_refuses_a_crashing_build_and_the_caller_lives_on(
        crashing_build: Path, tmp_path: Path) -> None:
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    with pytest.raises(BackendUnavailable, match="crashed with SIGILL"):
        LlamaCppGenerator(model)
    stored = recorded(crashing_build)
    assert stored is not None and not stored.ok  # asked once: the verdict is kept


def test_the_verdict_is_kept_per_build(crashing_build: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    calls = tmp_path / "calls"
    script = (f"import json, sys; open({str(calls)!r}, 'a').write('x'); "
              "print(json.dumps(['return a + b', 'return a + b']))")
    monkeypatch.setattr(llamacpp_check, "DECODER", [sys.executable, "-c", script])
    model = tmp_path / EMBEDDED.filename
    assert check_library(model).ok
    assert check_library(model).ok
    assert calls.read_text() == "x"  # the second answer came from the stored verdict
    (crashing_build / "libggml.so").write_bytes(b"rebuilt")  # another build: asked again
    assert check_library(model).ok
    assert calls.read_text() == "xx"


@pytest.mark.parametrize("printed", [json.dumps(["def add(a, b): return a - b"] * 2),
                                     json.dumps(["return a + b", "return b + a"]),
                                     "not json"])
def test_wrong_text_is_caught(crashing_build: Path, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch, printed: str) -> None:
    output = tmp_path / "decoded"
    output.write_text(printed)
    monkeypatch.setattr(llamacpp_check, "DECODER",
                        [sys.executable, "-c", f"print(open({str(output)!r}).read())"])
    verdict = smoke_decode(tmp_path / EMBEDDED.filename, crashing_build)
    assert not verdict.ok
    assert "decodes wrong text" in verdict.detail and "\n" not in verdict.detail


@pytest.mark.model
def test_setup_and_doctor_catch_the_crashing_build(embedded_gguf: Path, crashing_build: Path,
                                                   tmp_path: Path) -> None:
    shared_model(embedded_gguf, tmp_path / "cache")
    env = dict(os.environ)
    setup = subprocess.run(["codescale", "models", "setup"], capture_output=True, text=True,
                           env=env, timeout=600, check=False)
    assert setup.returncode == 1
    errors = [line for line in setup.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "crashed with SIGILL" in errors[0]
    doctor = subprocess.run(["codescale", "doctor", "--json"], capture_output=True, text=True,
                            env=env, timeout=600, check=False)
    assert doctor.returncode == 1
    report = json.loads(doctor.stdout)
    [decode] = [check for check in report["checks"] if check["name"] == "llama.cpp decode"]
    assert not decode["ok"] and decode["required"]
    assert "crashed with SIGILL" in decode["detail"]
    assert decode["fix"] == "run: codescale models setup --rebuild"
    assert report["ready"] is False


@pytest.mark.model
def test_the_installed_build_decodes_the_expected_text(embedded_gguf: Path) -> None:
    directory = library_dir()
    assert directory is not None
    verdict = smoke_decode(embedded_gguf, directory)
    assert verdict.ok, verdict.detail
    assert "decode writing 'a + b'" in verdict.detail
