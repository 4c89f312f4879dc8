"""What this machine can run: embedded model parts, the assembled model, llama.cpp, a GPU."""

import hashlib
import importlib.metadata
import importlib.util
import shutil
import subprocess

from codescale.llm.llamacpp_check import check_library, library_dir, recorded
from codescale.llm.model_file import (
    EMBEDDED,
    INSTALL_HINT,
    cache_dir,
    installed_parts,
    is_verified,
)
from codescale.models import Check

SETUP = "run: codescale models setup"


def _package(module: str, distribution: str, fix: str, *, required: bool) -> Check:
    if importlib.util.find_spec(module) is None:
        return Check(name=distribution, ok=False, detail="not installed", fix=fix,
                     required=required)
    return Check(name=distribution, ok=True, required=required,
                 detail=f"version {importlib.metadata.version(distribution)}")


def _gpu() -> Check:
    detail = "no NVIDIA GPU visible (nvidia-smi)"
    if shutil.which("nvidia-smi"):
        try:
            listing = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True,
                                     timeout=20, check=False).stdout.strip()
        except (OSError, subprocess.TimeoutExpired) as error:
            listing, detail = "", f"nvidia-smi failed: {error}"
        if listing:
            return Check(name="GPU", ok=True, detail=listing.replace("\n", "; "), required=False)
    return Check(name="GPU", ok=False, detail=detail, required=False,
                 fix="only the vllm backend needs one")


def model_parts() -> Check:
    """Are the six PyPI packages that carry the embedded model installed?"""
    parts = installed_parts()
    missing = [package for package, path in parts.items() if path is None]
    return Check(name="embedded model parts", ok=not missing,
                 detail=f"{len(parts) - len(missing)} of {len(parts)} installed"
                 + (f"; missing {', '.join(missing)}" if missing else ""),
                 fix=f"run: {INSTALL_HINT}")


def model_file(*, rehash: bool) -> Check:
    """Is the assembled model there with the right size and SHA-256? With `rehash` the whole
    file is hashed again; otherwise its verification stamp is trusted."""
    target = cache_dir() / EMBEDDED.filename
    if not target.is_file():
        return Check(name="embedded model file", ok=False, detail=f"{target} not assembled",
                     fix=SETUP)
    if not rehash:
        ok = is_verified(target, EMBEDDED)
        return Check(name="embedded model file", ok=ok, fix=SETUP,
                     detail=str(target) if ok else f"{target} changed since it was verified")
    digest = hashlib.sha256()
    with target.open("rb") as source:
        while chunk := source.read(1 << 22):
            digest.update(chunk)
    size = target.stat().st_size
    ok = size == EMBEDDED.size and digest.hexdigest() == EMBEDDED.sha256
    found = f"{size:,} bytes, sha256 {digest.hexdigest()[:16]}..."
    return Check(name="embedded model file", ok=ok, fix=f"delete it and {SETUP}",
                 detail=f"{target}: {found}" + ("" if ok else
                                                f"; expected {EMBEDDED.size:,} bytes, sha256 "
                                                f"{EMBEDDED.sha256[:16]}..."))


def llama_build(*, fresh: bool) -> Check:
    """Does the installed llama.cpp decode correctly on this CPU? With `fresh` a smoke decode
    runs now in a subprocess; otherwise the stored verdict is reported."""
    target = cache_dir() / EMBEDDED.filename
    directory = library_dir()
    if directory is None:
        return Check(name="llama.cpp decode", ok=False, detail="llama-cpp-python not installed",
                     fix=SETUP)
    verdict = check_library(target, fresh=True) if fresh and target.is_file() \
        else recorded(directory)
    if verdict is None:
        return Check(name="llama.cpp decode", ok=False, fix=SETUP,
                     detail="not checked on this CPU yet (checked at first use)")
    flags = f" (built with {verdict.cmake_args})" if verdict.cmake_args else \
        " (built outside codescale: flags unknown)"
    return Check(name="llama.cpp decode", ok=verdict.ok, detail=verdict.detail + flags,
                 fix="" if verdict.ok else SETUP + " --rebuild")


def checks(*, thorough: bool = False) -> list[Check]:
    """The generator checks, in display order; `thorough` rehashes the model file and runs
    a fresh smoke decode (seconds) instead of trusting stored verdicts."""
    return [
        model_parts(),
        model_file(rehash=thorough),
        _package("llama_cpp", "llama-cpp-python", SETUP, required=True),
        llama_build(fresh=thorough),
        _package("httpx", "httpx", "run: pip install httpx", required=True),
        _package("vllm", "vllm", "run: pip install 'codescale[gpu]' (needs a GPU)",
                 required=False),
        _gpu(),
    ]
