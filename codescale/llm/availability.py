"""What this machine can run: embedded model parts, the assembled model, engines, a GPU."""

import importlib.metadata
import importlib.util
import shutil
import subprocess

from codescale.llm.model_file import (
    EMBEDDED,
    INSTALL_HINT,
    cache_dir,
    installed_parts,
    is_verified,
)
from codescale.models import Frozen


class Check(Frozen):
    """One thing that is or is not available here, with a detail or a hint."""

    name: str
    ok: bool
    detail: str


def _package(module: str, distribution: str, hint: str) -> Check:
    if importlib.util.find_spec(module) is None:
        return Check(name=distribution, ok=False, detail=f"not installed; {hint}")
    return Check(name=distribution, ok=True,
                 detail=f"version {importlib.metadata.version(distribution)}")


def _gpu() -> Check:
    if shutil.which("nvidia-smi"):
        try:
            listing = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True,
                                     timeout=20, check=False).stdout.strip()
        except (OSError, subprocess.TimeoutExpired) as error:
            return Check(name="GPU", ok=False, detail=f"nvidia-smi failed: {error}")
        if listing:
            return Check(name="GPU", ok=True, detail=listing.replace("\n", "; "))
    return Check(name="GPU", ok=False, detail="no NVIDIA GPU visible (nvidia-smi)")


def checks() -> list[Check]:
    """Everything `codescale models` reports, in display order."""
    parts = installed_parts()
    missing = [package for package, path in parts.items() if path is None]
    target = cache_dir() / EMBEDDED.filename
    return [
        Check(name="embedded model parts", ok=not missing,
              detail=f"{len(parts) - len(missing)} of {len(parts)} installed"
              + (f"; missing {', '.join(missing)}; run: {INSTALL_HINT}" if missing else "")),
        Check(name="embedded model file", ok=is_verified(target, EMBEDDED),
              detail=str(target) if is_verified(target, EMBEDDED)
              else "not assembled; run: codescale models setup"),
        _package("llama_cpp", "llama-cpp-python", f"run: {INSTALL_HINT}"),
        _package("httpx", "httpx", "run: pip install httpx"),
        _package("vllm", "vllm", "run: pip install 'codescale[gpu]' (needs a GPU)"),
        _gpu(),
    ]
