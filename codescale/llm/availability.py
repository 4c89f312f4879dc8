"""What this machine can run: embedded model parts, the assembled model, llama.cpp, a GPU.

The default embedded model is required; the other embedded models are reported as optional."""

import hashlib
import importlib.metadata
import importlib.util
import shutil
import subprocess

from codescale.llm.llamacpp_check import check_library, library_dir, recorded
from codescale.llm.model_file import (
    EMBEDDED,
    EMBEDDED_MODELS,
    EmbeddedSpec,
    ModelSpec,
    installed_parts,
    is_verified,
    model_path,
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


def _label(spec: EmbeddedSpec) -> str:
    return "embedded model" if spec is EMBEDDED else spec.name


def _setup(spec: EmbeddedSpec) -> str:
    return SETUP if spec is EMBEDDED else f"run: {spec.install}"


def model_parts(spec: EmbeddedSpec = EMBEDDED) -> Check:
    """Are the PyPI packages that carry the model installed? (Only the default is required;
    the missing ones are named unless none is installed.)"""
    parts = installed_parts(spec)
    missing = [package for package, path in parts.items() if path is None]
    partial = missing and len(missing) < len(parts)
    return Check(name=f"{_label(spec)} parts", ok=not missing, required=spec is EMBEDDED,
                 detail=f"{len(parts) - len(missing)} of {len(parts)} installed"
                 + (f"; missing {', '.join(missing)}" if partial else ""),
                 fix=f"run: {spec.install}")


def model_file(spec: EmbeddedSpec = EMBEDDED, *, rehash: bool) -> Check:
    """Is the model file there and unchanged since it was checked? With `rehash` a shipped
    model is hashed again against its pinned size and SHA-256 (a requantized one has no pinned
    hash: it passed a test decode when it was made). (Only the default is required.)"""
    target, name, required = model_path(spec), f"{_label(spec)} file", spec is EMBEDDED
    if not target.is_file():
        return Check(name=name, ok=False, detail=f"{target} not assembled", fix=_setup(spec),
                     required=required)
    if not rehash or not isinstance(spec, ModelSpec):
        ok = is_verified(target, spec)
        return Check(name=name, ok=ok, fix=_setup(spec), required=required,
                     detail=str(target) if ok else f"{target} changed since it was verified")
    digest = hashlib.sha256()
    with target.open("rb") as source:
        while chunk := source.read(1 << 22):
            digest.update(chunk)
    size = target.stat().st_size
    ok = size == spec.size and digest.hexdigest() == spec.sha256
    found = f"{size:,} bytes, sha256 {digest.hexdigest()[:16]}..."
    return Check(name=name, ok=ok, fix=f"delete it and {_setup(spec)}", required=required,
                 detail=f"{target}: {found}" + ("" if ok else
                                                f"; expected {spec.size:,} bytes, sha256 "
                                                f"{spec.sha256[:16]}..."))


def llama_build(*, fresh: bool) -> Check:
    """Does the installed llama.cpp decode correctly on this CPU? With `fresh` a smoke decode
    runs now in a subprocess; otherwise the stored verdict is reported."""
    target = model_path()
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
    optional = [check for spec in EMBEDDED_MODELS.values() if spec is not EMBEDDED
                for check in ((model_parts(spec),) if isinstance(spec, ModelSpec) else ())
                + (model_file(spec, rehash=thorough),)]
    return [
        model_parts(),
        model_file(rehash=thorough),
        _package("llama_cpp", "llama-cpp-python", SETUP, required=True),
        llama_build(fresh=thorough),
        _package("httpx", "httpx", "run: pip install httpx", required=True),
        _package("vllm", "vllm", "run: pip install 'codescale[gpu]' (needs a GPU)",
                 required=False),
        _gpu(),
        *optional,
    ]
